// A durable job queue in PostgreSQL, the same on PGlite and a server, and the only module that reads
// or writes the jobs table. Jobs are enqueued in the transaction of the change that causes them (a
// rolled-back change leaves no job); workers claim with FOR UPDATE SKIP LOCKED under a short lease
// that they extend while a job runs (heartbeats), so a dead worker's jobs are claimed again soon;
// failures back off exponentially and end in a visible dead-letter state that operators can replay.
// Delivery is at-least-once: handlers are idempotent.
import { and, asc, desc, eq, gte, inArray, lt, ne, or, sql, type SQL, type WithSubquery } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { withoutStatementValues } from '../db/faults.js';
import { jobs } from '../db/schema.js';

/** The brief's queues, plus housekeeping (scheduled purges) and the synthetic probes (src/services/probes.ts). */
export const QUEUES = ['duplicate_detection', 'ai_analysis', 'notification_sending', 'analytics_processing', 'maintenance', 'synthetic_probes'] as const;
export type QueueName = (typeof QUEUES)[number];

/** Health work: run in a lane of its own by every worker, so no backlog elsewhere can starve it. */
export const HEALTH_QUEUES: readonly QueueName[] = ['synthetic_probes'];

/** Stored error text is bounded: enough for a stack's first lines, never a payload dump. */
export const MAX_ERROR_LENGTH = 2000;

/** The last error of a job whose worker stopped heartbeating on its final attempt. */
export const WORKER_LOST_ERROR = 'worker lost while running; attempts exhausted';

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
 * A scheduled job for one interval: enqueued unless that interval's job exists in any state (the
 * key stays on finished jobs too, so an interval's job runs once even after it succeeded).
 */
export async function enqueueScheduled(db: Database, spec: JobSpec & { dedupeKey: string }, now: Date): Promise<string | null> {
  const [done] = await db.select({ id: jobs.id }).from(jobs).where(eq(jobs.dedupeKey, spec.dedupeKey)).limit(1);
  return done ? null : enqueue(db, spec, now);
}

/**
 * A CTE that enqueues one job per row of `source` (inside a larger statement, such as a vote's):
 * `payload` is a jsonb expression over the source's columns, `when` filters, `at` is the time.
 */
export function enqueueEachCte(
  db: Database,
  name: string,
  job: { queue: QueueName; type: string; priority: number },
  source: WithSubquery,
  payload: SQL,
  at: SQL,
  when: SQL = sql`true`,
) {
  return db.$with(name, { id: sql<string>`id` }).as(
    sql`insert into ${jobs} (queue, type, payload, priority, run_at, created_at)
      select ${job.queue}, ${job.type}, ${payload}, ${job.priority}::int, ${at}, ${at} from ${source} where ${when} returning id`,
  );
}

/** Whether a job of this type runs now or is due (waiting only for a free worker). */
export async function jobRunningOrDue(db: Database, type: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.type, type), or(eq(jobs.state, 'running'), and(eq(jobs.state, 'pending'), sql`${jobs.runAt} <= ${now.toISOString()}::timestamptz`))))
    .limit(1);
  return row !== undefined;
}

/**
 * Brings the earliest waiting job of this type forward to `runAt` (never later than it was), raises
 * its priority to at least `priority`, and merges `payload` into its payload. Returns its id, or
 * null when none is waiting.
 */
export async function bringForward(
  db: Database,
  type: string,
  change: { runAt: Date; priority: number; payload: Record<string, unknown> },
): Promise<string | null> {
  const [waiting] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.type, type), eq(jobs.state, 'pending')))
    .orderBy(asc(jobs.runAt))
    .limit(1);
  if (!waiting) return null;
  await db
    .update(jobs)
    .set({
      runAt: sql`least(${jobs.runAt}, ${change.runAt.toISOString()}::timestamptz)`,
      priority: sql`greatest(${jobs.priority}, ${change.priority}::int)`,
      payload: sql`${jobs.payload} || ${JSON.stringify(change.payload)}::jsonb`,
    })
    .where(eq(jobs.id, waiting.id));
  return waiting.id;
}

/**
 * Marks the other pending jobs of this type whose payload `key` equals `value` as succeeded: a job
 * that recomputes from the current state covers every one enqueued before it ran.
 */
