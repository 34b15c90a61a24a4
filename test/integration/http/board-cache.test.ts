// The response cache of the board and roadmap in one process: hits until a change purges them or
// the TTL passes (then answered while one refresh runs), the edge caching headers, 304 for GET and
// HEAD, one database query for many concurrent misses, a signed-in viewer's own vote flags, and the
// last good copy (marked stale) while the database fails; and only briefly while Redis is unreachable.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, eventually, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { freePort } from '../../helpers/process.js';
import { signUpVerified } from '../../helpers/accounts.js';

// Next year, so what the tests submit is newer than the demo data: mid-January (northern hemisphere:
// off season) and mid-July (peak), on weekdays away from Saturday's critical hours.
const NEXT_YEAR = new Date().getUTCFullYear() + 1;
const OFF_SEASON = new Date(Date.UTC(NEXT_YEAR, 0, 14, 12));
const PEAK_SEASON = new Date(Date.UTC(NEXT_YEAR, 6, 15, 12));

describe.each(DATABASE_MODES)('board and roadmap response cache (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  /** Board statements seen by the database (the list query orders and limits). */
  let boardQueries = 0;
  const board = (caller: Caller = anonymous, url = '/api/feature-requests?sort=new&limit=5', headers: Record<string, string> = {}) =>
    t.request(caller, { method: 'GET', url, headers });
  const signup = async (): Promise<Caller> => {
    const res = await signUpVerified(t, coupleSignup());
    return { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken };
  };

  beforeAll(async () => {
    const database = await freshDatabase(mode, (text) => {
      if (/from "feature_requests"/.test(text) && /order by/i.test(text) && !/row_number/.test(text)) boardQueries += 1;
    });
    t = await createTestApp(mode, { database });
    t.clock.set(OFF_SEASON);
    couple = await t.login('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('serves a repeat anonymous view from memory, with the edge caching headers', async () => {
    const first = await board();
    const second = await board();
    expect(first.headers['x-cache']).toBe('miss');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['x-wedding-season']).toBe('off');
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    for (const res of [first, second]) {
      expect(res.headers['cache-control']).toBe('public, max-age=30, s-maxage=300, stale-while-revalidate=300, stale-if-error=3600');
      expect(res.headers.vary).toBe('Authorization, Cookie');
      expect(res.headers['surrogate-key']).toBe('feature-requests');
      expect(res.headers['cache-tag']).toBe('feature-requests');
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    }
    const roadmap = await t.request(anonymous, { method: 'GET', url: '/api/roadmap' });
    expect(roadmap.headers['cache-control']).toBe('public, max-age=30, s-maxage=600, stale-while-revalidate=600, stale-if-error=3600');
    expect(roadmap.headers['surrogate-key']).toBe('roadmap');
  });

  it('uses the brief’s peak-season edge TTL in peak season', async () => {
    t.clock.set(PEAK_SEASON);
    try {
      // The season header is recomputed once a minute of the (test) clock.
      const res = await eventually(
        () => board(),
        (r) => r.headers['x-wedding-season'] === 'peak',
      );
      expect(res.headers['cache-control']).toBe('public, max-age=30, s-maxage=600, stale-while-revalidate=1200, stale-if-error=3600');
    } finally {
      t.clock.set(OFF_SEASON);
    }
  });

  it('answers If-None-Match with 304 for GET and HEAD, and HEAD carries the ETag', async () => {
    const page = await board();
    const etag = page.headers.etag as string;
    const head = await t.request(anonymous, { method: 'HEAD', url: '/api/feature-requests?sort=new&limit=5' });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe(etag);
    expect(head.body).toBe('');
    for (const method of ['GET', 'HEAD'] as const) {
      const again = await t.request(anonymous, { method, url: '/api/feature-requests?sort=new&limit=5', headers: { 'if-none-match': etag } });
      expect(again.statusCode, method).toBe(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.body).toBe('');
    }
  });

  it('shows a change at once: a new request, a vote, a comment count, a status change on the roadmap', async () => {
    await board();
    const { id, title } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const afterSubmit = await board();
    expect(afterSubmit.headers['x-cache']).toBe('miss');
    expect(afterSubmit.json().items[0].title).toBe(title);
    await board();
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    const shown = async () => (await board()).json().items.find((i: { id: string }) => i.id === id);
    expect(await shown()).toMatchObject({ voteCount: 1 });
    await t.request(couple, { method: 'POST', url: `/api/feature-requests/${id}/comments`, payload: { content: 'We need this for our July wedding.' } });
    expect(await shown()).toMatchObject({ commentCount: 1 });

    const product = await t.login('product@demo.test');
    await t.request(anonymous, { method: 'GET', url: '/api/roadmap' });
    const moved = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'under_review', justification: 'Many couples ask for this before RSVP deadlines.' },
    });
    expect(moved.statusCode).toBe(200);
    const roadmap = await t.request(anonymous, { method: 'GET', url: '/api/roadmap' });
    expect(roadmap.headers['x-cache']).toBe('miss');
    expect(roadmap.json().columns.under_review.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('answers an expired copy while one refresh runs, then the refreshed one', async () => {
    const url = '/api/feature-requests?sort=top&limit=3';
    await board(anonymous, url);
    t.clock.advance(300_001);
    try {
      expect((await board(anonymous, url)).headers['x-cache']).toBe('revalidating');
      const refreshed = await eventually(
        () => board(anonymous, url),
        (r) => r.headers['x-cache'] === 'hit',
      );
      expect(refreshed.headers['x-cache']).toBe('hit');
    } finally {
      t.clock.set(OFF_SEASON);
    }
  });

  it('runs one database query for many concurrent misses of one page (single-flight)', async () => {
    const url = '/api/feature-requests?sort=trending&limit=7';
    const before = boardQueries;
    const answers = await Promise.all(Array.from({ length: 20 }, () => board(anonymous, url)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(boardQueries - before).toBe(1);
  });

  it('never shows a viewer someone else’s vote: couple A votes, couple B’s page does not say "voted"', async () => {
    const [a, b] = [await signup(), await signup()];
    const { id } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const url = '/api/feature-requests?sort=new&limit=5';
    expect((await t.request(a, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    const pageA = await board(a, url);
    const pageB = await board(b, url);
    // Same user type and wedding context: B's shared part may come from the entry A's request filled.
    expect(pageB.headers['x-cache']).toBe('hit');
    const item = (page: typeof pageA) => page.json().items.find((i: { id: string }) => i.id === id);
    expect(item(pageA)).toMatchObject({ viewerHasVoted: true, voteCount: 1 });
    expect(item(pageB)).toMatchObject({ viewerHasVoted: false, voteCount: 1 });
    for (const res of [pageA, pageB]) {
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers.etag).toBeUndefined();
    }
    // Nor does an anonymous visitor see vote flags at all.
    expect((await board(anonymous, url)).json().items.find((i: { id: string }) => i.id === id)).not.toHaveProperty('viewerHasVoted');
  });

  it('is not purged by votes on a synthetic probe’s request, which is on no board', async () => {
    const { id } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    await t.database.db.execute(sql`update feature_requests set synthetic = true where id = ${id}::uuid`);
    await board();
    expect((await board()).headers['x-cache']).toBe('hit');
    expect((await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    expect((await t.request(couple, { method: 'DELETE', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(200);
    expect((await board()).headers['x-cache']).toBe('hit');
  });

  it('never caches a refused request', async () => {
    await board(anonymous, '/api/feature-requests?sort=nonsense');
    const again = await board(anonymous, '/api/feature-requests?sort=nonsense');
    expect(again.statusCode).toBe(400);
    expect(again.headers['x-cache']).toBeUndefined();
  });

  it('reports its hit rate as cache_hit_rate{cache_type="response"}', async () => {
    await board();
    await board();
    t.clock.advance(60_000); // business metrics refresh at most every few seconds
    const text = (await t.request(anonymous, { method: 'GET', url: '/metrics' })).body;
    t.clock.set(OFF_SEASON);
    const line = text.split('\n').find((l) => l.startsWith('cache_hit_rate{cache_type="response"'));
    expect(line).toBeDefined();
    const rate = Number(line!.split(' ').pop());
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
  });
});

describe('the last good copy while the database fails (pglite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t?.close().catch(() => undefined));

  it('answers the cached board and roadmap marked stale instead of failing, even after a purge', async () => {
    const couple = await t.login('couple@demo.test');
    const url = '/api/feature-requests?sort=new&limit=5';
    const good = await t.request(anonymous, { method: 'GET', url });
    await t.request(anonymous, { method: 'GET', url: '/api/roadmap' });
    await t.request(couple, { method: 'GET', url });
    // A change purges both copies: kept only as the stale fallback.
    const { id } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    await t.database.close();

    const stale = await t.request(anonymous, { method: 'GET', url });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers['x-cache']).toBe('stale');
    expect(stale.headers.warning).toBe('110 - "Response is Stale"');
    expect(stale.body).toBe(good.body);
    const roadmap = await t.request(anonymous, { method: 'GET', url: '/api/roadmap' });
    expect([roadmap.statusCode, roadmap.headers['x-cache']]).toEqual([200, 'stale']);
    // Signed in: the shared page, without the vote flags that could not be read.
    const mine = await t.request(couple, { method: 'GET', url });
    expect([mine.statusCode, mine.headers['x-cache'], mine.headers['cache-control']]).toEqual([200, 'stale', 'private, no-store']);
    expect(mine.json().items[0]).not.toHaveProperty('viewerHasVoted');
    // Nothing cached for this page: the failure shows.
    expect((await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?sort=top&limit=9' })).statusCode).toBeGreaterThanOrEqual(500);
  });
});

describe('while Redis is unreachable (pglite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens there: purges from other replicas could not arrive.
    const port = await freePort();
    t = await createTestApp('pglite', { env: { REDIS_URL: `redis://127.0.0.1:${port}`, RESPONSE_CACHE_UNSHARED_TTL_MS: '2000' } });
  });
  afterAll(() => t?.close());

  it('believes its own copy for RESPONSE_CACHE_UNSHARED_TTL_MS only, and does not answer it while refreshing', async () => {
    const url = '/api/feature-requests?sort=top&limit=4';
    expect((await t.request(anonymous, { method: 'GET', url })).headers['x-cache']).toBe('miss');
    expect((await t.request(anonymous, { method: 'GET', url })).headers['x-cache']).toBe('hit');
    t.clock.advance(2001);
    expect((await t.request(anonymous, { method: 'GET', url })).headers['x-cache']).toBe('miss');
  });
});
