// GDPR data-subject rights (the brief's gdprControls.data_subject_requests): access/portability
// export, rectification, erasure, restriction of processing. Every export and erasure is audited;
// anyone but the member seeing their data goes through recordPiiAccess.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { apiTokens, auditEvents, comments, featureRequests, notifications, oidcIdentities, requestFollows, sessions, users, votes } from '../db/schema.js';
import { verificationLapsesOn } from '../domain/access-control.js';
import { PRIVACY_POLICY_VERSION } from '../domain/consent.js';
import { CATALOGUE_TAGS } from '../domain/response-cache.js';
import { shredUserKey } from '../security/keyring.js';
import { emailIndexOf, openComment, openRequestContent, openUserPii, openWeddingContext, personalKeyOf, sealUserContactChange } from '../security/records.js';
import { FINISH_ERASURES, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { accountView, hashPassword } from './accounts.js';
import { recordAudit } from './audit.js';
import { recordErasure } from './backups/erasure-ledger.js';
import { applyProcessingFlags, consentState } from './consent.js';
import type { Services } from './context.js';
import { badRequest, notFound } from './errors.js';
import { purgeResponseCache } from './response-cache.js';
import { recordPiiAccess, recordStaffTimeZoneChange } from './threat-pii-access.js';

/**
 * Who is acting on a data-subject request: the person themselves or the product team (API), or an
 * operator (CLI, no account).
 */
export interface DataSubjectCall {
  actor: { id: string; role: string; timeZone: string } | null;
  requestId?: string;
  /** `restore`: an erasure re-applied after a restore (reapplyErasures), already in the ledger. */
  via: 'api' | 'cli' | 'restore';
}

/** What the account view shows, and what an export holds (for the PII-access record). */
const ACCOUNT_FIELDS = ['email', 'displayName', 'phone', 'businessName', 'businessAddress', 'country', 'timeZone'];
const EXPORT_FIELDS = [
  ...ACCOUNT_FIELDS.map((f) => `account.${f}`),
  'featureRequests',
  'featureRequests.weddingContext',
  'votes',
  'comments',
  'consents',
  'notifications',
  'follows',
  'apiTokens',
  'auditEvents',
];

export const FORMER_MEMBER = 'Former member';

export async function userIdByEmail(s: Services, email: string): Promise<string> {
  const [user] = await s.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.emailIndex, emailIndexOf(s.keyring, email)))
    .limit(1);
  if (!user) throw notFound('Account');
  return user.id;
}

async function account(db: Database, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw notFound('Account');
  return user;
}

/** The account with its contact details opened (none once erased: the personal key is shredded). */
async function personView(s: Services, user: typeof users.$inferSelect) {
  const pii = await openUserPii(s.keyring, user);
  return {
    ...(await accountView(s, user)),
    phone: pii?.phone ?? null,
    businessAddress: pii?.businessAddress ?? null,
    processingRestricted: user.processingRestricted,
    erasedAt: user.erasedAt,
  };
}

/**
 * Everything held about a person, machine-readable (JSON), as the right of access and portability ask.
 * Exported for the member themselves, it is recorded as their right exercised (`personal_data_exported`);
 * for anyone else — the product team answering a request (with its justification), an operator at the
 * CLI — it is also an access to someone's personal data (recordPiiAccess: audited, watched for
 * off-hours and bulk exports). Both records are written before the data is handed over.
 */
