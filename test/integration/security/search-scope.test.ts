// Issue #14 finding 3: `GET /api/feature-requests?q=<word>` found a request by a word that appears
// only in its description (confidential) or pain points, so anyone could test guesses against them.
// Search now matches only what the caller may read: the title for everyone, the full record for
// those who may read it (its author, suppliers and the product team with read:all, the AI).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRequests } from '../../../src/db/schema.js';
import { indexRequestTitles } from '../../../src/services/key-rotation.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('search matches only what the caller may read (%s)', (mode) => {
  let t: TestApp;
  let author: Caller;
  let otherCouple: Caller;
  let requestId: string;

  const found = async (caller: Caller, q: string) => {
    const res = await t.request(caller, { method: 'GET', url: `/api/feature-requests?q=${encodeURIComponent(q)}&limit=50` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.some((i: { id: string }) => i.id === requestId);
  };

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    const signUp = async () => {
      const body = coupleSignup();
      expect((await signUpVerified(t, body)).statusCode).toBe(200);
      return t.login(body.email, body.password);
    };
    author = await signUp();
    otherCouple = await signUp();
    const res = await t.request(author, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({
        title: 'Harpist cue sheet for the ceremony',
        description: 'Our planner at Quokkaville Manor keeps losing the order of music.',
        painPoints: ['flamingoxylophone rehearsal clash'],
      }),
    });
    expect(res.statusCode).toBe(201);
    requestId = res.json().id;
  }, 120_000);
  afterAll(() => t?.close());

  it('anonymous callers find a request by its title, never by its description or pain points', async () => {
    expect(await found(anonymous, 'harpist cue')).toBe(true);
    expect(await found(anonymous, 'Quokkaville')).toBe(false);
    expect(await found(anonymous, 'flamingoxylophone')).toBe(false);
    expect(await found(anonymous, 'harpist Quokkaville')).toBe(false);
  });

  it('a couple finds their own request by its content, and someone else’s by its title only', async () => {
    expect(await found(author, 'Quokkaville')).toBe(true);
    expect(await found(author, 'flamingoxylophone')).toBe(true);
    expect(await found(otherCouple, 'Quokkaville')).toBe(false);
    expect(await found(otherCouple, 'flamingoxylophone')).toBe(false);
    expect(await found(otherCouple, 'harpist')).toBe(true);
  });

  it('those who may read every record find it by its content', async () => {
    for (const email of ['product@demo.test', 'supplier@demo.test']) expect(await found(await t.login(email), 'Quokkaville'), email).toBe(true);
  });

  it('a request stored before the title index is found by its title once `migrate` indexed it', async () => {
    await t.database.db.update(featureRequests).set({ titleSearchTokens: null }).where(eq(featureRequests.id, requestId));
    expect(await found(anonymous, 'harpist')).toBe(false);
    expect(await indexRequestTitles(t.services)).toBe(1);
    // (another query: the board's answers to anonymous callers are cached for a moment)
    expect(await found(anonymous, 'harpist sheet')).toBe(true);
    expect(await found(anonymous, 'Quokkaville Manor')).toBe(false);
  });
});
