// HTTP hardening: a new session id on every sign-in (the one presented before stops working),
// expired sessions are anonymous, per-route body limits answer 413 before parsing, and
// TRUST_PROXY as a hop count decides which X-Forwarded-For entry is the client.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerMatches, secretsEqual } from '../../../src/security/constant-time.js';
import { anonymous, createTestApp, DEMO_PASSWORD, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

const sessionCookie = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === 'wsfr_session')!.value;

describe.each(DATABASE_MODES)('HTTP hardening (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { TRUST_PROXY: '1', RATE_LIMITS: JSON.stringify({ anonymous: { reads: 2 } }) } });
  });
  afterAll(() => t?.close());

  const login = (cookie?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'couple@demo.test', password: DEMO_PASSWORD },
      headers: cookie ? { cookie: `wsfr_session=${cookie}` } : {},
    });
  const whoAmI = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `wsfr_session=${cookie}` } });

  it('rotates the session on sign-in: a new id, and the presented one is no longer valid', async () => {
    const first = sessionCookie(await login());
    expect((await whoAmI(first)).statusCode).toBe(200);
    const second = sessionCookie(await login(first));
    expect(second).not.toBe(first);
    expect((await whoAmI(second)).statusCode).toBe(200);
    expect((await whoAmI(first)).json().user).toBeNull();
    // A planted, never-valid id is simply replaced.
    const third = sessionCookie(await login('planted-by-an-attacker'));
    expect((await whoAmI(third)).statusCode).toBe(200);
  });

  it('treats an expired session as signed out', async () => {
    const cookie = sessionCookie(await login());
    t.clock.advance(t.config.sessionTtlHours * 3_600_000 + 60_000);
    expect((await whoAmI(cookie)).json().user).toBeNull();
    t.clock.set(new Date());
  });

  it('refuses an oversized sign-in body with 413 before reading it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'couple@demo.test', password: 'x'.repeat(20_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('with TRUST_PROXY=1 takes the client from the nearest proxy-appended X-Forwarded-For entry', async () => {
    // Each client spoofs a left-most address; the proxy appended the real one. Two reads each.
    const as = (client: string) =>
      t.request(anonymous, { method: 'GET', url: `/api/feature-requests/${randomUUID()}`, headers: { 'x-forwarded-for': `9.9.9.9, ${client}` } });
    for (const client of ['203.0.113.7', '203.0.113.7', '198.51.100.4', '198.51.100.4']) expect((await as(client)).statusCode).toBe(404);
    expect((await as('203.0.113.7')).statusCode).toBe(429);
  });
});

describe('constant-time secret comparison', () => {
  it('matches equal secrets only, whatever their lengths', () => {
    expect(secretsEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretsEqual('s3cret-token', 's3cret-tokem')).toBe(false);
    expect(secretsEqual('short', 'a-much-longer-secret')).toBe(false);
    expect(secretsEqual(undefined, 'x')).toBe(false);
    expect(secretsEqual('x', undefined)).toBe(false);
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Basic abc', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
});
