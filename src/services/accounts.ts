// Accounts, sign-in and credentials: argon2id passwords, server-side sessions for the UI and
// hashed, revocable API tokens for programs. Secrets are only ever stored as SHA-256 hashes.
// Sign-up, password reset and email change go through emailed links (./account-links.ts), and
// none of their answers tells whether an address has an account (docs/decisions/0035).
import { createHmac, randomUUID } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { and, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import { timestamptz, type Database } from '../db/client.js';
import { accountTokens, apiTokens, sessions, users } from '../db/schema.js';
import { COUPLE_DAILY_SUBMISSION_LIMIT, grantedPermissions, hasRestriction, ROLE_POLICIES } from '../domain/access-control.js';
import type { ConsentPurpose } from '../domain/consent.js';
import { isStaffRole } from '../domain/oidc-roles.js';
import type { BusinessSize, SupplierType, UserRole } from '../domain/feature-requests.js';
import { isValidTimeZone, regionForCountry, seasonStatus } from '../domain/seasons.js';
import { secretsEqual } from '../security/constant-time.js';
import { jobSpec, START_PASSWORD_RESET } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { emailIndexOf, normaliseEmail, openUserPii, sealNewUser, sealUserEmailChange } from '../security/records.js';
import { consumeLinks, issueLink, newEmailField, newSecret, openLink, sha256 } from './account-links.js';
import { claimImportedVotes } from './request-transfer.js';
import { recordAudit } from './audit.js';
import { recordSignUpConsents } from './consent.js';
import type { Call, Principal, Services } from './context.js';
import { CREDENTIAL_CACHE_MS, type CachedCredential } from './credential-cache.js';
import { badRequest, conflict, forbidden, notFound, ServiceError } from './errors.js';
import { LINKS_PER_HOUR } from '../domain/account-emails.js';
import { submissionsInLastDay } from './feature-requests.js';
import { beginLoginAttempt } from './login-throttle.js';

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Verified against when an email is unknown, so a failed login takes as long either way. */
const DECOY_HASH = await hash('decoy-password-for-unknown-accounts', ARGON2);

export const hashPassword = (password: string) => hash(password, ARGON2);

export { normaliseEmail } from '../security/records.js';

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
    emailVerified: user.emailVerifiedAt !== null,
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
  /** Accounts the operators create vouch for their own address. */
  emailVerified?: boolean;
}

function checkNewUser(input: NewUser) {
  if (hasRestriction(input.role, 'business_context_required') && !(input.supplierType && input.businessName && input.businessSize)) {
    throw badRequest('business_context_required', 'Wedding suppliers must give their supplier type, business name and business size', {
      missing: ['supplierType', 'businessName', 'businessSize'].filter((k) => !input[k as keyof NewUser]),
    });
  }
  if (!isValidTimeZone(input.timeZone)) throw badRequest('invalid_time_zone', `Unknown time zone ${JSON.stringify(input.timeZone)}`, { field: 'timeZone' });
}

/** The new row, or undefined when the address already has an account (nothing written then). */
async function insertUserRow(s: Services, tx: Database, input: Omit<NewUser, 'password'>, passwordHash: string): Promise<UserRow | undefined> {
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
      emailVerifiedAt: input.emailVerified ? s.now() : null,
      supplierType: input.supplierType ?? null,
      businessName: input.businessName ?? null,
      businessSize: input.businessSize ?? null,
      country: input.country?.toUpperCase() ?? null,
      region: regionForCountry(input.country),
      timeZone: input.timeZone,
    })
    .onConflictDoNothing({ target: users.emailIndex })
    .returning();
  return user;
}

async function recordNewUser(s: Services, tx: Database, user: UserRow, input: Omit<NewUser, 'password'>, requestId?: string) {
  // Imported votes go to whoever proved they read mail at that address; an unverified sign-up claims them at verification.
  if (user.emailVerifiedAt) await claimImportedVotes(s, tx, user.id, input.email);
  const source = { actor: { id: user.id, role: user.role }, requestId };
  await recordAudit(s, tx, source, { action: 'user_signed_up', targetType: 'user', targetId: user.id });
  if (input.consents) await recordSignUpConsents(tx, s, { ...source, method: 'signup' }, user.id, input.consents);
}

/** Creates an account of any role for the operators' CLI (which may say the address is taken). */
export async function createUser(s: Services, input: NewUser, requestId?: string): Promise<UserRow> {
  checkNewUser(input);
  const passwordHash = await hashPassword(input.password);
  return s.db.transaction((tx) => insertUser(s, tx, input, passwordHash, requestId));
}

/** createUser's insert, inside a caller's transaction (single sign-on links the identity in the same one). */
export async function insertUser(s: Services, tx: Database, input: Omit<NewUser, 'password'>, passwordHash: string, requestId?: string): Promise<UserRow> {
  const user = await insertUserRow(s, tx, input, passwordHash);
  if (!user) throw conflict('email_taken', 'An account with this email already exists');
  await recordNewUser(s, tx, user, input, requestId);
  return user;
}

