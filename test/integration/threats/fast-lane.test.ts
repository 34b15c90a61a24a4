// The fast lane answers cached anonymous board pages over real HTTP before Fastify: same bytes,
// same headers as the Fastify path, 304 on revalidation, counted in the request metrics; anything
// else (signed in, misses) still goes through Fastify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSecurityHeaders } from '../../../src/http/plugins/external/helmet.js';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';

describe.each(DATABASE_MODES)('board fast lane over HTTP (%s)', (mode) => {
  let t: TestApp;
  let base: string;
  const board = '/api/feature-requests?limit=20&sort=top';

  beforeAll(async () => {
    t = await createTestApp(mode, {});
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => t?.close());

  it('serves a hit with the same body and headers as the Fastify path', async () => {
    const miss = await fetch(base + board, { headers: { 'x-request-id': 'first-request-0001' } });
    expect(miss.headers.get('x-cache')).toBe('miss');
    const hit = await fetch(base + board, { headers: { 'x-request-id': 'second-request-0002' } });
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(await hit.text()).toBe(await miss.text());
    for (const name of [...Object.keys(apiSecurityHeaders()), 'content-type', 'etag', 'x-wedding-season']) {
      expect(hit.headers.get(name), name).toBe(miss.headers.get(name));
    }
    expect(hit.headers.get('x-request-id')).toBe('second-request-0002');
    // Through inject (no HTTP server) the same hit comes from the Fastify hook.
    const injected = await t.request(anonymous, { method: 'GET', url: board });
    expect(injected.headers['x-cache']).toBe('hit');
    expect(injected.headers.etag).toBe(hit.headers.get('etag'));
  });

  it('answers If-None-Match with a bodiless 304 and counts hits in the request metrics', async () => {
    const before = sample((await t.request(anonymous, { method: 'GET', url: '/metrics' })).body, 'http_requests_total', {
      route: '/api/feature-requests',
      status: '304',
    });
    const etag = (await fetch(base + board)).headers.get('etag')!;
    const revalidated = await fetch(base + board, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    const after = sample((await t.request(anonymous, { method: 'GET', url: '/metrics' })).body, 'http_requests_total', {
      route: '/api/feature-requests',
      status: '304',
    });
    expect(after).toBe(before + 1);
  });

  it('leaves signed-in callers to Fastify: a private answer with their own vote flags', async () => {
    const couple = await t.login('couple@demo.test');
    const res = await fetch(base + board, { headers: couple.headers });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('etag')).toBeNull();
    expect(((await res.json()) as { items: object[] }).items[0]).toHaveProperty('viewerHasVoted');
  });

  it('answers HEAD from the fast lane with the ETag and no body', async () => {
    const get = await fetch(base + board);
    const head = await fetch(base + board, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-cache')).toBe('hit');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(await head.text()).toBe('');
    const revalidated = await fetch(base + board, { method: 'HEAD', headers: { 'if-none-match': get.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(get.headers.get('etag'));
  });
});
