// Accounts by emailed link (issue #17 item 4, issue #14 finding 9): sign-up answers the same for a new
// and a registered address and signs nobody in; the link read from a local SMTP sink confirms the
// address and signs in; an unconfirmed member may browse but not vote; password reset (30 minutes,
// once, ends every session), password change (ends the other sessions) and email change (confirmed
// by the new address, the old one told). Links are refused after use and after expiry (test clock).
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountTokens, auditEvents, users } from '../../../src/db/schema.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { emailIndexOf } from '../../../src/security/records.js';
import { anonymous, createTestApp, testClock, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup } from '../../helpers/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

describe.each(DATABASE_MODES)('accounts by emailed link (%s)', (mode) => {
  let t: TestApp;
  let sink: SmtpSink;
  let worker: ReturnType<typeof createWorker>;
  let requestId: string;

  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };
  const post = (url: string, payload: unknown, caller: Caller = anonymous) => t.request(caller, { method: 'POST', url, payload: payload as object });
  /** The one email to `address` since the last reset of the sink: its subject, text, and the token of its link to `page`. */
  const mailTo = async (address: string, page: string) => {
    const mails = sink.mails.filter((m) => m.to.includes(address));
    expect(mails, `mails to ${address}`).toHaveLength(1);
    const parsed = await simpleParser(mails[0]!.data);
    const link = new RegExp(`https://requests\\.wedsync\\.test${page}\\?token=([A-Za-z0-9_-]+)`).exec(parsed.text ?? '');
    return { subject: parsed.subject ?? '', text: parsed.text ?? '', token: link?.[1] ?? '' };
  };
  const sessionOf = (res: { cookies: { name: string; value: string }[]; json(): { csrfToken: string } }): Caller => ({
    headers: { cookie: `wsfr_session=${res.cookies.find((c) => c.name === 'wsfr_session')!.value}` },
    csrfToken: res.json().csrfToken,
  });
  const vote = (caller: Caller) => t.request(caller, { method: 'PUT', url: `/api/feature-requests/${requestId}/vote` });
  const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

  /** Signs up and follows the link from the sink: a signed-in, confirmed member. */
  const member = async () => {
    const body = coupleSignup();
    expect((await post('/api/auth/signup', body)).statusCode).toBe(200);
    await drain();
    const { token } = await mailTo(body.email, '/verify-email');
    sink.mails.length = 0;
    const verified = await post('/api/auth/verify-email', { token });
    expect(verified.statusCode).toBe(200);
    return { ...body, caller: sessionOf(verified), id: verified.json().user.id as string };
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp(mode, {
      clock: testClock(new Date('2031-03-03T09:00:00Z')),
      env: { SMTP_URL: sink.url, PUBLIC_URL: 'https://requests.wedsync.test', EMAIL_VERIFICATION: 'required' },
    });
    worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      schedules: schedules(t.config),
      queues: ['notification_sending'],
      concurrency: 1,
      log: pino({ level: 'silent' }),
    });
    const product = await t.login('product@demo.test');
    const board = (await t.request(product, { method: 'GET', url: '/api/feature-requests?limit=1' })).json();
    requestId = board.items[0].id;
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    await drain();
    sink.mails.length = 0;
  });

  it('answers sign-up the same for a new and a registered address (#14.9), and tells the owner instead of making a second account', async () => {
    const fresh = coupleSignup();
    const taken = coupleSignup({ email: 'COUPLE@demo.test' });
    const first = await post('/api/auth/signup', fresh);
    const second = await post('/api/auth/signup', taken);
    expect(second.statusCode).toBe(first.statusCode);
    expect(first.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(await t.database.db.$count(users, eq(users.emailIndex, emailIndexOf(t.services.keyring, 'couple@demo.test')))).toBe(1);

    await drain();
    const welcome = await mailTo(fresh.email, '/verify-email');
    expect(welcome.subject).toBe('Confirm your email address for WedSync');
    expect(welcome.token).not.toBe('');
    const warning = await mailTo('couple@demo.test', '/reset-password');
    expect(warning.subject).toBe('Someone tried to sign up to WedSync with your address');
    expect(warning.token).not.toBe('');
    // The link's secret is in the email only: the table keeps its hash.
    const stored = await t.database.db.select({ tokenHash: accountTokens.tokenHash }).from(accountTokens);
    expect(stored.map((r) => r.tokenHash)).not.toContain(welcome.token);
  });

  it('lets an unconfirmed member browse but not vote; the link confirms, signs in, and works once', async () => {
    const body = coupleSignup();
    await post('/api/auth/signup', body);
    const unconfirmed = await t.login(body.email, body.password);
    expect((await t.request(unconfirmed, { method: 'GET', url: `/api/feature-requests/${requestId}` })).statusCode).toBe(200);
    const refused = await vote(unconfirmed);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('email_not_verified');
    const context = (await t.request(unconfirmed, { method: 'GET', url: '/api/user/context' })).json();
    expect(context.user.emailVerified).toBe(false);
    expect(context.permissions).not.toContain('feature_requests:vote');

    await drain();
    const { token } = await mailTo(body.email, '/verify-email');
    const verified = await post('/api/auth/verify-email', { token });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().user.emailVerified).toBe(true);
    expect((await vote(sessionOf(verified))).statusCode).toBe(201);
    // The session from before confirming may contribute now too (no stale cached principal).
    expect((await t.request(unconfirmed, { method: 'GET', url: '/api/user/context' })).json().permissions).toContain('feature_requests:vote');

    const again = await post('/api/auth/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('link_invalid');
    const audit = await t.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, verified.json().user.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user_signed_up', 'email_verified']));
  });

  it('refuses a sign-up link after it expired, and throttles resending it', async () => {
    const body = coupleSignup();
    await post('/api/auth/signup', body);
    await drain();
    const { token } = await mailTo(body.email, '/verify-email');
    t.clock.advance(49 * 3_600_000);
    expect((await post('/api/auth/verify-email', { token })).json().error.code).toBe('link_invalid');

    const caller = await t.login(body.email, body.password);
    for (let i = 0; i < 3; i++) expect((await post('/api/auth/verification', {}, caller)).statusCode).toBe(202);
    const throttled = await post('/api/auth/verification', {}, caller);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('too_many_emails');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('resets a forgotten password by a 30-minute, single-use link that ends every session; the same answer for unknown addresses', async () => {
    const m = await member();
    const other = sessionOf(await login(m.email, m.password));
    const known = await post('/api/auth/password-reset', { email: m.email.toUpperCase() });
    const unknown = await post('/api/auth/password-reset', { email: 'nobody-at-all@example.test' });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.json()).toEqual(known.json());
    await drain();
    expect(sink.mails.filter((mail) => mail.to.includes('nobody-at-all@example.test'))).toEqual([]);
    const { token, subject } = await mailTo(m.email, '/reset-password');
    expect(subject).toBe('Reset your WedSync password');

    expect((await post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' })).statusCode).toBe(204);
    // Ended sessions: the session answer names nobody.
    expect((await t.request(m.caller, { method: 'GET', url: '/api/auth/session' })).json().user).toBeNull();
    expect((await t.request(other, { method: 'GET', url: '/api/auth/session' })).json().user).toBeNull();
    expect((await login(m.email, m.password)).statusCode).toBe(401);
    expect((await login(m.email, 'a brand new password')).statusCode).toBe(200);
    expect((await post('/api/auth/password-reset/confirm', { token, password: 'yet another password' })).json().error.code).toBe('link_invalid');

    sink.mails.length = 0;
    await post('/api/auth/password-reset', { email: m.email });
    await drain();
    const late = await mailTo(m.email, '/reset-password');
    t.clock.advance(31 * 60_000);
    expect((await post('/api/auth/password-reset/confirm', { token: late.token, password: 'too late password' })).json().error.code).toBe('link_invalid');
    expect((await login(m.email, 'a brand new password')).statusCode).toBe(200);
  });

  it('throttles reset links per account (three an hour, same answer beyond) and per address (429 for any email)', async () => {
    const m = await member();
    const from = (address: string, email: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email }, remoteAddress: address });
    for (let i = 0; i < 4; i++) expect((await from(`10.17.0.${i + 1}`, m.email)).statusCode).toBe(202);
    await drain();
    expect(sink.mails.filter((mail) => mail.to.includes(m.email))).toHaveLength(3);

    const replies = [];
    for (let i = 0; i < 6; i++) replies.push((await from('10.17.1.1', `unknown-${i}@example.test`)).statusCode);
    expect(replies.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(replies[5]).toBe(429);
  });

  it('changes the password with the current one and ends the other sessions only', async () => {
    const m = await member();
    const other = sessionOf(await login(m.email, m.password));
    const wrong = await t.request(m.caller, {
      method: 'PUT',
      url: '/api/auth/password',
      payload: { currentPassword: 'not my password', newPassword: 'a changed password' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('wrong_password');
    const ok = await t.request(m.caller, {
      method: 'PUT',
      url: '/api/auth/password',
      payload: { currentPassword: m.password, newPassword: 'a changed password' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.request(m.caller, { method: 'GET', url: '/api/auth/session' })).json().user).not.toBeNull();
    expect((await t.request(other, { method: 'GET', url: '/api/auth/session' })).json().user).toBeNull();
    expect((await login(m.email, 'a changed password')).statusCode).toBe(200);
    const audit = await t.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, m.id));
    expect(audit.map((a) => a.action)).toContain('password_changed');
  });

  it('moves the account to a new address once the new address confirms; the old one is told with a way to react', async () => {
    const m = await member();
    const moved = `moved-${m.email}`;
    const wrong = await t.request(m.caller, { method: 'POST', url: '/api/auth/email', payload: { password: 'not my password', newEmail: moved } });
    expect(wrong.json().error.code).toBe('wrong_password');
    expect((await t.request(m.caller, { method: 'POST', url: '/api/auth/email', payload: { password: m.password, newEmail: moved } })).statusCode).toBe(202);
    await drain();
    const confirm = await mailTo(moved, '/confirm-email');
    const notice = await mailTo(m.email, '/reset-password');
    expect(notice.subject).toBe('Your WedSync email address is being changed');
    // The pending address is sealed like every other address.
    const [pending] = await t.database.db.select({ newEmail: accountTokens.newEmail }).from(accountTokens).where(eq(accountTokens.purpose, 'change_email'));
    expect(pending!.newEmail).not.toContain('moved-');

    expect((await post('/api/auth/email/confirm', { token: confirm.token })).statusCode).toBe(204);
    expect((await post('/api/auth/email/confirm', { token: confirm.token })).json().error.code).toBe('link_invalid');
    expect((await t.request(m.caller, { method: 'GET', url: '/api/auth/session' })).json().user.email).toBe(moved);
    expect((await login(moved, m.password)).statusCode).toBe(200);
    expect((await login(m.email, m.password)).statusCode).toBe(401);
  });

  it('answers an email change to an address that has an account the same way, and sends that address nothing', async () => {
    const m = await member();
    const res = await t.request(m.caller, { method: 'POST', url: '/api/auth/email', payload: { password: m.password, newEmail: 'supplier@demo.test' } });
    expect(res.statusCode).toBe(202);
    await drain();
    expect(sink.mails).toEqual([]);
  });

  it('cancels a pending email change when the old address resets the password', async () => {
    const m = await member();
    const moved = `hijack-${m.email}`;
    await t.request(m.caller, { method: 'POST', url: '/api/auth/email', payload: { password: m.password, newEmail: moved } });
    await drain();
    const confirm = await mailTo(moved, '/confirm-email');
    const notice = await mailTo(m.email, '/reset-password');
    expect((await post('/api/auth/password-reset/confirm', { token: notice.token, password: 'taking it back now' })).statusCode).toBe(204);
    expect((await post('/api/auth/email/confirm', { token: confirm.token })).json().error.code).toBe('link_invalid');
    expect((await login(m.email, 'taking it back now')).statusCode).toBe(200);
  });
});
