// The role × route matrix: every documented route, tried as every role and anonymously, against the
// brief's setupAccessControls. The table must cover exactly the routes the app serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { incidents, users, votes } from '../../src/db/schema.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../helpers/app.js';
import { DATABASE_MODES } from '../helpers/database.js';
import { emailIndexOf } from '../../src/security/records.js';
import { signUpVerified } from '../helpers/accounts.js';
import { NEXT_YEAR } from '../helpers/fixtures.js';

const ROLES = ['anonymous', 'couple', 'supplier', 'unverified_supplier', 'product_team', 'ai_system'] as const;
type Role = (typeof ROLES)[number];
type Expect = Record<Role, number>;

const all = (status: number): Expect => Object.fromEntries(ROLES.map((r) => [r, status])) as Expect;
const signedIn = (status: number): Expect => ({ ...all(status), anonymous: 401 });

let emailSeq = 0;
const newSignup = () => ({
  email: `matrix-${++emailSeq}-${Date.now()}@example.test`,
  password: 'a-long-enough-password',
  displayName: 'Matrix tester',
  role: 'couple',
  timeZone: 'Europe/Rome',
  country: 'IT',
});

const newRequest = () => ({
  title: 'Printable seating chart with dietary icons',
  description: 'Let us print the seating chart with small icons for vegetarian, vegan and allergy guests for the caterer.',
  category: 'seating',
  urgency: 'medium',
  painPoints: ['caterer asks for a separate list'],
  weddingContext: { weddingDate: `${NEXT_YEAR}-06-19`, guestCount: 110, country: 'GB', timeZone: 'Europe/London' },
});

interface Row {
  method: string;
  path: string;
  expect: Expect;
  /** Builds the concrete request for one caller; may prepare state (a token to revoke, a vote to withdraw). */
  build(ctx: Ctx, caller: Caller, role: Role): Promise<{ url: string; payload?: unknown; headers?: Record<string, string> }>;
}

interface Ctx {
  t: TestApp;
  ownRequestId: string; // submitted by couple@demo.test
  otherRequestId: string; // submitted by the product team
}

/** An open incident for the product team to act on (other roles are refused before any lookup). */
const anIncident = async (ctx: Ctx, role: Role) => {
  if (role !== 'product_team') return '00000000-0000-4000-8000-000000000000';
  const now = ctx.t.clock.now();
  const [row] = await ctx.t.database.db
    .insert(incidents)
    .values({
      fingerprint: `matrix-${++emailSeq}`,
      alertName: 'MatrixAlert',
      severity: 'warning',
      summary: 'matrix',
      policy: { source: 'test', steps: [] },
      openedAt: now,
      lastSeenAt: now,
    })
    .returning({ id: incidents.id });
  return row!.id;
};
const demoUserId = async (ctx: Ctx) =>
  (
    await ctx.t.database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.emailIndex, emailIndexOf(ctx.t.services.keyring, 'couple@demo.test')))
  )[0]!.id;
const operatorsOnly: Expect = { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 };
const productTeamOnly = operatorsOnly;
const NO_REQUEST = '00000000-0000-4000-8000-000000000000';
const UNKNOWN_LINK = 'a'.repeat(43);
/** The AI account sends no account mail: its account_email rate budget is 0 (429 before access even matters). */
const noAiMail = (expect: Expect): Expect => ({ ...expect, ai_system: 429 });

/** A fresh request submitted by the product team (other roles are refused before any lookup). */
const aRequest = async (ctx: Ctx, caller: Caller) =>
  (await ctx.t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: newRequest() })).json().id as string;
