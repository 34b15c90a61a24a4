// The durable job queue on both databases: transactional enqueue, retries with back-off, dead
// letters and replay, leases that survive a crashed worker, de-duplication and schedules.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { rows } from '../../../src/db/client.js';
import { jobs } from '../../../src/db/schema.js';
import { claim, enqueue, replay, retryDelayMs, type Job } from '../../../src/jobs/queue.js';
import { createWorker, PermanentJobError, type JobHandler, type Schedule } from '../../../src/jobs/worker.js';
import { Keyring } from '../../../src/security/keyring.js';
import type { Services } from '../../../src/services/context.js';
import { testClock } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';

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

describe.each(DATABASE_MODES)('job queue (%s)', (mode) => {
  let database: TestDatabase;
  const clock = testClock(new Date('2027-03-01T09:00:00Z'));
  let s: Services;
  const calls: string[] = [];
  let failuresLeft = 0;

  const handlers: Record<string, JobHandler> = {
    record: async (job) => {
      calls.push(String(job.payload.n));
    },
    flaky: async (job) => {
      calls.push(`flaky ${job.attempts}`);
      if (failuresLeft-- > 0) throw new Error('venue wifi dropped');
    },
    broken: async () => {
      throw new Error('always fails');
    },
    invalid: async () => {
      throw new PermanentJobError('payload makes no sense');
    },
  };
  const worker = (schedules?: Schedule[]) => createWorker({ services: s, handlers, queues: ['analytics_processing', 'maintenance'], schedules, concurrency: 4, log: silent });
  const job = async (id: string) => (await database.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

  beforeAll(async () => {
    database = await freshDatabase(mode);
    s = { db: database.db, config: loadConfig({ NODE_ENV: 'test' }), now: clock.now, keyring: await Keyring.open(database.db, randomBytes(32)) };
  });
  beforeEach(async () => {
    calls.length = 0;
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
    await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'later' }, runAt: new Date(clock.now().getTime() + 60_000) }, clock.now());
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

  it('dead-letters at once what cannot succeed: a permanent error or an unknown job type', async () => {
    const invalid = (await enqueue(s.db, { queue: 'analytics_processing', type: 'invalid' }, clock.now()))!;
    const unknown = (await enqueue(s.db, { queue: 'analytics_processing', type: 'no_such_type' }, clock.now()))!;
    await worker().runDue();
    expect(await job(invalid)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(await job(unknown)).toMatchObject({ state: 'dead', lastError: 'no handler for job type "no_such_type"' });
  });

  it('runs a crashed worker’s job again once its lease expires (at-least-once)', async () => {
    const id = (await enqueue(s.db, { queue: 'analytics_processing', type: 'record', payload: { n: 'again' } }, clock.now()))!;
    const [taken] = await claim(s.db, ['analytics_processing'], 'worker-that-crashes', 10, 60_000, clock.now());
    expect(taken!.id).toBe(id);
    expect(await worker().runDue()).toBe(0); // leased
    clock.advance(61_000);
    expect(await worker().runDue()).toBe(1);
    expect(await job(id)).toMatchObject({ state: 'succeeded', attempts: 2 });
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
});
