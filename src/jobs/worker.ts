// Runs jobs: claims due ones from the queues it serves, runs each job's handler, records success
// or failure, and enqueues scheduled jobs. `start` runs one in-process; `worker` runs it alone.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { jobs } from '../db/schema.js';
import type { Services } from '../services/context.js';
import { claim, complete, enqueue, fail, type Job, type JobSpec, type QueueName } from './queue.js';

export type JobHandler = (job: Job, services: Services) => Promise<void>;

/** Thrown by a handler when retrying cannot help (bad payload): the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** A job enqueued every `everyMs`, once per interval across all workers. */
export interface Schedule {
  name: string;
  everyMs: number;
  job: Omit<JobSpec, 'dedupeKey' | 'runAt'>;
}

export interface WorkerOptions {
  services: Services;
  handlers: Record<string, JobHandler>;
  queues: readonly QueueName[];
  schedules?: readonly Schedule[];
  concurrency: number;
  pollMs?: number;
  leaseMs?: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface Worker {
  /** Claims and runs what is due now; resolves when those jobs are done. Returns how many ran. */
  runDue(): Promise<number>;
  /** Enqueues the scheduled jobs whose interval has started. */
  schedule(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createWorker(opts: WorkerOptions): Worker {
  const { services, handlers, queues, log } = opts;
  const workerId = `worker-${randomUUID()}`;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const pollMs = opts.pollMs ?? 1000;
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;

  async function run(job: Job) {
    const handler = handlers[job.type];
    try {
      if (!handler) throw new PermanentJobError(`no handler for job type "${job.type}"`);
      await handler(job, services);
      await complete(services.db, job, workerId, services.now());
    } catch (err) {
      const state = await fail(services.db, job, workerId, err, services.now(), err instanceof PermanentJobError);
      const entry = { jobId: job.id, queue: job.queue, type: job.type, attempt: job.attempts, err };
      if (state === 'dead') log.error(entry, 'job dead-lettered');
      else log.warn(entry, 'job failed; will retry');
    }
  }

  async function runDue(): Promise<number> {
    const free = opts.concurrency - running.size;
    if (free <= 0) return 0;
    const claimed = await claim(services.db, queues, workerId, free, leaseMs, services.now());
    const batch = claimed.map((job) => {
      const p = run(job).finally(() => running.delete(p));
      running.add(p);
      return p;
    });
    await Promise.all(batch);
    return claimed.length;
  }

  async function schedule() {
    const now = services.now();
    for (const s of opts.schedules ?? []) {
      const slot = Math.floor(now.getTime() / s.everyMs) * s.everyMs;
      const dedupeKey = `schedule:${s.name}:${new Date(slot).toISOString()}`;
      // The key stays on finished jobs too, so an interval's job runs once even after it succeeded.
      const [done] = await services.db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.dedupeKey, dedupeKey))).limit(1);
      if (!done) await enqueue(services.db, { ...s.job, dedupeKey }, now);
    }
  }

  async function tick() {
    if (stopping) return;
    let ran = 0;
    try {
      await schedule();
      ran = await runDue();
    } catch (err) {
      log.error({ err }, 'job worker tick failed');
    }
    // A full batch suggests more is waiting: look again at once.
    if (!stopping) timer = setTimeout(() => void tick(), ran >= opts.concurrency ? 0 : pollMs);
  }

  return {
    runDue,
    schedule,
    start() {
      log.info({ workerId, queues, concurrency: opts.concurrency }, 'job worker started');
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
