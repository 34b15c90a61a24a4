// The durable job queue on both databases: transactional enqueue, retries with back-off, dead
// letters and replay, payloads checked against their contracts, error text that can always be
// stored, short leases kept alive by heartbeats, a health lane no backlog can starve, graceful stop,
// de-duplication and schedules.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { rows } from '../../../src/db/client.js';
import { jobs } from '../../../src/db/schema.js';
import { RequestActivity, yieldToRequests } from '../../../src/jobs/pacing.js';
import { configuredConcurrency, createWorker, handle, handlerTable, PermanentJobError, type Schedule } from '../../../src/jobs/worker.js';
import { defineJob } from '../../../src/queue/contracts.js';
import {
  claim,
  enqueue,
  MAX_ERROR_LENGTH,
  replay,
  retryDelayMs,
  storableErrorText,
  WORKER_LOST_ERROR,
  type Job,
  type QueueName,
} from '../../../src/queue/queue.js';
import type { Services } from '../../../src/services/context.js';
import { openKeyring, serviceContext } from '../../../src/services/service-context.js';
import { testClock } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';
import { processSharedState } from '../../../src/db/shared-state.js';

const silent = pino({ level: 'silent' });

describe('retry back-off', () => {
  it('doubles per attempt with ±25 % jitter and caps at 15 minutes', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, () => 0.5)).toBe(8000);
    expect(retryDelayMs(3, () => 0)).toBe(6000);
    expect(retryDelayMs(3, () => 1)).toBe(10000);
    expect(retryDelayMs(30, () => 0.5)).toBe(15 * 60_000);
  });
});

describe('stored error text', () => {
  it('drops NUL and other control characters, keeps newlines and tabs, repairs lone surrogates, and is bounded', () => {
    expect(storableErrorText('bad\u0000bytes\u0001\u001b[31m\u007f\u0085 here\n\tat handler')).toBe('badbytes[31m here\n\tat handler');
    expect(storableErrorText('lone \uD83D and \uDE00, pair \uD83D\uDE00 kept')).toBe('lone \uFFFD and \uFFFD, pair \uD83D\uDE00 kept');
    expect(storableErrorText('x'.repeat(10_000))).toHaveLength(MAX_ERROR_LENGTH);
    // A cut through a surrogate pair at the bound leaves no half of it behind.
    expect(storableErrorText('x'.repeat(MAX_ERROR_LENGTH - 1) + '\uD83D\uDE00').endsWith('\uFFFD')).toBe(true);
  });
});

