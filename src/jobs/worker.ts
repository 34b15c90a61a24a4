// Runs jobs: claims due ones from the queues it serves, checks each payload against its job's
// contract, runs the handler, records success or failure, and enqueues scheduled jobs. Health work
// (HEALTH_QUEUES: the synthetic probes) has a lane of its own — its own loop and slot — so no
// backlog elsewhere can starve it. While a job runs, the worker extends its lease (one heartbeat
// statement for all its jobs), so leases can be short and a dead worker's jobs are soon claimed
// again. `start` runs one in-process; `worker` runs it alone.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { MAX_WORKER_CONCURRENCY } from '../config.js';
import { boostedConcurrency } from '../domain/scaling-signal.js';
import { seasonStatus } from '../domain/seasons.js';
import type { Services } from '../services/context.js';
import type { Pacing } from './pacing.js';
import { payloadProblem, type JobContract, type PayloadOf } from '../queue/contracts.js';
import { claim, complete, enqueueScheduled, extendLeases, fail, HEALTH_QUEUES, release, type Job, type JobSpec, type QueueName } from '../queue/queue.js';

/** A job as its handler sees it: the payload already checked against the contract. */
export type JobOf<C extends JobContract> = Omit<Job, 'payload'> & { payload: PayloadOf<C> };

export interface JobHandler<C extends JobContract = JobContract> {
  contract: C;
  run(job: JobOf<C>, services: Services): Promise<void>;
}

/** Pairs a job contract with the code that runs it. */
export function handle<C extends JobContract>(contract: C, run: (job: JobOf<C>, services: Services) => Promise<void>): JobHandler<C> {
  return { contract, run };
}

/** Handlers keyed by their job type: one per contract. */
export function handlerTable(...handlers: JobHandler[]): Record<string, JobHandler> {
  const table: Record<string, JobHandler> = {};
  for (const h of handlers) {
    if (table[h.contract.type]) throw new Error(`two handlers for job type "${h.contract.type}"`);
    table[h.contract.type] = h;
  }
  return table;
}

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

/**
 * The work lane's concurrency from the configuration: CONCURRENCY, or with WEDDING_SEASON_BOOST the
 * season calendar's boost of it (src/domain/scaling-signal.ts), asked again before every claim so a
 * long-running worker follows the season and Saturday hours.
 */
