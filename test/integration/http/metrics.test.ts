// /metrics: the brief's metrics with real values behind them, and who may scrape.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { claim, enqueue, fail } from '../../../src/queue/queue.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';
import { weddingRequest } from '../../helpers/fixtures.js';

const BRIEF_METRICS = [
  'wedding_season_request_volume',
  'supplier_engagement_score',
  'couple_pain_point_resolution_time',
  'ai_duplicate_detection_accuracy',
  'rice_score_prediction_accuracy',
  'api_response_time_by_endpoint',
  'database_query_performance',
  'ai_processing_queue_depth',
  'cache_hit_rate',
  'http_requests_total',
  'feature_requests_total',
  'wedding_season_multiplier',
];

describe.each(DATABASE_MODES)('metrics (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let product: Caller;
  const scrape = async () => {
    t.clock.advance(11_000); // past the business metrics' refresh interval
    const res = await t.request(anonymous, { method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    // A token without expiry: these tests move the clock by days.
    product = await t.bearer(await t.login('product@demo.test'));
  });
  afterAll(() => t?.close());

  it('exports every metric the brief names, with its type', async () => {
    const text = await scrape();
    for (const name of BRIEF_METRICS) expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(text).toMatch(/^# TYPE api_response_time_by_endpoint histogram$/m);
    expect(text).toMatch(/^api_response_time_by_endpoint_bucket\{le="5000",/m);
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
  });

  it('counts requests by route pattern and status, and times them by endpoint and user tier', async () => {
    const before = await scrape();
    await t.request(anonymous, { method: 'GET', url: '/api/feature-requests/00000000-0000-4000-8000-000000000000' });
    await t.request(couple, { method: 'GET', url: '/api/feature-requests?limit=5' });
    const text = await scrape();
    const route = { route: '/api/feature-requests/:id', status: '404', method: 'GET' };
    expect(sample(text, 'http_requests_total', route) - sample(before, 'http_requests_total', route)).toBe(1);
    expect(text).not.toMatch(/00000000-0000-4000-8000-000000000000/);
    const couples = { endpoint: '/api/feature-requests', user_tier: 'couple', region: 'northern_hemisphere' };
    expect(sample(text, 'api_response_time_by_endpoint_count', couples) - sample(before, 'api_response_time_by_endpoint_count', couples)).toBe(1);
  });

  it('times database statements by kind and table', async () => {
    const text = await scrape();
    expect(sample(text, 'database_query_performance_count', { query_type: 'select', table: 'feature_requests' })).toBeGreaterThan(0);
  });

  it('computes business metrics from the database', async () => {
    const before = await scrape();
    const onBoard = rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from feature_requests where status <> 'merged'`))[0]!.n;
    expect(sample(before, 'feature_requests_total')).toBe(onBoard);
    const verified = rows<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from users where role = 'wedding_supplier' and verified`),
    )[0]!.n;
    expect(sample(before, 'supplier_engagement_score_count')).toBe(verified);
    expect(sample(before, 'wedsync_ready')).toBe(1);

    expect((await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ category: 'seating' }) })).statusCode).toBe(201);
    const after = await scrape();
    const seating = { user_type: 'couple', category: 'seating' };
    expect(sample(after, 'wedding_season_request_volume', seating) - sample(before, 'wedding_season_request_volume', seating)).toBe(1);
    expect(sample(after, 'feature_requests_total', seating) - sample(before, 'feature_requests_total', seating)).toBe(1);
  });

  it('observes how long a couple’s pain point took to ship, in days', async () => {
    couple = await t.login('couple@demo.test');
    const { id } = (
      await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ category: 'budget_payments', urgency: 'high' }) })
    ).json();
    const labels = { pain_point_category: 'budget_payments', urgency: 'high', wedding_size: 'medium' };
    const before = await scrape();
    for (const [status, days] of [
      ['planned', 3],
      ['in_progress', 4],
      ['shipped', 3],
    ] as const) {
      t.clock.advance(days * 86_400_000);
      const res = await t.request(product, {
        method: 'POST',
        url: `/api/feature-requests/${id}/status`,
        payload: { status, justification: `Moving to ${status} after review` },
      });
      expect(res.statusCode).toBe(200);
    }
    const after = await scrape();
    // Ten days: inside the 14-day bucket, outside the 7-day one.
    expect(
      sample(after, 'couple_pain_point_resolution_time_bucket', { ...labels, le: '14' }) -
        sample(before, 'couple_pain_point_resolution_time_bucket', { ...labels, le: '14' }),
    ).toBe(1);
    expect(
      sample(after, 'couple_pain_point_resolution_time_bucket', { ...labels, le: '7' }) -
        sample(before, 'couple_pain_point_resolution_time_bucket', { ...labels, le: '7' }),
    ).toBe(0);
    t.clock.set(new Date());
  });

  it('reports the season multiplier for the autoscaler and the credential cache’s hit rate', async () => {
    t.clock.set('2027-06-12T13:00:00Z'); // a Saturday afternoon in June
    const text = await t.request(anonymous, { method: 'GET', url: '/metrics' }).then((r) => r.body);
    expect(sample(text, 'wedding_season_multiplier')).toBe(2.1);
    expect(sample(text, 'wedding_peak_season')).toBe(1);
    // A Saturday in January: critical hours raise the multiplier, but the season (and with it the
    // availability objective the SLO rules pick) is off-peak.
    t.clock.set('2027-01-09T13:00:00Z');
    const winter = await t.request(anonymous, { method: 'GET', url: '/metrics' }).then((r) => r.body);
    expect(sample(winter, 'wedding_season_multiplier')).toBe(1.5);
    expect(sample(winter, 'wedding_peak_season')).toBe(0);
    t.clock.set(new Date());
    couple = await t.login('couple@demo.test');
    for (let i = 0; i < 3; i++) await t.request(couple, { method: 'GET', url: '/api/user/context' });
    const rate = sample(await scrape(), 'cache_hit_rate', { cache_type: 'credentials' });
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(1);
  });

  it('reports queue depth per queue and dead letters from the job table', async () => {
    const before = await scrape();
    // Submissions of earlier tests queued their duplicate checks (no worker runs here): count from there.
    const depth = (text: string, priority: string) => sample(text, 'ai_processing_queue_depth', { queue_type: 'duplicate_detection', priority });
    await enqueue(t.services.db, { queue: 'duplicate_detection', type: 'check', priority: 5 }, t.clock.now());
    await enqueue(t.services.db, { queue: 'duplicate_detection', type: 'check' }, t.clock.now());
    const id = (await enqueue(t.services.db, { queue: 'analytics_processing', type: 'no_handler_anywhere', maxAttempts: 1 }, t.clock.now()))!;
    const [job] = await claim(t.services.db, ['analytics_processing'], 'metrics-test', 1, 60_000, t.clock.now());
    await fail(t.services.db, job!, 'metrics-test', new Error('boom'), t.clock.now());
    const after = await scrape();
    expect(depth(after, 'high') - depth(before, 'high')).toBe(1);
    expect(depth(after, 'normal') - depth(before, 'normal')).toBe(1);
    expect(after).toMatch(/^# TYPE jobs_dead_lettered_total counter$/m);
    expect(
      sample(after, 'jobs_dead_lettered_total', { queue: 'analytics_processing' }) -
        sample(before, 'jobs_dead_lettered_total', { queue: 'analytics_processing' }),
    ).toBe(1);
    expect(id).toBe(job!.id);
  });

  it('answers loopback scrapers only', async () => {
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.20.30.40' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.code).toBe('forbidden');
  });
});

