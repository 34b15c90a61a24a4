// Rate limits per role and route class: 429 + Retry-After in the standard error shape, a metric,
// separate budgets per role and class, cached board pages never counted — in memory, and in Redis
// where two app instances share one budget.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';

const LIMITS = JSON.stringify({ anonymous: { reads: 3, search: 1 }, couple: { reads: 5 } });
const detail = () => `/api/feature-requests/${randomUUID()}`;
const metricsText = (t: TestApp) => t.request(anonymous, { method: 'GET', url: '/metrics' }).then((r) => r.body);

describe.each(DATABASE_MODES)('rate limits in memory (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { RATE_LIMITS: LIMITS } });
    couple = await t.login('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('refuses the read past the anonymous budget with 429, Retry-After and the error shape', async () => {
    const before = sample(await metricsText(t), 'http_requests_rate_limited_total', { role: 'anonymous', route_class: 'reads' });
    for (let i = 0; i < 3; i++) expect((await t.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    const refused = await t.request(anonymous, { method: 'GET', url: detail() });
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining('reads'),
        details: { role: 'anonymous', routeClass: 'reads', limit: 3, windowSeconds: 60 },
      },
    });
    expect(sample(await metricsText(t), 'http_requests_rate_limited_total', { role: 'anonymous', route_class: 'reads' })).toBe(before + 1);
  });

  it('keeps separate budgets per role and per route class', async () => {
    // The anonymous reads are spent (above); the couple on the same address has its own five.
    for (let i = 0; i < 5; i++) expect((await t.request(couple, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await t.request(couple, { method: 'GET', url: detail() })).statusCode).toBe(429);
    // Searching is its own class, with its own (smaller) budget.
    expect((await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?q=seating' })).statusCode).toBe(200);
    const search = await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?q=catering' });
    expect(search.statusCode).toBe(429);
    expect(search.json().error.details.routeClass).toBe('search');
    // Probes are never limited.
    expect((await t.request(anonymous, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

// Issue #14 finding 13: `detect-duplicates` (~0.4 s of model time) was counted in the cheap
// "writes" class, so a caller could spend the writes budget on the model. Model calls have their own.
describe.each(DATABASE_MODES)('the AI budget (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false', RATE_LIMITS: JSON.stringify({ couple: { ai: 2, writes: 50 } }) } });
    couple = await t.login('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('refuses model calls past their own budget while writes still pass', async () => {
    const draft = { title: 'Seating chart export', description: 'Print the seating plan for the venue' };
    expect((await t.request(couple, { method: 'POST', url: '/api/ai/detect-duplicates', payload: draft })).statusCode).toBe(200);
    expect((await t.request(couple, { method: 'POST', url: '/api/ai/detect-duplicates', payload: draft })).statusCode).toBe(200);
    for (const url of ['/api/ai/detect-duplicates', '/api/ai/analyze']) {
      const refused = await t.request(couple, { method: 'POST', url, payload: draft });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json().error.details).toMatchObject({ role: 'couple', routeClass: 'ai', limit: 2 });
    }
    const board = (await t.request(couple, { method: 'GET', url: '/api/feature-requests?limit=1' })).json();
    const comment = await t.request(couple, {
      method: 'POST',
      url: `/api/feature-requests/${board.items[0].id}/comments`,
      payload: { content: 'We would use this for our seating plan.' },
    });
    expect(comment.statusCode).toBe(201);
  });
});

describe.each(DATABASE_MODES)('rate limits and the board cache (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { RATE_LIMITS: JSON.stringify({ anonymous: { reads: 2 } }) } });
  });
  afterAll(() => t?.close());

  it('does not count cached anonymous board pages: they cost less than counting them', async () => {
    const first = await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=20&sort=top' });
    expect(first.headers['x-cache']).toBe('miss');
    for (let i = 0; i < 10; i++) {
      const hit = await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=20&sort=top' });
      expect([hit.statusCode, hit.headers['x-cache']]).toEqual([200, 'hit']);
    }
    // The miss used one of two reads; uncached reads are still limited.
    expect((await t.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await t.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(429);
  });

  it('answers a revalidation with 304 from the cache', async () => {
    const page = await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=20&sort=top' });
    const etag = page.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?limit=20&sort=top', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('rate limits in Redis: two app instances share one budget', () => {
  const apps: TestApp[] = [];
  const env = {
    RATE_LIMITS: JSON.stringify({ anonymous: { reads: 4 } }),
    REDIS_URL: redisUrl!,
    REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:`,
  };

  beforeAll(async () => {
    // No demo data: these only count anonymous requests (seeding hashes every demo password).
    apps.push(await createTestApp('pglite', { env, seed: false }), await createTestApp('pglite', { env, seed: false }));
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('counts requests to either instance against the same budget', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    expect((await a.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await b.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await a.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await b.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    const refused = await a.request(anonymous, { method: 'GET', url: detail() });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await b.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(429);
  });

  it('reports Redis in /ready', async () => {
    const ready = await apps[0]!.request(anonymous, { method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, redis: { ok: true } } });
  });
});

describe('rate limits without Redis are per instance', () => {
  const apps: TestApp[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) apps.push(await createTestApp('pglite', { env: { RATE_LIMITS: JSON.stringify({ anonymous: { reads: 2 } }) }, seed: false }));
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('gives each instance its own budget, and /ready has no redis check', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    for (const t of [a, a, b, b]) expect((await t.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect((await a.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(429);
    expect((await a.request(anonymous, { method: 'GET', url: '/ready' })).json().checks).not.toHaveProperty('redis');
  });
});
