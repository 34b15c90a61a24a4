// Two app instances (replicas) on one database and one real Redis: the response cache is shared (an
// entry one replica stored answers the other) and purged everywhere: after a change through replica A,
// replica B stops serving the old answer within the issue's ~0.5 s (polled, with a margin for a busy
// machine) — for each tag: feature-requests, roadmap, ai-analysis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRequest } from '../../../src/services/duplicate-detection.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { weddingRequest } from '../../helpers/fixtures.js';

const redisUrl = process.env.TEST_REDIS_URL;
/** The bar is ~0.5 s; doubled so a loaded CI machine does not fail it by scheduling alone. */
const PROPAGATION_BOUND_MS = 1000;

/** Reads until `done` holds or the bound passes; returns what was seen last and when. */
async function within<T>(read: () => Promise<T>, done: (value: T) => boolean, boundMs = PROPAGATION_BOUND_MS) {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > boundMs) return { value, ok: done(value) };
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(redisUrl)('response cache shared by two replicas through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let coupleOnA: Caller;
  const env = {
    REDIS_URL: redisUrl!,
    REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:`,
    // One deployment: the same master key, so both replicas read what the other sealed.
    ENCRYPTION_MASTER_KEY: randomBytes(32).toString('hex'),
    MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')),
  };

  beforeAll(async () => {
    a = await createTestApp('pglite', { env });
    b = await createTestApp('pglite', { env, database: a.database, seed: false, clock: a.clock });
    coupleOnA = await a.login('couple@demo.test');
  });
  afterAll(async () => {
    // This run's keys (entries expire by themselves; the tag epochs would not).
    const redis = a?.services.shared.redis;
    const keys = redis ? await redis.keys(`${env.REDIS_KEY_PREFIX}*`) : [];
    if (keys.length > 0) await redis!.del(...keys);
    // B shares A's database: closed once, by A.
    await b?.app.close();
    await b?.services.shared.close();
    await a?.close();
  });

  it('answers from the entry the other replica stored', async () => {
    const url = '/api/feature-requests?sort=top&limit=11';
    const fromA = await a.request(anonymous, { method: 'GET', url });
    expect(fromA.headers['x-cache']).toBe('miss');
    const fromB = await b.request(anonymous, { method: 'GET', url });
    expect(fromB.headers['x-cache']).toBe('hit');
    expect(fromB.headers.etag).toBe(fromA.headers.etag);
    expect(fromB.body).toBe(fromA.body);
  });

  it('feature-requests: a vote through A shows on B’s board at once, anonymous and signed in', async () => {
    const { id } = (await a.request(coupleOnA, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const url = '/api/feature-requests?sort=new&limit=5';
    const coupleOnB = await b.login('couple@demo.test');
    const page = (caller: Caller) => b.request(caller, { method: 'GET', url }).then((r) => r.json().items.find((i: { id: string }) => i.id === id));
    expect(await page(anonymous)).toMatchObject({ voteCount: 0 });
    expect(await page(coupleOnB)).toMatchObject({ voteCount: 0, viewerHasVoted: false });
    expect((await b.request(anonymous, { method: 'GET', url })).headers['x-cache']).toBe('hit');

    expect((await a.request(coupleOnA, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    const seen = await within(
      () => page(anonymous),
      (item) => item?.voteCount === 1,
    );
    expect(seen.ok, 'B still served the old count').toBe(true);
    expect(await page(coupleOnB)).toMatchObject({ voteCount: 1, viewerHasVoted: true });
  });

  it('roadmap: a status change through A shows on B’s roadmap at once', async () => {
    const product = await a.login('product@demo.test');
    const { id } = (await a.request(coupleOnA, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const roadmap = () => b.request(anonymous, { method: 'GET', url: '/api/roadmap?perStatus=200' });
    await roadmap();
    expect((await roadmap()).headers['x-cache']).toBe('hit');
    const moved = await a.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'under_review', justification: 'Asked for by many couples this season.' },
    });
    expect(moved.statusCode).toBe(200);
    const seen = await within(roadmap, (r) => r.json().columns.under_review.some((i: { id: string }) => i.id === id));
    expect(seen.ok, 'B still served the old roadmap').toBe(true);
  });

  it('ai-analysis: a request indexed through A is compared with in B’s next analysis', async () => {
    const coupleOnB = await b.login('couple@demo.test');
    const body = { title: 'Shuttle bus timetable for guests', description: 'Tell every guest when the shuttle leaves the hotel for the venue and back.' };
    const analyze = () => b.request(coupleOnB, { method: 'POST', url: '/api/ai/analyze', payload: body });
    await analyze();
    expect((await analyze()).headers['x-cache']).toBe('hit');
    const { id } = (
      await a.request(coupleOnA, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ ...body, category: 'communication' }) })
    ).json();
    expect(await indexRequest(a.services, id)).toBe('indexed');
    const seen = await within(analyze, (r) => r.json().duplicates.some((d: { id: string }) => d.id === id));
    expect(seen.ok, 'B still served the old analysis').toBe(true);
  });
});
