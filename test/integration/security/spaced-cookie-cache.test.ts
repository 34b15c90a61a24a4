// Issue #14 finding 7: `Cookie: wsfr_session =TOKEN` (a space before the `=`) was signed in for
// authentication (@fastify/cookie trims names) but anonymous for the response cache (a substring
// test for `wsfr_session=`), so a signed-in caller was answered — and could be stored — as
// anonymous. The cache and the fast lane now read the cookie with authentication's own parser.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionTokenIn, SESSION_COOKIE } from '../../../src/http/plugins/app/authentication.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

describe.each(DATABASE_MODES)('one cookie parser for the response cache and authentication (%s)', (mode) => {
  let t: TestApp;
  let token: string;
  const spaced = (): Caller => ({ headers: { cookie: `wsfr_session =${token}` } });

  beforeAll(async () => {
    t = await createTestApp(mode);
    const couple = await t.login('couple@demo.test');
    token = couple.headers.cookie!.slice(`${SESSION_COOKIE}=`.length);
    // The couple has voted on something on the first page, so a personalised page differs from the anonymous one.
    const page = (await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?sort=top&limit=50' })).json();
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${page.items[0].id}/vote` });
  }, 120_000);
  afterAll(() => t?.close());

  it('finds the session in every header form authentication accepts, and nowhere else', () => {
    const headers = [
      `wsfr_session =${'t'.repeat(8)}`,
      `wsfr_session\t=abc`,
      ` wsfr_session = "abc" `,
      `theme=dark;wsfr_session=abc`,
      `theme=dark ; wsfr_session =abc; wsfr_session=second`,
      `xwsfr_session=abc`,
      `wsfr_sessionx=abc`,
      `wsfr%5Fsession=abc`,
      `WSFR_SESSION=abc`,
      `wsfr_session`,
      `wsfr_session=`,
      `theme=wsfr_session=abc`,
      ``,
    ];
    for (const header of headers) expect(sessionTokenIn(header), header).toBe(t.app.parseCookie(header)[SESSION_COOKIE]);
    expect(sessionTokenIn(undefined)).toBeUndefined();
  });

  it('never answers a spaced-cookie session from the anonymous copy of the board', async () => {
    const url = '/api/feature-requests?sort=top&limit=50';
    await t.request(anonymous, { method: 'GET', url });
    expect((await t.request(anonymous, { method: 'GET', url })).headers['x-cache']).toBe('hit');
    const res = await t.request(spaced(), { method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cache']).not.toBe('hit');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.json().items.some((i: { viewerHasVoted?: boolean }) => i.viewerHasVoted === true)).toBe(true);
  });

  it('keeps the spaced-cookie "mine" list away from anonymous callers', async () => {
    const url = '/api/feature-requests?mine=true';
    const mine = await t.request(spaced(), { method: 'GET', url });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.length).toBeGreaterThan(0);
    expect(mine.headers['cache-control']).toBe('private, no-store');
    const after = await t.request(anonymous, { method: 'GET', url });
    expect(after.statusCode).toBe(401);
    expect(after.body).not.toContain(mine.json().items[0].id);
  });

  it('does the same over HTTP, where the fast lane answers before Fastify parses cookies', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const url = `${base}/api/feature-requests?sort=top&limit=49`;
    await fetch(url);
    expect((await fetch(url)).headers.get('x-cache')).toBe('hit');
    const res = await fetch(url, { headers: { cookie: `wsfr_session =${token}` } });
    expect(res.headers.get('x-cache')).not.toBe('hit');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const mine = await fetch(`${base}/api/feature-requests?mine=true`, { headers: { cookie: `theme=dark; wsfr_session =${token}` } });
    expect(mine.status).toBe(200);
    expect((await fetch(`${base}/api/feature-requests?mine=true`)).status).toBe(401);
  });
});
