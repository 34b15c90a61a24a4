// Duplicate detection end to end on both databases: the background check indexes what is submitted
// and links likely duplicates, drafts get suggestions, consent is honoured, and with the model down
// everything still answers (lexically) and catches up when it returns.
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { rows } from '../../../src/db/client.js';
import { CATCH_UP_DUPLICATE_DETECTION } from '../../../src/queue/contracts.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { QUEUES } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { detectDuplicates, duplicateDetectionAccuracy, indexRequest, termDigest } from '../../../src/services/duplicate-detection.js';
import { anonymous, createTestApp, DEMO_PASSWORD, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';
import { weddingRequest } from '../../helpers/fixtures.js';
import { createUniversalSentenceEncoder } from '../../../src/ai/embedding-model.js';

const CORPUS = {
  smsRsvp: ['Let guests RSVP by text message', 'Half of our family will not use a website. Let them reply YES or NO to an SMS invitation.'],
  seatingPrint: ['Printable seating chart', 'Export the table plan as a PDF so the venue can print it for the entrance.'],
  budget: ['Budget tracker with deposits', 'Track what we have paid each vendor and what is still due before the wedding.'],
  guestPhotos: ['Guest photo sharing', 'Guests upload their pictures from the day into one shared album.'],
  playlist: ['Song requests for the DJ', 'Guests suggest songs for the dance floor so the DJ can plan the evening.'],
} as const;

describe.each(DATABASE_MODES)('duplicate detection (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;
  let worker: ReturnType<typeof createWorker>;
  const ids: Record<string, string> = {};

  const submit = async (caller: Caller, title: string, description: string) => {
    const res = await t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ title, description }) });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const runJobs = async () => {
    while ((await worker.runDue()) > 0);
  };
  const embeddingOf = async (id: string) =>
    rows<{ embedding: Uint8Array | null; model: string }>(
      await t.database.db.execute(sql`select embedding, model from request_embeddings where request_id = ${id}::uuid`),
    )[0];

  beforeAll(async () => {
    t = await createTestApp(mode);
    // Only this suite's requests: the demo catalogue would make every catch-up embed 200 texts.
    await t.database.db.execute(sql`delete from feature_requests`);
    product = await t.login('product@demo.test');
    couple = await t.login('couple@demo.test', DEMO_PASSWORD);
    worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: QUEUES, concurrency: 1, log: pino({ level: 'silent' }) });
    for (const [key, [title, description]] of Object.entries(CORPUS)) ids[key] = await submit(product, title, description);
  });
  afterAll(() => t?.close());

  it('enqueues the check with the submission and indexes the request when it runs', async () => {
    const [queued] = rows<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from jobs where type = 'detect_duplicates' and payload->>'requestId' = ${ids.smsRsvp!}`),
    );
    expect(queued!.n).toBe(1);
    await runJobs();
    const stored = await embeddingOf(ids.smsRsvp!);
    expect(stored?.embedding?.byteLength).toBe(512 * 4); // float32 values
  });

  it('suggests the existing request while a paraphrase is typed, with reasons', async () => {
    const res = await t.request(couple, {
      method: 'POST',
      url: '/api/ai/detect-duplicates',
      payload: { title: 'rsvp by replying to a txt', description: 'can guests just text back to confirm they are coming? our friends never check email' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.available).toBe(true);
    expect(body.model).toBe('use-lite+lexical-v1');
    expect(body.matches[0]).toMatchObject({ id: ids.smsRsvp, title: CORPUS.smsRsvp[0], status: 'open' });
    expect(body.matches[0].likelyDuplicate).toBe(true);
    expect(body.matches[0].reasons.join(' ')).toMatch(/shared phrases: .*rsvp/);
    expect(body.matches[0].reasons.join(' ')).toMatch(/semantic similarity 0\.\d\d/);
    const unrelated = body.matches.find((m: { id: string }) => m.id === ids.budget);
    expect(unrelated?.likelyDuplicate ?? false).toBe(false);
  });

  it('links a submitted duplicate to the original for the product team, in both directions', async () => {
    const twin = await submit(
      couple,
      'Guests reply to an SMS to RSVP',
      'Let guests answer our text invitation with yes or no instead of filling in a web form.',
    );
    await runJobs();
    const forTwin = await t.request(product, { method: 'GET', url: `/api/feature-requests/${twin}/duplicates` });
    expect(forTwin.statusCode).toBe(200);
    expect(forTwin.json().items.map((i: { id: string }) => i.id)).toContain(ids.smsRsvp);
    const forOriginal = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${ids.smsRsvp}/duplicates` })).json();
    expect(forOriginal.items.map((i: { id: string }) => i.id)).toContain(twin);
    expect(forOriginal.items.map((i: { id: string }) => i.id)).not.toContain(ids.playlist);
  });

  it('a dismissed link leaves triage; merges and dismissals become the live accuracy on /metrics', async () => {
    const product = await t.login('product@demo.test');
    const twins = [];
    for (let i = 0; i < 5; i++) {
      const original = await submit(
        product,
        `Storm warnings for outdoor ceremony ${i}`,
        'Alert us when the forecast shows rain or wind for our garden ceremony.',
      );
      const copy = await submit(product, `Weather alerts for garden ceremony ${i}`, 'Warn the couple if storms are forecast for the outdoor ceremony.');
      twins.push([original, copy] as const);
    }
    await runJobs();
    const [first, firstCopy] = twins[0]!;
    const linked = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${firstCopy}/duplicates` }))
      .json()
      .items.map((i: { id: string }) => i.id);
    expect(linked).toContain(first);
    // Four confirmed (merged), one dismissed.
    for (const [original, copy] of twins.slice(1)) {
      const merged = await t.request(product, {
        method: 'POST',
        url: `/api/feature-requests/${copy}/merge`,
        payload: { targetId: original, justification: 'Same weather alert' },
      });
      expect(merged.statusCode).toBe(200);
    }
    const dismiss = await t.request(product, { method: 'POST', url: `/api/feature-requests/${firstCopy}/duplicates/${first}/dismiss` });
    expect(dismiss.statusCode).toBe(204);
    const after = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${firstCopy}/duplicates` }))
      .json()
      .items.map((i: { id: string }) => i.id);
    expect(after).not.toContain(first);
    expect((await t.request(product, { method: 'POST', url: `/api/feature-requests/${firstCopy}/duplicates/${first}/dismiss` })).statusCode).toBe(404);

    // Re-indexing the dismissed pair keeps the product team's answer.
    await indexRequest(t.services, firstCopy);
    expect(
      (await t.request(product, { method: 'GET', url: `/api/feature-requests/${firstCopy}/duplicates` })).json().items.map((i: { id: string }) => i.id),
    ).not.toContain(first);

    // A merged request is never suggested again: people should vote on the request it went into.
    const draft = await detectDuplicates(t.services, {
      title: 'Weather alerts for garden ceremony 2',
      description: 'Warn the couple if storms are forecast for the outdoor ceremony.',
      limit: 20,
    });
    const suggested = draft.matches.map((m) => m.id);
    expect(suggested).toContain(twins[2]![0]);
    for (const [, copy] of twins.slice(1)) expect(suggested).not.toContain(copy);

    const accuracy = await duplicateDetectionAccuracy(t.database.db);
    const hybrid = accuracy.find((a) => a.model === 'use-lite+lexical-v1')!;
    // The demo has no merges of its own: only this test's five decisions (4 merges + 1 dismissal) exist.
    expect(hybrid.figures.precision).toBeCloseTo(4 / 5);
    t.clock.advance(11_000);
    const metrics = (await t.request(anonymous, { method: 'GET', url: '/metrics' })).body;
    expect(sample(metrics, 'ai_duplicate_detection_accuracy', { model_version: 'use-lite+lexical-v1', metric: 'precision' })).toBeCloseTo(0.8);
  });

  it('does not analyse requests of authors who withdrew consent to AI analysis', async () => {
    await t.database.db.execute(
      sql`update users set ai_analysis_consent = false where email_index = (select email_index from users where role = 'couple' order by created_at limit 1)`,
    );
    const [author] = rows<{ id: string }>(await t.database.db.execute(sql`select id from users where ai_analysis_consent = false limit 1`));
    const [own] = rows<{ id: string }>(
      await t.database.db.execute(sql`select id from feature_requests where author_id = ${author!.id}::uuid order by created_at desc limit 1`),
    );
    await indexRequest(t.services, own!.id);
    expect(await indexRequest(t.services, own!.id)).toBe('no_consent');
    expect(await embeddingOf(own!.id)).toBeUndefined();
    await t.database.db.execute(sql`update users set ai_analysis_consent = true where id = ${author!.id}::uuid`);
  });

  it('keeps answering lexically with the model down, and catches up when it returns', async () => {
    // The model down: what a process started with AI_ENABLED=false holds.
    const offline = {
      ...t.services,
      config: loadConfig({ ...process.env, NODE_ENV: 'test', AI_ENABLED: 'false' }),
      embeddingModel: createUniversalSentenceEncoder({ enabled: false }),
    };
    const report = await detectDuplicates(offline, { title: 'Print the seating chart', description: 'A PDF of the table plan for the venue', limit: 3 });
    expect(report).toMatchObject({ available: false, model: 'lexical-v1' });
    expect(report.matches[0]!.id).toBe(ids.seatingPrint);

    const late = await submit(product, 'Seating chart as a PDF', 'Download the table plan to print for the reception entrance.');
    expect(await indexRequest(offline, late)).toBe('model_unavailable');
    expect((await embeddingOf(late))?.embedding).toBeNull();

    await JOB_HANDLERS[CATCH_UP_DUPLICATE_DETECTION.type]!.run({ payload: {} } as never, t.services);
    await runJobs();
    expect((await embeddingOf(late))?.embedding?.byteLength).toBe(512 * 4);
  });

  it('finds a new request by a word that drafts looked up before anyone used it', async () => {
    // The model down: what a process started with AI_ENABLED=false holds.
    const offline = {
      ...t.services,
      config: loadConfig({ ...process.env, NODE_ENV: 'test', AI_ENABLED: 'false' }),
      embeddingModel: createUniversalSentenceEncoder({ enabled: false }),
    };
    const draft = { title: 'Ceilidh caller', description: 'ceilidh callers', limit: 5 };
    expect((await detectDuplicates(offline, draft)).matches.map((m) => m.id)).toEqual([]);
    const ceilidh = await submit(product, 'Find a ceilidh caller', 'A list of ceilidh callers who play barn weddings.');
    expect(await indexRequest(offline, ceilidh)).toBe('model_unavailable');
    expect((await detectDuplicates(offline, draft)).matches[0]?.id).toBe(ceilidh);
  });

  it('ranks an edited request by its new wording once it is indexed again', async () => {
    // The model down: what a process started with AI_ENABLED=false holds.
    const offline = {
      ...t.services,
      config: loadConfig({ ...process.env, NODE_ENV: 'test', AI_ENABLED: 'false' }),
      embeddingModel: createUniversalSentenceEncoder({ enabled: false }),
    };
    const id = await submit(product, 'Harpist booking for the ceremony', 'Find and book a harpist for the church ceremony.');
    await indexRequest(offline, id);
    const harp = { title: 'Harpist for the ceremony', description: 'book a harpist', limit: 5 };
    const fireworks = { title: 'Fireworks display at midnight', description: 'a fireworks show to end the night', limit: 5 };
    expect((await detectDuplicates(offline, harp)).matches[0]).toMatchObject({ id, likelyDuplicate: true });
    const edited = await t.request(product, {
      method: 'PATCH',
      url: `/api/feature-requests/${id}`,
      payload: { title: 'Fireworks display at midnight', description: 'Plan a fireworks show to end the night.' },
    });
    expect(edited.statusCode).toBe(200);
    await indexRequest(offline, id);
    expect((await detectDuplicates(offline, fireworks)).matches[0]).toMatchObject({ id, title: 'Fireworks display at midnight', likelyDuplicate: true });
    expect((await detectDuplicates(offline, harp)).matches.find((m) => m.id === id)?.likelyDuplicate ?? false).toBe(false);
  });

  it('keeps term counts exact while requests sharing words are indexed again and again at once', async () => {
    // The model down: what a process started with AI_ENABLED=false holds.
    const offline = {
      ...t.services,
      config: loadConfig({ ...process.env, NODE_ENV: 'test', AI_ENABLED: 'false' }),
      embeddingModel: createUniversalSentenceEncoder({ enabled: false }),
    };
    const words = ['marquee', 'lanterns', 'bunting', 'hay', 'bales', 'ceilidh', 'barn', 'orchard', 'cider', 'festoon', 'lights', 'picnic'];
    // The same words in another order each time: the term counts they share are updated by every job.
    const texts = Array.from({ length: 12 }, (_, i) => [...words.slice(i), ...words.slice(0, i)].join(' '));
    const ids = [];
    for (const [i, text] of texts.entries()) ids.push(await submit(product, `Rustic barn idea ${i}`, text));
    // Without the model every run indexes again: each round deletes and re-inserts every term.
    for (let round = 0; round < 3; round++) {
      const outcomes = await Promise.all(ids.map((id) => indexRequest(offline, id)));
      expect(outcomes).toEqual(ids.map(() => 'model_unavailable'));
    }
    const countOf = async (term: string) =>
      rows<{ requests: number }>(
        await t.database.db.execute(sql`select requests from request_term_frequencies where term = ${termDigest(t.services.keyring, term)}`),
      )[0]?.requests;
    expect(await countOf('marque')).toBe(12);
    expect(await countOf('festoon')).toBe(12);
  });

  it('refuses a draft without a title', async () => {
    const res = await t.request(couple, { method: 'POST', url: '/api/ai/detect-duplicates', payload: { description: 'no title' } });
    expect(res.statusCode).toBe(400);
  });
});
