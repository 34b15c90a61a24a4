// Role-based access control, exactly the brief's setupAccessControls: permissions and restrictions
// per role. Pure functions of the acting user, so every route and the role × route matrix test
// read the same table.
import type { UserRole } from './feature-requests.js';

export const ROLE_POLICIES = {
  couple: {
    permissions: ['feature_requests:create', 'feature_requests:read:own', 'feature_requests:vote', 'comments:create'],
    restrictions: ['no_bulk_operations', 'rate_limit_submissions:10_per_day', 'wedding_context_required'],
  },
  wedding_supplier: {
    permissions: [
      'feature_requests:create',
      'feature_requests:read:all',
      'feature_requests:vote:weighted',
      'comments:create:expert_advice',
      'analytics:read:category_trends',
    ],
    restrictions: ['verified_supplier_required', 'business_context_required'],
  },
  product_team: {
    permissions: ['feature_requests:*', 'roadmap:*', 'analytics:*', 'ai_insights:read', 'user_feedback:read'],
    restrictions: ['audit_all_actions', 'require_justification:status_changes'],
  },
  ai_system: {
    permissions: ['feature_requests:read:content_only', 'embeddings:write', 'similarity:calculate', 'insights:generate'],
    restrictions: ['no_user_identification', 'content_anonymization_required', 'audit_ai_decisions'],
  },
} as const satisfies Record<UserRole, { permissions: readonly string[]; restrictions: readonly string[] }>;

export type Restriction = (typeof ROLE_POLICIES)[UserRole]['restrictions'][number];

/** The part of a user that access decisions depend on. */
export interface Actor {
  id: string;
  role: UserRole;
  verified: boolean;
  /**
   * False: the member has not confirmed their email address and the deployment requires it — they
   * may browse (read permissions) but not post, vote or comment. Absent: nothing to confirm.
   */
  emailVerified?: boolean;
}

export function hasRestriction(role: UserRole, restriction: Restriction): boolean {
  return (ROLE_POLICIES[role].restrictions as readonly string[]).includes(restriction);
}

/**
 * An unverified supplier holds no permissions yet ('verified_supplier_required'); a member whose
 * email is unconfirmed keeps only what reads.
 */
export function grantedPermissions(actor: Actor): readonly string[] {
  if (hasRestriction(actor.role, 'verified_supplier_required') && !actor.verified) return [];
  const permissions = ROLE_POLICIES[actor.role].permissions;
  return actor.emailVerified === false ? permissions.filter((p) => p.split(':')[1] === 'read') : permissions;
}

/** Whether confirming their email address would give this actor the permission (the 403 says so). */
export function awaitsEmailVerification(actor: Actor, permission: string): boolean {
  return actor.emailVerified === false && can({ ...actor, emailVerified: true }, permission);
}

/**
 * A granted permission covers a required one when it is the same, a narrower qualification of it
 * (`feature_requests:vote:weighted` covers `feature_requests:vote`), or a wildcard over it
 * (`feature_requests:*` covers every `feature_requests:…`).
 */
export function permissionCovers(granted: string, required: string): boolean {
  if (granted === required) return true;
  if (granted.endsWith(':*')) return required.startsWith(granted.slice(0, -1));
  return granted.startsWith(`${required}:`);
}

export function can(actor: Actor, permission: string): boolean {
  return grantedPermissions(actor).some((g) => permissionCovers(g, permission));
}

/**
 * How much of a request's full record (description, pain points, wedding context) an actor may
 * read. Everyone who may see the board sees each request's public projection regardless.
 */
export type ReadScope = 'all' | 'own' | 'content_only' | 'none';

export function readScope(actor: Actor | null): ReadScope {
  if (!actor) return 'none';
  if (can(actor, 'feature_requests:read:all')) return 'all';
  if (can(actor, 'feature_requests:read:own')) return 'own';
  if (can(actor, 'feature_requests:read:content_only')) return 'content_only';
  return 'none';
}

export function mayReadFullRecord(actor: Actor | null, authorId: string | null): boolean {
  const scope = readScope(actor);
  return scope === 'all' || scope === 'content_only' || (scope === 'own' && actor !== null && actor.id === authorId);
}

