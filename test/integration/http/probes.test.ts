// Synthetic probes against a real listening app: they pass and are recorded and exported; their
// requests stay off the board, roadmap, trends and business metrics; three failures in a row open an
// incident through the escalation engine and the next success resolves it.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRequests, probeRuns, users } from '../../../src/db/schema.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { QUEUES } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { ensureProbeAccount, PROBE_ACCOUNT_EMAIL, runProbe } from '../../../src/services/probes.js';
import { emailIndexOf } from '../../../src/security/records.js';
import type { Services } from '../../../src/services/context.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(DATABASE_MODES)('synthetic probes (%s)', (mode) => {
  let t: TestApp;
  let live: string;
  let product: Caller;
  const at = (url: string): Services => ({ ...t.services, config: { ...t.config, probeBaseUrl: url } });
  const scrape = async () => {
    t.clock.advance(11_000);
    const res = await t.request(anonymous, { method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const unresolved = async () =>
    (await t.request(product, { method: 'GET', url: '/api/ops/incidents?status=unresolved' })).json().items as Array<Record<string, unknown>>;

  beforeAll(async () => {
    t = await createTestApp(mode);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    live = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  it('pass against the running API, recorded in probe_runs and exported on /metrics', async () => {
    const submission = await runProbe(at(live), 'feature_request_submission');
    expect(submission).toMatchObject({ ok: true, error: null });
    t.clock.advance(1000);
    const voting = await runProbe(at(live), 'voting_system');
    expect(voting).toMatchObject({ ok: true, error: null });
    t.clock.advance(1000);
    const duplicates = await runProbe(at(live), 'ai_duplicate_detection');
    expect(duplicates).toMatchObject({ ok: true, error: null });

    const runs = await t.database.db.select().from(probeRuns);
    expect(runs.map((r) => [r.probe, r.ok]).sort()).toEqual([
      ['ai_duplicate_detection', true],
      ['feature_request_submission', true],
      ['voting_system', true],
    ]);
    const [account] = await t.database.db
      .select()
      .from(users)
      .where(eq(users.emailIndex, emailIndexOf(t.services.keyring, PROBE_ACCOUNT_EMAIL)));
    expect(account).toMatchObject({ role: 'wedding_supplier', verified: true, synthetic: true, businessName: 'WedSync synthetic probe' });
    // The vote was withdrawn again: the synthetic request has no votes left.
    const mine = await t.database.db.select().from(featureRequests).where(eq(featureRequests.authorId, account!.id));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.every((r) => r.synthetic && r.voteCount === 0)).toBe(true);
    // Idempotent: ensuring again finds the same account.
    expect((await ensureProbeAccount(t.services)).id).toBe(account!.id);

    const text = await scrape();
    expect(text).toMatch(/^# TYPE synthetic_probe_success gauge$/m);
    expect(text).toMatch(/^# TYPE synthetic_probe_duration_seconds histogram$/m);
    expect(sample(text, 'synthetic_probe_success', { probe: 'feature_request_submission' })).toBe(1);
    expect(sample(text, 'synthetic_probe_success', { probe: 'voting_system' })).toBe(1);
    expect(sample(text, 'synthetic_probe_duration_seconds_count', { probe: 'feature_request_submission' })).toBe(1);
    expect(sample(text, 'synthetic_probe_duration_seconds_count', { probe: 'voting_system' })).toBe(1);
    // Counted once per process: a later scrape does not count the same runs again.
    expect(sample(await scrape(), 'synthetic_probe_duration_seconds_count', { probe: 'voting_system' })).toBe(1);
  });

  it('keeps synthetic requests off the board, the roadmap, category trends and business metrics', async () => {
    const before = await scrape();
    const trendsBefore = (await t.request(product, { method: 'GET', url: '/api/analytics/category-trends' })).json();
    expect((await runProbe(at(live), 'feature_request_submission')).ok).toBe(true);
    const synthetic = (
      await t.database.db
        .select({ id: featureRequests.id, category: featureRequests.category })
        .from(featureRequests)
        .where(eq(featureRequests.synthetic, true))
    ).map((r) => r.id);
    expect(synthetic.length).toBeGreaterThanOrEqual(2);
    // On the roadmap's statuses too, and voted for by a person.
    const planned = synthetic[0]!;
    const moved = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${planned}/status`,
      payload: { status: 'planned', justification: 'Checking that synthetic requests stay hidden' },
    });
    expect(moved.statusCode).toBe(200);

    const category = t.config.categories[0]!;
    for (const query of [
      '',
      '?sort=new',
      '?sort=trending',
      `?category=${category}`,
      '?status=planned',
      '?status=open&sort=new',
      '?q=synthetic',
      '?userType=wedding_supplier',
      '?limit=100',
    ]) {
      for (const caller of [anonymous, product]) {
        const res = await t.request(caller, { method: 'GET', url: `/api/feature-requests${query}` });
        expect(res.statusCode, query).toBe(200);
        const ids = (res.json().items as Array<{ id: string }>).map((i) => i.id);
        expect(
          ids.filter((id) => synthetic.includes(id)),
          query,
        ).toEqual([]);
      }
    }
    const roadmap = (await t.request(anonymous, { method: 'GET', url: '/api/roadmap' })).json();
    const onRoadmap = Object.values(roadmap.columns as Record<string, Array<{ id: string }>>)
      .flat()
      .map((i) => i.id);
    expect(onRoadmap).not.toContain(planned);

    const trends = (await t.request(product, { method: 'GET', url: '/api/analytics/category-trends' })).json();
    expect(trends.items).toEqual(trendsBefore.items);

    const after = await scrape();
    for (const name of ['feature_requests_total', 'wedding_season_request_volume']) {
      expect(sample(after, name, { user_type: 'wedding_supplier' }), name).toBe(sample(before, name, { user_type: 'wedding_supplier' }));
    }
    expect(sample(after, 'supplier_engagement_score_count')).toBe(sample(before, 'supplier_engagement_score_count'));
  });

  it('opens an incident after three consecutive failures and resolves it on the next success', async () => {
    const down = at(`http://127.0.0.1:${await closedPort()}`);
    expect(await unresolved()).toEqual([]);
    for (let i = 1; i <= 2; i++) {
      t.clock.advance(30_000);
      const run = await runProbe(down, 'feature_request_submission');
      expect(run.ok).toBe(false);
      expect(run.error).toMatch(/fetch failed|ECONNREFUSED/);
    }
    expect(await unresolved()).toEqual([]);
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'feature_request_submission' })).toBe(0);

    t.clock.advance(30_000);
    expect((await runProbe(down, 'feature_request_submission')).ok).toBe(false);
    const open = await unresolved();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ alertName: 'SyntheticProbeFailing', severity: 'critical', status: 'open' });
    expect(JSON.stringify(open[0])).toContain('feature_request_submission');

    // A fourth failure repeats the same incident rather than opening another.
    t.clock.advance(30_000);
    await runProbe(down, 'feature_request_submission');
    expect(await unresolved()).toHaveLength(1);
    // Another probe's success does not resolve it.
    expect((await runProbe(at(live), 'voting_system')).ok).toBe(true);
    expect(await unresolved()).toHaveLength(1);

    t.clock.advance(30_000);
    expect((await runProbe(at(live), 'feature_request_submission')).ok).toBe(true);
    expect(await unresolved()).toEqual([]);
    const all = (await t.request(product, { method: 'GET', url: '/api/ops/incidents' })).json().items;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ alertName: 'SyntheticProbeFailing', status: 'resolved' });
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'feature_request_submission' })).toBe(1);
  });

  it('reads a passing result older than two probe intervals as failing (the probe stopped running)', async () => {
    expect((await runProbe(at(live), 'voting_system')).ok).toBe(true);
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'voting_system' })).toBe(1); // 11 s old
    t.clock.advance(2 * 60_000 - 11_000 - 11_000); // the next scrape sees it 2 intervals old: still standing
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'voting_system' })).toBe(1);
    t.clock.advance(1000);
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'voting_system' })).toBe(0);
    expect((await runProbe(at(live), 'voting_system')).ok).toBe(true);
    expect(sample(await scrape(), 'synthetic_probe_success', { probe: 'voting_system' })).toBe(1);
  });

  it('gives up on an API that does not answer after the probe timeout', async () => {
    const silent = createHttpServer(() => {}); // accepts connections, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runProbe(at(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), 'voting_system');
      expect(run).toMatchObject({ ok: false, error: 'timed out after 3000 ms' });
      expect(run.durationMs).toBeGreaterThanOrEqual(2900);
      expect(run.durationMs).toBeLessThan(4500);
    } finally {
      silent.closeAllConnections?.();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails the AI probe when the API answers without the model', { timeout: 120_000 }, async () => {
    // No demo data: the probe brings its own account, and seeding would only slow this down.
    const withoutAi = await createTestApp(mode, { env: { AI_ENABLED: 'false' }, seed: false });
    try {
      await withoutAi.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(withoutAi.app.server.address() as AddressInfo).port}`;
      const run = await runProbe({ ...withoutAi.services, config: { ...withoutAi.config, probeBaseUrl: url } }, 'ai_duplicate_detection');
      expect(run).toMatchObject({ ok: false, error: 'POST /api/ai/detect-duplicates answered without the AI model (available: false)' });
    } finally {
      await withoutAi.close();
    }
  });

  it('runs every probe as scheduled jobs on the synthetic_probes queue', async () => {
    const services = at(live);
    // Its own queue: the incident above left escalation deliveries due on notification_sending.
    expect(QUEUES).toContain('synthetic_probes');
    const worker = createWorker({
      services,
      handlers: JOB_HANDLERS,
      schedules: schedules(services.config),
      queues: ['synthetic_probes'],
      concurrency: 4,
      log: pino({ level: 'silent' }),
    });
    t.clock.advance(120_000);
    const before = (await t.database.db.select().from(probeRuns)).length;
    await worker.schedule();
    // One health slot by default: the three due probes run one after another.
    while ((await worker.runDue()) > 0);
    const runs = await t.database.db.select().from(probeRuns);
    const added = runs.filter((r) => r.at.getTime() === t.clock.now().getTime());
    expect(runs.length - before).toBe(3);
    expect(added.map((r) => [r.probe, r.ok]).sort()).toEqual([
      ['ai_duplicate_detection', true],
      ['feature_request_submission', true],
      ['voting_system', true],
    ]);
    await worker.stop();
  });
});
