import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES, type DatabaseMode } from '../../helpers/database.js';
import { coupleSignup } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

// Counts password verifications, to prove a throttled attempt never reaches one.
const argon = vi.hoisted(() => ({ verifications: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      argon.verifications += 1;
      return real.verify(...args);
    },
  };
});

const WRONG = 'not-the-password';
let sequence = 0;
/** Every test guesses from addresses and at accounts of its own, so the counters never mix. */
const newAddress = () => `198.51.100.${++sequence}`;
const unknownEmail = () => `nobody-${++sequence}@example.test`;

const redisUrl = process.env.TEST_REDIS_URL;
/** Each database with the attempt records in memory and, given a Redis to test on, in Redis too. */
const SETUPS: [string, DatabaseMode, Record<string, string>][] = [
  ...DATABASE_MODES.map((mode): [string, DatabaseMode, Record<string, string>] => [mode, mode, {}]),
  ...(redisUrl
    ? [
        ['pglite, records in Redis', 'pglite', { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` }] as [
          string,
          DatabaseMode,
          Record<string, string>,
        ],
      ]
    : []),
];

describe.each(SETUPS)('login throttling (%s)', (_setup, mode, env) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { env });
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string, address: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: address });

  const newAccount = async () => {
    const body = coupleSignup();
    const res = await signUpVerified(t, body);
    expect(res.statusCode).toBe(200);
    return { email: body.email, password: body.password, id: res.json().user.id as string };
  };

  /** `n` wrong passwords, each expected to be an ordinary 401. */
  const failTimes = async (n: number, email: string, address: string) => {
    for (let i = 0; i < n; i++) {
      const res = await login(email, WRONG, address);
      expect(res.statusCode, `failure ${i + 1} for ${email}`).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
  };

  it('answers the first five wrong passwords with 401, then 429 with Retry-After, doubling the wait', async () => {
    const address = newAddress();
    await failTimes(5, 'couple@demo.test', address);
    const throttled = await login('couple@demo.test', WRONG, address);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.json()).toEqual({
      error: { code: 'too_many_attempts', message: expect.stringContaining('try again'), details: { retryAfterSeconds: 1 } },
    });

    t.clock.advance(1_000);
    await failTimes(1, 'couple@demo.test', address);
    expect((await login('couple@demo.test', WRONG, address)).headers['retry-after']).toBe('2');
    t.clock.advance(2_000);
    await failTimes(1, 'couple@demo.test', address);
    const third = await login('couple@demo.test', WRONG, address);
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('4');
    expect(third.json().error.details).toEqual({ retryAfterSeconds: 4 });

    // The real owner is delayed, not locked out: after the wait the right password works.
    t.clock.advance(4_000);
    expect((await login('couple@demo.test', DEMO_PASSWORD, newAddress())).statusCode).toBe(200);
  });

  it('refuses the right password too while throttled, without checking it or hinting that it was right', async () => {
    const account = await newAccount();
    const address = newAddress();
    const before = argon.verifications;
    await failTimes(5, account.email, address);
    const verified = argon.verifications;
    expect(verified - before).toBe(5); // each free failure was checked (the counter works)
    const wrong = await login(account.email, WRONG, address);
    const right = await login(account.email, account.password, address);
    expect(argon.verifications).toBe(verified);
    expect(wrong.statusCode).toBe(429);
    expect(right.statusCode).toBe(429);
    expect(right.body).toBe(wrong.body);
    expect(right.headers['retry-after']).toBe(wrong.headers['retry-after']);
    expect(right.cookies.find((c) => c.name === 'wsfr_session')).toBeUndefined();
    // From another address the account is just as throttled: the limit is the account's.
    expect((await login(account.email, account.password, newAddress())).statusCode).toBe(429);
  });

  it('lets the right password in once the wait is over, which clears the account’s failures', async () => {
    const account = await newAccount();
    const address = newAddress();
    await failTimes(5, account.email, address);
    expect((await login(account.email, account.password, address)).statusCode).toBe(429);
    t.clock.advance(1_000);
    const ok = await login(account.email, account.password, address);
    expect(ok.statusCode).toBe(200);
    expect(ok.cookies.find((c) => c.name === 'wsfr_session')?.value).toBeTruthy();
    // A clean slate: five free failures again, then the one-second wait (not the next doubling).
    await failTimes(5, account.email, address);
    const again = await login(account.email, WRONG, address);
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('1');
  });

  it('throttles one account without blocking others from the same address, until the address’s budget is spent', async () => {
    const account = await newAccount();
    const address = newAddress();
    const first = unknownEmail();
    await failTimes(5, first, address);
    expect((await login(first, WRONG, address)).statusCode).toBe(429);
    // Another account from the same address is unaffected by the first one's limit …
    expect((await login(account.email, account.password, address)).statusCode).toBe(200);
    // … and so are three more, five failures each: 20 failures from this address in all.
    for (let i = 0; i < 3; i++) await failTimes(5, unknownEmail(), address);
    // Now the address must wait, whoever it signs in as and whatever the password …
    const blocked = await login(account.email, account.password, address);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('1');
    expect(blocked.json().error.code).toBe('too_many_attempts');
    expect((await login(unknownEmail(), WRONG, address)).statusCode).toBe(429);
    // … while the same account signs in from elsewhere.
    expect((await login(account.email, account.password, newAddress())).statusCode).toBe(200);
    // The address's budget comes back after the wait.
    t.clock.advance(1_000);
    expect((await login(account.email, account.password, address)).statusCode).toBe(200);
  });

  it('throttles an unknown email exactly like a known one, so the answers reveal no accounts', async () => {
    const account = await newAccount();
    const run = async (email: string) => {
      const address = newAddress();
      const answers: { status: number; retryAfter: unknown; body: string }[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await login(email, WRONG, address);
        answers.push({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: res.body });
      }
      return answers;
    };
    const known = await run(account.email);
    const unknown = await run(unknownEmail());
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(unknown).toEqual(known);
  });

  it('counts a burst of parallel guesses before checking them, so they cannot all slip through', async () => {
    const account = await newAccount();
    const address = newAddress();
    const answers = await Promise.all(Array.from({ length: 12 }, () => login(account.email, WRONG, address)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('audits a throttled account once per window, naming the account but nothing about the password', async () => {
    const account = await newAccount();
    const address = newAddress();
    const throttledEvents = () =>
      t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'login_throttled'), eq(auditEvents.targetId, account.id)));

    await failTimes(5, account.email, address);
    for (let i = 0; i < 3; i++) expect((await login(account.email, i === 1 ? account.password : WRONG, address)).statusCode).toBe(429);
    const events = await throttledEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: null,
      targetType: 'user',
      details: { scope: 'account', failures: 5, retryAfterSeconds: 1, address },
    });
    expect(JSON.stringify(events[0])).not.toContain(account.password);

    // The next window's throttling is audited again.
    t.clock.advance(20 * 60_000);
    await failTimes(5, account.email, address);
    expect((await login(account.email, WRONG, address)).statusCode).toBe(429);
    expect(await throttledEvents()).toHaveLength(2);
  });
});
