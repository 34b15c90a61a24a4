// RICE on every request: predicted at submission, recomputed by the analytics_processing job after
// votes and status changes, overridden per factor by the product team, sortable on the board, and
// judged against what shipped requests achieved (rice_score_prediction_accuracy).
import { and, asc, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, featureRequests, jobs } from '../../../src/db/schema.js';
import { DEFAULT_CATEGORIES } from '../../../src/domain/feature-requests.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { QUEUES } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';
import { weddingRequest } from '../../helpers/fixtures.js';

interface Rice {
  score: number;
  reach: number;
  impact: number;
  confidence: number;
  effort: number;
  predicted: Record<string, number>;
  overridden: string[];
  computedAt: string | null;
}

describe.each(DATABASE_MODES)('RICE scoring (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;
  let supplier: Caller;
  let worker: ReturnType<typeof createWorker>;

  const submit = async (overrides: Record<string, unknown> = {}) =>
    (await t.request(product, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest(overrides) })).json() as { id: string; rice: Rice };
  const riceOf = async (id: string) => (await t.request(product, { method: 'GET', url: `/api/feature-requests/${id}` })).json().rice as Rice;
  const setRice = (id: string, body: Record<string, unknown>) => t.request(product, { method: 'PUT', url: `/api/feature-requests/${id}/rice`, payload: body });
  const pendingRiceJobs = async (id: string) =>
    (
      await t.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.type, 'recompute_rice'), eq(jobs.state, 'pending'), sql`${jobs.payload}->>'requestId' = ${id}`))
    ).length;
  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { CATEGORIES: [...DEFAULT_CATEGORIES, 'honeymoon'].join(',') } });
    product = await t.bearer(await t.login('product@demo.test'));
    couple = await t.login('couple@demo.test');
    supplier = await t.login('supplier@demo.test');
    worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: QUEUES, concurrency: 4, log: pino({ level: 'silent' }) });
  });
  afterAll(() => t?.close());

  it('gives every seeded request a score and sorts the board by it, page after page', async () => {
    const unscored = await t.database.db
      .select({ id: featureRequests.id })
      .from(featureRequests)
      .where(sql`${featureRequests.riceReach} is null`);
    expect(unscored).toEqual([]);
    const scores: number[] = [];
    const ids = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; page < 4; page += 1) {
      const res = await t.request(anonymous, { method: 'GET', url: `/api/feature-requests?sort=rice&limit=25${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { id: string; rice: Rice }[]; nextCursor: string | null };
      for (const item of body.items) {
        scores.push(item.rice.score);
        ids.add(item.id);
        expect(item.rice.score).toBeCloseTo((item.rice.reach * item.rice.impact * item.rice.confidence) / item.rice.effort);
      }
      cursor = body.nextCursor;
    }
    expect(ids.size).toBe(100);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBeGreaterThan(scores[99]!);
  });

  it('scores a request as soon as it is submitted, from its content alone', async () => {
    const created = await submit({ category: 'integrations', urgency: 'high', painPoints: ['copying data by hand', 'two systems disagree'] });
    expect(created.rice).toMatchObject({ reach: 10, impact: 2, confidence: 0.6, effort: 3.5, overridden: [] });
    expect(created.rice.predicted).toEqual({ reach: 10, impact: 2, confidence: 0.6, effort: 3.5 });
    expect(created.rice.computedAt).not.toBeNull();
  });

  it('queues a recompute with each vote, in the same statement, and the job brings Reach up to date', async () => {
    const { id } = await submit();
    await drain();
    expect(await pendingRiceJobs(id)).toBe(0);
    expect((await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    expect((await t.request(supplier, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    // A refused double vote changes nothing and queues nothing.
    expect((await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(409);
    expect(await pendingRiceJobs(id)).toBe(2);
    expect((await riceOf(id)).reach).toBe(10); // not yet recomputed

    await drain();
    const rice = await riceOf(id);
    // Couple (1) + medium venue (2.5) = 3.5 weighted votes from both segments, one region: 10 × 3.5 × 1.25.
    expect(rice.reach).toBe(44);
    expect(rice.confidence).toBe(0.7); // pain points, both segments
    const jobsRun = await t.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, 'recompute_rice'), sql`${jobs.payload}->>'requestId' = ${id}`));
    expect(jobsRun.every((j) => j.state === 'succeeded')).toBe(true);

    expect((await t.request(supplier, { method: 'DELETE', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(200);
    await drain();
    expect((await riceOf(id)).reach).toBe(10);
  });

  it('recomputes after a status change: the team planning it raises Confidence', async () => {
    const { id, rice } = await submit();
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Booked for the next release' },
    });
    expect(await pendingRiceJobs(id)).toBe(1);
    await drain();
    expect((await riceOf(id)).confidence).toBeCloseTo(rice.confidence + 0.1);
  });

  it('re-running the job is harmless (idempotent)', async () => {
    const { id } = await submit();
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    const [job] = await t.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, 'recompute_rice'), sql`${jobs.payload}->>'requestId' = ${id}`));
    await JOB_HANDLERS.recompute_rice!.run(job!, t.services);
    const once = await riceOf(id);
    await JOB_HANDLERS.recompute_rice!.run(job!, t.services);
    expect({ ...(await riceOf(id)), computedAt: null }).toEqual({ ...once, computedAt: null });
  });

  it('lets the product team override any factor and clear it again, audited, with the score following at once', async () => {
    const { id, rice: before } = await submit();
    const set = await setRice(id, { impact: 3, effort: 0.5 });
    expect(set.statusCode).toBe(200);
    const after = set.json().rice as Rice;
    expect(after).toMatchObject({ impact: 3, effort: 0.5, reach: before.reach, confidence: before.confidence, overridden: ['impact', 'effort'] });
    expect(after.predicted).toEqual(before.predicted);
    expect(after.score).toBeCloseTo((before.reach * 3 * before.confidence) / 0.5);

    // An override can put it first on the RICE board.
    await setRice(id, { reach: 1_000_000 });
    expect((await t.request(product, { method: 'GET', url: '/api/feature-requests?sort=rice&limit=1' })).json().items[0].id).toBe(id);

    const cleared = (await setRice(id, { impact: null, effort: null, reach: null })).json().rice as Rice;
    expect(cleared).toMatchObject({ ...before, computedAt: cleared.computedAt });
    expect(cleared.overridden).toEqual([]);

    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'rice_overridden'), eq(auditEvents.targetId, id)))
      .orderBy(asc(auditEvents.id));
    expect(audit).toHaveLength(3);
    expect(audit[0]!.details).toEqual({ changes: { impact: { from: null, to: 3 }, effort: { from: null, to: 0.5 } } });
  });

  it('refuses bad overrides with a 4xx and changes nothing', async () => {
    const { id, rice } = await submit();
    for (const body of [{}, { impact: 5 }, { confidence: 1.5 }, { effort: 0 }, { reach: -1 }, { urgency: 'high' }, { reach: 'lots' }]) {
      const res = await setRice(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await setRice('00000000-0000-4000-8000-000000000000', { impact: 1 })).statusCode).toBe(404);
    expect(await riceOf(id)).toEqual(rice);
    const other = await submit();
    await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/merge`, payload: { targetId: other.id } });
    expect((await setRice(id, { impact: 1 })).json().error.code).toBe('request_merged');
  });

  it('records outcomes of shipped requests and exports how close the predictions came', async () => {
    const scrape = async () => {
      t.clock.advance(11_000);
      return (await t.request(anonymous, { method: 'GET', url: '/metrics' })).body;
    };
    // The demo's shipped requests with outcomes already give the gauge values.
    const seeded = await scrape();
    expect(seeded).toMatch(/^rice_score_prediction_accuracy\{category="[a-z_]+",user_segment="(couple|wedding_supplier)"\} (0\.\d+|1)$/m);

    const { id, rice } = await submit({ category: 'honeymoon' });
    const outcome = (body: Record<string, unknown>) => t.request(product, { method: 'PUT', url: `/api/feature-requests/${id}/outcome`, payload: body });
    expect((await outcome({ actualReach: 20 })).json().error.code).toBe('not_shipped');
    for (const status of ['planned', 'shipped']) {
      await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status, justification: 'Moving along the roadmap' } });
    }
    expect((await outcome({})).statusCode).toBe(400);
    expect((await outcome({ actualImpact: 9 })).statusCode).toBe(400);

    // Twice the predicted reach: accuracy 0.5.
    const res = await outcome({ actualReach: rice.reach * 2 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      requestId: id,
      predicted: { reach: rice.reach, impact: rice.impact, effort: rice.effort },
      actual: { reach: rice.reach * 2, impact: null, effort: null },
      accuracy: 0.5,
    });
    const labels = { category: 'honeymoon', user_segment: 'product_team' };
    expect(sample(await scrape(), 'rice_score_prediction_accuracy', labels)).toBeCloseTo(0.5);

    // Effort exactly as predicted: (0.5 + 1) / 2.
    expect((await outcome({ actualEffort: rice.effort })).json()).toMatchObject({ predicted: { reach: rice.reach }, accuracy: 0.75 });
    expect(sample(await scrape(), 'rice_score_prediction_accuracy', labels)).toBeCloseTo(0.75);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'outcome_recorded'), eq(auditEvents.targetId, id)))
      .orderBy(asc(auditEvents.id));
    expect(audit!.details).toEqual({ outcome: { actualReach: rice.reach * 2 } });
  });
});