/**
 * Self-service sign-up. One answer whatever the address: a new one gets an account and a link to
 * confirm it; a registered one gets no second account but an email telling its owner (with a
 * reset link). Both paths hash the password, seal the PII and try the insert, then write one audit
 * row and queue one email, so neither the answer nor its timing tells them apart.
 */
export async function signUp(s: Services, input: SignUpInput, requestId?: string): Promise<void> {
  const newUser: NewUser = { ...input, consents: input.consents ?? {} };
  checkNewUser(newUser);
  const passwordHash = await hashPassword(input.password);
  await s.db.transaction(async (tx) => {
    const user = await insertUserRow(s, tx, newUser, passwordHash);
    if (user) {
      await recordNewUser(s, tx, user, newUser, requestId);
      await issueLink(s, tx, user.id, 'verify_email');
      return;
    }
    const [owner] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.emailIndex, emailIndexOf(s.keyring, input.email)))
      .limit(1);
    if (!owner) return;
    await recordAudit(s, tx, { actor: null, requestId }, { action: 'sign_up_attempted_for_existing_account', targetType: 'user', targetId: owner.id });
    await issueLink(s, tx, owner.id, 'sign_up_attempt');
  });
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
  emailVerifiedAt: users.emailVerifiedAt,
};

/** The principal of a loaded row: an unconfirmed address only restricts where verification is required. */
function principalOf(s: Services, row: { emailVerifiedAt: Date | null } & Omit<Principal, 'via' | 'emailVerified'>, via: Principal['via']): Principal {
  const { emailVerifiedAt, ...rest } = row;
  return { ...rest, emailVerified: emailVerifiedAt !== null || s.config.emailVerification === 'optional', via };
}

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
    return { principal: principalOf(s, principal, 'session'), expiresAt };
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
    return { principal: principalOf(s, principal, 'token'), expiresAt, tokenId };
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

// --- emailed links: verification, password reset, email change --------------------------------------

const linkInvalid = () =>
  badRequest('link_invalid', 'This link does not work any more: it was used already, it expired, or a newer one was sent. Ask for a new one.');

/** Ends the member's sessions (all, or all but `keep`) in `tx`; returns their hashes to forget after the commit. */
async function endSessions(tx: Database, userId: string, keep?: string): Promise<string[]> {
  const ended = await tx
    .delete(sessions)
    .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId))
    .returning({ tokenHash: sessions.tokenHash });
  return ended.map((e) => e.tokenHash);
}

/** Following the sign-up link: the address is confirmed and the member signed in. */
export async function verifyEmail(s: Services, secret: string, requestId?: string, replacing?: string): Promise<SessionGrant> {
  const user = await s.db.transaction(async (tx) => {
    const link = await openLink(s, tx, secret, 'verify_email');
    if (!link) throw linkInvalid();
    await consumeLinks(s, tx, link.userId, 'verify_email');
    const [row] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${timestamptz(s.now())})` })
      .where(and(eq(users.id, link.userId), isNull(users.erasedAt)))
      .returning();
    if (!row) throw linkInvalid();
    const pii = await openUserPii(s.keyring, row);
    if (pii) await claimImportedVotes(s, tx, row.id, pii.email);
    await recordAudit(s, tx, { actor: { id: row.id, role: row.role }, requestId }, { action: 'email_verified', targetType: 'user', targetId: row.id });
    return row;
  });
  // Their principal may now contribute: no replica may keep the unverified one.
  s.state.credentials.forgetUser(user.id);
  return openSession(s, user, replacing);
}

/** A new sign-up link for the signed-in member; at most LINKS_PER_HOUR an hour. */
export async function resendVerification(s: Services, call: Call): Promise<void> {
  const [user] = await s.db.select({ emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, call.actor.id));
  if (!user) throw notFound('User');
  if (user.emailVerifiedAt) throw conflict('email_already_verified', 'Your email address is already confirmed');
  const sent = await s.db.transaction(async (tx) => {
    if (!(await issueLink(s, tx, call.actor.id, 'verify_email'))) return false;
    await recordAudit(s, tx, call, { action: 'email_verification_resent', targetType: 'user', targetId: call.actor.id });
    return true;
  });
  if (!sent) throw await tooManyLinks(s, call.actor.id);
}

async function tooManyLinks(s: Services, userId: string): Promise<ServiceError> {
  const hourAgo = new Date(s.now().getTime() - 3_600_000);
  const [oldest] = await s.db
    .select({ at: accountTokens.createdAt })
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'verify_email'), gt(accountTokens.createdAt, hourAgo)))
    .orderBy(accountTokens.createdAt)
    .limit(1);
  const waitMs = oldest ? oldest.at.getTime() - hourAgo.getTime() : 3_600_000;
  return new ServiceError(
    429,
    'too_many_emails',
    `We sent you ${LINKS_PER_HOUR} links in the last hour; check your inbox and spam folder, or try again later`,
    undefined,
    Math.max(1, Math.ceil(waitMs / 1000)),
  );
}

/**
 * "I forgot my password": the same work and answer for any address — only a job is queued, carrying
 * the address's blind index (never the address). The job does the rest (startPasswordReset).
 */
export async function requestPasswordReset(s: Services, email: string, requestId?: string): Promise<void> {
  await enqueue(s.db, jobSpec(START_PASSWORD_RESET, { emailIndex: emailIndexOf(s.keyring, email), requestId }), s.now());
}

/** The job: a reset link for the account with this address, if there is one and it is not throttled. */
export async function startPasswordReset(s: Services, emailIndex: string, requestId?: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(and(eq(users.emailIndex, emailIndex), isNull(users.erasedAt)))
      .limit(1);
    if (!user) return;
    if (!(await issueLink(s, tx, user.id, 'reset_password'))) return;
    await recordAudit(s, tx, { actor: null, requestId }, { action: 'password_reset_requested', targetType: 'user', targetId: user.id });
  });
}

/**
 * Following a reset link: the new password, every session of the member ended, any pending email
 * change cancelled (the old address's "this was not me" link lands here). It proves the address too.
 */
export async function resetPassword(s: Services, secret: string, password: string, requestId?: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const { userId, ended } = await s.db.transaction(async (tx) => {
    const link = await openLink(s, tx, secret, 'reset_password');
    if (!link) throw linkInvalid();
    await consumeLinks(s, tx, link.userId, 'reset_password');
    await consumeLinks(s, tx, link.userId, 'change_email');
    const [row] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${timestamptz(s.now())})` })
      .where(and(eq(users.id, link.userId), isNull(users.erasedAt)))
      .returning({ id: users.id, role: users.role });
    if (!row) throw linkInvalid();
    const ended = await endSessions(tx, row.id);
    await recordAudit(
      s,
      tx,
      { actor: { id: row.id, role: row.role }, requestId },
      { action: 'password_reset', targetType: 'user', targetId: row.id, details: { sessionsEnded: ended.length } },
    );
    return { userId: row.id, ended };
  });
  s.state.credentials.forget(ended);
  s.state.credentials.forgetUser(userId);
}

