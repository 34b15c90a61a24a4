// Accountability: an audit event is written in the same transaction as the change it describes,
// so a change can never exist without its record. Events are appended to a lane of their retention
// class's hash chain (src/domain/audit-chain.ts) by advancing that lane's head row, whose row lock
// orders the lane's writers the same way on PGlite and PostgreSQL; the head only advances if the
// surrounding transaction commits. A writer takes a lane no other transaction holds (SKIP LOCKED),
// so concurrent audited changes do not queue behind each other's commits (decision 0018).
import { and, asc, desc, eq, gt, gte, isNotNull, lte, or, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { rows, timestamptz, type Database } from '../db/client.js';
import { auditChainHeads, auditCheckpoints, auditEvents, auditKeyedChainStarts } from '../db/schema.js';
import {
  AUDIT_LANES,
  checkpointSignatureValid,
  describeProblem,
  eventHash,
  GENESIS_HASH,
  RETENTION_CLASSES,
  retentionClassOf,
  retentionCutoff,
  signCheckpoint,
  verifyChain,
  type ChainedContent,
  type ChainLane,
  type ChainProblem,
  type ChainStart,
  type CheckpointKind,
  type RetentionClass,
} from '../domain/audit-chain.js';
import type { Call } from './context.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

type LaneHead = { lane: number; sequence: number; hash: string };

/**
 * This process's side of the audit lanes (one per service context, built in service-context.ts).
 * Per chain, the lanes this process has appended to and where it left them, longest unused first:
 * an append takes the first (so concurrent appends in this process try different lanes) and puts
 * it back last; by the time it comes round again, the transaction that used it has usually committed.
 */
export class AuditLanes {
  private readonly idle = new Map<RetentionClass, LaneHead[]>();
  /**
   * HTTP requests (by id) that appended an event, until their response is done: the product team's
   * generic `api_call` record is only needed for calls that left no event of their own.
   */
  private readonly requestsWithEvents = new LRUCache<string, true>({ max: 10_000 });

  takeIdle(chain: RetentionClass): LaneHead | undefined {
    return this.idle.get(chain)?.shift();
  }

  remember(chain: RetentionClass, head: LaneHead, requestId: string | null) {
    const lanes = (this.idle.get(chain) ?? []).filter((l) => l.lane !== head.lane);
    lanes.push(head);
    this.idle.set(chain, lanes);
    if (requestId) this.requestsWithEvents.set(requestId, true);
  }

  /** Whether request `requestId` appended an audit event; forgets it (call once, when it is done). */
  takeRequestAudited(requestId: string): boolean {
    const audited = this.requestsWithEvents.has(requestId);
    this.requestsWithEvents.delete(requestId);
    return audited;
  }
}

/** What appending needs from the service context: the chain key (src/security/keyring.ts) and this process's lanes. */
export type AuditWriter = { keyring: { readonly auditChainKey: Buffer }; auditLanes: AuditLanes; benchmarkControls?: { readonly audit: boolean } };

export async function recordAudit(
  s: AuditWriter,
  db: Database,
  call: Pick<Call, 'requestId'> & { actor: { id: string; role: string } | null },
  entry: AuditEntry,
) {
  if (s.benchmarkControls?.audit === false) return;
  const chain = retentionClassOf(entry.action);
  const content: Omit<ChainedContent, 'lane'> = {
    chain,
    action: entry.action,
    actorId: call.actor?.id ?? null,
    actorRole: call.actor?.role ?? null,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    // Exactly what jsonb will give back when the chain is verified (no undefined, no Date objects).
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
    requestId: call.requestId ?? null,
    createdAt: new Date(),
  };
  // Usually that lane is free and still ends where this process left it: one statement, no extra
  // round trip while the caller's transaction holds its connection (the audit trail was the
  // largest cost in the security-under-load benchmark).
  const idle = s.auditLanes.takeIdle(chain);
  const key = s.keyring.auditChainKey;
  let head = idle && (await appendAfter(db, key, content, idle));
  if (!head) {
    // Another transaction holds that lane, or moved it: lock a free lane's head (a savepoint inside
    // the caller's transaction, or a transaction of its own) and append after it.
    head = await db.transaction(async (tx) => {
      const free = await lockFreeLane(tx, chain);
      const appended = await appendAfter(tx, key, content, free);
      if (!appended) throw new Error(`audit chain ${chain} lane ${free.lane} moved while its head was locked`);
      return appended;
    });
  }
  s.auditLanes.remember(chain, head, content.requestId);
}

/**
 * The head of the lowest lane no other transaction holds, locked until the caller's transaction
 * ends. When every lane is held (more concurrent writers than lanes), waits for a random one.
 */
async function lockFreeLane(tx: Database, chain: RetentionClass): Promise<LaneHead> {
  const head = { lane: auditChainHeads.lane, sequence: auditChainHeads.sequence, hash: auditChainHeads.hash };
  const [free] = await tx
    .select(head)
    .from(auditChainHeads)
    .where(eq(auditChainHeads.chain, chain))
    .orderBy(asc(auditChainHeads.lane))
    .limit(1)
    .for('update', { skipLocked: true });
  if (free) return free;
  const lane = Math.floor(Math.random() * AUDIT_LANES);
  const [busy] = await tx
    .select(head)
    .from(auditChainHeads)
    .where(and(eq(auditChainHeads.chain, chain), eq(auditChainHeads.lane, lane)))
    .for('update');
  return busy!;
}

/**
 * Appends the event to `head`'s lane if that lane still ends there and no other transaction holds
 * it: its head row is locked (skipping it if held elsewhere) and advanced only where its sequence
 * and hash are still `head`'s, and the event is inserted only if it was. Returns the lane's new
 * head, or null when it was held or had moved on.
 */
async function appendAfter(db: Database, chainKey: Buffer, unplaced: Omit<ChainedContent, 'lane'>, head: LaneHead): Promise<LaneHead | null> {
  const content: ChainedContent = { ...unplaced, lane: head.lane };
  const sequence = head.sequence + 1;
  const hash = eventHash(chainKey, content, head.hash);
  const appended =
    rows(
      await db.execute(sql`
      with free as (
        select chain, lane from ${auditChainHeads}
        where chain = ${content.chain} and lane = ${head.lane}::smallint and sequence = ${head.sequence}::bigint and hash = ${head.hash}
        for update skip locked
      ), advanced as (
        update ${auditChainHeads} h set sequence = ${sequence}::bigint, hash = ${hash}
        from free where h.chain = free.chain and h.lane = free.lane
        returning h.sequence
      )
      insert into ${auditEvents} (chain, lane, sequence, previous_hash, hash, action, actor_id, actor_role, target_type, target_id, details, request_id, created_at)
      select ${content.chain}, ${head.lane}::smallint, sequence, ${head.hash}, ${hash}, ${content.action}, ${content.actorId}::uuid, ${content.actorRole}, ${content.targetType},
        ${content.targetId}, ${JSON.stringify(content.details)}::jsonb, ${content.requestId}, ${timestamptz(content.createdAt)}
      from advanced
      returning id`),
    ).length > 0;
  return appended ? { lane: head.lane, sequence, hash } : null;
}

export interface ChainReport extends ChainLane {
  /** Verified from here (after the latest purge checkpoint) to the head. */
  from: number;
  to: number;
  events: number;
  problems: string[];
  details: ChainProblem[];
}

/** The keys `audit verify` needs: the chain key (master key) and the checkpoint key (AUDIT_SIGNING_KEY). */
export interface AuditKeys {
  chainKey: Buffer;
  signingKey: Buffer;
}

/** How an operator names a lane on the command line: `7_years` is lane 0, `7_years:3` lane 3. */
export function laneArgument({ chain, lane }: ChainLane): string {
  return lane === 0 ? chain : `${chain}:${lane}`;
}

/** `laneArgument`'s inverse; null for anything that is not a retention class and a lane below AUDIT_LANES. */
export function parseLaneArgument(text: string): ChainLane | null {
  const [chain, lane = '0', extra] = text.split(':');
  if (extra !== undefined || !(RETENTION_CLASSES as string[]).includes(chain!) || !/^\d+$/.test(lane) || Number(lane) >= AUDIT_LANES) return null;
  return { chain: chain as RetentionClass, lane: Number(lane) };
}

/**
 * Walks every lane of every chain from its latest purge checkpoint to its head: lane 0 always, the
 * others once anything was written to them (or claims to have been, or `expect` names them).
 * `expect` holds heads recorded earlier (by `laneArgument`), e.g. from Prometheus or `audit
 * checkpoint`: a lane whose head is now lower lost its tail, whatever the rows say.
 */
export async function verifyAuditChains(db: Database, keys: AuditKeys, expect: ReadonlyMap<string, number> = new Map()): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  const upgrades = await db.select().from(auditKeyedChainStarts);
  for (const chain of RETENTION_CLASSES) {
    const [heads, eventLanes, checkpoints] = await Promise.all([
      db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain)),
      db.selectDistinct({ lane: auditEvents.lane }).from(auditEvents).where(eq(auditEvents.chain, chain)),
      db.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, chain)).orderBy(asc(auditCheckpoints.id)),
    ]);
    const expected = [...expect.keys()]
      .map(parseLaneArgument)
      .filter((l) => l?.chain === chain)
      .map((l) => l!.lane);
    const lanes = new Set([
      0,
      ...heads.filter((h) => h.sequence > 0).map((h) => h.lane),
      ...eventLanes.map((e) => e.lane),
      ...checkpoints.map((c) => c.lane),
      ...expected,
    ]);
    for (const lane of [...lanes].sort((a, b) => a - b)) {
      const where = { chain, lane };
      const head = heads.find((h) => h.lane === lane);
      // No recorded upgrade (a lane the migration never saw): everything must be in the keyed form.
      const upgrade = upgrades.find((k) => k.chain === chain && k.lane === lane) ?? { sequence: 0, unkeyedCheckpointId: 0 };
      const report = await verifyLane(
        db,
        keys,
        where,
        upgrade,
        head,
        checkpoints.filter((c) => c.lane === lane),
      );
      const recorded = expect.get(laneArgument(where));
      if (recorded !== undefined && report.to < recorded) {
        const problem: ChainProblem = { kind: 'shorter_than_expected', head: report.to, expected: recorded };
        report.details.push(problem);
        report.problems.push(describeProblem(where, problem));
      }
      reports.push(report);
    }
  }
  return reports;
}

