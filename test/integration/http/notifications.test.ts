// A status change reaches the request's author and voters through the notification_sending
// queue: enqueued with the change, delivered once even if the job runs twice.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { sessions } from '../../../src/db/schema.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('notifications (%s)', (mode) => {
  let t: TestApp;
  let author: Caller;
  let voter: Caller;
  let bystander: Caller;
  let product: Caller;
  let worker: ReturnType<typeof createWorker>;

  const signup = async (): Promise<Caller> => {
    // Each ticks "feedback" at sign-up: being told about their requests rests on that consent.
    const res = await signUpVerified(t, coupleSignup({ consents: { feature_feedback: true } }));
    return { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken };
  };
  const inbox = async (caller: Caller, query = '') => (await t.request(caller, { method: 'GET', url: `/api/notifications${query}` })).json();

  beforeAll(async () => {
    t = await createTestApp(mode);
    author = await signup();
    voter = await signup();
    bystander = await signup();
    product = await t.login('product@demo.test');
    // Only the queues under test: submissions also queue duplicate checks and RICE recomputes.
    worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      schedules: schedules(t.config),
      queues: ['notification_sending', 'maintenance'],
      concurrency: 2,
      log: pino({ level: 'silent' }),
    });
    // The sign-up links' emails wait on the same queue: sent now, so each test's run finds only its own jobs.
    while ((await worker.runDue()) > 0);
  });
  afterAll(() => t?.close());

  it('tells the author and the voters, not the product manager who made the change nor bystanders', async () => {
    const { id } = (await t.request(author, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    await t.request(product, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    const change = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Scheduled for the spring release' },
    });
    expect(change.statusCode).toBe(200);
    expect((await inbox(voter)).items).toEqual([]); // nothing until the worker has run
    expect(await worker.runDue()).toBeGreaterThanOrEqual(1);

    for (const person of [author, voter]) {
      const { items, unread } = await inbox(person);
      expect(unread).toBe(1);
      expect(items[0]).toMatchObject({
        kind: 'status_changed',
        requestId: id,
        requestTitle: expect.stringContaining('RSVP'),
        details: { from: 'open', to: 'planned', justification: 'Scheduled for the spring release' },
        readAt: null,
      });
    }
    expect((await inbox(bystander)).items).toEqual([]);
    expect((await inbox(product)).items).toEqual([]);
  });

  it('delivers once even when the job runs again (at-least-once delivery)', async () => {
    const { id } = (await t.request(author, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'under_review', justification: 'Checking demand with venues' },
    });
    const [job] = await t.database.db.query.jobs.findMany({ where: (j, { eq }) => eq(j.state, 'pending') });
    await JOB_HANDLERS[job!.type]!.run(job!, t.services);
    await JOB_HANDLERS[job!.type]!.run(job!, t.services);
    await worker.runDue();
    const mine = (await inbox(author)).items.filter((n: { requestId: string }) => n.requestId === id);
    expect(mine).toHaveLength(1);
  });

  it('enqueues nothing when the status change is refused', async () => {
    const { id } = (await t.request(author, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    const before = (await t.database.db.query.jobs.findMany()).length;
    const refused = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'shipped', justification: 'Skipping every step here' },
    });
    expect(refused.statusCode).toBe(409);
    expect((await t.database.db.query.jobs.findMany()).length).toBe(before);
  });

  it('marks some or all notifications read, only the caller’s own', async () => {
    const { items } = await inbox(author);
    expect(items.length).toBeGreaterThanOrEqual(2);
    const one = await t.request(voter, { method: 'POST', url: '/api/notifications/read', payload: { ids: [items[0].id] } });
    expect(one.json()).toEqual({ updated: 0 }); // someone else's
    expect((await t.request(author, { method: 'POST', url: '/api/notifications/read', payload: { ids: [items[0].id] } })).json()).toEqual({ updated: 1 });
    expect((await inbox(author)).unread).toBe(items.length - 1);
    expect((await inbox(author, '?unread=true')).items).toHaveLength(items.length - 1);
    expect((await t.request(author, { method: 'POST', url: '/api/notifications/read', payload: {} })).json()).toEqual({ updated: items.length - 1 });
    expect((await inbox(author)).unread).toBe(0);
  });

  it('tells nobody who withdrew feature_feedback consent, including from jobs queued before the withdrawal', async () => {
    const consenting = await signup();
    const withdrawn = await signup();
    const restricted = await signup();
    const { id } = (await t.request(author, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    for (const person of [consenting, withdrawn, restricted]) await t.request(person, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    const change = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'under_review', justification: 'Venues are asking for it too' },
    });
    expect(change.statusCode).toBe(200);
    // Queued above; withdrawn (and restricted) before the worker gets to it.
    const withdrawal = await t.request(withdrawn, { method: 'PUT', url: '/api/privacy/consents/feature_feedback', payload: { granted: false } });
    expect(withdrawal.json().consents.feature_feedback).toBe(false);
    expect((await t.request(restricted, { method: 'PUT', url: '/api/privacy/restriction', payload: { restricted: true } })).statusCode).toBe(200);
    while ((await worker.runDue()) > 0); // the new members' sign-up emails share the queue
    const told = async (person: Caller) => (await inbox(person)).items.filter((n: { requestId: string }) => n.requestId === id).length;
    expect([await told(consenting), await told(withdrawn), await told(restricted)]).toEqual([1, 0, 0]);

    // Consent given again: the next change reaches them.
    expect((await t.request(withdrawn, { method: 'PUT', url: '/api/privacy/consents/feature_feedback', payload: { granted: true } })).statusCode).toBe(200);
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Planned for the spring release' },
    });
    while ((await worker.runDue()) > 0);
    expect([await told(consenting), await told(withdrawn), await told(restricted)]).toEqual([2, 1, 0]);
  });

  it('purges expired sessions on its hourly schedule', async () => {
    const expired = await signup();
    t.clock.advance(8 * 86_400_000);
    await worker.schedule();
    while ((await worker.runDue()) > 0);
    const left = await t.database.db.select({ expiresAt: sessions.expiresAt }).from(sessions);
    expect(left.every((row) => row.expiresAt > t.clock.now())).toBe(true);
    expect((await t.request(expired, { method: 'GET', url: '/api/auth/session' })).json().user).toBeNull();
    t.clock.set(new Date());
  });
});