/** A duplicate merged into a target, ready to be un-merged. */
const aMergedRequest = async (ctx: Ctx, caller: Caller, role: Role) => {
  if (role !== 'product_team') return NO_REQUEST;
  const [duplicate, targetId] = [await aRequest(ctx, caller), await aRequest(ctx, caller)];
  await ctx.t.request(caller, { method: 'POST', url: `/api/feature-requests/${duplicate}/merge`, payload: { targetId } });
  return duplicate;
};
const aShippedRequest = async (ctx: Ctx, caller: Caller, role: Role) => {
  if (role !== 'product_team') return NO_REQUEST;
  const id = await aRequest(ctx, caller);
  for (const status of ['planned', 'shipped']) {
    await ctx.t.request(caller, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status, justification: 'Moving along the roadmap' } });
  }
  return id;
};

/** A vote the demo seed holds for review (the product team decides on it; other roles are refused first). */
const aHeldVote = async (ctx: Ctx, role: Role) => {
  if (role !== 'product_team') return { requestId: NO_REQUEST, voterId: NO_REQUEST };
  const [held] = await ctx.t.database.db
    .select({ requestId: votes.requestId, voterId: votes.userId })
    .from(votes)
    .where(eq(votes.reviewState, 'held'))
    .limit(1);
  return held!;
};
const decideOnHeldVote = (url: string, justification: string) => async (ctx: Ctx, _caller: Caller, role: Role) => ({
  url,
  payload: { votes: [await aHeldVote(ctx, role)], justification },
});

/** A webhook endpoint (a public address literal: no DNS, nothing is sent while the matrix runs). */
const aWebhook = async (ctx: Ctx, caller: Caller, role: Role) => {
  if (role !== 'product_team') return NO_REQUEST;
  const res = await ctx.t.request(caller, {
    method: 'POST',
    url: '/api/webhooks',
    payload: { url: 'https://93.184.216.34/hooks/wedsync', events: ['comment.created'] },
  });
  return res.json().id as string;
};

/** A fresh wedding supplier waiting for verification (other roles are refused before any lookup). */
const aSupplierToVerify = async (ctx: Ctx) => {
  const res = await signUpVerified(ctx.t, {
    ...newSignup(),
    role: 'wedding_supplier',
    supplierType: 'florist',
    businessName: 'Matrix Flowers',
    businessSize: 'solo',
  });
  return res.json().user.id as string;
};
/** A comment by the caller on the product team's request (roles that may not comment are refused before any lookup). */
const ownCommentUrl = async (ctx: Ctx, caller: Caller, role: Role) => {
  if (role === 'anonymous' || role === 'unverified_supplier' || role === 'ai_system') return `/api/feature-requests/${NO_REQUEST}/comments/${NO_REQUEST}`;
  const res = await ctx.t.request(caller, {
    method: 'POST',
    url: `/api/feature-requests/${ctx.otherRequestId}/comments`,
    payload: { content: 'Mine to change.' },
  });
  return `/api/feature-requests/${ctx.otherRequestId}/comments/${res.json().id}`;
};
/** Someone else's comment for the product team to hide. */
const aCommentToHide = async (ctx: Ctx, caller: Caller, role: Role) => {
  if (role !== 'product_team') return `/api/feature-requests/${NO_REQUEST}/comments/${NO_REQUEST}/hide`;
  return `${await ownCommentUrl(ctx, caller, role)}/hide`;
};
const commentAuthors: Expect = { anonymous: 401, couple: 200, supplier: 200, unverified_supplier: 403, product_team: 200, ai_system: 403 };

const fixed = (url: (ctx: Ctx) => string, payload?: () => unknown) => async (ctx: Ctx) => ({ url: url(ctx), payload: payload?.() });

