// The product team's health page: components, season, queues and recent traffic, from real state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../../src/queue/queue.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

describe.each(DATABASE_MODES)('platform health (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  const health = async () => (await t.request(product, { method: 'GET', url: '/api/platform/health' })).json();

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
    expect(body.components.find((c: { name: string }) => c.name === 'background_jobs')).toMatchObject({ status: 'degraded', detail: expect.stringContaining('duplicate_detection') });
    expect(body.queues.find((q: { queue: string }) => q.queue === 'duplicate_detection')).toMatchObject({ pending: 1, oldestDueSeconds: 360 });
    t.clock.set(new Date());
  });

  it('is for the product team only', async () => {
    const supplier = await t.login('supplier@demo.test');
    expect((await t.request(supplier, { method: 'GET', url: '/api/platform/health' })).statusCode).toBe(403);
  });
});
