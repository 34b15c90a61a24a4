import { describe, expect, it } from 'vitest';
import {
  checkpointSignatureValid,
  eventHash,
  GENESIS_HASH,
  retentionClassOf,
  retentionCutoff,
  signCheckpoint,
  verifyChain,
  type StoredEvent,
} from '../../../src/domain/audit-chain.js';
import { CONSENT_GENESIS_HASH, consentHash, effectiveProcessing, firstBrokenConsentRecord } from '../../../src/domain/consent.js';

const CHAIN_KEY = Buffer.from('c'.repeat(32));

/** `n` events; the first `legacy` of them hashed without the key, as before the chain was keyed. */
function chainOf(n: number, legacy = 0): StoredEvent[] {
  const events: StoredEvent[] = [];
  let previousHash = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const content = {
      chain: '1_year' as const,
      lane: 0,
      action: 'user_logged_in',
      actorId: null,
      actorRole: null,
      targetType: 'user',
      targetId: `u${i}`,
      details: { i },
      requestId: null,
      createdAt: new Date(Date.UTC(2026, 0, i)),
    };
    const hash = eventHash(i <= legacy ? null : CHAIN_KEY, content, previousHash);
    events.push({ ...content, id: 100 + i, sequence: i, previousHash, hash });
    previousHash = hash;
  }
  return events;
}
const start = { sequence: 0, hash: GENESIS_HASH };
const headOf = (events: StoredEvent[]) => ({ sequence: events.at(-1)!.sequence, hash: events.at(-1)!.hash });

describe('audit chain rules', () => {
  it('gives the brief’s events their retention classes, and the longest to unknown ones', () => {
    expect(['feature_request_created', 'ai_analysis_performed', 'user_data_accessed', 'wedding_context_processed'].map(retentionClassOf)).toEqual([
      '7_years',
      '3_years',
      '7_years',
      '1_year',
    ]);
    expect(retentionClassOf('something_new')).toBe('7_years');
    expect(retentionCutoff('3_years', new Date('2030-05-01T00:00:00Z')).toISOString()).toBe('2027-05-01T00:00:00.000Z');
  });

  it('hashes canonically: key order in details does not matter, content does', () => {
    const base = {
      chain: '7_years' as const,
      lane: 0,
      action: 'a',
      actorId: null,
      actorRole: null,
      targetType: null,
      targetId: null,
      requestId: null,
      createdAt: new Date(0),
    };
    expect(eventHash(CHAIN_KEY, { ...base, details: { a: 1, b: 2 } }, GENESIS_HASH)).toBe(
      eventHash(CHAIN_KEY, { ...base, details: { b: 2, a: 1 } }, GENESIS_HASH),
    );
    expect(eventHash(CHAIN_KEY, { ...base, details: { a: 1 } }, GENESIS_HASH)).not.toBe(eventHash(CHAIN_KEY, { ...base, details: { a: 2 } }, GENESIS_HASH));
  });

  it('hashes and signs lane 0 exactly as before lanes existed, and ties other lanes’ events and claims to their lane', () => {
    // Values computed by the chain code before lanes (commit f5f096d): events written then still verify.
    const event = {
      chain: '7_years' as const,
      lane: 0,
      action: 'status_changed',
      actorId: null,
      actorRole: null,
      targetType: 'feature_request',
      targetId: 'r1',
      details: { from: 'open', to: 'planned' },
      requestId: 'req-1',
      createdAt: new Date(Date.UTC(2026, 4, 16, 12)),
    };
    expect(eventHash(null, event, GENESIS_HASH)).toBe('90022cdd3655d414e3b65116294ea163eae32c3e6e0089e2bc02644ccb349d01');
    const key = Buffer.from('k'.repeat(32));
    const claim = { chain: '1_year' as const, lane: 0, sequence: 7, hash: 'ab'.repeat(32), createdAt: new Date(0) };
    expect(signCheckpoint(key, claim)).toBe('a34779d01c40aad77253e0c8fb8bd0679cb88d6984b6862d72123992daf530a0');
    expect(eventHash(CHAIN_KEY, { ...event, lane: 3 }, GENESIS_HASH)).not.toBe(eventHash(CHAIN_KEY, event, GENESIS_HASH));
    expect(checkpointSignatureValid(key, { ...claim, lane: 3 }, signCheckpoint(key, claim))).toBe(false);
  });

  it('diagnoses modified, deleted and reordered events', () => {
    const events = chainOf(6);
    expect(verifyChain(CHAIN_KEY, 0, events, start, headOf(events))).toEqual([]);
    const modified = events.map((e) => (e.sequence === 3 ? { ...e, details: { i: 99 } } : e));
    expect(verifyChain(CHAIN_KEY, 0, modified, start, headOf(events))).toEqual([{ kind: 'modified', sequence: 3, id: 103 }]);
    expect(
      verifyChain(
        CHAIN_KEY,
        0,
        events.filter((e) => e.sequence !== 4),
        start,
        headOf(events),
      ),
    ).toEqual([{ kind: 'deleted', fromSequence: 4, toSequence: 4 }]);
    expect(verifyChain(CHAIN_KEY, 0, events.slice(0, 4), start, headOf(events))).toEqual([{ kind: 'deleted', fromSequence: 5, toSequence: 6 }]);
    const swapped = [events[0]!, { ...events[2]!, sequence: 2 }, { ...events[1]!, sequence: 3 }, ...events.slice(3)];
    expect(verifyChain(CHAIN_KEY, 0, swapped, start, headOf(events))).toEqual([
      { kind: 'reordered', sequence: 3, id: 102, originalSequence: 2 },
      { kind: 'reordered', sequence: 2, id: 103, originalSequence: 3 },
    ]);
  });

  it('keys event hashes: a chain recomputed with plain SHA-256 or another key after an edit is found (issue #14)', () => {
    const events = chainOf(6);
    // The attacker edits event 3 and recomputes every hash from there on, the head with them.
    const forged: StoredEvent[] = [];
    for (const [i, e] of events.entries()) {
      const { id, sequence, previousHash: _p, hash: _h, ...content } = e;
      const previousHash = i === 0 ? GENESIS_HASH : forged[i - 1]!.hash;
      const edited = sequence === 3 ? { ...content, details: { i: 99 } } : content;
      const hash = sequence < 3 ? e.hash : eventHash(null, edited, previousHash);
      forged.push({ ...edited, id, sequence, previousHash, hash });
    }
    expect(verifyChain(CHAIN_KEY, 0, forged, start, headOf(forged)).map((p) => p.kind)).toEqual(['modified', 'modified', 'modified', 'modified']);
    const otherKey = events.map((e) => ({ ...e, hash: eventHash(Buffer.from('x'.repeat(32)), e, e.previousHash) }));
    expect(verifyChain(CHAIN_KEY, 0, otherKey, start, headOf(otherKey))).toContainEqual({ kind: 'modified', sequence: 1, id: 101 });
  });

  it('accepts plain SHA-256 only up to where the lane was keyed', () => {
    const upgraded = chainOf(6, 3);
    expect(verifyChain(CHAIN_KEY, 3, upgraded, start, headOf(upgraded))).toEqual([]);
    // The same events claimed to be legacy beyond the keyed start: the fourth no longer verifies.
    expect(verifyChain(CHAIN_KEY, 2, upgraded, start, headOf(upgraded))).toEqual([{ kind: 'modified', sequence: 3, id: 103 }]);
  });

  it('finds a head moved back over stored events', () => {
    const events = chainOf(6);
    expect(verifyChain(CHAIN_KEY, 0, events, start, { sequence: 4, hash: events[3]!.hash })).toEqual([{ kind: 'head_behind', head: 4, sequence: 6 }]);
  });

  it('finds a tail cut off together with the head, against a signed anchor', () => {
    const events = chainOf(6);
    const anchors = [{ sequence: 6, hash: events[5]!.hash }];
    expect(verifyChain(CHAIN_KEY, 0, events, start, headOf(events), anchors)).toEqual([]);
    const cut = events.slice(0, 4);
    expect(verifyChain(CHAIN_KEY, 0, cut, start, headOf(cut), anchors)).toEqual([{ kind: 'checkpoint_contradicted', sequence: 6 }]);
  });

  it('signs a checkpoint’s kind: an anchor relabelled as a purge checkpoint does not verify', () => {
    const key = Buffer.from('k'.repeat(32));
    const anchor = { chain: '1_year' as const, lane: 0, sequence: 7, hash: 'ab'.repeat(32), createdAt: new Date(0), kind: 'anchor' as const };
    const signature = signCheckpoint(key, anchor);
    expect(checkpointSignatureValid(key, anchor, signature)).toBe(true);
    expect(checkpointSignatureValid(key, { ...anchor, kind: 'purge' }, signature)).toBe(false);
  });

  it('signs checkpoints so that a changed claim or a wrong key fails', () => {
    const key = Buffer.from('k'.repeat(32));
    const claim = { chain: '1_year' as const, lane: 0, sequence: 7, hash: 'ab'.repeat(32), createdAt: new Date(0) };
    const signature = signCheckpoint(key, claim);
    expect(checkpointSignatureValid(key, claim, signature)).toBe(true);
    expect(checkpointSignatureValid(key, { ...claim, sequence: 8 }, signature)).toBe(false);
    expect(checkpointSignatureValid(Buffer.from('x'.repeat(32)), claim, signature)).toBe(false);
    expect(checkpointSignatureValid(key, claim, 'nothex')).toBe(false);
  });
});

