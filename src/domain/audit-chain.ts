// The tamper-evident audit trail's rules, free of I/O: which retention class an event belongs to,
// how an event is hashed into its chain, how checkpoints are signed, and how a stored chain is
// checked. Each retention class is its own chain, so the purge can delete a chain's expired prefix
// (events expire in order within a class) and leave a signed checkpoint where the prefix ended.
// A class's chain runs in AUDIT_LANES parallel lanes, each hash-linked on its own, so concurrent
// writers each append to a lane nobody else holds instead of queueing for one head (decision 0018).
// Event hashes are keyed (HMAC-SHA256 under a key derived from the master key, never stored in the
// database), so someone who edits an event cannot recompute the chain after it (decision 0028).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** The brief's retention classes (setupComplianceAuditing), in years. */
export const RETENTION_YEARS = { '7_years': 7, '3_years': 3, '1_year': 1 } as const;
export type RetentionClass = keyof typeof RETENTION_YEARS;
export const RETENTION_CLASSES = Object.keys(RETENTION_YEARS) as RetentionClass[];

/**
 * The brief's four events with their classes, plus this platform's other events. Business and
 * compliance records (decisions on requests, data-subject requests, key management, PII access)
 * are kept 7 years; AI decisions 3 years; operational traces (logins, API calls, incidents) 1 year.
 */
export const EVENT_RETENTION: Readonly<Record<string, RetentionClass>> = {
  feature_request_created: '7_years',
  ai_analysis_performed: '3_years',
  user_data_accessed: '7_years',
  wedding_context_processed: '1_year',
  feature_request_updated: '7_years',
  status_changed: '7_years',
  requests_merged: '7_years',
  duplicate_dismissed: '3_years',
  comment_created: '7_years',
  user_signed_up: '7_years',
  supplier_verified: '7_years',
  supplier_verification_lapsed: '7_years',
  profile_rectified: '7_years',
  personal_data_exported: '7_years',
  personal_data_erased: '7_years',
  processing_restricted: '7_years',
  consent_changed: '7_years',
  keys_rotated: '7_years',
  api_token_created: '1_year',
  api_token_revoked: '1_year',
  user_logged_in: '1_year',
  oidc_sign_in_refused: '1_year',
  password_sign_in_refused: '1_year',
  login_throttled: '1_year',
  api_call: '1_year',
};

/** Events this table does not name are kept the longest: losing a record early is the worse error. */
export function retentionClassOf(action: string): RetentionClass {
  return EVENT_RETENTION[action] ?? '7_years';
}

export function retentionCutoff(retention: RetentionClass, now: Date): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - RETENTION_YEARS[retention]);
  return cutoff;
}

/** The previous hash of a chain's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Parallel lanes per retention class: more than the connections one server holds open at once. */
export const AUDIT_LANES = 16;

/** A retention class's lane: lane 0 is the chain as it was before lanes existed. */
export interface ChainLane {
  chain: RetentionClass;
  lane: number;
}

/**
 * The lane joins what is hashed and signed only when it is not 0, so events and checkpoints written
 * before lanes existed (all lane 0) keep verifying; an event moved to another lane no longer matches.
 */
const laneField = (lane: number) => (lane === 0 ? undefined : lane);

/** What an event's hash covers: everything recorded about it, and the hash before it. */
export interface ChainedContent extends ChainLane {
  action: string;
  actorId: string | null;
  actorRole: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  createdAt: Date;
}

/**
 * HMAC-SHA256, under the chain key, over a canonical serialisation (sorted keys, JSON) of the event
 * and the previous hash; without a key (`null`), the plain SHA-256 of events written before the chain
 * was keyed (at or below their lane's keyed-from sequence). The sequence number is not hashed: an
 * event's place is proven by the link to its predecessor, and the numbers are checked for contiguity
 * separately, so a reordering reads as one.
 */
export function eventHash(chainKey: Buffer | null, content: ChainedContent, previousHash: string): string {
  const canonical = stringify({ ...content, lane: laneField(content.lane), createdAt: content.createdAt.toISOString(), previousHash })!;
  return (chainKey ? createHmac('sha256', chainKey) : createHash('sha256')).update(canonical).digest('hex');
}

/**
 * What a checkpoint vouches for: the lane reached `sequence` with `hash`. `kind` is signed for
 * checkpoints taken since the chain was keyed (a `purge` is where verification starts, so an
 * `anchor` relabelled as one must not verify); older ones were signed without it.
 */
export interface CheckpointClaim extends ChainLane {
  sequence: number;
  hash: string;
  createdAt: Date;
  kind?: CheckpointKind;
}

export type CheckpointKind = 'purge' | 'anchor';

export function signCheckpoint(key: Buffer, claim: CheckpointClaim): string {
  const canonical = stringify({ ...claim, lane: laneField(claim.lane), createdAt: claim.createdAt.toISOString() });
  return createHmac('sha256', key).update(canonical!).digest('hex');
}