/**
 * How much of a request's wedding context a reader of its full record sees. The brief classifies the
 * wedding context as restricted, a notch above the request's confidential content: `read:all` (the
 * suppliers) covers the content, not the venue address, the couple's names, the exact date or the
 * exact guest count. Those stay with the couple who wrote them and the product team
 * (`feature_requests:*` covers `feature_requests:read:wedding_context`); everyone else — suppliers
 * and the AI account — gets the coarse context: month, guest band, country.
 */
export type WeddingContextDetail = 'exact' | 'coarse';

export function weddingContextDetail(actor: Actor, authorId: string | null): WeddingContextDetail {
  return actor.id === authorId || can(actor, 'feature_requests:read:wedding_context') ? 'exact' : 'coarse';
}

/**
 * What a caller's search may match: the words of the full record (description, pain points) only
 * where they may read it — otherwise a search would let them test guesses against it — and the
 * title everywhere.
 */
export type SearchScope = 'content' | 'title' | 'title_or_own_content' | 'title_or_ai_consented_content';

export function searchScope(actor: Actor | null): SearchScope {
  const scope = readScope(actor);
  if (scope === 'all') return 'content';
  // The AI account reads the content only of members whose ai_analysis consent stands (and who have
  // not restricted processing): its search must not test words against anyone else's.
  if (scope === 'content_only') return 'title_or_ai_consented_content';
  return scope === 'own' ? 'title_or_own_content' : 'title';
}

/** Authors may rectify their own request while it is still open; the product team may edit any. */
export function mayEditRequest(actor: Actor, request: { authorId: string | null; status: string }): boolean {
  if (can(actor, 'feature_requests:update')) return true;
  return can(actor, 'feature_requests:create') && actor.id === request.authorId && request.status === 'open';
}

export const COUPLE_DAILY_SUBMISSION_LIMIT = 10;

/**
 * What the WedSync team checked when it verified a supplier. A verified supplier who changes one of
 * them ("Claridge Hotel London (official)") is no longer the business that was checked: the account
 * goes back to unverified — no badge, no weighted vote — until verified again. Returns the fields
 * that changed, none when the account keeps its verification.
 */
export const VERIFIED_BUSINESS_FIELDS = ['businessName', 'supplierType'] as const;
type VerifiedBusiness = { [K in (typeof VERIFIED_BUSINESS_FIELDS)[number]]?: string | null };

export function verificationLapsesOn(account: { role: UserRole; verified: boolean } & VerifiedBusiness, change: VerifiedBusiness): string[] {
  if (account.role !== 'wedding_supplier' || !account.verified) return [];
  return VERIFIED_BUSINESS_FIELDS.filter((field) => change[field] !== undefined && change[field] !== account[field]);
}

/**
 * Vote weights: suppliers' votes weigh more ('feature_requests:vote:weighted') because one venue or
 * planner speaks for the many couples it serves; larger businesses serve more weddings. Only an
 * explicit grant weighs more: the product team's wildcard is internal, not extra customer demand.
 */
const SUPPLIER_WEIGHT_BY_SIZE: Record<string, number> = { solo: 2, small: 2, medium: 2.5, large: 3 };

export function voteWeight(actor: Actor & { businessSize?: string | null }): number {
  if (grantedPermissions(actor).includes('feature_requests:vote:weighted')) return SUPPLIER_WEIGHT_BY_SIZE[actor.businessSize ?? 'small'] ?? 2;
  return 1;
}

/** The product team moderates discussions: it may hide a comment (with a reason) and still read it. */
export function mayModerateComments(actor: Actor | null): boolean {
  return actor !== null && can(actor, 'feature_requests:update');
}

/**
 * Until when `actor` may still edit or delete `comment`: its own author, for `windowMinutes` after
 * posting, while it is neither deleted nor hidden. Null: not (or no longer) theirs to change.
 */
export function commentEditableUntil(
  actor: Actor | null,
  comment: { authorId: string | null; createdAt: Date; deletedAt: Date | null; hiddenAt: Date | null },
  windowMinutes: number,
  now: Date,
): Date | null {
  if (!actor || comment.authorId !== actor.id || comment.deletedAt || comment.hiddenAt) return null;
  const until = new Date(comment.createdAt.getTime() + windowMinutes * 60_000);
  return until > now ? until : null;
}
