// Issue #14 finding 10: hostile input that still reached a 500, and a log line that carried the SQL
// statement's parameters. Cursors with a date JavaScript accepts but PostgreSQL does not
// (`+275760-09-13T…`) or an "id" of 36 dashes; a sign-up in time zone "Mars/Olympus", after which
// `GET /api/user/context` failed for that account for good.
import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../src/db/schema.js';
import { loggerOptions } from '../../../src/ops/logger.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const FAR_FUTURE = '+275760-09-13T00:00:00.000Z';
const DASHES = '-'.repeat(36);
const SOME_ID = '0b8f2a52-6a55-4c3e-9d2e-3f4b5a6c7d8e';

describe.each(DATABASE_MODES)('hostile input that reached a 500 (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let product: Caller;
  let requestId: string;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    couple = await t.login('couple@demo.test');
    product = await t.login('product@demo.test');
    requestId = (await t.request(couple, { method: 'GET', url: '/api/feature-requests?limit=1' })).json().items[0].id;
  }, 120_000);
  afterAll(() => t?.close());

  const expectInvalidCursor = async (caller: Caller, url: string) => {
    const res = await t.request(caller, { method: 'GET', url });
    expect(res.statusCode, `${url} → ${res.body}`).toBe(400);
    expect(res.json().error.code).toBe('invalid_cursor');
  };

  it('refuses board cursors PostgreSQL cannot read with a 400', async () => {
    await expectInvalidCursor(couple, `/api/feature-requests?sort=new&cursor=${b64(JSON.stringify([FAR_FUTURE, SOME_ID]))}`);
    await expectInvalidCursor(couple, `/api/feature-requests?sort=new&cursor=${b64(JSON.stringify(['-000001-01-01T00:00:00.000Z', SOME_ID]))}`);
    await expectInvalidCursor(couple, `/api/feature-requests?sort=top&cursor=${b64(JSON.stringify([3, DASHES]))}`);
    await expectInvalidCursor(couple, `/api/feature-requests?sort=new&cursor=${b64(JSON.stringify(['2026-01-01T00:00:00.000Z', DASHES]))}`);
  });

  it('refuses comment and vote-review cursors PostgreSQL cannot read with a 400', async () => {
    await expectInvalidCursor(couple, `/api/feature-requests/${requestId}/comments?cursor=${b64(`${FAR_FUTURE}|${SOME_ID}`)}`);
    await expectInvalidCursor(couple, `/api/feature-requests/${requestId}/comments?cursor=${b64(`2026-01-01T00:00:00.000Z|${DASHES}`)}`);
    await expectInvalidCursor(product, `/api/vote-reviews?cursor=${b64(JSON.stringify([FAR_FUTURE, SOME_ID, SOME_ID]))}`);
    await expectInvalidCursor(product, `/api/vote-reviews?cursor=${b64(JSON.stringify(['2026-01-01T00:00:00.000Z', DASHES, SOME_ID]))}`);
  });

  it('refuses a sign-up in a time zone that does not exist, and creates nothing', async () => {
    const body = coupleSignup({ timeZone: 'Mars/Olympus' });
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_time_zone', details: { field: 'timeZone' } });
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: body.email, password: body.password } })).statusCode).toBe(401);
  });

  it('answers GET /api/user/context for an account that already holds a zone that does not exist', async () => {
    const body = coupleSignup();
    const signup = await signUpVerified(t, body);
    await t.database.db.update(users).set({ timeZone: 'Mars/Olympus' }).where(eq(users.id, signup.json().user.id));
    const res = await t.request(await t.login(body.email, body.password), { method: 'GET', url: '/api/user/context' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().season).toMatchObject({ region: expect.any(String), season: expect.stringMatching(/^(peak|off)$/) });
  });

  it('logs a failed statement with its SQL but never its parameters', async () => {
    const secret = 'amelia.secret@example.test';
    const failure = await t.database.db.execute(sql`select ${secret}::uuid as id`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    const lines: string[] = [];
    const log = pino(loggerOptions('info'), new Writable({ write: (chunk, _enc, done) => done(void lines.push(String(chunk))) }));
    log.error({ err: failure }, 'unhandled error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('::uuid');
    expect(lines[0]).toContain('invalid input syntax for type uuid'); // what went wrong stays
    expect(lines[0]).not.toContain(secret);
  });
});