describe.each(DATABASE_MODES)('job queue (%s)', (mode) => {
  let database: TestDatabase;
  const clock = testClock(new Date('2027-03-01T09:00:00Z'));
  let s: Services;
  const calls: string[] = [];
  let failuresLeft = 0;

  /** Opened by the test: a job waiting on it runs for as long as the test needs. */
  let openGate = () => {};
  let gate = new Promise<void>((resolve) => (openGate = resolve));
  const testJob = (type: string, queue: QueueName = 'analytics_processing') =>
    defineJob({ type, queue, payload: Type.Object({ n: Type.Optional(Type.Union([Type.String(), Type.Number()])) }) });

  const handlers = handlerTable(
    handle(testJob('record'), async (job) => {
      calls.push(String(job.payload.n));
    }),
    handle(testJob('flaky'), async (job) => {
      calls.push(`flaky ${job.attempts}`);
      if (failuresLeft-- > 0) throw new Error('venue wifi dropped');
    }),
    handle(testJob('broken'), async () => {
      throw new Error('always fails');
    }),
    handle(testJob('binary'), async () => {
      throw new Error('photo upload failed: \u0000\u0001 bytes');
    }),
    handle(testJob('invalid'), async () => {
      throw new PermanentJobError('payload makes no sense');
    }),
    handle(testJob('long'), async (job) => {
      calls.push(`long ${job.payload.n} started`);
      await gate;
      calls.push(`long ${job.payload.n} done`);
    }),
    handle(testJob('backlog', 'duplicate_detection'), async () => {
      calls.push('backlog');
      await gate;
    }),
    handle(testJob('probe', 'synthetic_probes'), async (job) => {
      calls.push(`probe ${job.payload.n}`);
    }),
  );
  const worker = (schedules?: Schedule[]) =>
    createWorker({ services: s, handlers, queues: ['analytics_processing', 'maintenance'], schedules, concurrency: 4, log: silent });
  const job = async (id: string) => (await database.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

  beforeAll(async () => {
    database = await freshDatabase(mode);
    const shared = processSharedState();
    const config = loadConfig({ NODE_ENV: 'test', MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')) });
    s = serviceContext({ db: database.db, config, now: clock.now, keyring: await openKeyring(database.db, randomBytes(32), config.memberKeyDir), shared });
  });
  beforeEach(async () => {
    calls.length = 0;
    gate = new Promise<void>((resolve) => (openGate = resolve));
    await database.db.delete(jobs);
  });
  afterAll(() => database?.close());

  it('a job enqueued in a rolled-back transaction never exists', async () => {
    await expect(
      s.db.transaction(async (tx) => {
        await enqueue(tx, { queue: 'analytics_processing', type: 'record', payload: { n: 1 } }, clock.now());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.select().from(jobs)).toEqual([]);
    expect(await worker().runDue()).toBe(0);
  });

  it('runs due jobs by priority and marks them succeeded', async () => {
    await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'low' }, priority: -5 }, clock.now());
    await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'high' }, priority: 5 }, clock.now());
    await enqueue(
      s.db,
      { queue: 'analytics_processing', type: 'record', payload: { n: 'later' }, runAt: new Date(clock.now().getTime() + 60_000) },
      clock.now(),
    );
    const w = createWorker({ services: s, handlers, queues: ['analytics_processing'], concurrency: 1, log: silent });
    expect(await w.runDue()).toBe(1);
    expect(await w.runDue()).toBe(1);
    expect(await w.runDue()).toBe(0);
    expect(calls).toEqual(['high', 'low']);
    clock.advance(60_000);
    expect(await w.runDue()).toBe(1);
    expect(calls).toEqual(['high', 'low', 'later']);
    const states = await database.db.select({ state: jobs.state }).from(jobs);
    expect(states.every((j) => j.state === 'succeeded')).toBe(true);
  });

  it('retries a failing job after a back-off, then succeeds', async () => {
    failuresLeft = 2;
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'flaky' }, clock.now()))!;
    const w = worker();
    await w.runDue();
    const afterFirst = await job(id);
    expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, lastError: 'venue wifi dropped' });
    expect(afterFirst.runAt.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await w.runDue()).toBe(0); // not due yet
    clock.advance(5 * 60_000);
    await w.runDue();
    clock.advance(5 * 60_000);
    await w.runDue();
    expect(calls).toEqual(['flaky 1', 'flaky 2', 'flaky 3']);
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 3 });
  });

  it('dead-letters a job that keeps failing, and an operator can replay it', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'broken', maxAttempts: 3 }, clock.now()))!;
    const w = worker();
    for (let i = 0; i < 3; i++) {
      await w.runDue();
      clock.advance(60 * 60_000);
    }
    expect(await job(id)).toMatchObject({ state: 'dead', attempts: 3, deadLetters: 1, lastError: 'always fails' });
    expect(await w.runDue()).toBe(0);
    expect(await replay(s.db, id, clock.now())).toBe(true);
    expect(await job(id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await replay(s.db, id, clock.now())).toBe(false); // only dead jobs are replayed
  });

  it('dead-letters a job whose error text holds a NUL byte after its attempts (it never sticks as running)', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'binary', maxAttempts: 2 }, clock.now()))!;
    const w = worker();
    for (let i = 0; i < 4; i++) {
      await w.runDue();
      clock.advance(60 * 60_000);
    }
    expect(await job(id)).toMatchObject({ state: 'dead', attempts: 2, deadLetters: 1, lastError: 'photo upload failed:  bytes' });
  });

  it('retries a job whose outcome could not be recorded, and dead-letters it at its attempt limit', async () => {
    // A real database error on recording the outcome (a trigger stands in for a blip of the server).
    await s.db.execute(sql`create table finish_blip (on_since timestamptz)`);
    await s.db.execute(sql`create function refuse_job_finish() returns trigger language plpgsql as $$
      begin if exists (select 1 from finish_blip) then raise exception 'database blip'; end if; return new; end $$`);
    await s.db.execute(sql`create trigger refuse_job_finish before update on jobs for each row
      when (old.state = 'running' and new.state <> 'running' and old.type = 'record') execute function refuse_job_finish()`);
    try {
      await s.db.execute(sql`insert into finish_blip values (now())`);
      const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'unrecorded' }, maxAttempts: 2 }, clock.now()))!;
      const w = worker();
      expect(await w.runDue()).toBe(1);
      expect(await job(id)).toMatchObject({ state: 'running', attempts: 1 });
      expect(await w.runDue()).toBe(0); // its lease still holds
      clock.advance(31_000);
      expect(await w.runDue()).toBe(1); // retried once the lease ran out
      expect(await job(id)).toMatchObject({ state: 'running', attempts: 2 });
      await s.db.execute(sql`delete from finish_blip`);
      clock.advance(31_000);
      expect(await w.runDue()).toBe(0); // never handed out past its limit…
      expect(await job(id)).toMatchObject({ state: 'dead', attempts: 2, deadLetters: 1, lastError: WORKER_LOST_ERROR, lockedBy: null }); // …but dead-lettered
      expect(calls).toEqual(['unrecorded', 'unrecorded']);
    } finally {
      await s.db.execute(sql`drop trigger refuse_job_finish on jobs`);
      await s.db.execute(sql`drop function refuse_job_finish()`);
      await s.db.execute(sql`drop table finish_blip`);
    }
  });

  it('dead-letters at once a payload that does not fit its contract, without running the handler', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: { guests: 120 } } }, clock.now()))!;
    await worker().runDue();
    expect(calls).toEqual([]);
    const dead = await job(id);
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, deadLetters: 1 });
    expect(dead.lastError).toMatch(/^invalid payload: payload\.n: /);
  });

  it('dead-letters at once what cannot succeed: a permanent error or an unknown job type', async () => {
    const invalid = (await enqueue(s.db, { queue: 'analytics_processing', type: 'invalid' }, clock.now()))!;
    const unknown = (await enqueue(s.db, { queue: 'analytics_processing', type: 'no_such_type' }, clock.now()))!;
    await worker().runDue();
    expect(await job(invalid)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(await job(unknown)).toMatchObject({ state: 'dead', lastError: 'no handler for job type "no_such_type"' });
  });

  it('runs a dead worker’s job again once its short lease ends (at-least-once)', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'again' } }, clock.now()))!;
    // Claimed by a worker that dies at once: it never heartbeats.
    const [taken] = await claim(s.db, ['analytics_processing'], 'worker-that-crashes', 10, 30_000, clock.now());
    expect(taken!.id).toBe(id);
    expect(await worker().runDue()).toBe(0); // leased
    clock.advance(29_000);
    expect(await worker().runDue()).toBe(0);
    clock.advance(2_000);
    expect(await worker().runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it('never lets another worker take a live worker’s long job: heartbeats keep its lease', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'long', payload: { n: 'themes' } }, clock.now()))!;
    const live = createWorker({ services: s, handlers, queues: ['analytics_processing'], concurrency: 1, leaseMs: 30_000, log: silent });
    const other = worker();
    const running = live.runDue();
    await vi.waitFor(() => expect(calls).toContain('long themes started'));
    for (let i = 0; i < 6; i++) {
      clock.advance(20_000); // two minutes in all, four leases long
      await live.heartbeat();
      expect(await other.runDue()).toBe(0);
    }
    openGate();
    expect(await running).toBe(1);
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(calls.filter((c) => c === 'long themes started')).toHaveLength(1);
  });

  it('heartbeats on its own while started, and gives back unfinished jobs on stop', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'long', payload: { n: 'report' } }, clock.now()))!;
    const live = createWorker({
      services: s,
      handlers,
      queues: ['analytics_processing'],
      concurrency: 1,
      pollMs: 10,
      leaseMs: 30_000,
      heartbeatMs: 10,
      stopGraceMs: 10,
      log: silent,
    });
    live.start();
    await vi.waitFor(() => expect(calls).toContain('long report started'));
    const leasedUntil = (await job(id)).lockedUntil!.getTime();
    clock.advance(25_000);
    await vi.waitFor(async () => expect((await job(id)).lockedUntil!.getTime()).toBeGreaterThan(leasedUntil));
    clock.advance(25_000); // past the first lease: only the heartbeat keeps it
    expect(await worker().runDue()).toBe(0);
    // The job outlives the grace period: stop gives it back, due now, the interrupted attempt not counted.
    expect(await live.stop()).toBe(1);
    expect(await job(id)).toMatchObject({ state: 'pending', attempts: 0, lockedBy: null, lockedUntil: null });
    expect((await job(id)).runAt.getTime()).toBe(clock.now().getTime());
    openGate();
    expect(await worker().runDue()).toBe(1); // another worker at once, no lease to wait for
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 1 });
  });

  it('on stop, waits for a running job that finishes within the grace period', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'long', payload: { n: 'digest' } }, clock.now()))!;
    const w = createWorker({ services: s, handlers, queues: ['analytics_processing'], concurrency: 1, pollMs: 10, stopGraceMs: 60_000, log: silent });
    w.start();
    await vi.waitFor(() => expect(calls).toContain('long digest started'));
    const stopped = w.stop();
    await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'after stop' } }, clock.now());
    openGate();
    expect(await stopped).toBe(0);
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(calls).not.toContain('after stop'); // nothing new claimed once stopping
  });

  it('runs a due probe at once while thousands of other jobs wait and every work slot is busy', async () => {
    await s.db.execute(sql`insert into jobs (queue, type, payload, priority, run_at, created_at)
      select 'duplicate_detection', 'backlog', '{}', 5, ${clock.now().toISOString()}::timestamptz, ${clock.now().toISOString()}::timestamptz from generate_series(1, 3000)`);
    const probe = (await enqueue(s.db, { queue: 'synthetic_probes', type: 'probe', payload: { n: 1 }, priority: -2 }, clock.now()))!;
    const w = createWorker({ services: s, handlers, queues: ['duplicate_detection', 'synthetic_probes'], concurrency: 2, log: silent });
    const first = w.runDue();
    await vi.waitFor(async () => expect((await job(probe)).state).toBe('succeeded'));
    expect(calls.filter((c) => c === 'backlog')).toHaveLength(2); // the work lane is saturated…
    const second = (await enqueue(s.db, { queue: 'synthetic_probes', type: 'probe', payload: { n: 2 } }, clock.now()))!;
    expect(await w.runDue()).toBe(1); // …and the next probe still gets its own slot
    expect(await job(second)).toMatchObject({ state: 'succeeded' });
    expect(calls.filter((c) => c.startsWith('probe'))).toEqual(['probe 1', 'probe 2']);
    const waiting = rows<{ n: number }>(await s.db.execute(sql`select count(*)::int as n from jobs where type = 'backlog' and state = 'pending'`))[0]!.n;
    expect(waiting).toBe(2998);
    openGate();
    expect(await first).toBe(3);
  });

  it('in the serving process it yields to requests: one job at a time while busy, all slots when quiet, probes never held back', async () => {
    for (let n = 1; n <= 3; n++) await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n } }, clock.now());
    const probe = (await enqueue(s.db, { queue: 'synthetic_probes', type: 'probe', payload: { n: 1 } }, clock.now()))!;
    let t = 0;
    const activity = new RequestActivity(() => t);
    for (; t < 1_000; t += 10) activity.record(); // 100 requests a second
    const pacing = yieldToRequests(activity, { busyRequestsPerSecond: 20, busyGapMs: 2_000, busyShare: 0.1 }, () => t);
    const w = createWorker({ services: s, handlers, queues: ['analytics_processing', 'synthetic_probes'], concurrency: 4, pacing, log: silent });
    expect(await w.runDue()).toBe(1); // the probe: the rush has just begun, so no paced job starts
    expect(await job(probe)).toMatchObject({ state: 'succeeded' });
    for (let end = t + 2_100; t < end; t += 10) activity.record(); // busy past the gap
    expect(await w.runDue()).toBe(1); // one paced job
    expect(await w.runDue()).toBe(0); // resting after it
    t += 3_000; // the requests stopped
    expect(await w.runDue()).toBe(2);
    expect(calls.filter((c) => c !== 'probe 1').sort()).toEqual(['1', '2', '3']);
  });

  it('never hands one job to two workers claiming at the same time', async () => {
    for (let i = 0; i < 20; i++) await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: i } }, clock.now());
    const claims = await Promise.all(Array.from({ length: 4 }, (_, w) => claim(s.db, ['analytics_processing'], `w${w}`, 8, 60_000, clock.now())));
    const ids = claims.flat().map((j: Job) => j.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('collapses jobs with the same dedupe key while one is live', async () => {
    const first = await enqueue(s.db, { queue: 'analytics_processing', type: 'record', dedupeKey: 'daily-digest' }, clock.now());
    const second = await enqueue(s.db, { queue: 'analytics_processing', type: 'record', dedupeKey: 'daily-digest' }, clock.now());
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await worker().runDue();
    expect(await enqueue(s.db, { queue: 'analytics_processing', type: 'record', dedupeKey: 'daily-digest' }, clock.now())).not.toBeNull();
  });

  it('enqueues a scheduled job once per interval, however many workers tick', async () => {
    const schedule: Schedule[] = [{ name: 'hourly', everyMs: 3_600_000, job: { queue: 'maintenance', type: 'record', payload: { n: 'tick' } } }];
    const a = worker(schedule);
    const b = worker(schedule);
    await a.schedule();
    await b.schedule();
    await a.runDue();
    await b.schedule(); // same hour, after the job finished
    const count = async () => rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from jobs where type = 'record'`))[0]!.n;
    expect(await count()).toBe(1);
    clock.advance(3_600_000);
    await b.schedule();
    expect(await count()).toBe(2);
  });

  it("looks for a schedule's job once per slot: a tick later in the same slot neither queries nor enqueues it again", async () => {
    const schedule: Schedule[] = [{ name: 'hourly', everyMs: 3_600_000, job: { queue: 'maintenance', type: 'record', payload: { n: 'tick' } } }];
    const a = worker(schedule);
    await a.schedule();
    const count = async () => rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from jobs where type = 'record'`))[0]!.n;
    expect(await count()).toBe(1);
    // Even with the slot's job gone (swept, say), this worker does not run the hour twice.
    await database.db.execute(sql`delete from jobs where type = 'record'`);
    await a.schedule();
    expect(await count()).toBe(0);
    clock.advance(3_600_000);
    await a.schedule();
    expect(await count()).toBe(1);
  });

  it('a worker started with scheduledWorkAfterMs enqueues only the health schedules at first', async () => {
    const schedules: Schedule[] = [
      { name: 'sweep', everyMs: 3_600_000, job: { queue: 'maintenance', type: 'record', payload: { n: 'sweep' } } },
      { name: 'probe', everyMs: 30_000, job: { queue: 'synthetic_probes', type: 'probe', payload: { n: 'p' } } },
    ];
    const typesEnqueued = async () => rows<{ type: string }>(await database.db.execute(sql`select type from jobs order by type`)).map((r) => r.type);
    const late = createWorker({ services: s, handlers, queues: [], schedules, concurrency: 1, scheduledWorkAfterMs: 60_000, log: silent });
    late.start();
    await vi.waitFor(async () => expect(await typesEnqueued()).toEqual(['probe']));
    await late.stop();
    await database.db.delete(jobs);
    const prompt = createWorker({ services: s, handlers, queues: [], schedules, concurrency: 1, log: silent });
    prompt.start();
    await vi.waitFor(async () => expect(await typesEnqueued()).toEqual(['probe', 'record']));
    await prompt.stop();
  });

  it('claims only from the queues QUEUE_NAMES lists', async () => {
    const config = loadConfig({ NODE_ENV: 'test', QUEUE_NAMES: 'analytics_processing' });
    const only = { ...s, config };
    await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'counted' } }, clock.now());
    const probe = (await enqueue(s.db, { queue: 'synthetic_probes', type: 'probe', payload: { n: 'elsewhere' } }, clock.now()))!;
    const w = createWorker({ services: only, handlers, queues: config.workerQueues, concurrency: configuredConcurrency(only), log: silent });
    expect(await w.runDue()).toBe(1);
    expect(calls).toEqual(['counted']);
    expect((await job(probe)).state).toBe('pending');
  });

  it('with WEDDING_SEASON_BOOST runs more jobs at once on a peak-season Saturday, at most twice CONCURRENCY', async () => {
    const boosted = { ...s, config: loadConfig({ NODE_ENV: 'test', CONCURRENCY: '2', WEDDING_SEASON_BOOST: 'true', SEASON_REGION: 'northern_hemisphere' }) };
    const running = async () => rows<{ n: number }>(await s.db.execute(sql`select count(*)::int as n from jobs where state = 'running'`))[0]!.n;
    const slotsAt = async (at: string) => {
      clock.set(at);
      await s.db.delete(jobs);
      calls.length = 0;
      gate = new Promise<void>((resolve) => (openGate = resolve));
      for (let n = 0; n < 8; n++) await enqueue(s.db, { queue: 'analytics_processing', type: 'long', payload: { n } }, clock.now());
      const w = createWorker({ services: boosted, handlers, queues: ['analytics_processing'], concurrency: configuredConcurrency(boosted), log: silent });
      const run = w.runDue();
      await vi.waitFor(async () => expect(await running()).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
      const claimed = await running();
      openGate();
      await run;
      return claimed;
    };
    try {
      expect(await slotsAt('2027-03-02T12:00:00Z')).toBe(2); // a Tuesday in March: off-season, 2 × 1
      expect(await slotsAt('2027-06-15T12:00:00Z')).toBe(3); // a Tuesday in June: ceil(2 × 1.4)
      expect(await slotsAt('2027-06-12T13:00:00Z')).toBe(4); // Saturday afternoon in June: 2 × 2.1, capped at 2 × 2
    } finally {
      clock.set('2027-03-01T09:00:00Z');
    }
  });
});
