// The brief's processing events: ai_analysis_performed (3 years) after each AI analysis of a request,
// wedding_context_processed (1 year) with an anonymised context whenever a wedding context is
// processed for a purpose. Written in the right chain, with the brief's fields and nothing personal.
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { DETECT_DUPLICATES, jobSpec } from '../../../src/queue/contracts.js';
import type { Job } from '../../../src/queue/queue.js';
import { verifyAuditChains } from '../../../src/services/audit.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { NEXT_YEAR, coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

const KEY = 'a-test-audit-signing-key-of-32-characters';
const WEDDING = {
  weddingDate: `${NEXT_YEAR}-08-14`,
  guestCount: 90,
  country: 'ie',
  timeZone: 'Europe/Dublin',
  venueAddress: '12 Strand Road, Howth',
  coupleNames: 'Aoife & Cian',
};
/** Anything that could point at this wedding or couple. */
const PERSONAL = new RegExp(`Aoife|Cian|Strand|Howth|${NEXT_YEAR}-08-14|Dublin|@example\\.test`);

describe.each(DATABASE_MODES)('processing audit events (%s)', (mode) => {
  let t: TestApp;
  let member: Caller;
  let memberId: string;

  const eventsSince = async (action: string, since: number) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), gt(auditEvents.id, since)));
  const lastEventId = async () => (await t.database.db.select({ id: sql<number>`coalesce(max(${auditEvents.id}), 0)::int` }).from(auditEvents))[0]!.id;
  const runDetection = (requestId: string) => {
    const spec = jobSpec(DETECT_DUPLICATES, { requestId });
    return JOB_HANDLERS[DETECT_DUPLICATES.type]!.run({ id: 'test', queue: spec.queue, type: spec.type, payload: spec.payload, attempts: 1 } as Job, t.services);
  };

  beforeAll(async () => {
    // Lexical analysis only: the same events, without loading the sentence encoder.
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false', AUDIT_SIGNING_KEY: KEY } });
    const signup = await signUpVerified(
      t,
      coupleSignup({ displayName: 'Aoife Byrne', timeZone: 'Europe/Dublin', country: 'IE', consents: { ai_analysis: true } }),
    );
    memberId = signup.json().user.id;
    member = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
  });
  afterAll(() => t?.close());

  it('records a submitted wedding context as processed for season and metrics grouping: month, size band, country, region, no one', async () => {
    const since = await lastEventId();
    const res = await t.request(member, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ weddingContext: WEDDING }) });
    expect(res.statusCode).toBe(201);
    const events = await eventsSince('wedding_context_processed', since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ chain: '1_year', actorId: null, actorRole: null, targetType: 'wedding_context', targetId: null, requestId: null });
    expect(events[0]!.details).toEqual({
      anonymized_context: { weddingMonth: `${NEXT_YEAR}-08`, weddingSize: 'medium', country: 'IE', region: 'northern_hemisphere' },
      processing_purpose: 'season_and_metrics_grouping',
    });
    expect(JSON.stringify(events[0])).not.toMatch(PERSONAL);
    expect(JSON.stringify(events[0])).not.toContain(memberId);

    // An edit of the wedding context is processed again; an edit of anything else is not.
    const id = res.json().id as string;
    const beforeEdits = await lastEventId();
    await t.request(member, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: { urgency: 'high' } });
    expect(await eventsSince('wedding_context_processed', beforeEdits)).toHaveLength(0);
    await t.request(member, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: { weddingContext: { ...WEDDING, guestCount: 320 } } });
    const [edited] = await eventsSince('wedding_context_processed', beforeEdits);
    expect(edited!.details).toMatchObject({ anonymized_context: { weddingSize: 'grand' } });
  });

  it('records each AI analysis of a request with the model and its top candidates’ scores, in the 3-year chain', async () => {
    const submit = async (title: string) =>
      (
        await t.request(member, {
          method: 'POST',
          url: '/api/feature-requests',
          payload: weddingRequest({ title, description: 'Print the seating chart with vegetarian and allergy icons per guest for the caterer.' }),
        })
      ).json().id as string;
    // An analysed request first, so the second has a candidate to score.
    await runDetection(await submit('Seating chart with dietary icons for the caterer'));
    const id = await submit('Dietary icons on the printed seating chart');
    const since = await lastEventId();
    await runDetection(id);
    const [event, ...more] = await eventsSince('ai_analysis_performed', since);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ chain: '3_years', actorId: null, targetType: 'feature_request', targetId: id });
    const details = event!.details as {
      request_id: string;
      model_version: string;
      embedding_model: string | null;
      confidence_scores: { candidate_id: string; score: number; likely_duplicate: boolean }[];
    };
    expect(details).toMatchObject({ request_id: id, model_version: 'lexical-v1', embedding_model: null });
    // The scores are there, best first, at most five.
    expect(details.confidence_scores.length).toBeGreaterThan(0);
    expect(details.confidence_scores.length).toBeLessThanOrEqual(5);
    for (const s of details.confidence_scores)
      expect(s).toEqual({ candidate_id: expect.stringMatching(/^[0-9a-f-]{36}$/), score: expect.any(Number), likely_duplicate: expect.any(Boolean) });
    const scores = details.confidence_scores.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(Object.keys(details).sort()).toEqual(['confidence_scores', 'embedding_model', 'model_version', 'request_id']);
    expect(JSON.stringify(event)).not.toMatch(PERSONAL);
  });

  it('records no analysis when the author withdrew AI consent (nothing was analysed)', async () => {
    const { id } = (await t.request(member, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: false } })).statusCode).toBe(200);
    const since = await lastEventId();
    await runDetection(id);
    expect(await eventsSince('ai_analysis_performed', since)).toEqual([]);
  });

  it('keeps every chain intact with the new events in it', async () => {
    const reports = await verifyAuditChains(t.database.db, { chainKey: t.services.keyring.auditChainKey, signingKey: Buffer.from(KEY) });
    expect(reports.map((r) => [r.chain, r.problems])).toEqual([
      ['7_years', []],
      ['3_years', []],
      ['1_year', []],
    ]);
    expect(reports.find((r) => r.chain === '3_years')!.events).toBeGreaterThan(0);
  });
});
