// Request bodies that pass validation, so a test changes only what it is about.
let sequence = 0;

export function weddingRequest(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    title: `Let guests choose their meal when they RSVP (${sequence})`,
    description: 'Our caterer needs each guest’s meal choice; collecting it with the RSVP saves weeks of chasing.',
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['chasing meal choices by phone'],
    weddingContext: { weddingDate: '2027-06-12', guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
    ...overrides,
  };
}

export function coupleSignup(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    email: `couple-${sequence}-${Date.now()}@example.test`,
    password: 'correct horse battery staple',
    displayName: `Test couple ${sequence}`,
    role: 'couple',
    country: 'GB',
    timeZone: 'Europe/London',
    ...overrides,
  };
}