const MATRIX: Row[] = [
  { method: 'GET', path: '/health', expect: all(200), build: fixed(() => '/health') },
  { method: 'GET', path: '/ready', expect: all(200), build: fixed(() => '/ready') },
  // Anyone may ask who they are; an anonymous caller is told "nobody" (user: null), not refused.
  { method: 'GET', path: '/api/auth/session', expect: all(200), build: fixed(() => '/api/auth/session') },
  // Account links: a made-up token is refused for everyone (400 link_invalid) once access passes.
  {
    method: 'POST',
    path: '/api/auth/verify-email',
    expect: all(400),
    build: fixed(
      () => '/api/auth/verify-email',
      () => ({ token: UNKNOWN_LINK }),
    ),
  },
  { method: 'POST', path: '/api/auth/verification', expect: noAiMail(signedIn(409)), build: fixed(() => '/api/auth/verification') },
  {
    method: 'POST',
    path: '/api/auth/password-reset',
    expect: noAiMail(all(202)),
    build: fixed(
      () => '/api/auth/password-reset',
      () => ({ email: 'nobody@example.test' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/auth/password-reset/confirm',
    expect: all(400),
    build: fixed(
      () => '/api/auth/password-reset/confirm',
      () => ({ token: UNKNOWN_LINK, password: 'a new long password' }),
    ),
  },
  // A wrong current password (400 wrong_password) once access passes: the demo passwords stay.
  {
    method: 'PUT',
    path: '/api/auth/password',
    expect: signedIn(400),
    build: fixed(
      () => '/api/auth/password',
      () => ({ currentPassword: 'not the password', newPassword: 'a new long password' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/auth/email',
    expect: noAiMail(signedIn(400)),
    build: fixed(
      () => '/api/auth/email',
      () => ({ password: 'not the password', newEmail: 'moved@example.test' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/auth/email/confirm',
    expect: all(400),
    build: fixed(
      () => '/api/auth/email/confirm',
      () => ({ token: UNKNOWN_LINK }),
    ),
  },
  {
    method: 'POST',
    path: '/api/auth/tokens',
    expect: signedIn(201),
    build: fixed(
      () => '/api/auth/tokens',
      () => ({ name: 'matrix' }),
    ),
  },
  { method: 'GET', path: '/api/auth/tokens', expect: signedIn(200), build: fixed(() => '/api/auth/tokens') },
  {
    method: 'DELETE',
    path: '/api/auth/tokens/{id}',
    expect: signedIn(204),
    async build(ctx, caller, role) {
      if (role === 'anonymous') return { url: '/api/auth/tokens/00000000-0000-4000-8000-000000000000' };
      const res = await ctx.t.request(caller, { method: 'POST', url: '/api/auth/tokens', payload: { name: 'to revoke' } });
      return { url: `/api/auth/tokens/${res.json().id}` };
    },
  },
  { method: 'GET', path: '/api/feature-requests', expect: all(200), build: fixed(() => '/api/feature-requests?limit=5') },
  {
    method: 'POST',
    path: '/api/feature-requests',
    expect: { anonymous: 401, couple: 201, supplier: 201, unverified_supplier: 403, product_team: 201, ai_system: 403 },
    build: fixed(() => '/api/feature-requests', newRequest),
  },
  { method: 'GET', path: '/api/feature-requests/{id}', expect: all(200), build: fixed((c) => `/api/feature-requests/${c.otherRequestId}`) },
  {
    method: 'PATCH',
    path: '/api/feature-requests/{id}',
    // Suppliers may create, so they pass the route check, but only authors edit their own request.
    expect: { anonymous: 401, couple: 200, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(
      (c) => `/api/feature-requests/${c.ownRequestId}`,
      () => ({ urgency: 'high' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/status',
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(
      (c) => `/api/feature-requests/${c.otherRequestId}/status`,
      () => ({ status: 'under_review', justification: 'Triage: reviewing demand' }),
    ),
  },
  {
    method: 'PUT',
    path: '/api/feature-requests/{id}/vote',
    expect: { anonymous: 401, couple: 201, supplier: 201, unverified_supplier: 403, product_team: 201, ai_system: 403 },
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/vote`),
  },
  {
    method: 'DELETE',
    path: '/api/feature-requests/{id}/vote',
    expect: { anonymous: 401, couple: 200, supplier: 200, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/vote`),
  },
  {
    method: 'GET',
    path: '/api/feature-requests/{id}/follow',
    expect: signedIn(200),
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/follow`),
  },
  {
    method: 'PUT',
    path: '/api/feature-requests/{id}/follow',
    expect: signedIn(200),
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/follow`),
  },
  {
    method: 'DELETE',
    path: '/api/feature-requests/{id}/follow',
    expect: signedIn(200),
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/follow`),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/merge',
    expect: productTeamOnly,
    async build(ctx, caller, role) {
      if (role !== 'product_team') return { url: `/api/feature-requests/${NO_REQUEST}/merge`, payload: { targetId: NO_REQUEST } };
      return { url: `/api/feature-requests/${await aRequest(ctx, caller)}/merge`, payload: { targetId: await aRequest(ctx, caller) } };
    },
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/unmerge',
    expect: productTeamOnly,
    build: async (ctx, caller, role) => ({ url: `/api/feature-requests/${await aMergedRequest(ctx, caller, role)}/unmerge`, payload: {} }),
  },
  {
    method: 'PUT',
    path: '/api/feature-requests/{id}/rice',
    expect: productTeamOnly,
    build: fixed(
      (c) => `/api/feature-requests/${c.otherRequestId}/rice`,
      () => ({ effort: 2 }),
    ),
  },
  {
    method: 'PUT',
    path: '/api/feature-requests/{id}/outcome',
    expect: productTeamOnly,
    build: async (ctx, caller, role) => ({ url: `/api/feature-requests/${await aShippedRequest(ctx, caller, role)}/outcome`, payload: { actualReach: 120 } }),
  },
  {
    method: 'GET',
    path: '/api/feature-requests/{id}/comments',
    expect: signedIn(200),
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/comments`),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/comments',
    expect: { anonymous: 401, couple: 201, supplier: 201, unverified_supplier: 403, product_team: 201, ai_system: 403 },
    build: fixed(
      (c) => `/api/feature-requests/${c.otherRequestId}/comments`,
      () => ({ content: 'We need this for our June wedding too.' }),
    ),
  },
  {
    method: 'PATCH',
    path: '/api/feature-requests/{id}/comments/{commentId}',
    expect: commentAuthors,
    build: async (ctx, caller, role) => ({ url: await ownCommentUrl(ctx, caller, role), payload: { content: 'Mine, corrected.' } }),
  },
  {
    method: 'DELETE',
    path: '/api/feature-requests/{id}/comments/{commentId}',
    expect: { ...commentAuthors, couple: 204, supplier: 204, product_team: 204 },
    build: async (ctx, caller, role) => ({ url: await ownCommentUrl(ctx, caller, role) }),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/comments/{commentId}/hide',
    expect: { ...productTeamOnly, product_team: 204 },
    build: async (ctx, caller, role) => ({ url: await aCommentToHide(ctx, caller, role), payload: { reason: 'Off topic for this request' } }),
  },
  {
    method: 'GET',
    path: '/api/feature-requests/{id}/revisions',
    expect: productTeamOnly,
    build: fixed((c) => `/api/feature-requests/${c.ownRequestId}/revisions`),
  },
  {
    method: 'POST',
    path: '/api/ai/detect-duplicates',
    expect: { anonymous: 401, couple: 200, supplier: 200, unverified_supplier: 403, product_team: 200, ai_system: 200 },
    build: fixed(
      () => '/api/ai/detect-duplicates',
      () => ({ title: 'Seating chart print', description: 'Print the table plan for the venue.' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/ai/analyze',
    expect: { anonymous: 401, couple: 200, supplier: 200, unverified_supplier: 403, product_team: 200, ai_system: 200 },
    build: fixed(
      () => '/api/ai/analyze',
      () => ({ title: 'Seating chart print', description: 'Print the table plan for the venue.' }),
    ),
  },
  {
    method: 'GET',
    path: '/api/feature-requests/{id}/duplicates',
    expect: operatorsOnly,
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/duplicates`),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/{id}/duplicates/{candidateId}/dismiss',
    // The product team passes the route check; with no link between the two requests the answer is 404.
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 404, ai_system: 403 },
    build: fixed((c) => `/api/feature-requests/${c.otherRequestId}/duplicates/${c.ownRequestId}/dismiss`),
  },
  { method: 'GET', path: '/api/vote-reviews', expect: productTeamOnly, build: fixed(() => '/api/vote-reviews') },
  {
    method: 'POST',
    path: '/api/vote-reviews/release',
    expect: productTeamOnly,
    build: decideOnHeldVote('/api/vote-reviews/release', 'Matrix: checked, genuine voters'),
  },
  {
    method: 'POST',
    path: '/api/vote-reviews/reject',
    expect: productTeamOnly,
    build: decideOnHeldVote('/api/vote-reviews/reject', 'Matrix: one device, many accounts'),
  },
  { method: 'GET', path: '/api/ai/insights/pain-points', expect: operatorsOnly, build: fixed(() => '/api/ai/insights/pain-points') },
  {
    method: 'POST',
    path: '/api/ai/insights/pain-points/refresh',
    // The AI service account generates insights; the product team, who read them, may ask for fresh ones.
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 202, ai_system: 202 },
    build: fixed(() => '/api/ai/insights/pain-points/refresh'),
  },
  { method: 'GET', path: '/api/roadmap', expect: all(200), build: fixed(() => '/api/roadmap') },
  { method: 'GET', path: '/api/user/context', expect: signedIn(200), build: fixed(() => '/api/user/context') },
  {
    method: 'GET',
    path: '/api/analytics/category-trends',
    expect: { anonymous: 401, couple: 403, supplier: 200, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(() => '/api/analytics/category-trends'),
  },
  {
    method: 'GET',
    path: '/api/platform/health',
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(() => '/api/platform/health'),
  },
  {
    method: 'GET',
    path: '/api/platform/error-budget',
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(() => '/api/platform/error-budget'),
  },
  {
    method: 'GET',
    path: '/api/platform/probe-history',
    expect: { anonymous: 401, couple: 403, supplier: 403, unverified_supplier: 403, product_team: 200, ai_system: 403 },
    build: fixed(() => '/api/platform/probe-history'),
  },
  { method: 'GET', path: '/api/status', expect: all(200), build: fixed(() => '/api/status') },
  { method: 'GET', path: '/api/notifications', expect: signedIn(200), build: fixed(() => '/api/notifications') },
  {
    method: 'POST',
    path: '/api/notifications/read',
    expect: signedIn(200),
    build: fixed(
      () => '/api/notifications/read',
      () => ({}),
    ),
  },
  { method: 'GET', path: '/api/notifications/preferences', expect: signedIn(200), build: fixed(() => '/api/notifications/preferences') },
  {
    method: 'PUT',
    path: '/api/notifications/preferences',
    expect: signedIn(200),
    build: fixed(
      () => '/api/notifications/preferences',
      () => ({ email: 'instant' }),
    ),
  },
  // Alertmanager's own Bearer secret (unset here): no account, session or API token gets in.
  {
    method: 'POST',
    path: '/api/ops/alertmanager/webhook',
    expect: all(401),
    build: fixed(
      () => '/api/ops/alertmanager/webhook',
      () => ({ version: '4', alerts: [] }),
    ),
  },
  { method: 'GET', path: '/api/ops/incidents', expect: operatorsOnly, build: fixed(() => '/api/ops/incidents') },
  {
    method: 'GET',
    path: '/api/ops/incidents/{id}',
    expect: operatorsOnly,
    build: async (ctx, _c, role) => ({ url: `/api/ops/incidents/${await anIncident(ctx, role)}` }),
  },
  {
    method: 'POST',
    path: '/api/ops/incidents/{id}/acknowledge',
    expect: operatorsOnly,
    build: async (ctx, _c, role) => ({ url: `/api/ops/incidents/${await anIncident(ctx, role)}/acknowledge` }),
  },
  {
    method: 'POST',
    path: '/api/ops/incidents/{id}/resolve',
    expect: operatorsOnly,
    build: async (ctx, _c, role) => ({ url: `/api/ops/incidents/${await anIncident(ctx, role)}/resolve`, payload: { note: 'Handled in the matrix' } }),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/export',
    expect: productTeamOnly,
    build: fixed(
      () => '/api/feature-requests/export',
      () => ({ format: 'json', status: 'shipped' }),
    ),
  },
  {
    method: 'POST',
    path: '/api/feature-requests/import',
    expect: productTeamOnly,
    build: fixed(
      () => '/api/feature-requests/import',
      () => ({ csv: 'external_id,title\nmatrix-1,Matrix import check', mapping: 'wedsync', dryRun: true }),
    ),
  },
  { method: 'GET', path: '/api/webhooks', expect: productTeamOnly, build: fixed(() => '/api/webhooks') },
  {
    method: 'POST',
    path: '/api/webhooks',
    expect: { ...productTeamOnly, product_team: 201 },
    build: fixed(
      () => '/api/webhooks',
      () => ({ url: 'https://93.184.216.34/hooks/matrix', events: ['feature_request.created'] }),
    ),
  },
  {
    method: 'PATCH',
    path: '/api/webhooks/{id}',
    expect: productTeamOnly,
    build: async (ctx, c, role) => ({ url: `/api/webhooks/${await aWebhook(ctx, c, role)}`, payload: { enabled: false } }),
  },
  {
    method: 'DELETE',
    path: '/api/webhooks/{id}',
    expect: { ...productTeamOnly, product_team: 204 },
    build: async (ctx, c, role) => ({ url: `/api/webhooks/${await aWebhook(ctx, c, role)}` }),
  },
  {
    method: 'POST',
    path: '/api/webhooks/{id}/rotate-secret',
    expect: productTeamOnly,
    build: async (ctx, c, role) => ({ url: `/api/webhooks/${await aWebhook(ctx, c, role)}/rotate-secret` }),
  },
  {
    method: 'POST',
    path: '/api/webhooks/{id}/test',
    expect: { ...productTeamOnly, product_team: 202 },
    build: async (ctx, c, role) => ({ url: `/api/webhooks/${await aWebhook(ctx, c, role)}/test` }),
  },
  {
    method: 'GET',
    path: '/api/webhooks/{id}/deliveries',
    expect: productTeamOnly,
    build: async (ctx, c, role) => ({ url: `/api/webhooks/${await aWebhook(ctx, c, role)}/deliveries` }),
  },
  { method: 'GET', path: '/api/staff/suppliers', expect: productTeamOnly, build: fixed(() => '/api/staff/suppliers') },
  {
    method: 'POST',
    path: '/api/staff/suppliers/{id}/verification',
    expect: productTeamOnly,
    build: async (ctx, _c, role) => ({
      url: `/api/staff/suppliers/${role === 'product_team' ? await aSupplierToVerify(ctx) : NO_REQUEST}/verification`,
      payload: { decision: 'approved', reason: 'Business checked against the Companies House register' },
    }),
  },
  { method: 'GET', path: '/api/privacy/export', expect: signedIn(200), build: fixed(() => '/api/privacy/export') },
  { method: 'GET', path: '/api/privacy/profile', expect: signedIn(200), build: fixed(() => '/api/privacy/profile') },
  {
    method: 'PATCH',
    path: '/api/privacy/profile',
    expect: signedIn(200),
    build: fixed(
      () => '/api/privacy/profile',
      () => ({ phone: null }),
    ),
  },
  // A wrong confirmation: proves who may reach erasure without erasing the callers.
  {
    method: 'POST',
    path: '/api/privacy/erasure',
    expect: signedIn(400),
    build: fixed(
      () => '/api/privacy/erasure',
      () => ({ confirm: 'no' }),
    ),
  },
  {
    method: 'PUT',
    path: '/api/privacy/restriction',
    expect: signedIn(200),
    build: fixed(
      () => '/api/privacy/restriction',
      () => ({ restricted: false }),
    ),
  },
  { method: 'GET', path: '/api/privacy/consents', expect: signedIn(200), build: fixed(() => '/api/privacy/consents') },
  {
    method: 'PUT',
    path: '/api/privacy/consents/{purpose}',
    expect: signedIn(200),
    build: fixed(
      () => '/api/privacy/consents/trend_analytics',
      () => ({ granted: true }),
    ),
  },
  {
    method: 'GET',
    path: '/api/privacy/users/{id}',
    expect: operatorsOnly,
    build: async (ctx) => ({ url: `/api/privacy/users/${await demoUserId(ctx)}`, headers: { 'x-access-justification': 'Role matrix check of access rules' } }),
  },
  {
    method: 'GET',
    path: '/api/privacy/users/{id}/export',
    expect: operatorsOnly,
    build: async (ctx) => ({
      url: `/api/privacy/users/${await demoUserId(ctx)}/export`,
      headers: { 'x-access-justification': 'Role matrix check of access rules' },
    }),
  },
  // Single sign-on is open to everyone; with no provider configured (as here) it is not found, and the
  // browser coming back is sent to the sign-in page (oidc-sign-in.test.ts covers a configured provider).
  { method: 'GET', path: '/api/auth/sign-in-options', expect: all(200), build: fixed(() => '/api/auth/sign-in-options') },
  { method: 'GET', path: '/api/auth/oidc/start', expect: all(404), build: fixed(() => '/api/auth/oidc/start') },
  { method: 'GET', path: '/api/auth/oidc/callback', expect: all(303), build: fixed(() => '/api/auth/oidc/callback?code=c&state=s') },
  // Last: signing in replaces the session the caller presented (it ends), and signing out ends it.
  { method: 'POST', path: '/api/auth/signup', expect: all(200), build: fixed(() => '/api/auth/signup', newSignup) },
  {
    method: 'POST',
    path: '/api/auth/login',
    expect: all(200),
    build: fixed(
      () => '/api/auth/login',
      () => ({ email: 'couple@demo.test', password: 'wedding-demo' }),
    ),
  },
  { method: 'POST', path: '/api/auth/logout', expect: all(204), build: fixed(() => '/api/auth/logout') },
];

describe.each(DATABASE_MODES)('role × route matrix (%s)', (mode) => {
  let t: TestApp;
  let ctx: Ctx;
  const callers = {} as Record<Role, Caller>;

  beforeAll(async () => {
    t = await createTestApp(mode);
    callers.anonymous = anonymous;
    callers.couple = await t.login('couple@demo.test');
    callers.supplier = await t.login('supplier@demo.test');
    callers.product_team = await t.login('product@demo.test');
    callers.ai_system = await t.bearer(await t.login('ai@demo.test'), 'ai pipeline');
    const signup = await signUpVerified(t, {
      ...newSignup(),
      role: 'wedding_supplier',
      supplierType: 'florist',
      businessName: 'Petal & Stem',
      businessSize: 'solo',
    });
    expect(signup.statusCode).toBe(200);
    callers.unverified_supplier = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };

    const own = await t.request(callers.couple, { method: 'POST', url: '/api/feature-requests', payload: newRequest() });
    expect(own.statusCode).toBe(201);
    // A request nobody has voted on yet (demo users have voted on seeded ones).
    const other = await t.request(callers.product_team, { method: 'POST', url: '/api/feature-requests', payload: newRequest() });
    ctx = { t, ownRequestId: own.json().id, otherRequestId: other.json().id };
  });
  afterAll(() => t?.close());

  it('covers every route the API documents, and nothing else', () => {
    const documented = Object.entries((t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(MATRIX.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented.sort());
  });

  for (const row of MATRIX) {
    it(`${row.method} ${row.path}`, async () => {
      const got = {} as Expect;
      for (const role of ROLES) {
        const { url, payload, headers } = await row.build(ctx, callers[role], role);
        const res = await t.request(callers[role], { method: row.method, url, payload: payload as object, headers });
        got[role] = res.statusCode;
      }
      expect(got).toEqual(row.expect);
    });
  }
});
