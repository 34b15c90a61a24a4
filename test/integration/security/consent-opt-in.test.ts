// Issue #14 finding 12: consent is asked for, never presumed. A bare sign-up left feature_feedback,
// ai_analysis and trend_analytics all on with no evidence; now every purpose not ticked is off, each
// answer of the sign-up form is recorded as evidence, and the processing flags follow it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../src/db/schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('consent at sign-up (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
  }, 120_000);
  afterAll(() => t?.close());

  async function signUp(body: Record<string, unknown>) {
    const res = await signUpVerified(t, body);
    expect(res.statusCode).toBe(200);
    const caller = await t.login(body.email as string, body.password as string);
    const state = (await t.request(caller, { method: 'GET', url: '/api/privacy/consents' })).json();
    const [flags] = await t.database.db
      .select({ ai: users.aiAnalysisConsent, trends: users.trendAnalyticsConsent, feedback: users.featureFeedbackConsent })
      .from(users)
      .where(eq(users.id, res.json().user.id));
    return { state, flags };
  }

  it('a sign-up that ticked nothing has every purpose off, and the evidence shows each was asked', async () => {
    const { state, flags } = await signUp(coupleSignup());
    expect(state.consents).toEqual({ feature_feedback: false, ai_analysis: false, trend_analytics: false });
    expect(flags).toEqual({ ai: false, trends: false, feedback: false });
    expect(state.evidence.map((e: { purpose: string; granted: boolean; method: string }) => [e.purpose, e.granted, e.method])).toEqual([
      ['feature_feedback', false, 'signup'],
      ['ai_analysis', false, 'signup'],
      ['trend_analytics', false, 'signup'],
    ]);
    expect(state.evidenceIntact).toBe(true);
  });

  it('a ticked box is a grant recorded with its evidence; the others stay off', async () => {
    const { state, flags } = await signUp(coupleSignup({ consents: { ai_analysis: true, trend_analytics: false } }));
    expect(state.consents).toEqual({ feature_feedback: false, ai_analysis: true, trend_analytics: false });
    expect(flags).toEqual({ ai: true, trends: false, feedback: false });
    const grants = state.evidence.filter((e: { granted: boolean }) => e.granted);
    expect(grants).toEqual([
      expect.objectContaining({ purpose: 'ai_analysis', method: 'signup', policyVersion: expect.any(String), recordedBy: expect.any(String) }),
    ]);
    expect(state.evidenceIntact).toBe(true);
  });

  it('refuses a consent box that is not a purpose, or not a boolean', async () => {
    for (const consents of [{ marketing: true }, { ai_analysis: 'yes' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: coupleSignup({ consents }) });
      expect(res.statusCode).toBe(400);
    }
  });

  it('demo accounts keep their consents, each with a recorded grant', async () => {
    const state = (await t.request(await t.login('couple@demo.test'), { method: 'GET', url: '/api/privacy/consents' })).json();
    expect(state.consents).toEqual({ feature_feedback: true, ai_analysis: true, trend_analytics: true });
    expect(
      state.evidence
        .filter((e: { granted: boolean }) => e.granted)
        .map((e: { purpose: string }) => e.purpose)
        .sort(),
    ).toEqual(['ai_analysis', 'feature_feedback', 'trend_analytics']);
    expect(state.evidenceIntact).toBe(true);
  });
});