export async function exportPersonalData(s: Services, call: DataSubjectCall, userId: string, justification?: string) {
  const user = await account(s.db, userId);
  const [requests, ownVotes, ownComments, ownNotifications, ownFollows, tokens, consent, audit] = await Promise.all([
    s.db.select().from(featureRequests).where(eq(featureRequests.authorId, userId)),
    s.db
      .select({
        requestId: votes.requestId,
        weight: votes.weight,
        createdAt: votes.createdAt,
        reviewState: votes.reviewState,
        reviewReasons: votes.reviewReasons,
      })
      .from(votes)
      .where(eq(votes.userId, userId)),
    s.db.select().from(comments).where(eq(comments.authorId, userId)),
    s.db.select().from(notifications).where(eq(notifications.userId, userId)),
    s.db
      .select({
        requestId: requestFollows.requestId,
        following: requestFollows.following,
        createdAt: requestFollows.createdAt,
        updatedAt: requestFollows.updatedAt,
      })
      .from(requestFollows)
      .where(eq(requestFollows.userId, userId)),
    s.db
      .select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.userId, userId)),
    consentState(s, userId),
    s.db
      .select({
        action: auditEvents.action,
        actorRole: auditEvents.actorRole,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        details: auditEvents.details,
        createdAt: auditEvents.createdAt,
      })
      .from(auditEvents)
      .where(or(eq(auditEvents.actorId, userId), and(eq(auditEvents.targetType, 'user'), eq(auditEvents.targetId, userId))))
      .orderBy(auditEvents.id),
  ]);
  const bySubject = call.actor?.id === userId;
  await s.db.transaction(async (tx) => {
    if (!bySubject) {
      await recordPiiAccess(
        s,
        {
          actor: call.actor,
          requestId: call.requestId,
          kind: 'export',
          dataType: 'personal_data_export',
          subjectType: 'user',
          subjectIds: [userId],
          fields: EXPORT_FIELDS,
          purpose: 'data_subject_request',
          justification,
        },
        tx,
      );
    }
    await recordAudit(s, tx, call, {
      action: 'personal_data_exported',
      targetType: 'user',
      targetId: userId,
      details: { via: call.via, by_subject: bySubject, ...(justification ? { justification } : {}) },
    });
  });
  const authorKey = await personalKeyOf(s.keyring, s.db, userId);
  return {
    format: 'wedsync-personal-data/1',
    exportedAt: s.now().toISOString(),
    policyVersion: PRIVACY_POLICY_VERSION,
    account: await personView(s, user),
    consents: { current: consent.consents, evidence: consent.evidence.map(({ userId: _u, ...r }) => r) },
    featureRequests: await Promise.all(
      requests.map(async ({ searchTokens: _s, titleSearchTokens: _ts, trendingScore: _t, keyVersion: _k, ...r }) => ({
        ...r,
        ...(await openRequestContent(s.keyring, r)),
        weddingContext: openWeddingContext(s.keyring, authorKey, r.id, r.weddingContext),
      })),
    ),
    votes: ownVotes,
    comments: await Promise.all(ownComments.map(async ({ keyVersion: _k, ...c }) => ({ ...c, content: await openComment(s.keyring, c) }))),
    notifications: ownNotifications,
    follows: ownFollows,
    apiTokens: tokens,
    auditEvents: audit,
  };
}

/** The person's own account with contact details and restriction: what rectification and restriction act on. */
export async function ownProfile(s: Services, userId: string) {
  return personView(s, await account(s.db, userId));
}

export interface ProfilePatch {
  displayName?: string;
  phone?: string | null;
  businessName?: string | null;
  businessAddress?: string | null;
  country?: string | null;
  timeZone?: string;
}

/** Rectification: people correct their own profile; the audit records which fields, not the values. */
export async function rectifyProfile(s: Services, call: DataSubjectCall & { actor: { id: string; role: string } }, patch: ProfilePatch) {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof ProfilePatch] !== undefined);
  if (fields.length === 0) throw badRequest('nothing_to_change', 'Send at least one profile field to correct');
  const { phone, businessAddress, ...clear } = patch;
  const { user, zoneFlagged } = await s.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ role: users.role, verified: users.verified, businessName: users.businessName, supplierType: users.supplierType, timeZone: users.timeZone })
      .from(users)
      .where(and(eq(users.id, call.actor.id), isNull(users.erasedAt)))
      .for('update');
    if (!current) throw notFound('Account');
    const lapsed = verificationLapsesOn(current, clear);
    const sealed = await sealUserContactChange(s.keyring, tx, call.actor.id, { phone, businessAddress });
    const [updated] = await tx
      .update(users)
      .set({ ...clear, ...sealed, ...(lapsed.length > 0 ? { verified: false } : {}) })
      .where(eq(users.id, call.actor.id))
      .returning();
    await recordAudit(s, tx, call, { action: 'profile_rectified', targetType: 'user', targetId: call.actor.id, details: { fields } });
    if (lapsed.length > 0) {
      await recordAudit(s, tx, call, { action: 'supplier_verification_lapsed', targetType: 'user', targetId: call.actor.id, details: { fields: lapsed } });
    }
    const zoneFlagged = clear.timeZone !== undefined && (await recordStaffTimeZoneChange(s, tx, call, current.timeZone, clear.timeZone));
    return { user: updated!, zoneFlagged };
  });
  if (zoneFlagged) s.threatMetrics.insiderAccess.inc({ kind: 'time_zone_changed' });
  // The name, time zone and a lapsed verification are part of who they are on every replica's
  // cached credentials.
  s.state.credentials.forgetUser(call.actor.id);
  const { processingRestricted: _p, erasedAt: _e, ...view } = await personView(s, user);
  return view;
}

