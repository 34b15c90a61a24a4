// Accountability: an audit event is written in the same transaction as the change it describes,
// so a change can never exist without its record. Events are appended to their retention class's
// hash chain (src/domain/audit-chain.ts) by advancing that chain's head row, whose row lock orders
// concurrent writers the same way on PGlite and PostgreSQL; the head only advances if the
// surrounding transaction commits.
import { and, asc, desc, eq, gt, gte, isNotNull, lte, sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { rows, timestamptz, type Database } from '../db/client.js';
import { auditChainHeads, auditCheckpoints, auditEvents } from '../db/schema.js';
import {
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
  type ChainProblem,
  type ChainStart,
  type RetentionClass,
} from '../domain/audit-chain.js';
import { securityControls } from '../security/benchmark-controls.js';
import type { Call } from './context.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

type ChainHead = { sequence: number; hash: string };

/**
 * HTTP requests (by id) that appended an event, until their response is done: the product team's
 * generic `api_call` record is only needed for calls that left no event of their own.
 */
const requestsWithEvents = new LRUCache<string, true>({ max: 10_000 });

/** Whether request `requestId` appended an audit event; forgets it (call once, when it is done). */
export function takeRequestAudited(requestId: string): boolean {
  const audited = requestsWithEvents.has(requestId);
  requestsWithEvents.delete(requestId);
  return audited;
}

/** Where this process last saw each chain end: the next append tries there first. */
const lastSeenHead = new Map<RetentionClass, ChainHead>();

export async function recordAudit(db: Database, call: Pick<Call, 'requestId'> & { actor: { id: string; role: string } | null }, entry: AuditEntry) {
  if (!securityControls().audit) return;
  const chain = retentionClassOf(entry.action);
  const content = {
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
  // Usually the chain still ends where this process last left it: one statement, no extra round trip
  // (the audit trail was the largest cost in the security-under-load benchmark).
  const seen = lastSeenHead.get(chain);
  if (!seen || !(await appendAfter(db, content, seen))) {
    // Another process or a rolled-back transaction moved it: read the head under its lock (a
    // savepoint inside the caller's transaction, or a transaction of its own) and append after it.
    await db.transaction(async (tx) => {
      const [head] = await tx.select({ sequence: auditChainHeads.sequence, hash: auditChainHeads.hash }).from(auditChainHeads).where(eq(auditChainHeads.chain, chain)).for('update');
      if (!(await appendAfter(tx, content, head!))) throw new Error(`audit chain ${chain} moved while its head was locked`);
    });
  }
  if (content.requestId) requestsWithEvents.set(content.requestId, true);
}

/**
 * Appends the event after `head` if the chain still ends there: the head row is advanced only where
 * its sequence and hash are still `head`'s (a concurrent writer holding its lock makes this wait, then
 * miss), and the event is inserted only if it was. False when the chain had moved on.
 */
async function appendAfter(db: Database, content: ChainedContent, head: ChainHead): Promise<boolean> {
  const sequence = head.sequence + 1;
  const hash = eventHash(content, head.hash);
  const appended = rows(
    await db.execute(sql`
      with advanced as (
        update ${auditChainHeads} set sequence = ${sequence}::bigint, hash = ${hash}
        where chain = ${content.chain} and sequence = ${head.sequence}::bigint and hash = ${head.hash}
        returning sequence
      )
      insert into ${auditEvents} (chain, sequence, previous_hash, hash, action, actor_id, actor_role, target_type, target_id, details, request_id, created_at)
      select ${content.chain}, sequence, ${head.hash}, ${hash}, ${content.action}, ${content.actorId}::uuid, ${content.actorRole}, ${content.targetType},
        ${content.targetId}, ${JSON.stringify(content.details)}::jsonb, ${content.requestId}, ${timestamptz(content.createdAt)}
      from advanced
      returning id`),
  ).length > 0;
  if (appended) lastSeenHead.set(content.chain, { sequence, hash });
  else lastSeenHead.delete(content.chain);
  return appended;
}

export interface ChainReport {
  chain: RetentionClass;
  /** Verified from here (after the latest purge checkpoint) to the head. */
  from: number;
  to: number;
  events: number;
  problems: string[];
  details: ChainProblem[];
}

/** Walks every chain from its latest purge checkpoint to its head. Needs the checkpoint key. */
export async function verifyAuditChains(db: Database, signingKey: Buffer): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const chain of RETENTION_CLASSES) {
    const checkpoints = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.chain, chain)).orderBy(asc(auditCheckpoints.id));
    const problems: ChainProblem[] = [];
    const trusted = checkpoints.filter((c) => {
      const valid = checkpointSignatureValid(signingKey, { chain, sequence: c.sequence, hash: c.hash, createdAt: c.createdAt }, c.signature);
      if (!valid) problems.push({ kind: 'checkpoint_forged', sequence: c.sequence });
      return valid;
    });
    const lastPurge = trusted.filter((c) => c.kind === 'purge').at(-1);
    const start: ChainStart = lastPurge ? { sequence: lastPurge.sequence, hash: lastPurge.hash } : { sequence: 0, hash: GENESIS_HASH };
    const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain));
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.sequence, start.sequence)))
      .orderBy(asc(auditEvents.sequence));
    const events = rows.map((r) => ({ ...r, chain, sequence: r.sequence!, previousHash: r.previousHash!, hash: r.hash! }));
    problems.push(...verifyChain(events, start, head ?? { sequence: 0, hash: GENESIS_HASH }, trusted));
    reports.push({ chain, from: start.sequence + 1, to: head?.sequence ?? 0, events: events.length, problems: problems.map((p) => describeProblem(chain, p)), details: problems });
  }
  return reports;
}