describe('metrics behind METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { METRICS_TOKEN: 'scrape-token-0123456789' }, seed: false });
  });
  afterAll(() => t?.close());

  it('needs the Bearer token, from anywhere', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.20.30.40',
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
  });
});

describe.each(DATABASE_MODES)('wedding_season_multiplier follows the request rate (%s)', (mode) => {
  let t: TestApp;
  // A baseline of 0.1 requests/s per pod: a dozen requests in a minute is twice the baseline.
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { SCALING_BASELINE_RPS: '0.1' }, seed: false });
  });
  afterAll(() => t?.close());

  const multiplier = async () => {
    t.clock.advance(11_000); // past the business metrics' refresh interval
    return sample(await t.request(anonymous, { method: 'GET', url: '/metrics' }).then((r) => r.body), 'wedding_season_multiplier');
  };

  it('rises above the calendar while traffic exceeds the seasonal baseline, and falls back when it stops', async () => {
    t.clock.set('2027-01-12T12:00:00Z'); // a Tuesday in January: the calendar says 1
    expect(await multiplier()).toBe(1);
    for (let i = 0; i < 12; i++) expect((await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=1' })).statusCode).toBe(200);
    // 12 requests (+ the scrape before) in the last minute: ≥ 0.2 requests/s, ≥ 2 × the baseline.
    const busy = await multiplier();
    expect(busy).toBeGreaterThanOrEqual(2);
    expect(busy).toBeLessThan(3);
    t.clock.advance(120_000);
    expect(await multiplier()).toBe(1);
  });
});