describe('consent rules', () => {
  it('chains evidence and finds the first broken record', () => {
    const first = { userId: 'u', purpose: 'ai_analysis' as const, granted: false, method: 'api', policyVersion: 'v1', recordedBy: 'u', createdAt: new Date(0) };
    const second = { ...first, purpose: 'trend_analytics' as const, createdAt: new Date(1000) };
    const h1 = consentHash(first, CONSENT_GENESIS_HASH);
    const records = [
      { ...first, id: 1, previousHash: CONSENT_GENESIS_HASH, hash: h1 },
      { ...second, id: 2, previousHash: h1, hash: consentHash(second, h1) },
    ];
    expect(firstBrokenConsentRecord(records)).toBeNull();
    expect(firstBrokenConsentRecord([records[0]!, { ...records[1]!, granted: true }])?.id).toBe(2);
  });

  it('restriction overrides consent', () => {
    expect(effectiveProcessing({ feature_feedback: true, ai_analysis: true, trend_analytics: false }, false)).toEqual({
      aiAnalysisConsent: true,
      trendAnalyticsConsent: false,
      featureFeedbackConsent: true,
    });
    expect(effectiveProcessing({ feature_feedback: false, ai_analysis: true, trend_analytics: true }, false)).toMatchObject({ featureFeedbackConsent: false });
    expect(effectiveProcessing({ feature_feedback: true, ai_analysis: true, trend_analytics: true }, true)).toEqual({
      aiAnalysisConsent: false,
      trendAnalyticsConsent: false,
      featureFeedbackConsent: false,
    });
  });
});
