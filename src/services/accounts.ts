// Accounts, sign-in and credentials: argon2id passwords, server-side sessions for the UI and
// hashed, revocable API tokens for programs. Secrets are only ever stored as SHA-256 hashes.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { timestamptz, type Database } from '../db/client.js';
import { apiTokens, sessions, users } from '../db/schema.js';
import { COUPLE_DAILY_SUBMISSION_LIMIT, grantedPermissions, hasRestriction, ROLE_POLICIES } from '../domain/access-control.js';
import type { ConsentPurpose } from '../domain/consent.js';
import { isStaffRole } from '../domain/oidc-roles.js';
import type { BusinessSize, SupplierType, UserRole } from '../domain/feature-requests.js';
import { isValidTimeZone, regionForCountry, seasonStatus } from '../domain/seasons.js';
import { secretsEqual } from '../security/constant-time.js';
import { emailIndexOf, normaliseEmail, openUserPii, sealNewUser } from '../security/records.js';
import { claimImportedVotes } from './request-transfer.js';
import { recordAudit } from './audit.js';
import { recordSignUpConsents } from './consent.js';
import type { Call, Principal, Services } from './context.js';
import { CREDENTIAL_CACHE_MS, type CachedCredential } from './credential-cache.js';
import { badRequest, conflict, forbidden, notFound, ServiceError } from './errors.js';
import { submissionsInLastDay } from './feature-requests.js';
import { beginLoginAttempt } from './login-throttle.js';

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Verified against when an email is unknown, so a failed login takes as long either way. */
const DECOY_HASH = await hash('decoy-password-for-unknown-accounts', ARGON2);

export const hashPassword = (password: string) => hash(password, ARGON2);

export { normaliseEmail } from '../security/records.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const newSecret = () => randomBytes(32).toString('base64url');

/**
 * The CSRF token is derived from the session secret, which only the httpOnly cookie carries: a page
 * on another origin can make the browser send the cookie but can never read or compute the token.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('csrf').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  return secretsEqual(presented, csrfTokenFor(sessionToken));
}

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  role: 'couple' | 'wedding_supplier';
  country?: string;
  timeZone: string;
  phone?: string;
  supplierType?: SupplierType;
  businessName?: string;
  businessSize?: BusinessSize;
  businessAddress?: string;
  /** The consent boxes of the sign-up form: a purpose not ticked (or left out) is declined. */
  consents?: Partial<Record<ConsentPurpose, boolean>>;
}

type UserRow = typeof users.$inferSelect;

/** The account as its owner sees it (PII opened; an erased account's email reads as empty). */
export async function accountView(s: Services, user: UserRow) {
  const pii = await openUserPii(s.keyring, user);
  return {
    id: user.id,
    email: pii?.email ?? '',
    displayName: user.displayName,
    role: user.role,
    verified: user.verified,
    supplierType: user.supplierType,
    businessName: user.businessName,
    businessSize: user.businessSize,
    country: user.country,
    region: user.region,
    timeZone: user.timeZone,
    createdAt: user.createdAt,
  };
}
export type AccountView = Awaited<ReturnType<typeof accountView>>;

export interface NewUser extends Omit<SignUpInput, 'role'> {
  role: UserRole;
  verified?: boolean;
}

/** Creates an account of any role: self-service sign-up and the operators' CLI both come here. */
export async function createUser(s: Services, input: NewUser, requestId?: string): Promise<UserRow> {
  if (hasRestriction(input.role, 'business_context_required') && !(input.supplierType && input.businessName && input.businessSize)) {
    throw badRequest('business_context_required', 'Wedding suppliers must give their supplier type, business name and business size', {
      missing: ['supplierType', 'businessName', 'businessSize'].filter((k) => !input[k as keyof NewUser]),
    });
  }
  if (!isValidTimeZone(input.timeZone)) throw badRequest('invalid_time_zone', `Unknown time zone ${JSON.stringify(input.timeZone)}`, { field: 'timeZone' });
  const passwordHash = await hashPassword(input.password);
  return s.db.transaction((tx) => insertUser(s, tx, input, passwordHash, requestId));
}

