// N replicas behave like one (issue #13 item 2): two app instances on one database and one real
// Redis share the login throttle, the scraping counters and the vote-manipulation signals, and a
// sign-out or token revocation on one is honoured by the other within a second. With Redis
// configured but unreachable, the login throttle still holds, in the replica's own memory.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, testClock, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

const redisUrl = process.env.TEST_REDIS_URL;
const WRONG = 'not-the-password';
const SCRAPING = { slowDownAfter: 100, blockAfter: 6, maxPageDepth: 100, coolOffSeconds: 120 };
const VOTES = { sharedNetworkAccounts: 3, sharedDeviceAccounts: 3 };

/**
 * How long the other replica may take to honour a sign-out. The promise is one second; the eviction
 * is one pub/sub message over loopback (milliseconds), so the second second is margin for a 2-core
 * machine busy with other suites. Both instances share a test clock that never moves by itself, so
 * the credential cache's own 10 s expiry cannot end the session: only the broadcast can.
 */
const HONOURED_WITHIN_MS = 2_000;

let sequence = 0;
const newAddress = () => `203.0.113.${++sequence}`;
const unknownEmail = () => `nobody-${randomUUID()}@example.test`;

/** Polls until the status is `status`; returns how long that took, or throws past the bound. */
async function statusWithin(request: () => Promise<{ statusCode: number }>, status: number, boundMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { statusCode } = await request();
    const elapsed = Date.now() - started;
    if (statusCode === status) return elapsed;
    if (elapsed > boundMs) throw new Error(`still ${statusCode} after ${elapsed} ms (wanted ${status} within ${boundMs} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(redisUrl)('two replicas on one Redis', () => {
  describe.each(DATABASE_MODES)('(%s)', (mode) => {
    let a: TestApp;
    let b: TestApp;
    const prefix = `wsfr-test-${randomBytes(4).toString('hex')}:`;

    beforeAll(async () => {
      // One database, one clock, one master key, one Redis prefix: one deployment of two replicas.
      const database = await freshDatabase(mode);
      const clock = testClock();
      const env = {
        REDIS_URL: redisUrl!,
        REDIS_KEY_PREFIX: prefix,
        ENCRYPTION_MASTER_KEY: randomBytes(32).toString('hex'),
        // One deployment: both replicas unwrap members' keys with the same key-encryption keys.
        MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')),
        TRUST_PROXY: '1',
        SCRAPING_LIMITS: JSON.stringify(SCRAPING),
        VOTE_MANIPULATION_POLICY: JSON.stringify(VOTES),
      };
      a = await createTestApp(mode, { env, database, clock });
      b = await createTestApp(mode, { env, database, clock, seed: false });
    });
    afterAll(async () => {
      // B shares A's database: A closes it.
      await b?.app.close();
      await b?.services.shared.close();
      await a?.close();
    });

    const login = (t: TestApp, email: string, password: string, address: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: address });
    // A route for signed-in callers: an ended session is refused there (the session answer itself names nobody, 200).
    const session = (t: TestApp, caller: Caller) => t.request(caller, { method: 'GET', url: '/api/user/context' });

    it('throttles a sign-in on one replica after failures spread over both', async () => {
      const email = unknownEmail();
      const address = newAddress();
      for (const t of [a, b, a, b, a]) expect((await login(t, email, WRONG, address)).statusCode).toBe(401);
      const refused = await login(b, email, WRONG, address);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('too_many_attempts');
      expect((await login(a, email, WRONG, newAddress())).statusCode).toBe(429);
    });

    it('keeps no email or address in Redis, and every key it wrote expires', async () => {
      const email = unknownEmail();
      const address = newAddress();
      await login(a, email, WRONG, address);
      const redis = a.services.shared.redis!;
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.some((k) => k.startsWith(`${prefix}login-attempts:`))).toBe(true);
      for (const key of keys) {
        expect(key).not.toContain(email);
        expect(key).not.toContain(address);
        expect(await redis.pttl(key), key).toBeGreaterThan(0);
      }
    });

    it('refuses a session on the other replica within a second of signing out', async () => {
      const caller = await a.login('couple@demo.test');
      // B has the session in its credential cache.
      expect((await session(b, caller)).statusCode).toBe(200);
      expect((await session(b, caller)).statusCode).toBe(200);
      expect((await a.request(caller, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBeLessThan(300);
      const elapsed = await statusWithin(() => session(b, caller), 401, HONOURED_WITHIN_MS);
      expect(elapsed).toBeLessThanOrEqual(HONOURED_WITHIN_MS);
    });

    it('refuses a revoked API token on the other replica within a second', async () => {
      const owner = await a.login('supplier@demo.test');
      const created = await a.request(owner, { method: 'POST', url: '/api/auth/tokens', payload: { name: 'replicas' } });
      expect(created.statusCode).toBe(201);
      const bearer: Caller = { headers: { authorization: `Bearer ${created.json().token}` } };
      expect((await session(b, bearer)).statusCode).toBe(200);
      expect((await session(b, bearer)).statusCode).toBe(200);
      expect((await a.request(owner, { method: 'DELETE', url: `/api/auth/tokens/${created.json().id}` })).statusCode).toBeLessThan(300);
      await statusWithin(() => session(b, bearer), 401, HONOURED_WITHIN_MS);
    });

    it('counts a client’s reads on both replicas against one scraping budget', async () => {
      const address = newAddress();
      const read = (t: TestApp) =>
        t.request(anonymous, { method: 'GET', url: `/api/feature-requests/${randomUUID()}`, headers: { 'x-forwarded-for': address } });
      for (const t of [a, b, a, b, a, b]) expect((await read(t)).statusCode).toBe(404);
      const blocked = await read(a);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('bulk_access_blocked');
      expect((await read(b)).statusCode).toBe(429);
    });

    it('holds the third account voting from one network even when each replica saw fewer', async () => {
      const product = await a.login('product@demo.test');
      const id = (await a.request(product, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id as string;
      const net = `81.3.${++sequence}`;
      const replies = [];
      for (const [i, t] of [a, b, b].entries()) {
        const signup = await signUpVerified(t, coupleSignup());
        const voter: Caller = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
        const res = await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote`, headers: { 'x-forwarded-for': `${net}.${10 + i}` } });
        expect(res.statusCode, res.body).toBeLessThan(300);
        replies.push(res.json());
      }
      expect(replies.map((r) => r.review?.state ?? 'accepted')).toEqual(['accepted', 'accepted', 'held']);
    });
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('a replica whose Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, REDIS_KEY_PREFIX: 'wsfr-test-down:' }, seed: false });
  });
  afterAll(() => t?.close());

  it('still throttles sign-ins, in its own memory, and still signs people in and out', async () => {
    expect(t.services.shared.redis!.status).not.toBe('ready');
    const body = coupleSignup();
    const signup = await signUpVerified(t, body);
    expect(signup.statusCode).toBe(200);
    const address = newAddress();
    const login = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: body.email, password }, remoteAddress: address });

    const signedIn = await login(body.password);
    expect(signedIn.statusCode).toBe(200);
    const caller: Caller = {
      headers: { cookie: `wsfr_session=${signedIn.cookies.find((c) => c.name === 'wsfr_session')!.value}` },
      csrfToken: signedIn.json().csrfToken,
    };
    expect((await t.request(caller, { method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    expect((await t.request(caller, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBeLessThan(300);
    expect((await t.request(caller, { method: 'GET', url: '/api/auth/session' })).json().user).toBeNull();

    for (let i = 0; i < 5; i++) expect((await login(WRONG)).statusCode).toBe(401);
    const refused = await login(body.password);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_attempts');
  });
});