async function verifyLane(
  db: Database,
  keys: AuditKeys,
  where: ChainLane,
  upgrade: { sequence: number; unkeyedCheckpointId: number },
  head: LaneHead | undefined,
  checkpoints: (typeof auditCheckpoints.$inferSelect)[],
): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const trusted = checkpoints.filter((c) => {
    const claim = { ...where, sequence: c.sequence, hash: c.hash, createdAt: c.createdAt };
    const valid =
      checkpointSignatureValid(keys.signingKey, { ...claim, kind: c.kind }, c.signature) ||
      (c.id <= upgrade.unkeyedCheckpointId && checkpointSignatureValid(keys.signingKey, claim, c.signature));
    if (!valid) problems.push({ kind: 'checkpoint_forged', sequence: c.sequence });
    return valid;
  });
  const lastPurge = trusted.filter((c) => c.kind === 'purge').at(-1);
  const start: ChainStart = lastPurge ? { sequence: lastPurge.sequence, hash: lastPurge.hash } : { sequence: 0, hash: GENESIS_HASH };
  const stored = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.chain, where.chain), eq(auditEvents.lane, where.lane), gt(auditEvents.sequence, start.sequence)))
    .orderBy(asc(auditEvents.sequence));
  const events = stored.map((r) => ({ ...r, ...where, sequence: r.sequence!, previousHash: r.previousHash!, hash: r.hash! }));
  problems.push(...verifyChain(keys.chainKey, upgrade.sequence, events, start, head ?? { sequence: 0, hash: GENESIS_HASH }, trusted));
  return {
    ...where,
    from: start.sequence + 1,
    to: head?.sequence ?? 0,
    events: events.length,
    problems: problems.map((p) => describeProblem(where, p)),
    details: problems,
  };
}