/** createUser's insert, inside a caller's transaction (single sign-on links the identity in the same one). */
export async function insertUser(s: Services, tx: Database, input: Omit<NewUser, 'password'>, passwordHash: string, requestId?: string): Promise<UserRow> {
  const sealed = await sealNewUser(s.keyring, tx, randomUUID(), {
    email: input.email,
    phone: input.phone ?? null,
    businessAddress: input.businessAddress ?? null,
  });
  const [user] = await tx
    .insert(users)
    .values({
      ...sealed,
      passwordHash,
      displayName: input.displayName,
      role: input.role,
      verified: input.verified ?? false,
      supplierType: input.supplierType ?? null,
      businessName: input.businessName ?? null,
      businessSize: input.businessSize ?? null,
      country: input.country?.toUpperCase() ?? null,
      region: regionForCountry(input.country),
      timeZone: input.timeZone,
    })
    .onConflictDoNothing({ target: users.emailIndex })
    .returning();
  if (!user) throw conflict('email_taken', 'An account with this email already exists');
  await claimImportedVotes(s, tx, user.id, input.email);
  const source = { actor: { id: user.id, role: user.role }, requestId };
  await recordAudit(s, tx, source, { action: 'user_signed_up', targetType: 'user', targetId: user.id });
  if (input.consents) await recordSignUpConsents(tx, s, { ...source, method: 'signup' }, user.id, input.consents);
  return user;
}

export interface SessionGrant {
  user: AccountView;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Always a new session id on sign-in (session fixation: a session id planted before sign-in must
 * not become a signed-in one). The session the browser presented, if any, ends in the same
 * transaction, so exactly one of the two is ever valid.
 */
export async function openSession(s: Services, user: UserRow, replacing?: string): Promise<SessionGrant> {
  const sessionToken = newSecret();
  const expiresAt = new Date(s.now().getTime() + s.config.sessionTtlHours * 3_600_000);
  await s.db.transaction(async (tx) => {
    if (replacing) await tx.delete(sessions).where(eq(sessions.tokenHash, sha256(replacing)));
    await tx.insert(sessions).values({ userId: user.id, tokenHash: sha256(sessionToken), expiresAt });
  });
  // After the commit: a replica evicting earlier could reload the old session before it is gone.
  if (replacing) s.state.credentials.forget([sha256(replacing)]);
  return { user: await accountView(s, user), sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt };
}

/** `replacing`: the session cookie the browser sent, if any — it ends (see openSession). */
export async function signUp(s: Services, input: SignUpInput, requestId?: string, replacing?: string): Promise<SessionGrant> {
  const user = await createUser(s, { ...input, consents: input.consents ?? {} }, requestId);
  return openSession(s, user, replacing);
}

/** `address` is the client's (request.ip): failures are throttled per account and per address. */
export async function logIn(s: Services, email: string, password: string, requestId?: string, address?: string, replacing?: string): Promise<SessionGrant> {
  const emailIndex = emailIndexOf(s.keyring, email);
  const findUser = async () => (await s.db.select().from(users).where(eq(users.emailIndex, emailIndex)).limit(1))[0];
  // Too many failures: 429 before the password is even looked at. Otherwise this attempt counts as
  // a failure until it succeeds.
  const attempt = await beginLoginAttempt(s, { email: normaliseEmail(email), address, requestId, accountId: async () => (await findUser())?.id ?? null });
  const user = await findUser();
  const ok = await verify(user?.passwordHash ?? DECOY_HASH, password);
  if (!user || !ok) {
    // One answer for "no such account" and "wrong password": no account enumeration.
    throw new ServiceError(401, 'invalid_credentials', 'Email or password is incorrect');
  }
  if (isStaffRole(user.role) && !s.config.localLoginForStaff) {
    // Checked after the password, so only someone who knows it learns that the account is staff.
    await recordAudit(
      s,
      s.db,
      { actor: null, requestId },
      { action: 'password_sign_in_refused', targetType: 'user', targetId: user.id, details: { reason: 'staff_sign_in_through_provider' } },
    );
    throw forbidden(
      `Staff sign in with ${s.config.oidc?.providerName ?? 'single sign-on'}; password sign-in is turned off for staff`,
      'password_sign_in_disabled',
    );
  }
  await attempt.succeeded();
  await recordAudit(
    s,
    s.db,
    { actor: { id: user.id, role: user.role }, requestId },
    { action: 'user_logged_in', targetType: 'user', targetId: user.id, details: { method: 'password' } },
  );
  return openSession(s, user, replacing);
}

export async function logOut(s: Services, sessionId: string): Promise<void> {
  const [ended] = await s.db.delete(sessions).where(eq(sessions.id, sessionId)).returning({ tokenHash: sessions.tokenHash });
  if (ended) s.state.credentials.forget([ended.tokenHash]);
}

const principalColumns = {
  id: users.id,
  role: users.role,
  verified: users.verified,
  displayName: users.displayName,
  businessSize: users.businessSize,
  region: users.region,
  timeZone: users.timeZone,
  accountCreatedAt: users.createdAt,
  synthetic: users.synthetic,
};

async function cachedCredential(
  s: Services,
  secret: string,
  load: (hash: string, now: Date) => Promise<{ principal: Principal; expiresAt: Date | null; tokenId?: string } | null>,
): Promise<CachedCredential | null> {
  const hash = sha256(secret);
  const now = s.now();
  const cache = s.state.credentials;
  const hit = cache.get(hash, now.getTime());
  if (hit) return hit;
  const loadedAfter = cache.evictions;
  const found = await load(hash, now);
  // A stale entry left behind is never served (its validity is over) and ages out of the LRU.
  if (!found) return null;
  const validUntil = Math.min(now.getTime() + CREDENTIAL_CACHE_MS, found.expiresAt?.getTime() ?? Infinity);
  const entry: CachedCredential = { principal: found.principal, validUntil, tokenId: found.tokenId, usageRecordedAt: cache.peek(hash)?.usageRecordedAt };
  cache.set(hash, entry, loadedAfter);
  return entry;
}

export async function authenticateSession(s: Services, sessionToken: string): Promise<Principal | null> {
  const entry = await cachedCredential(s, sessionToken, async (hash, now) => {
    const [row] = await s.db
      .select({ ...principalColumns, sessionId: sessions.id, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, now)))
      .limit(1);
    if (!row) return null;
    const { expiresAt, ...principal } = row;
    return { principal: { ...principal, via: 'session' }, expiresAt };
  });
  return entry?.principal ?? null;
}

