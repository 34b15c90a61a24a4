// Issue #14 finding 4 (the consent part): after a member withdrew `ai_analysis` consent, or
// restricted processing, `ai@demo.test` still read their request's description and wedding context
// (audited as `wedding_context_processed`). The AI account now gets only what the public sees of
// such a request, and nothing is processed or recorded for it.
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('the AI account and a member’s AI consent (%s)', (mode) => {
  let t: TestApp;
  let member: Caller;
  let ai: Caller;
  let requestId: string;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    const body = coupleSignup({ consents: { ai_analysis: true } });
    expect((await signUpVerified(t, body)).statusCode).toBe(200);
    member = await t.login(body.email, body.password);
    ai = await t.login('ai@demo.test');
    const res = await t.request(member, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ description: 'Our florist in Kinsale needs the table count a month ahead.' }),
    });
    expect(res.statusCode).toBe(201);
    requestId = res.json().id;
  }, 120_000);
  afterAll(() => t?.close());

  const lastEventId = async () => Math.max(0, ...(await t.database.db.select({ id: auditEvents.id }).from(auditEvents)).map((e) => e.id));
  const processedSince = async (since: number) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'wedding_context_processed'), gt(auditEvents.id, since)));
  const aiView = async () => (await t.request(ai, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json();

  it('reads the content while the member consents', async () => {
    const since = await lastEventId();
    expect(await aiView()).toMatchObject({ access: 'content', description: expect.stringContaining('Kinsale') });
    expect(await processedSince(since)).toHaveLength(1);
  });

  it('gets only the public projection once the member withdraws ai_analysis consent', async () => {
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: false } })).statusCode).toBe(200);
    const since = await lastEventId();
    const view = await aiView();
    expect(view.access).toBe('public');
    expect(view).not.toHaveProperty('description');
    expect(view).not.toHaveProperty('weddingContext');
    expect(await processedSince(since)).toEqual([]);
  });

  it('gets only the public projection while processing is restricted, whatever the consent', async () => {
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: true } })).statusCode).toBe(200);
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/restriction', payload: { restricted: true } })).statusCode).toBe(200);
    const since = await lastEventId();
    expect((await aiView()).access).toBe('public');
    expect(await processedSince(since)).toEqual([]);
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/restriction', payload: { restricted: false } })).statusCode).toBe(200);
    expect((await aiView()).access).toBe('content');
  });
});
