// Granular consent: the current state per purpose and the hash-chained evidence behind it. A
// decision and its effect land in one transaction — the users row's effective flags, which the AI
// jobs and analytics read when they run, change together with the evidence record.
import { asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { consentRecords, users } from '../db/schema.js';
import {
  chainConsentEvidence,
  CONSENT_DEFAULTS,
  CONSENT_GENESIS_HASH,
  CONSENT_PURPOSES,
  effectiveProcessing,
  firstBrokenConsentRecord,
  PRIVACY_POLICY_VERSION,
  type ConsentPurpose,
} from '../domain/consent.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { notFound } from './errors.js';

/** Who recorded a decision and how: the person themselves through the API, or an operator. */
export interface ConsentSource {
  actor: { id: string; role: string } | null;
  requestId?: string;
  method: 'api' | 'cli' | 'signup';
}

export async function consentEvidence(db: Database, userId: string) {
  return db.select().from(consentRecords).where(eq(consentRecords.userId, userId)).orderBy(asc(consentRecords.id));
}

export async function currentConsents(db: Database, userId: string): Promise<Record<ConsentPurpose, boolean>> {
  const consents = { ...CONSENT_DEFAULTS };
  for (const record of await consentEvidence(db, userId)) consents[record.purpose] = record.granted;
  return consents;
}

export async function consentState(s: Services, userId: string) {
  const evidence = await consentEvidence(s.db, userId);
  const consents = { ...CONSENT_DEFAULTS };
  for (const record of evidence) consents[record.purpose] = record.granted;
  const broken = firstBrokenConsentRecord(evidence);
  return { policyVersion: PRIVACY_POLICY_VERSION, consents, evidenceIntact: broken === null, evidence };
}

/** Re-derives the effective processing flags from consent and restriction, inside `tx`. */
export async function applyProcessingFlags(tx: Database, userId: string, restricted: boolean) {
  await tx
    .update(users)
    .set(effectiveProcessing(await currentConsents(tx, userId), restricted))
    .where(eq(users.id, userId));
}

/**
 * Appends decisions to the person's evidence chain and re-derives their processing flags, inside
 * `tx`, which must hold the users row lock (it orders concurrent decisions, so each record links to
 * the one before).
 */
async function appendConsentDecisions(
  tx: Database,
  s: Services,
  source: ConsentSource,
  userId: string,
  restricted: boolean,
  decisions: readonly { purpose: ConsentPurpose; granted: boolean }[],
) {
  const [last] = await tx
    .select({ hash: consentRecords.hash })
    .from(consentRecords)
    .where(eq(consentRecords.userId, userId))
    .orderBy(desc(consentRecords.id))
    .limit(1);
  const createdAt = s.now();
  const evidence = decisions.map(({ purpose, granted }) => ({
    userId,
    purpose,
    granted,
    method: source.method,
    policyVersion: PRIVACY_POLICY_VERSION,
    recordedBy: source.actor?.id ?? null,
    createdAt,
  }));
  await tx.insert(consentRecords).values(chainConsentEvidence(evidence, last?.hash ?? CONSENT_GENESIS_HASH));
  await applyProcessingFlags(tx, userId, restricted);
  for (const { purpose, granted } of decisions) {
    await recordAudit(s, tx, source, {
      action: 'consent_changed',
      targetType: 'user',
      targetId: userId,
      details: { purpose, granted, method: source.method, policy_version: PRIVACY_POLICY_VERSION },
    });
  }
}

export async function recordConsent(s: Services, source: ConsentSource, userId: string, purpose: ConsentPurpose, granted: boolean) {
  await s.db.transaction(async (tx) => {
    const [user] = await tx.select({ restricted: users.processingRestricted }).from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw notFound('Account');
    await appendConsentDecisions(tx, s, source, userId, user.restricted, [{ purpose, granted }]);
  });
  return consentState(s, userId);
}

/**
 * The answers to the consent boxes of the sign-up form, recorded as evidence in the transaction that
 * creates the account (which holds its row). Every purpose is recorded, ticked or not: the evidence
 * shows it was asked.
 */
export async function recordSignUpConsents(tx: Database, s: Services, source: ConsentSource, userId: string, ticked: Partial<Record<ConsentPurpose, boolean>>) {
  await appendConsentDecisions(
    tx,
    s,
    source,
    userId,
    false,
    CONSENT_PURPOSES.map((purpose) => ({ purpose, granted: ticked[purpose] === true })),
  );
}
