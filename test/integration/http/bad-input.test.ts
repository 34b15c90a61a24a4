// Hostile or malformed input: always a 4xx with { error: { code, message } }, never a 500, and
// nothing written. Table counts are compared before and after the whole barrage.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { NEXT_YEAR, weddingRequest } from '../../helpers/fixtures.js';

const TABLES = ['users', 'sessions', 'api_tokens', 'feature_requests', 'votes', 'comments', 'status_history'] as const;

describe.each(DATABASE_MODES)('bad input (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let product: Caller;
  let requestId: string;

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of TABLES) result[table] = rows<{ n: number }>(await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
    return result;
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    product = await t.login('product@demo.test');
    requestId = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id;
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${requestId}/vote` });
  });
  afterAll(() => t?.close());

  const raw = (method: string, url: string, body: string, caller: Caller = couple) =>
    t.request(caller, { method: method, url, payload: body, headers: { 'content-type': 'application/json' } });
  const json = (method: string, url: string, body?: unknown, caller: Caller = couple) => t.request(caller, { method: method, url, payload: body as object });

  const cases: [string, () => ReturnType<typeof raw>, number, string][] = [
    ['malformed JSON', () => raw('POST', '/api/feature-requests', '{"title": '), 400, 'invalid_json'],
    ['empty JSON body', () => raw('POST', '/api/feature-requests', ''), 400, 'invalid_json'],
    ['wrong type', () => json('POST', '/api/feature-requests', { ...weddingRequest(), title: 42 }), 400, 'validation_failed'],
    ['missing fields', () => json('POST', '/api/feature-requests', { title: 'Only a title here' }), 400, 'validation_failed'],
    ['over-long title', () => json('POST', '/api/feature-requests', { ...weddingRequest(), title: 'a'.repeat(20_000) }), 400, 'validation_failed'],
    [
      'too many pain points',
      () => json('POST', '/api/feature-requests', { ...weddingRequest(), painPoints: Array(11).fill('again and again') }),
      400,
      'validation_failed',
    ],
    ['unknown field', () => json('POST', '/api/feature-requests', { ...weddingRequest(), isAdmin: true }), 400, 'validation_failed'],
    ['prototype pollution', () => raw('POST', '/api/feature-requests', '{"__proto__":{"admin":true},"title":"x"}'), 400, 'invalid_json'],
    ['constructor pollution', () => raw('POST', '/api/feature-requests', '{"constructor":{"prototype":{"admin":true}},"title":"x"}'), 400, 'invalid_json'],
    [
      'guest count of zero',
      () =>
        json(
          'POST',
          '/api/feature-requests',
          weddingRequest({ weddingContext: { weddingDate: `${NEXT_YEAR}-06-12`, guestCount: 0, country: 'GB', timeZone: 'Europe/London' } }),
        ),
      400,
      'validation_failed',
    ],
    [
      'impossible wedding date',
      () =>
        json(
          'POST',
          '/api/feature-requests',
          weddingRequest({ weddingContext: { weddingDate: '2027-02-31', guestCount: 50, country: 'GB', timeZone: 'Europe/London' } }),
        ),
      400,
      'validation_failed',
    ],
    ['unknown urgency', () => json('POST', '/api/feature-requests', { ...weddingRequest(), urgency: 'yesterday' }), 400, 'validation_failed'],
    ['unknown id', () => json('GET', '/api/feature-requests/00000000-0000-4000-8000-000000000000'), 404, 'not_found'],
    ['SQL in the id', () => json('GET', "/api/feature-requests/1'%20OR%201=1--"), 400, 'validation_failed'],
    ['vote on a non-id', () => json('PUT', '/api/feature-requests/not-a-real-id/vote'), 400, 'validation_failed'],
    ['double vote', () => json('PUT', `/api/feature-requests/${requestId}/vote`), 409, 'already_voted'],
    ['negative limit', () => json('GET', '/api/feature-requests?limit=-5'), 400, 'validation_failed'],
    ['huge limit', () => json('GET', '/api/feature-requests?limit=100000'), 400, 'validation_failed'],
    ['HTML as sort', () => json('GET', '/api/feature-requests?sort=%3Cscript%3E'), 400, 'validation_failed'],
    ['unknown status filter', () => json('GET', '/api/feature-requests?status=done'), 400, 'validation_failed'],
    ['forged cursor', () => json('GET', '/api/feature-requests?cursor=WyJ4IiwiMSJd'), 400, 'invalid_cursor'],
    [
      'status as a number',
      () => json('POST', `/api/feature-requests/${requestId}/status`, { status: 3, justification: 'Because reasons here' }, product),
      400,
      'validation_failed',
    ],
    ['comment too short', () => json('POST', `/api/feature-requests/${requestId}/comments`, { content: '' }), 400, 'validation_failed'],
    [
      'comment on unknown request',
      () => json('POST', '/api/feature-requests/00000000-0000-4000-8000-000000000000/comments', { content: 'Hello there' }),
      404,
      'not_found',
    ],
    [
      'form-encoded body',
      () =>
        t.request(couple, {
          method: 'POST',
          url: '/api/feature-requests',
          payload: 'title=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      415,
      'unsupported_media_type',
    ],
    ['unknown route', () => json('GET', '/api/wedding-cakes'), 404, 'route_not_found'],
    // Found by the property-based campaign (hostile-input.property.test.ts):
    ['NUL in a title', () => json('POST', '/api/feature-requests', weddingRequest({ title: 'nul\u0000inside a title' })), 400, 'validation_failed'],
    ['unpaired surrogate', () => json('POST', '/api/feature-requests', weddingRequest({ title: '\ud800 lone surrogate title' })), 400, 'validation_failed'],
    ['byte order mark', () => json('POST', `/api/feature-requests/${requestId}/comments`, { content: '\ufeffa comment with a BOM' }), 400, 'validation_failed'],
    ['NUL in a query', () => json('GET', '/api/feature-requests?q=%00wedding'), 400, 'validation_failed'],
    ['blank title', () => json('POST', '/api/feature-requests', weddingRequest({ title: '       a' })), 400, 'validation_failed'],
    ['blank comment', () => json('POST', `/api/feature-requests/${requestId}/comments`, { content: '   ' }), 400, 'validation_failed'],
    ['infinite limit', () => json('GET', '/api/feature-requests?limit=1e309'), 400, 'validation_failed'],
    ['infinite roadmap size', () => json('GET', '/api/roadmap?perStatus=1e309'), 400, 'validation_failed'],
    ['null for a boolean', () => json('PUT', '/api/privacy/consents/ai_analysis', { granted: null }), 400, 'validation_failed'],
    ['number for a string', () => json('POST', '/api/feature-requests', { ...weddingRequest(), title: 123456789 }), 400, 'validation_failed'],
    ['denormal RICE reach', () => json('PUT', `/api/feature-requests/${requestId}/rice`, { reach: 5e-324 }, product), 400, 'validation_failed'],
    ['tiny RICE effort', () => json('PUT', `/api/feature-requests/${requestId}/rice`, { effort: 1e-300 }, product), 400, 'validation_failed'],
    ['over-long path segment', () => json('POST', `/api/feature-requests/${'a'.repeat(300)}/comments`, { content: 'Hello there' }), 414, 'uri_too_long'],
    ['undecodable path', () => json('GET', '/api/feature-requests/%E0%A4%A'), 400, 'bad_url'],
  ];

  it('answers every hostile request with the right 4xx and a machine-readable error, and writes nothing', async () => {
    const before = await counts();
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect({ name, status: res.statusCode }).toEqual({ name, status });
      expect({ name, code: res.json().error?.code }).toEqual({ name, code });
      expect(res.json().error.message, name).toEqual(expect.any(String));
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await raw('POST', '/api/feature-requests', `{"title":"${'a'.repeat(3_000_000)}"}`);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('stores HTML and SQL in text as text, and the JSON API returns it unchanged', async () => {
    const hostile = weddingRequest({
      title: '<script>alert(1)</script> seating',
      description: "Robert'); DROP TABLE feature_requests;-- wants a seating chart please",
    });
    const res = await json('POST', '/api/feature-requests', hostile);
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const read = await json('GET', `/api/feature-requests/${res.json().id}`);
    expect(read.json()).toMatchObject({ title: hostile.title, description: hostile.description });
    expect((await json('GET', '/api/feature-requests?limit=1')).statusCode).toBe(200);
  });

  it('never answers 500 for a request id header it did not like: it issues its own', async () => {
    const res = await t.request(couple, { method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.request(couple, { method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(kept.headers['x-request-id']).toBe('trace-1234abcd');
  });
});