export interface PurgeResult {
  chain: RetentionClass;
  purged: number;
  checkpointSequence: number | null;
}

/**
 * Deletes each chain's expired prefix (events older than their class's retention, up to the first
 * one that is not), after signing a checkpoint of the last deleted event, in one transaction; then
 * signs an anchor at the current head so a later rewrite of the remaining chain contradicts it.
 */
export async function purgeExpiredAuditEvents(db: Database, signingKey: Buffer, now: Date): Promise<PurgeResult[]> {
  const results: PurgeResult[] = [];
  for (const chain of RETENTION_CLASSES) {
    results.push(
      await db.transaction(async (tx) => {
        // Holding the head keeps writers out while the prefix and the anchor are decided.
        const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.chain, chain)).for('update');
        const cutoff = retentionCutoff(chain, now);
        const [firstKept] = await tx
          .select({ sequence: auditEvents.sequence })
          .from(auditEvents)
          .where(and(eq(auditEvents.chain, chain), gte(auditEvents.createdAt, cutoff)))
          .orderBy(asc(auditEvents.sequence))
          .limit(1);
        const lastPurged = (firstKept?.sequence ?? head!.sequence + 1) - 1;
        const [boundary] = await tx
          .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
          .from(auditEvents)
          .where(and(eq(auditEvents.chain, chain), lte(auditEvents.sequence, lastPurged), isNotNull(auditEvents.hash)))
          .orderBy(desc(auditEvents.sequence))
          .limit(1);
        let purged = 0;
        if (boundary) {
          await tx.insert(auditCheckpoints).values(checkpoint(signingKey, chain, boundary.sequence!, boundary.hash!, 'purge', now));
          await tx.execute(sql`set local wedsync.audit_purge = 'on'`);
          const deleted = await tx
            .delete(auditEvents)
            .where(and(eq(auditEvents.chain, chain), lte(auditEvents.sequence, boundary.sequence!)))
            .returning({ id: auditEvents.id });
          purged = deleted.length;
        }
        if (head!.sequence > 0) await tx.insert(auditCheckpoints).values(checkpoint(signingKey, chain, head!.sequence, head!.hash, 'anchor', now));
        return { chain, purged, checkpointSequence: boundary?.sequence ?? null };
      }),
    );
  }
  return results;
}

function checkpoint(key: Buffer, chain: RetentionClass, sequence: number, hash: string, kind: 'purge' | 'anchor', createdAt: Date) {
  return { chain, sequence, hash, kind, createdAt, signature: signCheckpoint(key, { chain, sequence, hash, createdAt }) };
}
