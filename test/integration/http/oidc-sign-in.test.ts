// Single sign-on end to end against a real OpenID Connect provider on 127.0.0.1: our app is driven
// through inject (its cookies carried by hand), the provider over HTTP with its own cookie jar.
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, oidcIdentities, users } from '../../../src/db/schema.js';
import { emailIndexOf } from '../../../src/security/records.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { startTestProvider, type TestProvider } from '../../helpers/oidc-provider.js';
import { signUpVerified } from '../../helpers/accounts.js';

const PUBLIC_URL = 'http://feature-requests.test';
const CALLBACK = `${PUBLIC_URL}/api/auth/oidc/callback`;
const FLOW_COOKIE = 'wsfr_oidc_flow';

let seq = 0;
const unique = (name: string) => `${name}-${++seq}-${Date.now()}`;

describe.each(DATABASE_MODES)('OpenID Connect sign-in (%s)', (mode) => {
  let idp: TestProvider;
  let t: TestApp;

  const oidcEnv = (overrides: Record<string, string> = {}) => ({
    PUBLIC_URL,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_PROVIDER_NAME: 'Wedding Co SSO',
    OIDC_SCOPES: 'openid email profile groups',
    OIDC_ROLE_CLAIM: 'groups',
    OIDC_ROLE_MAP: 'wedsync-product=product_team',
    OIDC_STAFF_EMAIL_DOMAINS: 'weddingco.example',
    LOCAL_LOGIN_FOR_STAFF: 'false',
    ...overrides,
  });

  beforeAll(async () => {
    idp = await startTestProvider(CALLBACK);
    t = await createTestApp(mode, { env: oidcEnv() });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  /** Starts at our app: the provider's URL and the flow cookie our app set. */
  async function start(app: TestApp = t, returnTo?: string) {
    const res = await app.app.inject({ method: 'GET', url: '/api/auth/oidc/start', query: returnTo ? { returnTo } : {} });
    expect(res.statusCode).toBe(302);
    const flow = res.cookies.find((c) => c.name === FLOW_COOKIE)!;
    expect(flow).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth/oidc' });
    return { authorizationUrl: res.headers.location as string, flowCookie: flow.value };
  }

  /** The browser arriving back at our callback with the provider's answer. */
  async function callback(returnedTo: URL, flowCookie: string | undefined, app: TestApp = t) {
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/auth/oidc/callback${returnedTo.search}`,
      headers: flowCookie ? { cookie: `${FLOW_COOKIE}=${flowCookie}` } : {},
    });
    const session = res.cookies.find((c) => c.name === 'wsfr_session' && c.value);
    return { res, location: res.headers.location as string | undefined, session: session?.value };
  }

  async function signInAs(login: string, options: { returnTo?: string; tamper?: (url: URL) => void } = {}) {
    const { authorizationUrl, flowCookie } = await start(t, options.returnTo);
    const returnedTo = await idp.signIn(authorizationUrl, login);
    options.tamper?.(returnedTo);
    return callback(returnedTo, flowCookie);
  }

  async function whoAmI(session: string) {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: `wsfr_session=${session}` } });
    expect(res.statusCode).toBe(200);
    return res.json().user as { id: string; email: string; role: string; displayName: string };
  }

  const userByEmail = async (email: string) =>
    (
      await t.database.db
        .select()
        .from(users)
        .where(eq(users.emailIndex, emailIndexOf(t.services.keyring, email)))
    )[0];
  const identitiesOf = (userId: string) => t.database.db.select().from(oidcIdentities).where(eq(oidcIdentities.userId, userId));
  const auditOf = async (action: string) => t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action));
  /** Why the latest refused sign-in was refused, as audited (the check that failed, not a network error). */
  const lastRefusal = async () =>
    (await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'oidc_sign_in_refused')).orderBy(desc(auditEvents.id)).limit(1))[0]?.details;

  it('tells the sign-in page about the provider', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/sign-in-options' });
    expect(res.json()).toEqual({ oidc: { providerName: 'Wedding Co SSO', startUrl: '/api/auth/oidc/start' }, passwordSignInForStaff: false });
  });

  it('asks the provider for a code with PKCE (S256), state and nonce, for our callback', async () => {
    const url = new URL((await start()).authorizationUrl);
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: idp.clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid email profile groups',
    });
    for (const param of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(param)).toMatch(/^[\w-]{43}$/);
  });

  it('creates a member on first sign-in, links the identity, and signs the same person in again', async () => {
    const login = unique('alex');
    const email = `${login}@gmail.example`;
    idp.people.set(login, { email, email_verified: true, name: 'Alex Rivera' });

    const first = await signInAs(login, { returnTo: '/roadmap?tab=planned' });
    expect(first.res.statusCode).toBe(303);
    expect(first.location).toBe('/roadmap?tab=planned');
    expect(first.res.cookies.find((c) => c.name === FLOW_COOKIE)?.value).toBe(''); // one use only
    const me = await whoAmI(first.session!);
    expect(me).toMatchObject({ email, role: 'couple', displayName: 'Alex Rivera' });
    expect(await identitiesOf(me.id)).toEqual([expect.objectContaining({ issuer: idp.issuer, subject: login })]);
    expect((await auditOf('oidc_identity_linked')).filter((e) => e.targetId === me.id)).toHaveLength(1);

    const again = await signInAs(login);
    expect(again.location).toBe('/');
    expect((await whoAmI(again.session!)).id).toBe(me.id);
    expect(await identitiesOf(me.id)).toHaveLength(1);
    const signIns = (await auditOf('user_logged_in')).filter((e) => e.targetId === me.id);
    expect(signIns.map((e) => e.details)).toEqual([
      { method: 'oidc', issuer: idp.issuer },
      { method: 'oidc', issuer: idp.issuer },
    ]);
  });

  it('links an existing account by a verified email claim', async () => {
    const login = unique('sam');
    const email = `${login}@example.test`;
    const signup = await signUpVerified(t, { email, password: 'a-long-enough-password', displayName: 'Sam', role: 'couple', timeZone: 'Europe/London' });
    expect(signup.statusCode).toBe(200);
    idp.people.set(login, { email: email.toUpperCase(), email_verified: true });
    const signedIn = await signInAs(login);
    expect((await whoAmI(signedIn.session!)).id).toBe(signup.json().user.id);
    expect(await identitiesOf(signup.json().user.id)).toHaveLength(1);
  });

  it('does not link an existing account by an unverified email claim', async () => {
    const login = unique('mallory');
    idp.people.set(login, { email: 'couple@demo.test', email_verified: false });
    const refused = await signInAs(login);
    expect(refused.res.statusCode).toBe(303);
    expect(refused.location).toBe('/login?ssoError=sso_email_unverified');
    expect(refused.session).toBeUndefined();
    const couple = (await userByEmail('couple@demo.test'))!;
    expect(await identitiesOf(couple.id)).toEqual([]);
    expect((await auditOf('oidc_sign_in_refused')).map((e) => e.details)).toContainEqual({ reason: 'sso_email_unverified' });
  });

  it('refuses a callback whose state was tampered with', async () => {
    const login = unique('state');
    idp.people.set(login, { email: `${login}@gmail.example`, email_verified: true });
    const refused = await signInAs(login, { tamper: (url) => url.searchParams.set('state', 'x'.repeat(43)) });
    expect(refused.location).toBe('/login?ssoError=sso_response_invalid');
    expect(await lastRefusal()).toEqual({ reason: 'invalid_response', error: 'OAUTH_INVALID_RESPONSE' });
    expect(refused.session).toBeUndefined();
    expect(await userByEmail(`${login}@gmail.example`)).toBeUndefined();
  });

  it('refuses an ID token carrying another nonce (the authorization request was altered)', async () => {
    const login = unique('nonce');
    idp.people.set(login, { email: `${login}@gmail.example`, email_verified: true });
    const { authorizationUrl, flowCookie } = await start();
    const altered = new URL(authorizationUrl);
    altered.searchParams.set('nonce', 'n'.repeat(43));
    const refused = await callback(await idp.signIn(altered.href, login), flowCookie);
    expect(refused.location).toBe('/login?ssoError=sso_response_invalid');
    expect(await lastRefusal()).toEqual({ reason: 'invalid_response', error: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
    expect(refused.session).toBeUndefined();
  });

  it('refuses a callback without the flow cookie (started in another browser) and a replayed one', async () => {
    const login = unique('replay');
    idp.people.set(login, { email: `${login}@gmail.example`, email_verified: true });
    const { authorizationUrl, flowCookie } = await start();
    const returnedTo = await idp.signIn(authorizationUrl, login);
    expect((await callback(returnedTo, undefined)).location).toBe('/login?ssoError=sso_flow_missing');
    expect((await callback(returnedTo, flowCookie)).session).toBeDefined();
    const replay = await callback(returnedTo, flowCookie);
    expect(replay.location).toBe('/login?ssoError=sso_response_invalid');
    expect(await lastRefusal()).toEqual({ reason: 'invalid_response', error: 'invalid_grant' }); // the provider's answer to a reused code
    expect(replay.session).toBeUndefined();
  });

  it('refuses an answer naming another issuer', async () => {
    const login = unique('iss');
    idp.people.set(login, { email: `${login}@gmail.example`, email_verified: true });
    const refused = await signInAs(login, { tamper: (url) => url.searchParams.set('iss', 'https://evil.example') });
    expect(refused.location).toBe('/login?ssoError=sso_response_invalid');
    expect(await lastRefusal()).toEqual({ reason: 'invalid_response', error: 'OAUTH_INVALID_RESPONSE' });
    expect(refused.session).toBeUndefined();
  });

  it('refuses to start with a provider whose discovery document names another issuer', async () => {
    // The same provider reached as "localhost": its metadata says 127.0.0.1, so it is not the issuer configured.
    const other = await createTestApp(mode, { seed: false, env: oidcEnv({ OIDC_ISSUER: idp.issuer.replace('127.0.0.1', 'localhost') }) });
    try {
      const res = await other.app.inject({ method: 'GET', url: '/api/auth/oidc/start' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('sso_provider_misconfigured');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await other.close();
    }
  }, 120_000);

  it('gives the staff role only through the mapping and only to a verified address in an allowed domain', async () => {
    const staff = unique('jordan');
    idp.people.set(staff, { email: `${staff}@weddingco.example`, email_verified: true, groups: ['wedsync-product', 'everyone'] });
    const granted = await signInAs(staff);
    expect((await whoAmI(granted.session!)).role).toBe('product_team');
    expect((await auditOf('user_role_changed')).length).toBe(0); // created as staff, nothing changed

    const outsider = unique('outsider');
    idp.people.set(outsider, { email: `${outsider}@gmail.example`, email_verified: true, groups: ['wedsync-product'] });
    const refused = await signInAs(outsider);
    expect(refused.location).toBe('/login?ssoError=staff_domain_not_allowed');
    expect(refused.session).toBeUndefined();
    expect(await userByEmail(`${outsider}@gmail.example`)).toBeUndefined();

    const unverified = unique('unverified');
    idp.people.set(unverified, { email: `${unverified}@weddingco.example`, email_verified: false, groups: ['wedsync-product'] });
    expect((await signInAs(unverified)).location).toBe('/login?ssoError=staff_email_unverified');
    expect(await lastRefusal()).toEqual({ reason: 'staff_email_unverified' });

    // Leaving the group at the provider takes the staff role away at the next sign-in.
    idp.people.set(staff, { email: `${staff}@weddingco.example`, email_verified: true, groups: ['everyone'] });
    const demoted = await signInAs(staff);
    expect((await whoAmI(demoted.session!)).role).toBe('couple');
    expect((await auditOf('user_role_changed')).map((e) => e.details)).toContainEqual({ from: 'product_team', to: 'couple', source: 'oidc' });
  });

  it('refuses staff password sign-in when it is turned off, and still lets members sign in with a password', async () => {
    const staff = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'product@demo.test', password: DEMO_PASSWORD } });
    expect(staff.statusCode).toBe(403);
    expect(staff.json().error.code).toBe('password_sign_in_disabled');
    expect(staff.cookies.find((c) => c.name === 'wsfr_session')).toBeUndefined();
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'product@demo.test', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401); // a wrong password says nothing about the account being staff
    const couple = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'couple@demo.test', password: DEMO_PASSWORD } });
    expect(couple.statusCode).toBe(200);
  });

  it('never sends the browser to another site after signing in', async () => {
    for (const returnTo of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const login = unique('redirect');
      idp.people.set(login, { email: `${login}@gmail.example`, email_verified: true });
      expect((await signInAs(login, { returnTo })).location).toBe('/');
    }
  });
});

describe('without a provider configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { seed: false });
  });
  afterAll(() => t?.close());

  it('offers password sign-in only, and single sign-on routes answer 404', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/sign-in-options' })).json()).toEqual({ oidc: null, passwordSignInForStaff: true });
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/oidc/start' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('sso_not_configured');
  });
});