/** Each lane's head (lane 0 of every class, and every lane written to), for the head-sequence gauge. */
export async function auditChainHeadSequences(db: Database): Promise<(ChainLane & { sequence: number })[]> {
  return db
    .select({ chain: auditChainHeads.chain, lane: auditChainHeads.lane, sequence: auditChainHeads.sequence })
    .from(auditChainHeads)
    .where(or(eq(auditChainHeads.lane, 0), gt(auditChainHeads.sequence, 0)))
    .orderBy(asc(auditChainHeads.chain), asc(auditChainHeads.lane));
}

export interface CheckpointResult extends ChainLane {
  sequence: number;
  /** False when the lane's head was already signed (nothing appended since the last checkpoint). */
  signed: boolean;
}

/**
 * Signs an anchor at each lane's current head, unless the lane's newest checkpoint already
 * vouches for that head: from then on, events up to there cannot be deleted or rewritten without
 * contradicting a signature only AUDIT_SIGNING_KEY can make. Reads committed heads without locking
 * them, so appends never wait for it; run every AUDIT_CHECKPOINT_INTERVAL_SECONDS and by `audit checkpoint`.
 */
export async function checkpointAuditChains(db: Database, signingKey: Buffer, now: Date): Promise<CheckpointResult[]> {
  const latest = rows<{ chain: RetentionClass; lane: number; sequence: string }>(
    await db.execute(sql`select distinct on (chain, lane) chain, lane, sequence from ${auditCheckpoints} order by chain, lane, id desc`),
  );
  const heads = await db
    .select()
    .from(auditChainHeads)
    .where(or(eq(auditChainHeads.lane, 0), gt(auditChainHeads.sequence, 0)));
  const results: CheckpointResult[] = [];
  const fresh: ReturnType<typeof checkpoint>[] = [];
  for (const head of heads) {
    const where = { chain: head.chain, lane: head.lane };
    const signedAlready = latest.some((c) => c.chain === head.chain && c.lane === head.lane && Number(c.sequence) === head.sequence);
    const due = head.sequence > 0 && !signedAlready;
    if (due) fresh.push(checkpoint(signingKey, where, head.sequence, head.hash, 'anchor', now));
    results.push({ ...where, sequence: head.sequence, signed: due });
  }
  if (fresh.length > 0) await db.insert(auditCheckpoints).values(fresh);
  return results.sort((a, b) => RETENTION_CLASSES.indexOf(a.chain) - RETENTION_CLASSES.indexOf(b.chain) || a.lane - b.lane);
}

