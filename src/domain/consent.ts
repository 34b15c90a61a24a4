// Granular consent (the brief's consent_management): the purposes, what someone has agreed to when
// they never said otherwise, and how consent evidence is chained ('cryptographic_proof_storage').
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

export const CONSENT_PURPOSES = ['feature_feedback', 'ai_analysis', 'trend_analytics'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * The version of the privacy notice consent is given under; recorded with every decision so the
 * evidence says what people agreed to. Raise it when the notice changes.
 */
export const PRIVACY_POLICY_VERSION = '2026-11';

/**
 * Without a recorded grant a purpose is off: consent is asked for (unticked boxes at sign-up, the
 * privacy centre later), never presumed.
 */
export const CONSENT_DEFAULTS: Readonly<Record<ConsentPurpose, boolean>> = { feature_feedback: false, ai_analysis: false, trend_analytics: false };

export interface ConsentEvidence {
  userId: string;
  purpose: ConsentPurpose;
  granted: boolean;
  method: string;
  policyVersion: string;
  recordedBy: string | null;
  createdAt: Date;
}

export const CONSENT_GENESIS_HASH = '0'.repeat(64);

export function consentHash(evidence: ConsentEvidence, previousHash: string): string {
  return createHash('sha256')
    .update(stringify({ ...evidence, createdAt: evidence.createdAt.toISOString(), previousHash })!)
    .digest('hex');
}

/** Each record must link to the one before it and hash to what it says: returns the first that does not. */
export function firstBrokenConsentRecord<T extends ConsentEvidence & { id: number; previousHash: string; hash: string }>(records: readonly T[]): T | null {
  let previous = CONSENT_GENESIS_HASH;
  for (const record of records) {
    const { id: _id, previousHash, hash, ...evidence } = record;
    if (previousHash !== previous || consentHash(evidence, previousHash) !== hash) return record;
    previous = hash;
  }
  return null;
}

/**
 * Evidence records for decisions taken together (the boxes of the sign-up form), each linked to the
 * one before, starting from `previousHash` (the person's last record, or genesis).
 */
export function chainConsentEvidence(evidence: readonly ConsentEvidence[], previousHash: string) {
  return evidence.map((record) => {
    const hash = consentHash(record, previousHash);
    const linked = { ...record, previousHash, hash };
    previousHash = hash;
    return linked;
  });
}

/**
 * What AI, analytics and notifications may do for a user: their consent, unless processing is
 * restricted. `feature_feedback` is being contacted about their requests (status-change and merge
 * notifications, feedback invitations).
 */
export function effectiveProcessing(consents: Record<ConsentPurpose, boolean>, restricted: boolean) {
  return {
    aiAnalysisConsent: consents.ai_analysis && !restricted,
    trendAnalyticsConsent: consents.trend_analytics && !restricted,
    featureFeedbackConsent: consents.feature_feedback && !restricted,
  };
}