export function configuredConcurrency(services: Pick<Services, 'config' | 'now'>): number | (() => number) {
  const { workerConcurrency, weddingSeasonBoost, seasonRegion } = services.config;
  if (!weddingSeasonBoost) return workerConcurrency;
  return () => boostedConcurrency(workerConcurrency, seasonStatus(services.now(), seasonRegion), MAX_WORKER_CONCURRENCY);
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_HEARTBEAT_MS = 10_000;
export const DEFAULT_STOP_GRACE_MS = 20_000;

export interface WorkerOptions {
  services: Services;
  handlers: Record<string, JobHandler>;
  queues: readonly QueueName[];
  schedules?: readonly Schedule[];
  /** Jobs run at once from the queues other than the health queues; a function is asked before each claim. */
  concurrency: number | (() => number);
  /** Jobs run at once from the health queues (default 1), in their own lane. */
  healthConcurrency?: number;
  pollMs?: number;
  /** How long a claimed job is ours without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often running jobs' leases are extended (default 10 s); well under leaseMs. */
  heartbeatMs?: number;
  /** How long stop() waits for running jobs before giving them back (default 20 s). */
  stopGraceMs?: number;
  /** Background priority for the work lane (src/jobs/pacing.ts); the health lane is never paced. */
  pacing?: Pacing;
  /**
   * After start(), scheduled jobs other than the health queues' are first enqueued this late (default
   * 0): a server restarted into traffic answers it before it sweeps, purges and backs up.
   */
  scheduledWorkAfterMs?: number;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

export interface Worker {
  readonly id: string;
  /** Claims and runs what is due now in every lane; resolves when those jobs are done. Returns how many ran. */
  runDue(): Promise<number>;
  /** Enqueues the scheduled jobs whose interval has started. */
  schedule(): Promise<void>;
  /** Extends the lease of every job this worker runs (the timer does it every heartbeatMs). */
  heartbeat(): Promise<void>;
  start(): void;
  /**
   * Stops claiming, waits up to the grace period for running jobs, then gives back the unfinished
   * ones so another worker starts them at once. Returns how many were given back.
   */
  stop(): Promise<number>;
}

interface Lane {
  name: 'work' | 'health';
  queues: QueueName[];
  concurrency: () => number;
  running: Map<string, Promise<void>>;
  timer?: NodeJS.Timeout;
  /** The latest claim: stop() waits for it so no claimed job is left unstarted. */
  filling?: Promise<unknown>;
  /** Held back by the pacing at the latest claim: ask again when it says, not at the next poll. */
  deferred?: boolean;
}

export function createWorker(opts: WorkerOptions): Worker {
  const { services, handlers, log } = opts;
  const workerId = `worker-${randomUUID()}`;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const pollMs = opts.pollMs ?? 1000;
  const { concurrency } = opts;
  const workConcurrency = typeof concurrency === 'number' ? () => concurrency : concurrency;
  const lanes: Lane[] = (
    [
      { name: 'work', queues: opts.queues.filter((q) => !HEALTH_QUEUES.includes(q)), concurrency: workConcurrency, running: new Map() },
      { name: 'health', queues: opts.queues.filter((q) => HEALTH_QUEUES.includes(q)), concurrency: () => opts.healthConcurrency ?? 1, running: new Map() },
    ] satisfies Lane[]
  ).filter((lane) => lane.queues.length > 0);
  let scheduleTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let started = false;
  let startedAt: number | undefined;
  let stopping = false;

  async function run(job: Job) {
    const handler = handlers[job.type];
    let failure: unknown = null;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job type "${job.type}"`);
      const problem = payloadProblem(handler.contract, job.payload);
      if (problem) throw new PermanentJobError(`invalid payload: ${problem}`);
      await handler.run(job, services);
    } catch (err) {
      failure = err ?? new Error('handler threw nothing');
    }
    const entry = { jobId: job.id, queue: job.queue, type: job.type, attempt: job.attempts };
    try {
      if (failure === null) {
        await complete(services.db, job, workerId, services.now());
        return;
      }
      const state = await fail(services.db, job, workerId, failure, services.now(), failure instanceof PermanentJobError);
      if (state === 'dead') log.error({ ...entry, err: failure }, 'job dead-lettered');
      else log.warn({ ...entry, err: failure }, 'job failed; will retry');
    } catch (err) {
      // The job stays running under a lease nobody extends: it is claimed again when the lease ends,
      // and dead-lettered then if this was its last attempt.
      // failure is whatever the handler threw; for a non-Error, String() is the best description there is.
      const thrown = failure instanceof Error ? failure.message : String(failure);
      log.error({ ...entry, err, jobError: failure === null ? null : thrown }, 'could not record the job outcome; it runs again when its lease ends');
    }
  }

  /** Claims what the lane has room for and starts it; returns the started runs. */
  async function fill(lane: Lane): Promise<Promise<void>[]> {
    const free = lane.concurrency() - lane.running.size;
    if (free <= 0 || stopping) return [];
    const allowed = lane.name === 'work' && opts.pacing ? opts.pacing.take(free, lane.running.size) : free;
    lane.deferred = allowed === 0;
    if (allowed === 0) return [];
    const claimed = await claim(services.db, lane.queues, workerId, allowed, leaseMs, services.now());
    const paced = lane.name === 'work' ? opts.pacing : undefined;
    return claimed.map((job) => {
      const started = performance.now();
      const p = run(job).finally(() => {
        paced?.finished(performance.now() - started);
        lane.running.delete(job.id);
        wake(lane);
      });
      lane.running.set(job.id, p);
      return p;
    });
  }

  /** One claim at a time per lane, so a lane never runs more than its concurrency. */
  function fillOnce(lane: Lane): Promise<Promise<void>[]> {
    const next = (lane.filling ?? Promise.resolve()).catch(() => undefined).then(() => fill(lane));
    lane.filling = next;
    return next;
  }

  async function laneTick(lane: Lane) {
    lane.timer = undefined;
    if (stopping) return;
    try {
      // Waits for the claim only: the jobs it started run on, and each records its own outcome.
      // eslint-disable-next-line @typescript-eslint/no-floating-promises
      await fillOnce(lane);
    } catch (err) {
      log.error({ err, lane: lane.name }, 'job worker could not claim jobs');
    }
    const next = lane.deferred && opts.pacing ? Math.min(pollMs, opts.pacing.retryInMs()) : pollMs;
    // stop() and wake() may have run during the await above, whatever the narrowing says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (!stopping && !lane.timer) lane.timer = setTimeout(() => void laneTick(lane), next);
  }

  /** A slot freed up: look for the next job now rather than at the next poll. */
  function wake(lane: Lane) {
    if (stopping || !started) return;
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => void laneTick(lane), 0);
  }

  async function runDue(): Promise<number> {
    const batches = await Promise.all(lanes.map((lane) => fillOnce(lane)));
    const runs = batches.flat();
    await Promise.all(runs);
    return runs.length;
  }

  // The slot each schedule was last enqueued for (or found enqueued by another worker): checked
  // again only when its next slot begins, not on every tick.
  const scheduledSlots = new Map<string, number>();

  async function schedule() {
    const now = services.now();
    const warmingUp = startedAt !== undefined && performance.now() - startedAt < (opts.scheduledWorkAfterMs ?? 0);
    for (const s of opts.schedules ?? []) {
      if (warmingUp && !HEALTH_QUEUES.includes(s.job.queue)) continue;
      const slot = Math.floor(now.getTime() / s.everyMs) * s.everyMs;
      if (scheduledSlots.get(s.name) === slot) continue;
      await enqueueScheduled(services.db, { ...s.job, dedupeKey: `schedule:${s.name}:${new Date(slot).toISOString()}` }, now);
      scheduledSlots.set(s.name, slot);
    }
  }

  async function scheduleTick() {
    try {
      await schedule();
    } catch (err) {
      log.error({ err }, 'job worker could not enqueue scheduled jobs');
    }
    if (!stopping) scheduleTimer = setTimeout(() => void scheduleTick(), pollMs);
  }

  const runningIds = () => lanes.flatMap((lane) => [...lane.running.keys()]);

  async function heartbeat() {
    const ids = runningIds();
    const held = new Set(await extendLeases(services.db, workerId, ids, leaseMs, services.now()));
    const lost = ids.filter((id) => !held.has(id));
    if (lost.length > 0) log.warn({ workerId, jobIds: lost }, 'lease lost on running jobs (another worker may run them too)');
  }

  function heartbeatTick() {
    heartbeat()
      .catch((err: unknown) => log.error({ err }, 'job worker heartbeat failed'))
      .finally(() => {
        if (heartbeatTimer) heartbeatTimer = setTimeout(heartbeatTick, heartbeatMs);
      });
  }

  return {
    id: workerId,
    runDue,
    schedule,
    heartbeat,
    start() {
      log.debug(
        {
          workerId,
          queues: opts.queues,
          concurrency: workConcurrency(),
          seasonBoost: typeof opts.concurrency === 'function',
          healthConcurrency: opts.healthConcurrency ?? 1,
          leaseMs,
          heartbeatMs,
        },
        'job worker started',
      );
      started = true;
      startedAt = performance.now();
      scheduleTimer = setTimeout(() => void scheduleTick(), 0);
      for (const lane of lanes) lane.timer = setTimeout(() => void laneTick(lane), 0);
      heartbeatTimer = setTimeout(heartbeatTick, heartbeatMs);
    },
    async stop() {
      stopping = true;
      clearTimeout(scheduleTimer);
      for (const lane of lanes) clearTimeout(lane.timer);
      await Promise.allSettled(lanes.flatMap((lane) => (lane.filling ? [lane.filling] : [])));
      const drained = new AbortController();
      const grace = sleep(opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS, undefined, { signal: drained.signal }).catch(() => undefined);
      // Heartbeats go on while jobs drain, so none is taken away mid-run.
      await Promise.race([Promise.allSettled(lanes.flatMap((lane) => [...lane.running.values()])), grace]);
      drained.abort();
      clearTimeout(heartbeatTimer);
      heartbeatTimer = undefined;
      const unfinished = runningIds();
      const released = await release(services.db, workerId, unfinished, services.now());
      if (unfinished.length > 0) log.warn({ workerId, released, jobIds: unfinished }, 'job worker stopped with jobs unfinished; given back to the queue');
      return released;
    },
  };
}