async function checkPassword(s: Services, userId: string, password: string): Promise<UserRow> {
  const [user] = await s.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User');
  if (!(await verify(user.passwordHash, password))) throw badRequest('wrong_password', 'Your current password is not right', { field: 'currentPassword' });
  return user;
}

/** A new password for the signed-in member; their other sessions end, this one stays. */
export async function changePassword(s: Services, call: Call, currentPassword: string, newPassword: string): Promise<void> {
  await checkPassword(s, call.actor.id, currentPassword);
  const passwordHash = await hashPassword(newPassword);
  const ended = await s.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, call.actor.id));
    const ended = await endSessions(tx, call.actor.id, call.actor.sessionId);
    await recordAudit(s, tx, call, { action: 'password_changed', targetType: 'user', targetId: call.actor.id, details: { sessionsEnded: ended.length } });
    return ended;
  });
  s.state.credentials.forget(ended);
}

/**
 * Moving the account to another address: a link to the new one confirms it; the old one is told at
 * once, with a reset link that cancels the change. An address that already has an account gets
 * nothing, and the answer is the same, so this does not probe for accounts either.
 */
export async function requestEmailChange(s: Services, call: Call, password: string, newEmail: string): Promise<void> {
  const user = await checkPassword(s, call.actor.id, password);
  const newIndex = emailIndexOf(s.keyring, newEmail);
  if (newIndex === user.emailIndex) throw badRequest('same_email', 'That is already your email address', { field: 'newEmail' });
  await s.db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.emailIndex, newIndex)).limit(1);
    const issued = !taken && (await issueLink(s, tx, user.id, 'confirm_email_change', newEmail));
    if (issued) await issueLink(s, tx, user.id, 'email_change_requested');
    await recordAudit(s, tx, call, { action: 'email_change_requested', targetType: 'user', targetId: user.id, details: { linkSent: issued } });
  });
}

/** Following the link sent to the new address: the account uses it from now on. */
export async function confirmEmailChange(s: Services, secret: string, requestId?: string): Promise<void> {
  const userId = await s.db.transaction(async (tx) => {
    const link = await openLink(s, tx, secret, 'change_email');
    if (!link?.newEmail || !link.newEmailIndex) throw linkInvalid();
    await consumeLinks(s, tx, link.userId, 'change_email');
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.emailIndex, link.newEmailIndex)).limit(1);
    if (taken) throw conflict('email_taken', 'Another account started using this address meanwhile');
    const [user] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, link.userId), isNull(users.erasedAt)));
    const key = user && (await s.keyring.userKey(user.dataKey, user.id));
    if (!user || !key) throw linkInvalid();
    const address = s.keyring.openPersonal(key, link.newEmail, newEmailField(link.id));
    const sealed = await sealUserEmailChange(s.keyring, tx, user.id, address);
    if (!sealed) throw linkInvalid();
    await tx
      .update(users)
      .set({ ...sealed, emailVerifiedAt: s.now() })
      .where(eq(users.id, user.id));
    await claimImportedVotes(s, tx, user.id, address);
    await recordAudit(s, tx, { actor: { id: user.id, role: user.role }, requestId }, { action: 'email_changed', targetType: 'user', targetId: user.id });
    return user.id;
  });
  s.state.credentials.forgetUser(userId);
}