export async function authenticateApiToken(s: Services, token: string): Promise<Principal | null> {
  const entry = await cachedCredential(s, token, async (hash, now) => {
    const [row] = await s.db
      .select({ ...principalColumns, tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
      .limit(1);
    if (!row) return null;
    const { tokenId, expiresAt, ...principal } = row;
    return { principal: { ...principal, via: 'token' }, expiresAt, tokenId };
  });
  if (!entry) return null;
  const now = s.now();
  if ((entry.usageRecordedAt ?? 0) < now.getTime() - 60_000) {
    entry.usageRecordedAt = now.getTime();
    await s.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, entry.tokenId!));
  }
  return entry.principal;
}

const tokenView = (t: typeof apiTokens.$inferSelect) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

export async function createApiToken(s: Services, call: Call, input: { name: string; expiresInDays?: number }) {
  const token = `wsfr_${newSecret()}`;
  const expiresAt = input.expiresInDays ? new Date(s.now().getTime() + input.expiresInDays * 86_400_000) : null;
  return s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ userId: call.actor.id, name: input.name, prefix: token.slice(0, 12), tokenHash: sha256(token), expiresAt })
      .returning();
    if (!row) throw new Error('token insert returned nothing');
    await recordAudit(s, tx, call, { action: 'api_token_created', targetType: 'api_token', targetId: row.id, details: { name: input.name } });
    return { ...tokenView(row), token };
  });
}

export async function listApiTokens(s: Services, call: Call) {
  const rows = await s.db.select().from(apiTokens).where(eq(apiTokens.userId, call.actor.id)).orderBy(desc(apiTokens.createdAt));
  return rows.map(tokenView);
}

export async function revokeApiToken(s: Services, call: Call, tokenId: string): Promise<void> {
  const tokenHash = await s.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${timestamptz(s.now())})` })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, call.actor.id)))
      .returning({ tokenHash: apiTokens.tokenHash });
    if (!row) throw notFound('API token');
    await recordAudit(s, tx, call, { action: 'api_token_revoked', targetType: 'api_token', targetId: tokenId });
    return row.tokenHash;
  });
  // After the commit, as in openSession.
  s.state.credentials.forget([tokenHash]);
}

export async function getAccount(s: Services, userId: string): Promise<AccountView> {
  const [user] = await s.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw notFound('User');
  return accountView(s, user);
}

/** The signed-in user's wedding context: who they are, what they may do, and the season they are in. */
export async function userContext(s: Services, actor: Principal) {
  const [account, submittedToday] = await Promise.all([getAccount(s, actor.id), submissionsInLastDay(s.db, actor.id, s.now())]);
  return {
    user: account,
    permissions: grantedPermissions(actor),
    restrictions: ROLE_POLICIES[actor.role].restrictions,
    season: seasonStatus(s.now(), actor.region, actor.timeZone),
    submissions: {
      today: submittedToday,
      dailyLimit: hasRestriction(actor.role, 'rate_limit_submissions:10_per_day') ? COUPLE_DAILY_SUBMISSION_LIMIT : null,
    },
  };
}

export async function verifySupplier(s: Services, email: string): Promise<AccountView> {
  const [user] = await s.db
    .update(users)
    .set({ verified: true })
    .where(and(eq(users.emailIndex, emailIndexOf(s.keyring, email)), eq(users.role, 'wedding_supplier')))
    .returning();
  if (!user) throw notFound('Wedding supplier');
  // Verification changes their votes' weight: no replica may go on with the unverified principal.
  s.state.credentials.forgetUser(user.id);
  await recordAudit(s, s.db, { actor: null }, { action: 'supplier_verified', targetType: 'user', targetId: user.id });
  return accountView(s, user);
}
