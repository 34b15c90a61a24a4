// The anonymous board cache: hits until something changes or the TTL passes; never for members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

describe.each(DATABASE_MODES)('anonymous board cache (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  const board = (caller: Caller = anonymous, url = '/api/feature-requests?sort=new&limit=5') => t.request(caller, { method: 'GET', url });

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { BOARD_CACHE_TTL_MS: '2000' } });
    couple = await t.login('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('serves a repeat anonymous view from memory, with the usual headers', async () => {
    const first = await board();
    const second = await board();
    expect(first.headers['x-cache']).toBe('miss');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['x-wedding-season']).toMatch(/^(peak|off)$/);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('shows a change at once: a new request, a vote', async () => {
    await board();
    const { id, title } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const afterSubmit = await board();
    expect(afterSubmit.headers['x-cache']).toBe('miss');
    expect(afterSubmit.json().items[0].title).toBe(title);
    await board();
    await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    const afterVote = await board();
    expect(afterVote.json().items[0]).toMatchObject({ id, voteCount: 1 });
  });

  it('expires entries after the TTL', async () => {
    await board();
    t.clock.advance(2001);
    expect((await board()).headers['x-cache']).toBe('miss');
    t.clock.set(new Date());
  });

  it('never caches a signed-in view or a refused request', async () => {
    await board(couple);
    const again = await board(couple);
    expect(again.headers['x-cache']).toBeUndefined();
    expect(again.json().items[0]).toHaveProperty('viewerHasVoted');
    await board(anonymous, '/api/feature-requests?sort=nonsense');
    expect((await board(anonymous, '/api/feature-requests?sort=nonsense')).headers['x-cache']).toBeUndefined();
  });
});
