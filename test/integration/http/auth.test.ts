import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { mintVerificationLink, signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('auth (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(() => t?.close());

  it('signs up a couple, who signs in by following the emailed link (secure httpOnly SameSite cookie, CSRF token)', async () => {
    const body = coupleSignup();
    const signup = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: body });
    expect(signup.statusCode).toBe(200);
    expect(signup.cookies).toEqual([]);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token: await mintVerificationLink(t, body.email) } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'wsfr_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(res.json()).toMatchObject({
      user: { email: body.email, role: 'couple', region: 'northern_hemisphere', emailVerified: true },
      csrfToken: expect.any(String),
    });
    expect(res.body).not.toContain('password');
  });

  it('refuses staff roles and short passwords', async () => {
    const staff = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: coupleSignup({ role: 'product_team' }) });
    expect(staff.statusCode).toBe(400);
    const short = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: coupleSignup({ password: 'short' }) });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('validation_failed');
  });

  it('requires business context from suppliers, who start unverified', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: coupleSignup({ role: 'wedding_supplier' }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'business_context_required', details: { missing: ['supplierType', 'businessName', 'businessSize'] } });
    const ok = await signUpVerified(
      t,
      coupleSignup({ role: 'wedding_supplier', supplierType: 'photographer', businessName: 'Golden Hour Studio', businessSize: 'small' }),
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ role: 'wedding_supplier', verified: false, supplierType: 'photographer' });
  });

  it('answers a wrong password and an unknown account the same way', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'couple@demo.test', password: 'not-the-password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@demo.test', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('accepts the email in any case and stores passwords as argon2id', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ' Couple@Demo.Test ', password: 'wedding-demo' } });
    expect(res.statusCode).toBe(200);
    const rows = await t.database.db.query.users.findMany({ columns: { passwordHash: true } });
    expect(rows.every((r) => r.passwordHash.startsWith('$argon2id$'))).toBe(true);
  });

  it('needs the CSRF header for cookie-authenticated writes, and the right one', async () => {
    const couple = await t.login('couple@demo.test');
    const without = await t.request({ headers: couple.headers }, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_token_invalid');
    const other = await t.login('supplier@demo.test');
    const wrong = await t.request(
      { headers: couple.headers, csrfToken: other.csrfToken },
      { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() },
    );
    expect(wrong.statusCode).toBe(403);
    const right = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() });
    expect(right.statusCode).toBe(201);
  });

  it('gives the UI its CSRF token back after a reload', async () => {
    const couple = await t.login('couple@demo.test');
    const res = await t.request({ headers: couple.headers }, { method: 'GET', url: '/api/auth/session' });
    expect(res.json()).toMatchObject({ user: { email: 'couple@demo.test' }, csrfToken: couple.csrfToken });
  });

  it('Bearer tokens need no CSRF token, are stored hashed, listed without secrets and revocable', async () => {
    const couple = await t.login('couple@demo.test');
    const created = await t.request(couple, { method: 'POST', url: '/api/auth/tokens', payload: { name: 'my script' } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^wsfr_/);
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    expect((await t.request(bearer, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).statusCode).toBe(201);

    const stored = await t.database.db.query.apiTokens.findFirst({ where: (tk, { eq }) => eq(tk.id, id) });
    expect(stored!.tokenHash).not.toContain(token);
    const listed = await t.request(couple, { method: 'GET', url: '/api/auth/tokens' });
    expect(listed.body).not.toContain(token);
    expect(listed.json().items.map((i: { id: string }) => i.id)).toContain(id);

    expect((await t.request(couple, { method: 'DELETE', url: `/api/auth/tokens/${id}` })).statusCode).toBe(204);
    const after = await t.request(bearer, { method: 'GET', url: '/api/user/context' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_token');
  });

  it('cannot revoke someone else’s token', async () => {
    const couple = await t.login('couple@demo.test');
    const supplier = await t.login('supplier@demo.test');
    const { id } = (await t.request(couple, { method: 'POST', url: '/api/auth/tokens', payload: { name: 'mine' } })).json();
    expect((await t.request(supplier, { method: 'DELETE', url: `/api/auth/tokens/${id}` })).statusCode).toBe(404);
  });

  it('expires tokens and sessions on time', async () => {
    const couple = await t.login('couple@demo.test');
    const { token } = (await t.request(couple, { method: 'POST', url: '/api/auth/tokens', payload: { name: 'short', expiresInDays: 1 } })).json();
    t.clock.advance(2 * 86_400_000);
    expect((await t.request({ headers: { authorization: `Bearer ${token}` } }, { method: 'GET', url: '/api/user/context' })).statusCode).toBe(401);
    t.clock.advance(7 * 86_400_000);
    expect((await t.request(couple, { method: 'GET', url: '/api/user/context' })).statusCode).toBe(401);
    t.clock.set(new Date());
  });

  it('logout ends the session on the server, not just in the browser', async () => {
    const couple = await t.login('couple@demo.test');
    const out = await t.request(couple, { method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'wsfr_session')?.value).toBe('');
    expect((await t.request(couple, { method: 'GET', url: '/api/auth/session' })).json()).toEqual({ user: null, csrfToken: null });
  });

  it('describes the user’s context: permissions, restrictions, season and submissions left', async () => {
    const couple = await t.login('couple@demo.test');
    const res = await t.request(couple, { method: 'GET', url: '/api/user/context' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { role: 'couple', timeZone: 'Europe/London' },
      permissions: expect.arrayContaining(['feature_requests:create', 'feature_requests:vote']),
      restrictions: expect.arrayContaining(['rate_limit_submissions:10_per_day']),
      season: { region: 'northern_hemisphere', season: expect.stringMatching(/^(peak|off)$/) },
      submissions: { dailyLimit: 10 },
    });
    const anon = await t.request(anonymous, { method: 'GET', url: '/api/user/context' });
    expect(anon.statusCode).toBe(401);
  });
});