export async function absorbPending(db: Database, job: Pick<Job, 'id' | 'type'>, key: string, value: string, now: Date): Promise<void> {
  await db
    .update(jobs)
    .set({ state: 'succeeded', finishedAt: now })
    .where(and(eq(jobs.type, job.type), eq(jobs.state, 'pending'), ne(jobs.id, job.id), sql`${jobs.payload}->>${key} = ${value}`));
}

/** Deletes jobs that succeeded before `before`; dead-lettered ones are kept for operators. */
export async function purgeSucceededJobs(db: Database, before: Date): Promise<void> {
  await db.delete(jobs).where(and(eq(jobs.state, 'succeeded'), lt(jobs.finishedAt, before)));
}

/**
 * Claims up to `limit` due jobs: pending ones whose time has come, and running ones whose lease
 * ran out (their worker died, or could not record the outcome). One statement, so two workers never
 * claim the same job. A job whose lease ran out on its last attempt is not run again: it goes to the
 * dead letters first, so no job outlives its attempt limit.
 */
export async function claim(db: Database, queues: readonly QueueName[], workerId: string, limit: number, leaseMs: number, now: Date): Promise<Job[]> {
  const leaseExpired = and(eq(jobs.state, 'running'), lt(jobs.lockedUntil, now));
  await db
    .update(jobs)
    .set({ state: 'dead', lastError: WORKER_LOST_ERROR, finishedAt: now, deadLetters: sql`${jobs.deadLetters} + 1`, lockedBy: null, lockedUntil: null })
    .where(and(inArray(jobs.queue, [...queues]), leaseExpired, gte(jobs.attempts, jobs.maxAttempts)));
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        inArray(jobs.queue, [...queues]),
        or(and(eq(jobs.state, 'pending'), sql`${jobs.runAt} <= ${now.toISOString()}::timestamptz`), and(leaseExpired, lt(jobs.attempts, jobs.maxAttempts))),
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

/**
 * A worker's heartbeat: one statement extends the lease of every job it still runs. Returns the ids
 * it still holds (a job missing here was reclaimed after a lease ran out, e.g. a long pause).
 */
export async function extendLeases(db: Database, workerId: string, jobIds: readonly string[], leaseMs: number, now: Date): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const rows = await db
    .update(jobs)
    .set({ lockedUntil: new Date(now.getTime() + leaseMs) })
    .where(and(inArray(jobs.id, [...jobIds]), eq(jobs.lockedBy, workerId), eq(jobs.state, 'running')))
    .returning({ id: jobs.id });
  return rows.map((r) => r.id);
}

/**
 * Gives back jobs a stopping worker could not finish: pending and due at once, the interrupted
 * attempt not counted (it did not fail), so another worker picks them up without waiting for a lease.
 */
export async function release(db: Database, workerId: string, jobIds: readonly string[], now: Date): Promise<number> {
  if (jobIds.length === 0) return 0;
  const rows = await db
    .update(jobs)
    .set({ state: 'pending', attempts: sql`greatest(${jobs.attempts} - 1, 0)`, runAt: now, lockedBy: null, lockedUntil: null })
    .where(and(inArray(jobs.id, [...jobIds]), eq(jobs.lockedBy, workerId), eq(jobs.state, 'running')))
    .returning({ id: jobs.id });
  return rows.length;
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

/**
 * Error text as PostgreSQL will store it: a NUL (which text columns refuse — the update failed and
 * the job stuck as running) and other control characters removed, \n and \t kept, unpaired
 * surrogates replaced, and the length bounded.
 */
export function storableErrorText(text: string): string {
  return (
    text
      // Control characters are what this strips.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
      .slice(0, MAX_ERROR_LENGTH)
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  );
}

/** Records a failure: back to pending after a delay, or dead when out of attempts. Returns the new state. */
export async function fail(db: Database, job: Job, workerId: string, error: unknown, now: Date, permanent = false): Promise<'pending' | 'dead'> {
  const dead = permanent || job.attempts >= job.maxAttempts;
  const message = storableErrorText(error instanceof Error ? withoutStatementValues(error).message : String(error));
  await db
    .update(jobs)
    .set({
      state: dead ? 'dead' : 'pending',
      runAt: dead ? job.runAt : new Date(now.getTime() + retryDelayMs(job.attempts)),
      lastError: message,
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
      oldestDueSeconds: sql<
        number | null
      >`extract(epoch from (${now.toISOString()}::timestamptz - min(${jobs.runAt}) filter (where ${jobs.state} = 'pending' and ${jobs.runAt} <= ${now.toISOString()}::timestamptz)))::float8`,
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
