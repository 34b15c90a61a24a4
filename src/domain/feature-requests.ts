// The vocabulary of feature requests: the brief's enums, the workflow and the board's orderings.
// Pure: no I/O, so routes, services, the seed and the tests share one definition.

export const USER_ROLES = ['couple', 'wedding_supplier', 'product_team', 'ai_system'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles that may sign themselves up; staff and service accounts are created by operators. */
export const SELF_SERVICE_ROLES = ['couple', 'wedding_supplier'] as const satisfies readonly UserRole[];

export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'shipped', 'declined', 'merged'] as const;
export type Status = (typeof STATUSES)[number];

export const DEFAULT_CATEGORIES = [
  'guest_management',
  'rsvp',
  'seating',
  'budget_payments',
  'vendor_management',
  'timeline_planning',
  'communication',
  'website_invitations',
  'mobile_app',
  'integrations',
  'reporting_analytics',
  'accessibility_localization',
  'contracts_documents',
  'photos_media',
] as const;
export type Category = string;

export const SUPPLIER_TYPES = [
  'venue',
  'planner',
  'photographer',
  'videographer',
  'caterer',
  'florist',
  'music_entertainment',
  'hair_makeup',
  'attire',
  'stationery',
  'transport',
  'officiant',
  'other',
] as const;
export type SupplierType = (typeof SUPPLIER_TYPES)[number];

export const BUSINESS_SIZES = ['solo', 'small', 'medium', 'large'] as const;
export type BusinessSize = (typeof BUSINESS_SIZES)[number];

export const BOARD_SORTS = ['top', 'new', 'trending', 'rice'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];

/**
 * Where the product team may move a request. `merged` is reached only through a merge (it carries
 * votes over), never by a plain status change; `shipped` and `declined` may be reopened because
 * real roadmaps get reversed.
 */
const TRANSITIONS: Record<Status, readonly Status[]> = {
  open: ['under_review', 'planned', 'in_progress', 'declined'],
  under_review: ['open', 'planned', 'in_progress', 'declined'],
  planned: ['under_review', 'in_progress', 'shipped', 'declined'],
  in_progress: ['planned', 'shipped', 'declined'],
  shipped: ['in_progress'],
  declined: ['open', 'under_review'],
  merged: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: Status): readonly Status[] {
  return TRANSITIONS[from];
}

/** The statuses the public roadmap shows, in the order a reader scans them. */
export const ROADMAP_STATUSES = ['under_review', 'planned', 'in_progress', 'shipped'] as const satisfies readonly Status[];