export interface PurgeResult extends ChainLane {
  purged: number;
  checkpointSequence: number | null;
}

/**
 * Deletes each lane's expired prefix (events older than their class's retention, up to the first
 * one that is not), after signing a checkpoint of the last deleted event, in one transaction; then
 * signs an anchor at the current head so a later rewrite of the remaining lane contradicts it.
 * Covers lane 0 of every chain and every lane that has been written to.
 */
export async function purgeExpiredAuditEvents(db: Database, signingKey: Buffer, now: Date): Promise<PurgeResult[]> {
  const results: PurgeResult[] = [];
  const used = await db
    .select({ chain: auditChainHeads.chain, lane: auditChainHeads.lane })
    .from(auditChainHeads)
    .where(or(eq(auditChainHeads.lane, 0), gt(auditChainHeads.sequence, 0)))
    .orderBy(asc(auditChainHeads.lane));
  for (const chain of RETENTION_CLASSES) {
    for (const { lane } of used.filter((u) => u.chain === chain)) results.push(await purgeLane(db, signingKey, { chain, lane }, now));
  }
  return results;
}

function purgeLane(db: Database, signingKey: Buffer, where: ChainLane, now: Date): Promise<PurgeResult> {
  const inLane = and(eq(auditEvents.chain, where.chain), eq(auditEvents.lane, where.lane));
  return db.transaction(async (tx) => {
    // Holding the head keeps this lane's writers out (they take another) while the prefix and the anchor are decided.
    const [head] = await tx
      .select()
      .from(auditChainHeads)
      .where(and(eq(auditChainHeads.chain, where.chain), eq(auditChainHeads.lane, where.lane)))
      .for('update');
    const cutoff = retentionCutoff(where.chain, now);
    const [firstKept] = await tx
      .select({ sequence: auditEvents.sequence })
      .from(auditEvents)
      .where(and(inLane, gte(auditEvents.createdAt, cutoff)))
      .orderBy(asc(auditEvents.sequence))
      .limit(1);
    const lastPurged = (firstKept?.sequence ?? head!.sequence + 1) - 1;
    const [boundary] = await tx
      .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(inLane, lte(auditEvents.sequence, lastPurged), isNotNull(auditEvents.hash)))
      .orderBy(desc(auditEvents.sequence))
      .limit(1);
    let purged = 0;
    if (boundary) {
      await tx.insert(auditCheckpoints).values(checkpoint(signingKey, where, boundary.sequence!, boundary.hash!, 'purge', now));
      const deleted = await tx
        .delete(auditEvents)
        .where(and(inLane, lte(auditEvents.sequence, boundary.sequence!)))
        .returning({ id: auditEvents.id });
      purged = deleted.length;
    }
    if (head!.sequence > 0) await tx.insert(auditCheckpoints).values(checkpoint(signingKey, where, head!.sequence, head!.hash, 'anchor', now));
    return { ...where, purged, checkpointSequence: boundary?.sequence ?? null };
  });
}

function checkpoint(key: Buffer, where: ChainLane, sequence: number, hash: string, kind: CheckpointKind, createdAt: Date) {
  return { ...where, sequence, hash, kind, createdAt, signature: signCheckpoint(key, { ...where, sequence, hash, createdAt, kind }) };
}
