// The product team's health page: components, season, queues, recent traffic and the 30-day error
// budget, from real state.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, timestamptz } from '../../../src/db/client.js';
import { seasonStatus } from '../../../src/domain/seasons.js';
import { AVAILABILITY_OBJECTIVES } from '../../../src/domain/slo.js';
import { enqueue } from '../../../src/queue/queue.js';
import { purgeSyntheticData } from '../../../src/services/probes.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

describe.each(DATABASE_MODES)('platform health (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  const health = async () => (await t.request(product, { method: 'GET', url: '/api/platform/health' })).json();
  const budget = async () => (await t.request(product, { method: 'GET', url: '/api/platform/error-budget' })).json().errorBudget;

  beforeAll(async () => {
    t = await createTestApp(mode);
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  it('is operational with an idle queue, and counts the traffic it has just served', async () => {
    for (let i = 0; i < 5; i++) await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=5' });
    const body = await health();
    expect(body.status).toBe('operational');
    expect(body.components.map((c: { name: string }) => c.name)).toEqual(['api', 'database', 'background_jobs']);
    expect(body.traffic.requests).toBeGreaterThanOrEqual(5);
    expect(body.traffic.errorRate).toBe(0);
    expect(body.traffic.p95Ms).toBeGreaterThan(0);
    expect(body.season).toMatchObject({ region: 'northern_hemisphere' });
    expect(body.queues.map((q: { queue: string }) => q.queue)).toContain('duplicate_detection');
  });

  it('degrades background jobs when a due job has waited over five minutes', async () => {
    await enqueue(t.services.db, { queue: 'duplicate_detection', type: 'check' }, t.clock.now());
    t.clock.advance(6 * 60_000);
    const body = await health();
    expect(body.status).toBe('degraded');
    expect(body.components.find((c: { name: string }) => c.name === 'background_jobs')).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('duplicate_detection'),
    });
    expect(body.queues.find((q: { queue: string }) => q.queue === 'duplicate_detection')).toMatchObject({ pending: 1, oldestDueSeconds: 360 });
    t.clock.set(new Date());
  });

  describe("error budget left this 30 days (from the submission probe's runs)", () => {
    const DAY = 86_400_000;
    /** Probe runs every 30 s from `fromMs` to `toMs` (inclusive), ok or failed. */
    const runs = async (fromMs: number, toMs: number, ok: boolean, probe = 'feature_request_submission') =>
      t.services.db.execute(sql`insert into probe_runs (probe, ok, duration_ms, at)
        select ${probe}, ${ok}, 40, at from generate_series(${timestamptz(new Date(fromMs))}, ${timestamptz(new Date(toMs))}, interval '30 seconds') as at`);
    const clear = () => t.services.db.execute(sql`delete from probe_runs`);

    it('is null before the probe has ever run', async () => {
      await clear();
      expect(await budget()).toBeNull();
    });

    it('counts failed runs and the time no run covers as downtime, against the objective of the season in force', async () => {
      await clear();
      const now = t.clock.now().getTime();
      const start = now - 2 * DAY;
      // 2 days of runs every 30 s, in which: 10 failed runs (5 min), later a 5½-minute hole where
      // nothing ran (a run's result stands for 3 intervals, 90 s: 240 s uncovered), and a failing
      // AI probe, which is not the submission journey.
      const failFrom = start + DAY;
      const holeFrom = start + 1.5 * DAY;
      await runs(start, failFrom - 30_000, true);
      await runs(failFrom, failFrom + 9 * 30_000, false);
      await runs(failFrom + 10 * 30_000, holeFrom, true);
      await runs(holeFrom + 330_000, now - 10_000, true);
      await runs(start, now, false, 'ai_duplicate_detection');
      // A failure from before the window counts for nothing.
      await runs(now - 31 * DAY, now - 31 * DAY, false);

      const found = await budget();
      const objective = AVAILABILITY_OBJECTIVES[seasonStatus(t.clock.now(), t.config.seasonRegion).season];
      const allowed = (1 - objective) * 30 * 86_400;
      expect(found).toMatchObject({ probe: 'feature_request_submission', objective, windowDays: 30, downtimeSeconds: 540 });
      expect(found.allowedDowntimeSeconds).toBeCloseTo(allowed, 1);
      expect(found.left).toBeCloseTo(1 - 540 / allowed, 6);
      expect(Date.parse(found.measuredSince)).toBe(start);
    });

    it('keeps counting while nothing is recorded: a stopped probe spends the budget', async () => {
      await clear();
      const now = t.clock.now().getTime();
      // The last run was an hour ago (the worker or the database has been down since).
      await runs(now - 2 * 3_600_000, now - 3_600_000, true);
      const found = await budget();
      expect(found.downtimeSeconds).toBe(3_600 - 90);
      // A month's allowance is 43.2 min (off season) or 21.6 min (peak): an hour overspends either.
      expect(found.left).toBeLessThan(0);
    });

    it('keeps 30 days of probe runs when the synthetic data is purged', async () => {
      await clear();
      const now = t.clock.now().getTime();
      await runs(now - 30 * DAY, now - 30 * DAY, true);
      await runs(now - 32 * DAY, now - 32 * DAY, true);
      await purgeSyntheticData(t.services);
      const [kept] = rows<{ n: number }>(await t.services.db.execute(sql`select count(*)::int as n from probe_runs`));
      expect(kept?.n).toBe(1);
      await clear();
    });
  });

  it('serves the last hour of probe runs, oldest first, so a fresh dashboard has history', async () => {
    await t.services.db.execute(sql`delete from probe_runs`);
    const now = t.clock.now().getTime();
    const runs = [
      { probe: 'submission', ok: true, durationMs: 120, at: new Date(now - 90 * 60_000) },
      { probe: 'submission', ok: true, durationMs: 140, at: new Date(now - 30 * 60_000) },
      { probe: 'vote', ok: false, durationMs: 900, at: new Date(now - 20 * 60_000) },
      { probe: 'submission', ok: true, durationMs: 160, at: new Date(now - 60_000) },
    ];
    for (const r of runs)
      await t.services.db.execute(sql`insert into probe_runs (probe, ok, duration_ms, at) values (${r.probe}, ${r.ok}, ${r.durationMs}, ${timestamptz(r.at)})`);
    const reply = await t.request(product, { method: 'GET', url: '/api/platform/probe-history' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(Date.parse(body.since)).toBe(now - 60 * 60_000);
    // The run of 90 minutes ago is older than the hour and left out.
    expect(body.runs).toEqual(runs.slice(1).map((r) => ({ ...r, at: r.at.toISOString() })));
  });

  it('is for the product team only', async () => {
    const supplier = await t.login('supplier@demo.test');
    expect((await t.request(supplier, { method: 'GET', url: '/api/platform/probe-history' })).statusCode).toBe(403);
    expect((await t.request(supplier, { method: 'GET', url: '/api/platform/health' })).statusCode).toBe(403);
    expect((await t.request(supplier, { method: 'GET', url: '/api/platform/error-budget' })).statusCode).toBe(403);
  });
});
