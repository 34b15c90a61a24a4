// The product team's supplier verification queue over HTTP: a new wedding supplier waits in the queue
// with their business details (never their contact details), is approved or rejected with a reason
// that is audited and that the supplier reads in their inbox and by email (through a local SMTP sink);
// an approval takes effect at once (they may submit); every other role is refused, including a
// supplier trying to verify themselves; bad input and repeated decisions write nothing.
import { and, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, notifications, supplierVerifications, users } from '../../../src/db/schema.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { anonymous, createTestApp, testClock, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { signUpVerified } from '../../helpers/accounts.js';

interface Supplier {
  caller: Caller;
  id: string;
  email: string;
  businessName: string;
}

const WEDDING_TO_COME = { weddingDate: '2031-06-12', guestCount: 120, country: 'GB', timeZone: 'Europe/London' };

describe.each(DATABASE_MODES)('supplier verification (%s)', (mode) => {
  let t: TestApp;
  let sink: SmtpSink;
  let product: Caller;
  let worker: ReturnType<typeof createWorker>;
  let seq = 0;

  const signUpSupplier = async (): Promise<Supplier> => {
    seq += 1;
    const businessName = `Petal & Stem ${seq}`;
    const body = coupleSignup({
      role: 'wedding_supplier',
      supplierType: 'florist',
      businessName,
      businessSize: 'solo',
      businessAddress: `${seq} Secret Lane, York`,
      phone: '+44 7700 900123',
      consents: { feature_feedback: true },
    });
    const res = await signUpVerified(t, body);
    expect(res.statusCode, res.body).toBe(200);
    return {
      caller: { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken },
      id: res.json().user.id,
      email: body.email as string,
      businessName,
    };
  };
  const queue = async (state?: string) => {
    const res = await t.request(product, { method: 'GET', url: `/api/staff/suppliers${state ? `?state=${state}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; businessName: string; lastDecision: { decision: string; reason: string } | null }[];
  };
  const decide = (by: Caller, id: string, payload: Record<string, unknown>) =>
    t.request(by, { method: 'POST', url: `/api/staff/suppliers/${id}/verification`, payload });
  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };
  const isVerified = async (id: string) => (await t.database.db.select({ v: users.verified }).from(users).where(eq(users.id, id)))[0]!.v;
  const decisionsOf = (id: string) => t.database.db.select().from(supplierVerifications).where(eq(supplierVerifications.supplierId, id));
  const noticesOf = (id: string) => t.database.db.select().from(notifications).where(eq(notifications.userId, id));
  const inbox = async (s: Supplier) =>
    (await t.request(s.caller, { method: 'GET', url: '/api/notifications' })).json().items as { kind: string; details: Record<string, unknown> }[];
  const mailsTo = (s: Supplier) => sink.mails.filter((m) => m.to.includes(s.email));

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
      concurrency: 1,
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

  it('lists a new supplier with business details but no contact details, approves them with an audited reason, and tells them in-app and by email', async () => {
    const supplier = await signUpSupplier();
    // Unverified: submitting is refused until the product team approves.
    const before = await t.request(supplier.caller, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ weddingContext: WEDDING_TO_COME }),
    });
    expect(before.statusCode).toBe(403);

    const listed = (await queue()).find((s) => s.id === supplier.id);
    expect(listed).toMatchObject({ businessName: supplier.businessName, supplierType: 'florist', businessSize: 'solo', verified: false, lastDecision: null });
    const raw = JSON.stringify(listed);
    for (const secret of [supplier.email, 'Secret Lane', '7700']) expect(raw).not.toContain(secret);

    const reason = 'Business <b>checked</b> against the Companies House register';
    const res = await decide(product, supplier.id, { decision: 'approved', reason: `  ${reason}  ` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ supplierId: supplier.id, decision: 'approved', reason, verified: true });
    expect(await isVerified(supplier.id)).toBe(true);

    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, supplier.id), eq(auditEvents.action, 'supplier_verified')));
    expect(audit).toMatchObject({ actorRole: 'product_team', details: { justification: reason, previouslyVerified: false } });

    // Gone from the queue, listed as verified.
    expect((await queue()).map((s) => s.id)).not.toContain(supplier.id);
    expect((await queue('approved')).find((s) => s.id === supplier.id)?.lastDecision).toMatchObject({ decision: 'approved', reason });

    // Told in the inbox, and by email with the reason (escaped in HTML).
    expect(await inbox(supplier)).toEqual([expect.objectContaining({ kind: 'supplier_verification', details: { decision: 'approved', reason } })]);
    await drain();
    const mails = mailsTo(supplier);
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!.data);
    expect(mail.subject).toBe('Your supplier account is verified');
    expect(mail.text).toContain(`Why: ${reason}`);
    expect(mail.html).not.toContain('<b>checked');

    // The same session may now submit: no stale cached principal.
    const after = await t.request(supplier.caller, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ weddingContext: WEDDING_TO_COME }),
    });
    expect(after.statusCode, after.body).toBe(201);

    // Approving again would tell them twice: refused, nothing written.
    const again = await decide(product, supplier.id, { decision: 'approved', reason: 'Checked once more' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_decided');
    expect(await decisionsOf(supplier.id)).toHaveLength(1);
    expect(await noticesOf(supplier.id)).toHaveLength(1);
  });

  it('rejects with a reason the supplier reads, keeps them out of the pending queue, and allows a later approval', async () => {
    const supplier = await signUpSupplier();
    const reason = 'We could not find this business; reply with your registration number';
    const res = await decide(product, supplier.id, { decision: 'rejected', reason });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ decision: 'rejected', verified: false });
    expect(await isVerified(supplier.id)).toBe(false);
    expect((await queue()).map((s) => s.id)).not.toContain(supplier.id);
    expect((await queue('rejected')).find((s) => s.id === supplier.id)?.lastDecision).toMatchObject({ decision: 'rejected', reason });

    await drain();
    const mail = await simpleParser(mailsTo(supplier)[0]!.data);
    expect(mail.subject).toBe('Your supplier account was not verified');
    expect(mail.text).toContain(`Why: ${reason}`);
    expect(await inbox(supplier)).toEqual([expect.objectContaining({ kind: 'supplier_verification', details: { decision: 'rejected', reason } })]);

    expect((await decide(product, supplier.id, { decision: 'rejected', reason: 'Still not found' })).statusCode).toBe(409);
    const later = await decide(product, supplier.id, { decision: 'approved', reason: 'Registration number 0123456 confirmed' });
    expect(later.statusCode).toBe(200);
    expect(await isVerified(supplier.id)).toBe(true);
    const actions = await t.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, supplier.id));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['supplier_verification_rejected', 'supplier_verified']));
  });

  it('withdraws an approval by rejecting: the supplier loses their verified permissions at once', async () => {
    const supplier = await signUpSupplier();
    expect((await decide(product, supplier.id, { decision: 'approved', reason: 'Registered florist' })).statusCode).toBe(200);
    expect((await decide(product, supplier.id, { decision: 'rejected', reason: 'Registration was revoked' })).statusCode).toBe(200);
    const res = await t.request(supplier.caller, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ weddingContext: WEDDING_TO_COME }),
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses every other role — a supplier cannot verify themselves — and writes nothing', async () => {
    const target = await signUpSupplier();
    const verified = await signUpSupplier();
    expect((await decide(product, verified.id, { decision: 'approved', reason: 'Registered florist' })).statusCode).toBe(200);
    const couple = await t.login('couple@demo.test');
    const ai = await t.login('ai@demo.test');
    const cases: [Caller, number][] = [
      [anonymous, 401],
      [couple, 403],
      [target.caller, 403],
      [verified.caller, 403],
      [ai, 403],
    ];
    for (const [caller, status] of cases) {
      expect((await decide(caller, target.id, { decision: 'approved', reason: 'I vouch for myself' })).statusCode).toBe(status);
      expect((await t.request(caller, { method: 'GET', url: '/api/staff/suppliers' })).statusCode).toBe(status);
    }
    expect(await isVerified(target.id)).toBe(false);
    expect(await decisionsOf(target.id)).toEqual([]);
    expect(await noticesOf(target.id)).toEqual([]);
  });

  it('answers bad input with 400, an unknown or non-supplier account with 404, and writes nothing', async () => {
    const supplier = await signUpSupplier();
    for (const payload of [
      { decision: 'approved' },
      { decision: 'approved', reason: '  ' },
      { decision: 'maybe', reason: 'Looks fine' },
      { decision: 'approved', reason: 'x'.repeat(1001) },
    ]) {
      const res = await decide(product, supplier.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBeTypeOf('string');
    }
    expect((await t.request(product, { method: 'GET', url: '/api/staff/suppliers?state=everyone' })).statusCode).toBe(400);
    expect((await decide(product, '00000000-0000-4000-8000-000000000000', { decision: 'approved', reason: 'Checked' })).statusCode).toBe(404);
    // A couple is not a supplier: the route cannot be used to flip anyone else's verified flag.
    const couple = await signUpVerified(t, coupleSignup());
    expect((await decide(product, couple.json().user.id, { decision: 'approved', reason: 'Checked' })).statusCode).toBe(404);
    expect(await isVerified(supplier.id)).toBe(false);
    expect(await decisionsOf(supplier.id)).toEqual([]);
    expect(await noticesOf(supplier.id)).toEqual([]);
  });
});