/** Restriction of processing: AI, analytics and notifications halt for them (queued jobs re-check and skip). */
export async function restrictProcessing(s: Services, call: DataSubjectCall, userId: string, restricted: boolean) {
  await s.db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ processingRestricted: restricted }).where(eq(users.id, userId)).returning({ id: users.id });
    if (!user) throw notFound('Account');
    await applyProcessingFlags(tx, userId, restricted);
    await recordAudit(s, tx, call, { action: 'processing_restricted', targetType: 'user', targetId: userId, details: { restricted, via: call.via } });
  });
  return { restricted };
}

/**
 * Right to be forgotten, in one transaction: every value sealed with the member's personal key is
 * nulled (contact details, the wedding contexts of their requests) and the wrapped key itself
 * dropped; sign-in is impossible, sessions and tokens are revoked, processing halts; requests,
 * comments and votes stay (vote counts unchanged) under "Former member". The coarse country/region/
 * guest count copies stay for analytics: they do not identify anyone. FINISH_ERASURES, enqueued in
 * the same transaction, makes the copies left in dead rows, the WAL and backups unreadable
 * (src/services/erasure-follow-up.ts).
 */
export async function erasePersonalData(s: Services, call: DataSubjectCall, userId: string) {
  const unusablePassword = await hashPassword(randomBytes(32).toString('hex'));
  const revoked = await s.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, erasedAt: users.erasedAt, memberKeyVersion: users.memberKeyVersion })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!user) throw notFound('Account');
    await tx
      .update(users)
      .set({
        email: 'erased',
        emailIndex: `erased:${userId}`,
        passwordHash: unusablePassword,
        displayName: FORMER_MEMBER,
        phone: null,
        businessName: null,
        businessAddress: null,
        erasedAt: user.erasedAt ?? s.now(),
        processingRestricted: true,
        aiAnalysisConsent: false,
        trendAnalyticsConsent: false,
        featureFeedbackConsent: false,
      })
      .where(eq(users.id, userId));
    const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ tokenHash: sessions.tokenHash });
    const tokens = await tx
      .update(apiTokens)
      .set({ revokedAt: s.now() })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ tokenHash: apiTokens.tokenHash });
    await tx.delete(notifications).where(eq(notifications.userId, userId));
    // Single sign-on must not reach an erased account either (a later sign-in becomes a new member).
    await tx.delete(oidcIdentities).where(eq(oidcIdentities.userId, userId));
    // What they followed is theirs alone: it counts for nothing, unlike votes.
    await tx.delete(requestFollows).where(eq(requestFollows.userId, userId));
    await tx.update(featureRequests).set({ weddingContext: null }).where(eq(featureRequests.authorId, userId));
    await shredUserKey(tx, userId);
    await enqueue(tx, jobSpec(FINISH_ERASURES, { memberKeyVersion: user.memberKeyVersion ?? 0 }), s.now());
    // Recorded outside the database before the commit, so a restore of an older backup re-applies
    // it; a ledger line whose transaction then fails only repeats an erasure the member asked for.
    if (call.via !== 'restore') await recordErasure(s.config.backupDir, { userId, erasedAt: user.erasedAt ?? s.now() });
    await recordAudit(s, tx, call, {
      action: 'personal_data_erased',
      targetType: 'user',
      targetId: userId,
      details: { via: call.via, by_subject: call.actor?.id === userId },
    });
    return [...ended, ...tokens].map((c) => c.tokenHash);
  });
  s.state.credentials.forget(revoked);
  // Their requests now show "Former member", and the catalogue drafts are compared with changed.
  purgeResponseCache(s, CATALOGUE_TAGS);
  const [{ votes: kept } = { votes: 0 }] = await s.db
    .select({ votes: sql<number>`count(*)::int` })
    .from(votes)
    .where(eq(votes.userId, userId));
  return { erased: true, votesKept: kept };
}

/** Product-team access to someone's account and contact details: only with a written reason, recorded as a PII access. */
export async function accessUserDetails(
  s: Services,
  call: DataSubjectCall & { actor: NonNullable<DataSubjectCall['actor']> },
  userId: string,
  justification: string,
) {
  const user = await account(s.db, userId);
  await recordPiiAccess(s, {
    actor: call.actor,
    requestId: call.requestId,
    kind: 'read',
    dataType: 'account',
    subjectType: 'user',
    subjectIds: [userId],
    fields: ACCOUNT_FIELDS,
    purpose: 'member_support',
    justification,
  });
  return personView(s, user);
}
