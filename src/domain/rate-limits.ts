// Rate limits as data: requests per minute for each role and each class of route. Reads are cheap
// and what people mostly do; searches cost a full-text query; writes and votes change the board;
// auth guards argon2 hashing (the login throttle adds its per-account back-off on top); ai runs the
// local model (~0.4 s of CPU per duplicate check), far dearer than a write; account_email sends mail
// to an address someone typed (password reset, verification resend, email change), so one address
// cannot flood a mailbox or probe many accounts. Roles that
// do not exist yet (admin) are listed so that adding the role is not a security change too.
// Override any cell with RATE_LIMITS, e.g. {"anonymous":{"search":30}}.
import { Type, type Static } from '@sinclair/typebox';

export const ROUTE_CLASSES = ['reads', 'writes', 'votes', 'auth', 'search', 'ai', 'account_email'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

export const LIMITED_ROLES = ['anonymous', 'couple', 'wedding_supplier', 'product_team', 'admin', 'ai_system'] as const;
export type LimitedRole = (typeof LIMITED_ROLES)[number];

export type RateLimits = Record<LimitedRole, Record<RouteClass, number>>;

export const RATE_LIMIT_WINDOW_MS = 60_000;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // One address can be a whole venue's Wi-Fi or a mobile carrier's NAT: reads stay generous.
  // Model calls: a person typing a request gets a duplicate check every couple of seconds; the
  // anonymous may not call the model at all (the routes need an account).
  anonymous: { reads: 600, search: 60, writes: 30, votes: 30, auth: 60, ai: 0, account_email: 5 },
  couple: { reads: 1200, search: 120, writes: 60, votes: 60, auth: 60, ai: 30, account_email: 5 },
  wedding_supplier: { reads: 2400, search: 240, writes: 120, votes: 60, auth: 60, ai: 30, account_email: 5 },
  product_team: { reads: 6000, search: 600, writes: 600, votes: 120, auth: 60, ai: 60, account_email: 5 },
  admin: { reads: 6000, search: 600, writes: 600, votes: 120, auth: 60, ai: 60, account_email: 5 },
  // The AI pipeline reads content in bulk and writes insights; it never votes or signs in by password.
  ai_system: { reads: 12000, search: 1200, writes: 1200, votes: 0, auth: 60, ai: 600, account_email: 0 },
};

const Cell = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const RoleOverride = Type.Partial(Type.Object(Object.fromEntries(ROUTE_CLASSES.map((c) => [c, Cell])) as Record<RouteClass, typeof Cell>), {
  additionalProperties: false,
});
export const RateLimitsOverride = Type.Partial(
  Type.Object(Object.fromEntries(LIMITED_ROLES.map((r) => [r, RoleOverride])) as Record<LimitedRole, typeof RoleOverride>),
  { additionalProperties: false },
);
export type RateLimitsOverride = Static<typeof RateLimitsOverride>;

export function withOverrides(base: RateLimits, override: RateLimitsOverride = {}): RateLimits {
  return Object.fromEntries(LIMITED_ROLES.map((role) => [role, { ...base[role], ...override[role] }])) as RateLimits;
}

export function limitedRole(role: string | undefined): LimitedRole {
  return role && (LIMITED_ROLES as readonly string[]).includes(role) ? (role as LimitedRole) : 'anonymous';
}

const AUTH_ROUTES: ReadonlySet<string> = new Set(['/api/auth/login', '/api/auth/signup']);
const ACCOUNT_EMAIL_ROUTES: ReadonlySet<string> = new Set(['/api/auth/password-reset', '/api/auth/verification', '/api/auth/email']);
/** What runs the model on the caller's request is a POST under this prefix (reading stored insights is a read). */
const AI_ROUTE_PREFIX = '/api/ai/';

/**
 * The class of a route from its method and pattern: a new route is classified without anyone
 * remembering to. `searching` is true when a read carries full-text search input.
 */
export function routeClassOf(method: string, routePattern: string, searching: boolean): RouteClass {
  if (AUTH_ROUTES.has(routePattern)) return 'auth';
  if (ACCOUNT_EMAIL_ROUTES.has(routePattern) && method === 'POST') return 'account_email';
  if (routePattern.endsWith('/vote')) return 'votes';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return searching ? 'search' : 'reads';
  if (routePattern.startsWith(AI_ROUTE_PREFIX)) return 'ai';
  return 'writes';
}
