// A durable job queue in PostgreSQL, the same on PGlite and a server. Jobs are enqueued in the
// transaction of the change that causes them (a rolled-back change leaves no job); workers claim
// with FOR UPDATE SKIP LOCKED under a lease; failures back off exponentially and end in a visible
// dead-letter state that operators can replay. Delivery is at-least-once: handlers are idempotent.
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { jobs } from '../db/schema.js';

/** The brief's queues, plus housekeeping (scheduled purges) and the synthetic probes (src/ops/probes.ts). */
export const QUEUES = ['duplicate_detection', 'ai_analysis', 'notification_sending', 'analytics_processing', 'maintenance', 'synthetic_probes'] as const;
export type QueueName = (typeof QUEUES)[number];

export type Job = typeof jobs.$inferSelect;

export interface JobSpec {
  queue: QueueName;
  type: string;
  payload?: Record<string, unknown>;
  /** Higher runs first. */
  priority?: number;
  runAt?: Date;
  maxAttempts?: number;
  /** While a job with this key is pending or running, enqueueing another is a no-op. */
  dedupeKey?: string;
}

/** Returns the new job's id, or null when an equal live job (same dedupe key) already exists. */
export async function enqueue(db: Database, spec: JobSpec, now: Date): Promise<string | null> {
  const [row] = await db
    .insert(jobs)
    .values({
      queue: spec.queue,
      type: spec.type,
      payload: spec.payload ?? {},
      priority: spec.priority ?? 0,
      runAt: spec.runAt ?? now,
      maxAttempts: spec.maxAttempts ?? 5,
      dedupeKey: spec.dedupeKey ?? null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: jobs.dedupeKey, where: sql`${jobs.state} in ('pending', 'running')` })
    .returning({ id: jobs.id });
  return row?.id ?? null;
}

/**
 * Claims up to `limit` due jobs: pending ones whose time has come, and running ones whose lease
 * ran out (their worker died). One statement, so two workers never claim the same job.
 */
export async function claim(db: Database, queues: readonly QueueName[], workerId: string, limit: number, leaseMs: number, now: Date): Promise<Job[]> {
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        inArray(jobs.queue, [...queues]),
        or(and(eq(jobs.state, 'pending'), sql`${jobs.runAt} <= ${now.toISOString()}::timestamptz`), and(eq(jobs.state, 'running'), lt(jobs.lockedUntil, now))),
      ),
    )
    .orderBy(desc(jobs.priority), asc(jobs.runAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(jobs)
    .set({ state: 'running', attempts: sql`${jobs.attempts} + 1`, lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs) })
    .where(inArray(jobs.id, due))
    .returning();
}

export async function complete(db: Database, job: Job, workerId: string, now: Date): Promise<void> {
  await db
    .update(jobs)
    .set({ state: 'succeeded', finishedAt: now, lockedBy: null, lockedUntil: null })
    .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
}

/** Exponential back-off with jitter: ~2 s, 4 s, 8 s … capped at 15 minutes. */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(2 ** attempt * 1000, 15 * 60_000);
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Records a failure: back to pending after a delay, or dead when out of attempts. Returns the new state. */
export async function fail(db: Database, job: Job, workerId: string, error: unknown, now: Date, permanent = false): Promise<'pending' | 'dead'> {
  const dead = permanent || job.attempts >= job.maxAttempts;
  const message = error instanceof Error ? error.message : String(error);
  await db
    .update(jobs)
    .set({
      state: dead ? 'dead' : 'pending',
      runAt: dead ? job.runAt : new Date(now.getTime() + retryDelayMs(job.attempts)),
      lastError: message.slice(0, 2000),
      finishedAt: dead ? now : null,
      deadLetters: dead ? sql`${jobs.deadLetters} + 1` : jobs.deadLetters,
      lockedBy: null,
      lockedUntil: null,
    })
    .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
  return dead ? 'dead' : 'pending';
}

/** Puts a dead job back in line with fresh attempts (an operator's replay). */
export async function replay(db: Database, jobId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ state: 'pending', attempts: 0, runAt: now, finishedAt: null, lastError: null })
    .where(and(eq(jobs.id, jobId), eq(jobs.state, 'dead')))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** The dead letter box, newest first, for operators. */
export async function deadJobs(db: Database, limit = 100): Promise<Job[]> {
  return db.select().from(jobs).where(eq(jobs.state, 'dead')).orderBy(desc(jobs.finishedAt)).limit(limit);
}

/** Dead-lettered jobs per queue, ever (replayed ones included), for jobs_dead_lettered_total. */
export async function deadLetterCounts(db: Database) {
  return db
    .select({ queue: jobs.queue, total: sql<number>`coalesce(sum(${jobs.deadLetters}), 0)::int` })
    .from(jobs)
    .where(sql`${jobs.deadLetters} > 0`)
    .groupBy(jobs.queue);
}

/** Per queue: jobs waiting, running and dead, and how long the oldest due one has waited. */
export async function queueOverview(db: Database, now: Date) {
  return db
    .select({
      queue: jobs.queue,
      pending: sql<number>`(count(*) filter (where ${jobs.state} = 'pending'))::int`,
      running: sql<number>`(count(*) filter (where ${jobs.state} = 'running'))::int`,
      dead: sql<number>`(count(*) filter (where ${jobs.state} = 'dead'))::int`,
      oldestDueSeconds: sql<number | null>`extract(epoch from (${now.toISOString()}::timestamptz - min(${jobs.runAt}) filter (where ${jobs.state} = 'pending' and ${jobs.runAt} <= ${now.toISOString()}::timestamptz)))::float8`,
    })
    .from(jobs)
    .where(inArray(jobs.state, ['pending', 'running', 'dead']))
    .groupBy(jobs.queue);
}

/** Pending jobs per queue and priority band, for ai_processing_queue_depth. */
export async function queueDepths(db: Database) {
  return db
    .select({
      queue: jobs.queue,
      priority: sql<string>`case when ${jobs.priority} > 0 then 'high' when ${jobs.priority} < 0 then 'low' else 'normal' end`,
      depth: sql<number>`count(*)::int`,
    })
    .from(jobs)
    .where(eq(jobs.state, 'pending'))
    .groupBy(jobs.queue, sql`2`);
}
