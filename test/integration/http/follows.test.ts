// Following a request: submitting, voting and commenting follow it; anyone signed in follows or
// unfollows by choice, and an unfollow stands through later votes and comments. Status changes,
// merges and replies reach the followers — and only them.
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFollows } from '../../../src/db/schema.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('following requests (%s)', (mode) => {
  let t: TestApp;
  let author: Caller;
  let voter: Caller;
  let follower: Caller;
  let bystander: Caller;
  let product: Caller;
  let worker: ReturnType<typeof createWorker>;

  const signup = async (): Promise<Caller> => {
    const res = await signUpVerified(t, coupleSignup({ consents: { feature_feedback: true } }));
    return { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken };
  };
  const submit = async (by: Caller = author) =>
    (await t.request(by, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id as string;
  const follow = (caller: Caller, id: string) => t.request(caller, { method: 'PUT', url: `/api/feature-requests/${id}/follow` });
  const unfollow = (caller: Caller, id: string) => t.request(caller, { method: 'DELETE', url: `/api/feature-requests/${id}/follow` });
  const follows = async (caller: Caller, id: string) => {
    const state = await t.request(caller, { method: 'GET', url: `/api/feature-requests/${id}/follow` });
    const shown = (await t.request(caller, { method: 'GET', url: `/api/feature-requests/${id}` })).json().viewerFollows;
    // The request's page and the follow state agree.
    if (caller !== anonymous) expect(state.json().following).toBe(shown);
    return shown;
  };
  const told = async (caller: Caller, id: string, kind: string) =>
    (await t.request(caller, { method: 'GET', url: '/api/notifications' }))
      .json()
      .items.filter((n: { requestId: string; kind: string }) => n.requestId === id && n.kind === kind);
  const changeStatus = async (id: string, status: string, justification: string) => {
    const res = await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status, justification } });
    expect(res.statusCode).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    [author, voter, follower, bystander] = [await signup(), await signup(), await signup(), await signup()];
    product = await t.login('product@demo.test');
    worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      schedules: schedules(t.config),
      queues: ['notification_sending'],
      concurrency: 2,
      log: pino({ level: 'silent' }),
    });
    // The sign-up links' emails wait on the same queue: sent now, so each test's run finds only its own jobs.
    while ((await worker.runDue()) > 0);
  });
  afterAll(() => t?.close());

  it('has the author and the voters follow on their own; others follow by choice', async () => {
    const id = await submit();
    expect((await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    expect([await follows(author, id), await follows(voter, id), await follows(follower, id)]).toEqual([true, true, false]);

    const res = await follow(follower, id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ requestId: id, following: true });
    expect((await follow(follower, id)).json()).toEqual({ requestId: id, following: true }); // following twice changes nothing
    expect(await follows(follower, id)).toBe(true);
    // Signed out: nothing to follow with, and the projection says nothing about following.
    expect((await t.request(anonymous, { method: 'PUT', url: `/api/feature-requests/${id}/follow` })).statusCode).toBe(401);
    expect(await follows(anonymous, id)).toBeUndefined();
  });

  it('tells the followers of a status change with its justification, not those who unfollowed nor bystanders', async () => {
    const id = await submit();
    await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    await follow(follower, id);
    expect((await unfollow(author, id)).json()).toEqual({ requestId: id, following: false });
    await changeStatus(id, 'under_review', 'Venues keep asking for this one');
    await worker.runDue();

    for (const person of [voter, follower]) {
      expect(await told(person, id, 'status_changed')).toMatchObject([
        { details: { from: 'open', to: 'under_review', justification: 'Venues keep asking for this one' } },
      ]);
    }
    expect(await told(author, id, 'status_changed')).toEqual([]);
    expect(await told(bystander, id, 'status_changed')).toEqual([]);
  });

  it('keeps an unfollow through a later vote and comment', async () => {
    const id = await submit();
    await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });
    await unfollow(voter, id);
    expect((await t.request(voter, { method: 'DELETE', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(200);
    expect((await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    const comment = await t.request(voter, {
      method: 'POST',
      url: `/api/feature-requests/${id}/comments`,
      payload: { content: 'Still want this, just not the emails.' },
    });
    expect(comment.statusCode).toBe(201);
    expect(await follows(voter, id)).toBe(false);

    await changeStatus(id, 'under_review', 'Looking at how venues would use it');
    await worker.runDue();
    expect(await told(voter, id, 'status_changed')).toEqual([]);
    // Following again by choice works.
    await follow(voter, id);
    await changeStatus(id, 'planned', 'Planned for the spring release');
    await worker.runDue();
    expect(await told(voter, id, 'status_changed')).toMatchObject([{ details: { to: 'planned' } }]);
  });

  it('tells the followers of a new reply, except its author; commenting follows', async () => {
    const id = await submit();
    await follow(follower, id);
    const commenter = await signup();
    const posted = await t.request(commenter, {
      method: 'POST',
      url: `/api/feature-requests/${id}/comments`,
      payload: { content: 'We would use this for our Lake Como day.' },
    });
    expect(posted.statusCode).toBe(201);
    expect(await follows(commenter, id)).toBe(true);
    await worker.runDue();
    expect(await told(author, id, 'comment_posted')).toHaveLength(1);
    expect(await told(follower, id, 'comment_posted')).toHaveLength(1);
    expect(await told(commenter, id, 'comment_posted')).toEqual([]);
    expect(await told(bystander, id, 'comment_posted')).toEqual([]);

    // The commenter unfollows: the next reply reaches the others only.
    await unfollow(commenter, id);
    await t.request(follower, { method: 'POST', url: `/api/feature-requests/${id}/comments`, payload: { content: 'Same here, for a garden party.' } });
    await worker.runDue();
    expect(await told(commenter, id, 'comment_posted')).toEqual([]);
    expect(await told(author, id, 'comment_posted')).toHaveLength(2);
  });

  it('tells the duplicate’s followers of a merge, and has them follow the target unless they unfollowed it', async () => {
    const duplicate = await submit();
    const target = await submit(bystander);
    await follow(follower, duplicate);
    await t.request(voter, { method: 'PUT', url: `/api/feature-requests/${duplicate}/vote` });
    await unfollow(voter, target); // never followed it, but chose not to
    const merged = await t.request(product, { method: 'POST', url: `/api/feature-requests/${duplicate}/merge`, payload: { targetId: target } });
    expect(merged.statusCode).toBe(200);
    await worker.runDue();

    for (const person of [author, follower, voter]) expect(await told(person, target, 'request_merged')).toHaveLength(1);
    expect(await told(bystander, target, 'request_merged')).toEqual([]); // the target's author, not following the duplicate
    expect([await follows(author, target), await follows(follower, target), await follows(voter, target)]).toEqual([true, true, false]);
    // A merged request is followed where it went.
    const refused = await follow(bystander, duplicate);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'request_merged', details: { mergedIntoId: target } });
  });

  it('refuses unknown requests and bad ids without writing anything', async () => {
    const before = await t.database.db.select().from(requestFollows);
    expect((await follow(follower, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await unfollow(follower, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await t.request(follower, { method: 'GET', url: '/api/feature-requests/00000000-0000-4000-8000-000000000000/follow' })).statusCode).toBe(404);
    expect((await follow(follower, 'not-a-uuid')).statusCode).toBe(400);
    expect(await t.database.db.select().from(requestFollows)).toHaveLength(before.length);
  });

  it('lists what a member follows in their export, and forgets it when they erase their account', async () => {
    const leaving = await signup();
    const id = await submit();
    await follow(leaving, id);
    const exported = await t.request(leaving, { method: 'GET', url: '/api/privacy/export' });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().follows).toMatchObject([{ requestId: id, following: true }]);
    const erased = await t.request(leaving, { method: 'POST', url: '/api/privacy/erasure', payload: { confirm: 'erase my account' } });
    expect(erased.statusCode).toBe(200);
    expect(await t.database.db.select().from(requestFollows).where(eq(requestFollows.requestId, id))).toMatchObject([{ following: true }]); // the author's only
  });
});
