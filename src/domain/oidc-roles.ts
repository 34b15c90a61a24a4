// Which role an OpenID Connect sign-in may give: staff roles come only from the configured mapping of
// a claim, and only to a verified address in an allowed domain; everyone else is a member.
import type { UserRole } from './feature-requests.js';

/** The roles a provider's claim can grant. Members sign up as couples; suppliers give business details themselves. */
export const STAFF_ROLES = ['product_team'] as const satisfies readonly UserRole[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaffRole = (role: UserRole): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

/** `value=role,value=role` → mapping; undefined when malformed or a role is not a staff role. */
export function parseRoleMap(text: string): Record<string, StaffRole> | undefined {
  const pairs: [string, StaffRole][] = [];
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const value = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !value || !(STAFF_ROLES as readonly string[]).includes(role)) return undefined;
    pairs.push([value, role as StaffRole]);
  }
  // fromEntries: a value such as `__proto__` becomes a key like any other.
  return Object.fromEntries(pairs);
}

export interface RolePolicy {
  roleClaim: string | undefined;
  roleMap: Record<string, StaffRole>;
  staffEmailDomains: readonly string[];
}

/** What the provider said about the person, as far as roles are concerned. */
export interface IdentityClaims {
  email: string | undefined;
  emailVerified: boolean;
  /** The role claim's value: a string, a list of strings, or anything else (ignored). */
  roleClaimValue: unknown;
}

export type StaffDecision = { staffRole: StaffRole | null } | { refused: 'staff_email_unverified' | 'staff_domain_not_allowed' };

/**
 * The staff role the claims map to, if any. A mapped staff role for an address that is unverified or
 * outside the allowed domains refuses the sign-in: quietly making a would-be staff member a couple
 * hides the misconfiguration, and a domain check on an unverified address proves nothing.
 */
export function staffRoleFor(claims: IdentityClaims, policy: RolePolicy): StaffDecision {
  if (!policy.roleClaim) return { staffRole: null };
  const raw = claims.roleClaimValue;
  const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
  // Own keys only: a claim value like `constructor` must not find something on the prototype.
  const mapped = values.filter((v) => Object.hasOwn(policy.roleMap, v)).map((v) => policy.roleMap[v])[0];
  if (!mapped) return { staffRole: null };
  if (!claims.email || !claims.emailVerified) return { refused: 'staff_email_unverified' };
  const domain = claims.email.slice(claims.email.lastIndexOf('@') + 1).toLowerCase();
  if (!policy.staffEmailDomains.includes(domain)) return { refused: 'staff_domain_not_allowed' };
  return { staffRole: mapped };
}
