// Idempotency-Key on both databases: a repeat replays the first response and makes no second change;
// the same key with another body is 422, a key whose first request is still running is 409, keys are
// per caller, and without a key nothing changes from before.
import { count, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRequests, idempotencyKeys } from '../../../src/db/schema.js';
import { claimIdempotencyKey, IDEMPOTENCY_CLAIM_LEASE_MS } from '../../../src/services/idempotency.js';
import { purgeExpiredIdempotencyKeysJob } from '../../../src/jobs/handlers/maintenance.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

describe.each(DATABASE_MODES)('Idempotency-Key (%s)', (mode) => {
  let t: TestApp;
  let supplier: Caller;
  let planner: Caller;
  const submit = (caller: Caller, body: object, key?: string) =>
    t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: body, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const requestCount = async () => (await t.services.db.select({ n: count() }).from(featureRequests))[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(mode);
    supplier = await t.login('supplier@demo.test');
    planner = await t.bearer(await t.login('couple@demo.test'));
  });
  afterAll(() => t?.close());

  it('answers a repeat with the first response and makes no second request', async () => {
    const body = weddingRequest();
    const before = await requestCount();
    const first = await submit(supplier, body, 'f7f1c9f0-2f3a-4c52-9d8e-1b7f3d1e0a01');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await submit(supplier, body, 'f7f1c9f0-2f3a-4c52-9d8e-1b7f3d1e0a01');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json()).toEqual(first.json());
    expect(await requestCount()).toBe(before + 1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused, nothing created', async () => {
    const key = 'wedding-2027-reused-key';
    expect((await submit(supplier, weddingRequest(), key)).statusCode).toBe(201);
    const before = await requestCount();
    const other = await submit(supplier, weddingRequest(), key);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    expect(await requestCount()).toBe(before);
  });

  it('keeps keys per caller: another account with the same key makes its own request', async () => {
    const body = weddingRequest();
    const mine = await submit(supplier, body, 'shared-key-0001');
    const theirs = await submit(planner, body, 'shared-key-0001');
    expect(mine.statusCode).toBe(201);
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().id).not.toBe(mine.json().id);
  });

  it('without a key behaves as before: two submissions, two requests', async () => {
    const body = weddingRequest();
    const before = await requestCount();
    const a = await submit(supplier, body);
    const b = await submit(supplier, { ...body, title: `${body.title} again` });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).not.toBe(b.json().id);
    expect(await requestCount()).toBe(before + 2);
  });

  it('refuses a malformed key with 400 invalid_idempotency_key before changing anything', async () => {
    const before = await requestCount();
    for (const key of ['has space', 'x'.repeat(256), 'naïve']) {
      const res = await submit(supplier, weddingRequest(), key);
      expect(res.statusCode, key).toBe(400);
      expect(res.json().error.code).toBe('invalid_idempotency_key');
    }
    expect(await requestCount()).toBe(before);
  });

  it('answers 409 idempotency_request_in_progress with Retry-After while the first request runs', async () => {
    const session = await t.request(supplier, { method: 'GET', url: '/api/auth/session' });
    const body = weddingRequest();
    // The first request, claimed but not yet answered (as while its handler runs on another replica).
    await claimIdempotencyKey(t.services, {
      caller: `user:${session.json().user.id}`,
      key: 'in-flight-key',
      method: 'POST',
      path: '/api/feature-requests',
      body: JSON.stringify(body),
    });
    const before = await requestCount();
    const repeat = await submit(supplier, body, 'in-flight-key');
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json().error.code).toBe('idempotency_request_in_progress');
    expect(Number(repeat.headers['retry-after'])).toBeGreaterThan(0);
    expect(await requestCount()).toBe(before);
  });

  it('never runs a key twice whose first request never answered (a dead process, a commit cut off): 409 idempotency_outcome_unknown', async () => {
    const session = await t.request(supplier, { method: 'GET', url: '/api/auth/session' });
    const body = weddingRequest();
    await claimIdempotencyKey(t.services, {
      caller: `user:${session.json().user.id}`,
      key: 'died-mid-request',
      method: 'POST',
      path: '/api/feature-requests',
      body: JSON.stringify(body),
    });
    const before = await requestCount();
    t.clock.advance(IDEMPOTENCY_CLAIM_LEASE_MS + 1000);
    const repeat = await submit(supplier, body, 'died-mid-request');
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json().error.code).toBe('idempotency_outcome_unknown');
    expect(await requestCount()).toBe(before);
  });

  it('replays a changed vote too (PUT), and stores the response sealed', async () => {
    const created = await submit(supplier, weddingRequest());
    const id = created.json().id as string;
    const vote = () => t.request(planner, { method: 'PUT', url: `/api/feature-requests/${id}/vote`, headers: { 'idempotency-key': `vote-${id}` } });
    const first = await vote();
    expect(first.statusCode, first.body).toBeLessThan(300);
    const again = await vote();
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const stored = await t.services.db.select({ body: idempotencyKeys.responseBody }).from(idempotencyKeys).where(isNotNull(idempotencyKeys.responseStatus));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((row) => !row.body?.startsWith('v1.') || row.body.includes(id))).toEqual([]);
  });

  it('the hourly housekeeping job forgets keys after 24 hours: the same key then makes a new request', async () => {
    const body = weddingRequest();
    const first = await submit(supplier, body, 'kept-for-a-day-0001');
    const stored = async () => (await t.services.db.select({ n: count() }).from(idempotencyKeys))[0]!.n;
    const before = await stored();
    t.clock.advance(23 * 3_600_000);
    await purgeExpiredIdempotencyKeysJob.run({ payload: {} } as never, t.services);
    expect(await stored()).toBe(before);
    expect((await submit(supplier, body, 'kept-for-a-day-0001')).json().id).toBe(first.json().id);
    t.clock.advance(2 * 3_600_000);
    await purgeExpiredIdempotencyKeysJob.run({ payload: {} } as never, t.services);
    expect(await stored()).toBeLessThan(before);
    const later = await submit(supplier, body, 'kept-for-a-day-0001');
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.json().id);
  });
});
