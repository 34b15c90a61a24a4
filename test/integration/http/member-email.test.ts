// Members hear by email (through a local SMTP sink) what happened to the requests they asked for,
// voted for or discuss: sent by retried jobs on notification_sending, once per event and member even
// when a job runs again, only with feature_feedback consent at send time, as each member prefers (at
// once, in a daily or weekly digest, or not at all), with a one-click unsubscribe (RFC 8058) that
// needs no sign-in and cannot be forged for someone else.
import { eq } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobs, notifications } from '../../../src/db/schema.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { unsubscribeToken } from '../../../src/services/member-email.js';
import { anonymous, createTestApp, testClock, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { signUpVerified } from '../../helpers/accounts.js';

interface Member {
  caller: Caller;
  id: string;
  email: string;
}

// A wedding still to come at the test clock's date (2031): a new request's wedding cannot be past.
const WEDDING_TO_COME = { weddingDate: '2031-06-12', guestCount: 120, country: 'GB', timeZone: 'Europe/London' };

describe.each(DATABASE_MODES)('member emails (%s)', (mode) => {
  let t: TestApp;
  let sink: SmtpSink;
  let product: Caller;
  let worker: ReturnType<typeof createWorker>;

  const signup = async (feedback = true): Promise<Member> => {
    const body = coupleSignup({ consents: { feature_feedback: feedback } });
    const res = await signUpVerified(t, body);
    expect(res.statusCode).toBe(200);
    return {
      caller: { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken },
      id: res.json().user.id,
      email: body.email as string,
    };
  };
  const submit = async (by: Member, overrides: Record<string, unknown> = {}) => {
    const res = await t.request(by.caller, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ weddingContext: WEDDING_TO_COME, ...overrides }),
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; title: string };
  };
  const setStatus = async (id: string, status: string, justification: string) =>
    expect((await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status, justification } })).statusCode).toBe(200);
  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };
  const mailsTo = (m: Member) => sink.mails.filter((mail) => mail.to.includes(m.email));
  const parsed = (raw: string): Promise<ParsedMail> => simpleParser(raw);
  const prefs = (m: Member, body: Record<string, unknown>) => t.request(m.caller, { method: 'PUT', url: '/api/notifications/preferences', payload: body });
  const inbox = async (m: Member) => (await t.request(m.caller, { method: 'GET', url: '/api/notifications' })).json();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp(mode, {
      clock: testClock(new Date('2031-03-03T09:00:00Z')),
      env: { SMTP_URL: sink.url, MAIL_FROM: 'WedSync <hello@wedsync.test>', PUBLIC_URL: 'https://requests.wedsync.test' },
    });
    product = await t.login('product@demo.test');
    worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      schedules: schedules(t.config),
      queues: ['notification_sending'],
      concurrency: 2,
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(() => {
    sink.mails.length = 0;
  });

  it('emails a status change to the consenting author and voter, naming the request and the justification, with escaped HTML and one-click unsubscribe', async () => {
    const author = await signup();
    const voter = await signup();
    const silent = await signup(false);
    const request = await submit(author, { title: 'Seating <b>chart</b> & "table" names for 120 guests' });
    for (const m of [voter, silent]) await t.request(m.caller, { method: 'PUT', url: `/api/feature-requests/${request.id}/vote` });
    await setStatus(request.id, 'under_review', 'Venues <script>alert(1)</script> ask for this');
    await drain();

    expect(mailsTo(silent)).toEqual([]); // no feature_feedback consent
    for (const m of [author, voter]) {
      const mails = mailsTo(m);
      expect(mails).toHaveLength(1);
      const mail = await parsed(mails[0]!.data);
      expect(mail.from?.value[0]).toMatchObject({ name: 'WedSync', address: 'hello@wedsync.test' });
      expect(mail.subject).toContain('Seating <b>chart</b> & "table" names for 120 guests');
      expect(mail.subject).toContain('under review');
      expect(mail.text).toContain('Why: Venues <script>alert(1)</script> ask for this');
      // The title travels on a short line of its own: readable in the raw message, never soft-broken.
      expect(mails[0]!.data).toContain('\n  Seating <b>chart</b> & "table" names for 120 guests\r\n');
      expect(mail.text).toContain(`https://requests.wedsync.test/requests/${request.id}`);
      // The HTML part escapes what people wrote: no tag of theirs survives.
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).not.toContain('<b>chart');
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).toContain('Seating &lt;b&gt;chart&lt;/b&gt; &amp; &quot;table&quot;');
      // RFC 2369 + RFC 8058 headers, pointing at this member's own link.
      expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      const listUnsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r?\n\s+/g, '');
      expect(listUnsubscribe).toContain(`https://requests.wedsync.test/unsubscribe?token=${encodeURIComponent(unsubscribeToken(t.services, m.id))}`);
      // Nothing about anyone else: not the other recipient's address, not the request's description.
      expect(mails[0]!.data).not.toContain(m === author ? voter.email : author.email);
      expect(mail.text).not.toContain('caterer');
    }
  });

  it('sends once per event and member however often the jobs run', async () => {
    const author = await signup();
    const request = await submit(author);
    await setStatus(request.id, 'under_review', 'Checking demand with venues');
    await drain();
    expect(mailsTo(author)).toHaveLength(1);
    const [n] = await t.database.db.select().from(notifications).where(eq(notifications.userId, author.id));
    expect(n!.emailedAt).not.toBeNull();
    // The fan-out and the email job, run again as a retry would.
    const done = await t.database.db.select().from(jobs).where(eq(jobs.state, 'succeeded'));
    for (const job of done.filter((j) => j.type === 'status_changed' || j.type === 'email_notification')) await JOB_HANDLERS[job.type]!.run(job, t.services);
    await drain();
    expect(mailsTo(author)).toHaveLength(1);
  });

  it('reads consent when sending: a withdrawal after the event stops the queued email', async () => {
    const author = await signup();
    const request = await submit(author);
    await setStatus(request.id, 'under_review', 'Venues are asking for it too');
    // The fan-out runs (and queues the email), then consent is withdrawn before the email job.
    const pending = await t.database.db.select().from(jobs).where(eq(jobs.state, 'pending'));
    for (const job of pending.filter((j) => j.type === 'status_changed')) await JOB_HANDLERS[job.type]!.run(job, t.services);
    expect((await t.database.db.select().from(jobs).where(eq(jobs.type, 'email_notification'))).some((j) => j.state === 'pending')).toBe(true);
    const withdrawal = await t.request(author.caller, { method: 'PUT', url: '/api/privacy/consents/feature_feedback', payload: { granted: false } });
    expect(withdrawal.statusCode).toBe(200);
    await drain();
    expect(mailsTo(author)).toEqual([]);
  });

  it('follows each member’s channels: email off keeps the inbox, inbox off keeps the email', async () => {
    const emailOff = await signup();
    const inboxOff = await signup();
    const both = await signup();
    expect((await prefs(emailOff, { email: 'off' })).json()).toEqual({ inApp: true, email: 'off' });
    expect((await prefs(inboxOff, { inApp: false })).json()).toEqual({ inApp: false, email: 'instant' });
    expect((await prefs(both, { inApp: false, email: 'off' })).statusCode).toBe(200);
    expect((await t.request(both.caller, { method: 'GET', url: '/api/notifications/preferences' })).json()).toEqual({ inApp: false, email: 'off' });
    expect((await prefs(both, { email: 'hourly' })).statusCode).toBe(400);
    expect((await prefs(both, {})).statusCode).toBe(400);

    const request = await submit(emailOff);
    for (const m of [inboxOff, both]) await t.request(m.caller, { method: 'PUT', url: `/api/feature-requests/${request.id}/vote` });
    await setStatus(request.id, 'planned', 'Planned for the spring release');
    await drain();
    expect([mailsTo(emailOff).length, mailsTo(inboxOff).length, mailsTo(both).length]).toEqual([0, 1, 0]);
    expect([(await inbox(emailOff)).unread, (await inbox(inboxOff)).unread, (await inbox(both)).unread]).toEqual([1, 0, 0]);
  });

  it('gathers a daily digest on the hourly schedule instead of emailing at once', async () => {
    const member = await signup();
    expect((await prefs(member, { email: 'daily' })).statusCode).toBe(200);
    const first = await submit(member);
    const second = await submit(member);
    t.clock.advance(60_000);
    await setStatus(first.id, 'under_review', 'Reviewing with venues');
    await setStatus(second.id, 'planned', 'Planned for June');
    await drain();
    expect(mailsTo(member)).toEqual([]); // nothing at once

    t.clock.advance(25 * 3_600_000);
    await worker.schedule();
    await drain();
    expect(mailsTo(member)).toHaveLength(1);
    const digest = await parsed(mailsTo(member)[0]!.data);
    expect(digest.subject).toContain('daily');
    expect(digest.text).toContain(first.title);
    expect(digest.text).toContain(second.title);
    expect(digest.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // The next hour's run finds nothing due, and what was in the digest is not sent again.
    t.clock.advance(3_600_000);
    await worker.schedule();
    await drain();
    expect(mailsTo(member)).toHaveLength(1);
  });

  it('tells the discussion about a reply, without its content', async () => {
    const author = await signup();
    const commenter = await signup();
    const request = await submit(author);
    const reply = await t.request(commenter.caller, {
      method: 'POST',
      url: `/api/feature-requests/${request.id}/comments`,
      payload: { content: 'Our florist would love this too, private detail here' },
    });
    expect(reply.statusCode).toBe(201);
    await drain();
    expect(mailsTo(commenter)).toEqual([]); // not told about their own reply
    const mails = mailsTo(author);
    expect(mails).toHaveLength(1);
    const mail = await parsed(mails[0]!.data);
    expect(mail.subject).toContain(`New reply on "${request.title}"`);
    expect(mails[0]!.data).not.toContain('private detail');
    expect((await inbox(author)).items[0]).toMatchObject({ kind: 'comment_posted', requestId: request.id });
  });

  it('unsubscribes in one click without signing in; a forged or altered link changes nothing', async () => {
    const member = await signup();
    const other = await signup();
    const token = unsubscribeToken(t.services, member.id);
    const page = await t.request(anonymous, { method: 'GET', url: `/unsubscribe?token=${encodeURIComponent(token)}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<form method="post"');
    // Opening the link (a mail scanner does) changes nothing.
    expect((await t.request(member.caller, { method: 'GET', url: '/api/notifications/preferences' })).json().email).toBe('instant');

    // Attacks: someone else's id with this member's digest, a made-up digest, garbage.
    const [, digest] = token.split('.');
    for (const forged of [`${other.id}.${digest}`, `${other.id}.AAAAAAAAAAAAAAAA`, 'nonsense', other.id]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/unsubscribe?token=${encodeURIComponent(forged)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('unsubscribe_link_invalid');
      expect((await t.request(anonymous, { method: 'GET', url: `/unsubscribe?token=${encodeURIComponent(forged)}` })).statusCode).toBe(400);
    }
    expect((await t.request(other.caller, { method: 'GET', url: '/api/notifications/preferences' })).json().email).toBe('instant');

    // RFC 8058 one-click: a form POST with no cookie and no CSRF token.
    const done = await t.app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(done.statusCode).toBe(200);
    expect((await t.request(member.caller, { method: 'GET', url: '/api/notifications/preferences' })).json()).toEqual({ inApp: true, email: 'off' });

    const request = await submit(member);
    await setStatus(request.id, 'under_review', 'Reviewing it with venues');
    await drain();
    expect(mailsTo(member)).toEqual([]);
    expect((await inbox(member)).unread).toBe(1);
  });
});
