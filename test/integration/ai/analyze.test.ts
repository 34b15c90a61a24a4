// POST /api/ai/analyze: a draft's likely duplicates, category suggestion and pain points, cached for
// an hour by content hash, purged when the catalogue changes, 503 + Retry-After without the model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexRequest } from '../../../src/services/duplicate-detection.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

const draft = {
  title: 'Guests should pick their meal on the RSVP form',
  description: 'Our caterer needs every guest’s meal choice; collecting it with the RSVP would save us chasing people.',
};

describe.each(DATABASE_MODES)('POST /api/ai/analyze (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  const analyze = (body: Record<string, unknown>) => t.request(couple, { method: 'POST', url: '/api/ai/analyze', payload: body });

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    // A request like the draft, indexed as the background check would (the demo catalogue is not, here).
    const similar = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() });
    expect(await indexRequest(t.services, similar.json().id)).toBe('indexed');
  });
  afterAll(() => t?.close());

  it('names likely duplicates, the category they are filed under and the analysis model', async () => {
    const res = await analyze({ ...draft, category: 'rsvp' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.duplicates.length).toBeGreaterThan(0);
    expect(body.duplicates[0]).toMatchObject({ id: expect.any(String), title: expect.any(String), score: expect.any(Number) });
    expect(body.category).toMatchObject({ suggested: expect.any(String), confidence: expect.any(Number) });
    expect(body.category.matchesDraft).toBe(body.category.suggested === 'rsvp');
    expect(Array.isArray(body.painPoints)).toBe(true);
    expect(body.model).toEqual(expect.any(String));
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('answers the same content from the cache, other content afresh', async () => {
    const body = { ...draft, title: `${draft.title} (cached)` };
    const first = await analyze(body);
    const second = await analyze({ ...body, title: `  ${body.title}  ` });
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect((await analyze({ ...body, description: `${body.description} Also dietary needs.` })).headers['x-cache']).toBe('miss');
  });

  it('is purged when a request joins the catalogue (submitted, then indexed): the new one is compared with', async () => {
    const body = { title: 'Printable seating chart for the venue', description: 'Print the final table plan so the venue staff can set place cards.' };
    const before = await analyze(body);
    expect(before.headers['x-cache']).toBe('miss');
    expect((await analyze(body)).headers['x-cache']).toBe('hit');
    const submitted = await t.request(couple, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title: body.title, description: body.description, category: 'seating' }),
    });
    expect(submitted.statusCode).toBe(201);
    expect((await analyze(body)).headers['x-cache']).toBe('miss');
    await indexRequest(t.services, submitted.json().id);
    const after = await analyze(body);
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.json().duplicates.map((d: { id: string }) => d.id)).toContain(submitted.json().id);
    expect(before.json().duplicates.map((d: { id: string }) => d.id)).not.toContain(submitted.json().id);
  });

  it('refuses an unknown category with 400 and caches nothing for it', async () => {
    const res = await analyze({ ...draft, category: 'not_a_category' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('unknown_category');
    expect(res.headers['x-cache']).toBeUndefined();
  });

  it('reports its hit rate as cache_hit_rate{cache_type="ai_analysis"}', async () => {
    const text = (await t.request({ headers: {} }, { method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith('cache_hit_rate{cache_type="ai_analysis"'));
    expect(Number(line?.split(' ').pop())).toBeGreaterThan(0);
  });
});

describe('POST /api/ai/analyze with the AI down (pglite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { AI_ENABLED: 'false' } });
  });
  afterAll(() => t?.close());

  it('answers 503 ai_unavailable with Retry-After, not 500', async () => {
    const couple = await t.login('couple@demo.test');
    const res = await t.request(couple, { method: 'POST', url: '/api/ai/analyze', payload: draft });
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json().error.code).toBe('ai_unavailable');
  });
});
