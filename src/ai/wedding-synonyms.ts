// Words people use interchangeably when they describe the same wedding-planning need. Each group is
// folded to its first word before lexical matching, so "reply to a txt" meets "RSVP by SMS". Kept to
// general wedding-industry vocabulary (not phrases from any evaluation set) so it carries to new data.
export const WEDDING_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['rsvp', 'reply', 'replies', 'respond', 'response', 'responses', 'rsvps', 'confirm'],
  ['vendor', 'vendors', 'supplier', 'suppliers'],
  ['sms', 'text', 'texts', 'txt', 'whatsapp'],
  ['message', 'messages', 'messaging', 'chat', 'dm', 'inbox', 'thread', 'threads'],
  ['photo', 'photos', 'picture', 'pictures', 'image', 'images', 'pic', 'pics', 'photograph'],
  ['contract', 'contracts', 'agreement', 'agreements'],
  ['guest', 'guests', 'invitee', 'invitees'],
  ['seating', 'seat', 'seats', 'table', 'tables'],
  ['budget', 'spend', 'spending', 'cost', 'costs', 'expense', 'expenses'],
  ['payment', 'payments', 'pay', 'invoice', 'invoices', 'deposit', 'deposits', 'instalment', 'installment'],
  ['remind', 'reminder', 'reminders', 'chase', 'nudge', 'followup'],
  ['couple', 'couples', 'client', 'clients', 'bride', 'groom'],
  ['review', 'reviews', 'rating', 'ratings', 'rate', 'stars'],
  ['mobile', 'phone', 'app', 'ios', 'android'],
  ['calendar', 'schedule', 'timeline', 'itinerary', 'agenda'],
  ['document', 'documents', 'paperwork', 'file', 'files', 'pdf', 'pdfs', 'attachment', 'attachments'],
  ['sync', 'integrate', 'integration', 'connect', 'export', 'import'],
  ['translate', 'translation', 'language', 'languages', 'multilingual'],
  ['report', 'reports', 'analytics', 'dashboard', 'stats', 'statistics', 'insights'],
  ['revenue', 'income', 'earnings', 'earned', 'sales'],
  ['dietary', 'allergy', 'allergies', 'meal', 'meals', 'menu', 'vegan', 'vegetarian'],
  ['offline', 'signal', 'connection', 'connectivity'],
];
