// GDPR rights and consent through the API, as the member and the product team use them: consent
// withdrawal takes effect at once (AI skips, analytics exclude), exports are complete, PII access
// needs a justification, erasure leaves contributions under "Former member" and nothing personal.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, consentRecords, featureRequests, users } from '../../../src/db/schema.js';
import { rows } from '../../../src/db/client.js';
import { categoryTrends } from '../../../src/services/analytics.js';
import { verifyAuditChains } from '../../../src/services/audit.js';
import { indexRequest } from '../../../src/services/duplicate-detection.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { signUpVerified } from '../../helpers/accounts.js';
import { NEXT_YEAR } from '../../helpers/fixtures.js';

const KEY = 'a-test-audit-signing-key-of-32-characters';

describe.each(DATABASE_MODES)('privacy and GDPR (%s)', (mode) => {
  let t: TestApp;
  let member: Caller;
  let product: Caller;
  let memberId: string;
  let requestId: string;
  const email = `aoife-${mode}@example.test`;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false', AUDIT_SIGNING_KEY: KEY } });
    const signup = await signUpVerified(t, {
      email,
      password: 'a-long-enough-password',
      displayName: 'Aoife Byrne',
      role: 'couple',
      timeZone: 'Europe/Dublin',
      country: 'IE',
      consents: { feature_feedback: true, ai_analysis: true, trend_analytics: true },
    });
    expect(signup.statusCode).toBe(200);
    memberId = signup.json().user.id;
    member = await t.login(email, 'a-long-enough-password');
    product = await t.login('product@demo.test');
    const submitted = await t.request(member, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: {
        title: 'Ceremony timeline shared with the harpist',
        description: 'Let couples share the ceremony timeline with musicians so the harpist knows when to start playing.',
        category: 'timeline_planning',
        urgency: 'medium',
        painPoints: ['harpist misses the cue'],
        weddingContext: {
          weddingDate: `${NEXT_YEAR}-08-14`,
          guestCount: 90,
          country: 'IE',
          timeZone: 'Europe/Dublin',
          venueAddress: '12 Strand Road, Howth',
          coupleNames: 'Aoife & Cian',
        },
      },
    });
    expect(submitted.statusCode).toBe(201);
    requestId = submitted.json().id;
    expect((await t.request(member, { method: 'PUT', url: `/api/feature-requests/${requestId}/vote` })).statusCode).toBe(201);
    expect(
      (await t.request(member, { method: 'POST', url: `/api/feature-requests/${requestId}/comments`, payload: { content: 'Our harpist would love this' } }))
        .statusCode,
    ).toBe(201);
  }, 120_000);
  afterAll(() => t?.close());

  const processingFlags = async () =>
    (await t.database.db.select({ ai: users.aiAnalysisConsent, trends: users.trendAnalyticsConsent }).from(users).where(eq(users.id, memberId)))[0];

  it('records consent decisions as hash-chained evidence and applies withdrawal at once', async () => {
    const initial = (await t.request(member, { method: 'GET', url: '/api/privacy/consents' })).json();
    // The boxes ticked at sign-up, each a grant on record.
    expect(initial).toMatchObject({ consents: { feature_feedback: true, ai_analysis: true, trend_analytics: true }, evidenceIntact: true });
    expect(initial.evidence.map((e: { purpose: string; granted: boolean; method: string }) => [e.purpose, e.granted, e.method])).toEqual([
      ['feature_feedback', true, 'signup'],
      ['ai_analysis', true, 'signup'],
      ['trend_analytics', true, 'signup'],
    ]);
    const trendsBefore = await categoryTrends(t.services, 4);
    const timelineBefore = trendsBefore.items.find((i) => i.category === 'timeline_planning')!;

    const ai = await t.request(member, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: false } });
    expect(ai.statusCode).toBe(200);
    const trends = await t.request(member, { method: 'PUT', url: '/api/privacy/consents/trend_analytics', payload: { granted: false } });
    const state = trends.json();
    expect(state.consents).toEqual({ feature_feedback: true, ai_analysis: false, trend_analytics: false });
    expect(state.evidence).toHaveLength(5);
    expect(state.evidence[0]).toMatchObject({ previousHash: '0'.repeat(64) });
    expect(state.evidence[3]).toMatchObject({
      purpose: 'ai_analysis',
      granted: false,
      method: 'api',
      policyVersion: expect.any(String),
      recordedBy: memberId,
      previousHash: state.evidence[2].hash,
    });
    expect(state.evidence[4].previousHash).toBe(state.evidence[3].hash);
    expect(state.evidenceIntact).toBe(true);
    expect(await processingFlags()).toEqual({ ai: false, trends: false });

    // The duplicate-detection job queued at submission now skips the request.
    expect(await indexRequest(t.services, requestId)).toBe('no_consent');
    // Trend analytics leave the member's request and vote out.
    const timelineAfter = (await categoryTrends(t.services, 4)).items.find((i) => i.category === 'timeline_planning')!;
    expect(timelineAfter.requests).toBe(timelineBefore.requests - 1);
    expect(timelineAfter.newVotes).toBe(timelineBefore.newVotes - 1);

    // Evidence cannot be rewritten by the application.
    const refusal = await t.database.db
      .update(consentRecords)
      .set({ granted: true })
      .then(
        () => null,
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
    expect(refusal).toMatch(/consent_records is append-only/);
    const bad = await t.request(member, { method: 'PUT', url: '/api/privacy/consents/marketing', payload: { granted: true } });
    expect(bad.statusCode).toBe(400);

    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: true } })).statusCode).toBe(200);
    expect(await processingFlags()).toEqual({ ai: true, trends: false });
  });

  it('restriction of processing halts AI and analytics until lifted, whatever the consent', async () => {
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/restriction', payload: { restricted: true } })).json()).toEqual({ restricted: true });
    expect(await processingFlags()).toEqual({ ai: false, trends: false });
    expect((await t.request(member, { method: 'GET', url: '/api/privacy/profile' })).json()).toMatchObject({
      id: memberId,
      processingRestricted: true,
      erasedAt: null,
    });
    expect((await t.request(member, { method: 'PUT', url: '/api/privacy/restriction', payload: { restricted: false } })).statusCode).toBe(200);
    expect(await processingFlags()).toEqual({ ai: true, trends: false });
  });

  it('lets the member correct their profile, refusing bad values', async () => {
    const fixed = await t.request(member, {
      method: 'PATCH',
      url: '/api/privacy/profile',
      payload: { displayName: 'Aoife Byrne-Walsh', phone: '+353 1 555 0101' },
    });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json()).toMatchObject({ displayName: 'Aoife Byrne-Walsh', phone: '+353 1 555 0101' });
    // Read back as the privacy centre shows it: the contact details the session's account leaves out.
    const profile = await t.request(member, { method: 'GET', url: '/api/privacy/profile' });
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({
      email,
      displayName: 'Aoife Byrne-Walsh',
      phone: '+353 1 555 0101',
      businessAddress: null,
      timeZone: 'Europe/Dublin',
      processingRestricted: false,
    });
    expect((await t.request(member, { method: 'PATCH', url: '/api/privacy/profile', payload: {} })).json().error.code).toBe('nothing_to_change');
    expect((await t.request(member, { method: 'PATCH', url: '/api/privacy/profile', payload: { timeZone: 'Mars/Olympus' } })).statusCode).toBe(400);
    expect((await t.request(member, { method: 'PATCH', url: '/api/privacy/profile', payload: { role: 'product_team' } })).statusCode).toBe(400);
  });

  it('exports everything about the member as JSON, and audits the export', async () => {
    const res = await t.request(member, { method: 'GET', url: '/api/privacy/export' });
    expect(res.statusCode).toBe(200);
    const data = res.json();
    expect(data.account).toMatchObject({ id: memberId, email, displayName: 'Aoife Byrne-Walsh', phone: '+353 1 555 0101' });
    expect(data.featureRequests).toEqual([
      expect.objectContaining({ id: requestId, weddingContext: expect.objectContaining({ venueAddress: '12 Strand Road, Howth' }) }),
    ]);
    expect(data.votes).toEqual([expect.objectContaining({ requestId })]);
    expect(data.comments).toEqual([expect.objectContaining({ content: 'Our harpist would love this' })]);
    expect(data.consents.evidence).toHaveLength(6);
    expect(data.auditEvents.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['user_signed_up', 'feature_request_created', 'consent_changed', 'profile_rectified']),
    );
    // No password hash (the audit trail may say a sign-in was by password: that is the member's own history).
    expect(JSON.stringify(data)).not.toMatch(/password_?hash|\$argon2/i);
    const audited = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'personal_data_exported'));
    expect(audited).toEqual([expect.objectContaining({ actorId: memberId, targetId: memberId })]);
  });

  it('requires a justification for the product team to see a member’s personal data, and records it', async () => {
    const missing = await t.request(product, { method: 'GET', url: `/api/privacy/users/${memberId}` });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'justification_required', details: { header: 'X-Access-Justification' } });
    const tooShort = await t.request(product, {
      method: 'GET',
      url: `/api/privacy/users/${memberId}/export`,
      headers: { 'x-access-justification': 'because' },
    });
    expect(tooShort.statusCode).toBe(400);
    const reason = 'Member asked support to confirm the phone number on file (ticket 4411)';
    const seen = await t.request(product, { method: 'GET', url: `/api/privacy/users/${memberId}`, headers: { 'x-access-justification': reason } });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ email, phone: '+353 1 555 0101' });
    const accessed = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user_data_accessed'));
    expect(accessed).toEqual([
      expect.objectContaining({
        actorRole: 'product_team',
        targetId: memberId,
        chain: '7_years',
        details: expect.objectContaining({ data_type: 'account', justification: reason }),
      }),
    ]);
    const absent = await t.request(product, {
      method: 'GET',
      url: '/api/privacy/users/00000000-0000-4000-8000-000000000000',
      headers: { 'x-access-justification': reason },
    });
    expect(absent.statusCode).toBe(404);
  });

  it('erases the member: personal data gone, sign-in impossible, contributions kept as "Former member", votes counted', async () => {
    const before = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json();
    expect((await t.request(member, { method: 'POST', url: '/api/privacy/erasure', payload: { confirm: 'yes' } })).statusCode).toBe(400);
    const erased = await t.request(member, { method: 'POST', url: '/api/privacy/erasure', payload: { confirm: 'erase my account' } });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toEqual({ erased: true, votesKept: 1 });

    expect((await t.request(member, { method: 'GET', url: '/api/user/context' })).statusCode).toBe(401);
    expect((await t.request(member, { method: 'GET', url: '/api/privacy/profile' })).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'a-long-enough-password' } });
    expect(login.statusCode).toBe(401);

    const after = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json();
    expect(after.author).toMatchObject({ id: memberId, displayName: 'Former member' });
    expect(after.voteCount).toBe(before.voteCount);
    // Sealed with the member's personal key, which erasure shreds: unreadable from now on, backups included.
    expect(after.weddingContext).toBeNull();
    const thread = (await t.request(product, { method: 'GET', url: `/api/feature-requests/${requestId}/comments` })).json();
    expect(thread.items[0]).toMatchObject({ content: 'Our harpist would love this', author: { displayName: 'Former member' } });

    const [row] = await t.database.db.select().from(users).where(eq(users.id, memberId));
    expect(row).toMatchObject({
      displayName: 'Former member',
      phone: null,
      processingRestricted: true,
      aiAnalysisConsent: false,
      trendAnalyticsConsent: false,
    });
    expect(row!.erasedAt).toBeInstanceOf(Date);
    const traces = await t.database.db.execute(
      sql`select count(*)::int as n from users u, feature_requests f where f.id = ${requestId}::uuid and (u.email ilike ${'%aoife%'} or u.display_name ilike ${'%aoife%'} or f.wedding_context::text ilike ${'%strand%'})`,
    );
    expect(rows<{ n: number }>(traces)[0]!.n).toBe(0);
    expect((await t.database.db.select({ id: featureRequests.id }).from(featureRequests).where(eq(featureRequests.authorId, memberId))).length).toBe(1);

    const erasures = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'personal_data_erased'));
    expect(erasures).toEqual([expect.objectContaining({ targetId: memberId, details: { via: 'api', by_subject: true } })]);
    expect(
      (await verifyAuditChains(t.database.db, { chainKey: t.services.keyring.auditChainKey, signingKey: Buffer.from(KEY) })).flatMap((r) => r.problems),
    ).toEqual([]);
  });
});