export function checkpointSignatureValid(key: Buffer, claim: CheckpointClaim, signature: string): boolean {
  const expected = Buffer.from(signCheckpoint(key, claim), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface StoredEvent extends ChainedContent {
  id: number;
  sequence: number;
  previousHash: string;
  hash: string;
}

export type ChainProblem =
  | { kind: 'modified'; sequence: number; id: number }
  | { kind: 'deleted'; fromSequence: number; toSequence: number }
  | { kind: 'reordered'; sequence: number; id: number; originalSequence: number }
  | { kind: 'checkpoint_forged'; sequence: number }
  | { kind: 'checkpoint_contradicted'; sequence: number }
  | { kind: 'head_behind'; head: number; sequence: number }
  | { kind: 'shorter_than_expected'; head: number; expected: number };

export interface ChainStart {
  /** Where verification starts: after the latest purge checkpoint, or at the beginning. */
  sequence: number;
  hash: string;
}

/**
 * Checks one chain, given its events in sequence order, where it starts, where its head says it
 * ends, and its (already signature-checked) checkpoints that still lie inside the stored range.
 */
export function verifyChain(
  chainKey: Buffer,
  /** The last sequence hashed without the key (written before the chain was keyed); 0 for none. */
  keyedFrom: number,
  events: readonly StoredEvent[],
  start: ChainStart,
  head: { sequence: number; hash: string },
  anchors: readonly { sequence: number; hash: string }[] = [],
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const byHash = new Map(events.map((e) => [e.hash, e]));
  let reordered = false;
  let expectedPrevious = start.hash;
  let expectedSequence = start.sequence + 1;
  for (const [i, event] of events.entries()) {
    const { id, sequence, previousHash, hash, ...content } = event;
    if (eventHash(sequence > keyedFrom ? chainKey : null, content, previousHash) !== hash) problems.push({ kind: 'modified', sequence, id });
    if (previousHash !== expectedPrevious) {
      const linked = byHash.get(previousHash);
      if (linked && linked !== events[i - 1]) reordered = true;
      else if (sequence > expectedSequence) problems.push({ kind: 'deleted', fromSequence: expectedSequence, toSequence: sequence - 1 });
      // Contiguous numbers but a broken link: the event before was rewritten, hash and all.
      else if (events[i - 1]) problems.push({ kind: 'modified', sequence: events[i - 1]!.sequence, id: events[i - 1]!.id });
      else problems.push({ kind: 'modified', sequence, id });
    } else if (sequence !== expectedSequence) {
      reordered = true;
    }
    expectedPrevious = hash;
    expectedSequence = sequence + 1;
  }
  if (reordered) problems.push(...misplaced(events, start));
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const last = events.at(-1);
  if (head.sequence > (last?.sequence ?? start.sequence)) {
    unique.push({ kind: 'deleted', fromSequence: (last?.sequence ?? start.sequence) + 1, toSequence: head.sequence });
  } else if (last && last.sequence > head.sequence) {
    // The head was moved back over stored events: the next append would collide with them.
    unique.push({ kind: 'head_behind', head: head.sequence, sequence: last.sequence });
  } else if (last && last.sequence === head.sequence && last.hash !== head.hash && !unique.some((p) => 'id' in p && p.id === last.id)) {
    unique.push({ kind: 'modified', sequence: last.sequence, id: last.id });
  }
  const bySequence = new Map(events.map((e) => [e.sequence, e]));
  for (const anchor of anchors) {
    const event = bySequence.get(anchor.sequence);
    // A signed point the chain reached must still be there, unchanged (unless purged since).
    if (anchor.sequence > start.sequence && event?.hash !== anchor.hash) unique.push({ kind: 'checkpoint_contradicted', sequence: anchor.sequence });
  }
  return unique;
}

/** Follows the links from the start to recover the original order; reports events not in their place. */
function misplaced(events: readonly StoredEvent[], start: ChainStart): ChainProblem[] {
  const byPrevious = new Map(events.map((e) => [e.previousHash, e]));
  const problems: ChainProblem[] = [];
  let cursor = start.hash;
  let originalSequence = start.sequence;
  for (let next = byPrevious.get(cursor); next; next = byPrevious.get(cursor)) {
    originalSequence += 1;
    if (next.sequence !== originalSequence) problems.push({ kind: 'reordered', sequence: next.sequence, id: next.id, originalSequence });
    cursor = next.hash;
  }
  return problems;
}

/** How reports name a lane: lane 0 by its class alone, as before lanes existed. */
export function laneName({ chain, lane }: ChainLane): string {
  return lane === 0 ? chain : `${chain}, lane ${lane}`;
}

export function describeProblem(where: ChainLane, p: ChainProblem): string {
  const chain = where.lane === 0 ? `${where.chain} chain` : `${where.chain} chain, lane ${where.lane}`;
  switch (p.kind) {
    case 'modified':
      return `${chain}: event ${p.sequence} (id ${p.id}) was modified`;
    case 'deleted':
      return p.fromSequence === p.toSequence
        ? `${chain}: event ${p.fromSequence} was deleted`
        : `${chain}: events ${p.fromSequence}–${p.toSequence} were deleted`;
    case 'reordered':
      return `${chain}: event at sequence ${p.sequence} (id ${p.id}) was moved there from sequence ${p.originalSequence}`;
    case 'checkpoint_forged':
      return `${chain}: checkpoint at sequence ${p.sequence} has an invalid signature`;
    case 'checkpoint_contradicted':
      return `${chain}: event ${p.sequence} is missing or does not match the signed checkpoint taken there`;
    case 'head_behind':
      return `${chain}: the head says ${p.head} but event ${p.sequence} is stored`;
    case 'shorter_than_expected':
      return `${chain}: head is at ${p.head}, shorter than the ${p.expected} recorded before (events were deleted from the end)`;
  }
}
