// Merging a duplicate into its target and undoing it: one vote per person (the higher weight wins),
// comments follow and come back, counters and status are right, voters are told, refusals are 4xx,
// and an un-merge restores exactly what was there — in any order.
import { and, asc, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, comments, featureRequests, jobs, notifications, requestMerges, statusHistory, votes } from '../../../src/db/schema.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { QUEUES } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('merge and un-merge (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let people: { caller: Caller; id: string }[];

  const signup = async () => {
    // Ticking "feedback" at sign-up: they agreed to be told where their votes went.
    const res = await signUpVerified(t, coupleSignup({ consents: { feature_feedback: true } }));
    return { caller: { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken }, id: res.json().user.id as string };
  };
  const submit = async () => (await t.request(product, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id as string;
  const vote = async (who: number, requestId: string) =>
    expect((await t.request(people[who]!.caller, { method: 'PUT', url: `/api/feature-requests/${requestId}/vote` })).statusCode).toBe(201);
  const comment = async (who: number, requestId: string, content: string) =>
    (await t.request(people[who]!.caller, { method: 'POST', url: `/api/feature-requests/${requestId}/comments`, payload: { content } })).json().id as string;
  /** A voter's weight can differ between requests (a supplier who grew between votes): set it directly. */
  const setWeight = (who: number, requestId: string, weight: number) =>
    t.database.db.execute(sql`update votes set weight = ${weight} where request_id = ${requestId}::uuid and user_id = ${people[who]!.id}::uuid`);
  const merge = (id: string, body: Record<string, unknown>) => t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/merge`, payload: body });
  const unmerge = (id: string) => t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/unmerge`, payload: {} });

  /** Everything a merge may change about a request, to compare before and after. */
  const snapshot = async (id: string) => {
    const [row] = await t.database.db
      .select({
        status: featureRequests.status,
        mergedIntoId: featureRequests.mergedIntoId,
        voteCount: featureRequests.voteCount,
        voteWeight: featureRequests.voteWeight,
        commentCount: featureRequests.commentCount,
      })
      .from(featureRequests)
      .where(eq(featureRequests.id, id));
    const voteRows = await t.database.db
      .select({ userId: votes.userId, weight: votes.weight, createdAt: votes.createdAt })
      .from(votes)
      .where(eq(votes.requestId, id))
      .orderBy(asc(votes.userId));
    const commentRows = await t.database.db
      .select({ id: comments.id, mergedFrom: comments.mergedFromRequestId })
      .from(comments)
      .where(eq(comments.requestId, id))
      .orderBy(asc(comments.id));
    return { ...row!, votes: voteRows, comments: commentRows };
  };
  const weightOf = (snap: Awaited<ReturnType<typeof snapshot>>, who: number) => snap.votes.find((v) => v.userId === people[who]!.id)?.weight;

  beforeAll(async () => {
    t = await createTestApp(mode);
    product = await t.bearer(await t.login('product@demo.test'));
    people = [];
    for (let i = 0; i < 5; i += 1) people.push(await signup());
  });
  afterAll(() => t?.close());

  it('moves votes one per person with the higher weight winning, moves comments, recounts, and records the status change', async () => {
    const target = await submit();
    const duplicate = await submit();
    // Person 0 voted on both (weight 1 on the target, 3 on the duplicate); 1 on both at 2 and 1;
    // 2 and 3 only on the duplicate; 4 only on the target.
    for (const who of [0, 1, 4]) await vote(who, target);
    for (const who of [0, 1, 2, 3]) await vote(who, duplicate);
    await setWeight(0, duplicate, 3);
    await setWeight(1, target, 2);
    await t.database.db.execute(
      sql`update feature_requests f set vote_weight = (select sum(weight) from votes v where v.request_id = f.id) where f.id in (${target}::uuid, ${duplicate}::uuid)`,
    );
    const c1 = await comment(2, duplicate, 'We need meal choices with the RSVP too.');
    const c2 = await comment(3, duplicate, 'Same for our caterer in Leeds.');
    await comment(4, target, 'This is the one I care about.');

    const res = await merge(duplicate, { targetId: target, justification: 'Same ask as the RSVP meal request' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ targetId: target, movedVotes: 4, movedComments: 2 });
    expect(body.duplicate).toMatchObject({ id: duplicate, status: 'merged', mergedIntoId: target, voteCount: 0, voteWeight: 0, commentCount: 0 });
    expect(body.duplicate.statusHistory.at(-1)).toMatchObject({ fromStatus: 'open', toStatus: 'merged', justification: 'Same ask as the RSVP meal request' });

    const after = await snapshot(target);
    // People 0–4 once each: 3 (dup beat 1) + 2 (target beat 1) + 1 + 1 + 1.
    expect(after.votes).toHaveLength(5);
    expect(weightOf(after, 0)).toBe(3);
    expect(weightOf(after, 1)).toBe(2);
    expect(after).toMatchObject({ voteCount: 5, voteWeight: 8, commentCount: 3 });
    expect(body.target).toMatchObject({ voteCount: 5, voteWeight: 8, commentCount: 3 });
    expect(
      after.comments
        .filter((c) => c.mergedFrom === duplicate)
        .map((c) => c.id)
        .sort(),
    ).toEqual([c1, c2].sort());
    expect((await snapshot(duplicate)).votes).toEqual([]);

    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'feature_request_merged'), eq(auditEvents.targetId, duplicate)));
    expect(audit!.details).toMatchObject({ targetId: target, movedVotes: 4, movedComments: 2, priorStatus: 'open' });
  });

  it('takes a merged request off the board, keeps its page pointing at the target, and refuses votes and comments on it', async () => {
    const target = await submit();
    const duplicate = await submit();
    expect((await merge(duplicate, { targetId: target })).statusCode).toBe(200);
    const board = (await t.request(product, { method: 'GET', url: '/api/feature-requests?sort=new&limit=100' })).json();
    expect(board.items.map((i: { id: string }) => i.id)).toContain(target);
    expect(board.items.map((i: { id: string }) => i.id)).not.toContain(duplicate);
    const page = (await t.request(people[0]!.caller, { method: 'GET', url: `/api/feature-requests/${duplicate}` })).json();
    expect(page).toMatchObject({ status: 'merged', mergedIntoId: target });
    expect((await t.request(people[0]!.caller, { method: 'PUT', url: `/api/feature-requests/${duplicate}/vote` })).json().error.code).toBe('request_merged');
  });

  it('un-merge restores votes (the target’s own original weights too), comments, counters and status exactly', async () => {
    const target = await submit();
    const duplicate = await submit();
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${duplicate}/status`,
      payload: { status: 'under_review', justification: 'Looking at the demand' },
    });
    for (const who of [0, 1, 4]) await vote(who, target);
    for (const who of [0, 1, 2]) await vote(who, duplicate);
    await setWeight(0, duplicate, 3); // beats the target's 1
    await setWeight(1, target, 2.5); // beats the duplicate's 1
    await t.database.db.execute(
      sql`update feature_requests f set vote_weight = (select sum(weight) from votes v where v.request_id = f.id) where f.id in (${target}::uuid, ${duplicate}::uuid)`,
    );
    await comment(2, duplicate, 'Please let guests pick their starter too.');
    await comment(4, target, 'Our venue asks for this every season.');
    const before = { target: await snapshot(target), duplicate: await snapshot(duplicate) };

    expect((await merge(duplicate, { targetId: target })).statusCode).toBe(200);
    const res = await unmerge(duplicate);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ restoredVotes: 3, restoredComments: 1, duplicate: { status: 'under_review', mergedIntoId: null } });

    expect(await snapshot(target)).toEqual(before.target);
    expect(await snapshot(duplicate)).toEqual(before.duplicate);
    const history = await t.database.db.select().from(statusHistory).where(eq(statusHistory.requestId, duplicate)).orderBy(asc(statusHistory.createdAt));
    expect(history.map((h) => `${h.fromStatus}→${h.toStatus}`)).toEqual(['open→under_review', 'under_review→merged', 'merged→under_review']);
    // The request is back on the board and can be merged again.
    expect((await merge(duplicate, { targetId: target })).statusCode).toBe(200);
    expect((await unmerge(duplicate)).statusCode).toBe(200);
  });

  it('un-merges two duplicates of one target in either order, each exactly', async () => {
    const target = await submit();
    const first = await submit();
    const second = await submit();
    await vote(0, target);
    await vote(0, first);
    await vote(0, second);
    await vote(1, first);
    await vote(1, second);
    await setWeight(0, first, 2);
    await setWeight(0, second, 3);
    await t.database.db.execute(
      sql`update feature_requests f set vote_weight = (select sum(weight) from votes v where v.request_id = f.id) where f.id in (${target}::uuid, ${first}::uuid, ${second}::uuid)`,
    );
    const before = { target: await snapshot(target), first: await snapshot(first), second: await snapshot(second) };

    expect((await merge(first, { targetId: target })).statusCode).toBe(200);
    const afterFirst = await snapshot(target);
    expect((await merge(second, { targetId: target })).statusCode).toBe(200);
    expect(weightOf(await snapshot(target), 0)).toBe(3);

    // Undo the first merge while the second stays: person 0 keeps the second's 3, person 1 its 1.
    expect((await unmerge(first)).statusCode).toBe(200);
    expect(await snapshot(first)).toEqual(before.first);
    const onlySecond = await snapshot(target);
    expect(weightOf(onlySecond, 0)).toBe(3);
    expect(weightOf(onlySecond, 1)).toBe(1);
    expect(onlySecond).toMatchObject({ voteCount: 2, voteWeight: 4 });

    // Undoing the second too brings back person 0's own original vote on the target, weight 1.
    expect((await unmerge(second)).statusCode).toBe(200);
    expect(await snapshot(second)).toEqual(before.second);
    expect(await snapshot(target)).toEqual(before.target);
    expect(afterFirst.voteCount).toBe(2);
  });

  it('leaves a target vote the voter changed after the merge as they left it', async () => {
    const target = await submit();
    const duplicate = await submit();
    await vote(3, duplicate);
    expect((await merge(duplicate, { targetId: target })).statusCode).toBe(200);
    // Person 3 withdraws the carried-over vote and votes for the target again, on their own.
    expect((await t.request(people[3]!.caller, { method: 'DELETE', url: `/api/feature-requests/${target}/vote` })).statusCode).toBe(200);
    t.clock.advance(1000);
    await vote(3, target);
    expect((await unmerge(duplicate)).statusCode).toBe(200);
    expect((await snapshot(duplicate)).votes.map((v) => v.userId)).toEqual([people[3]!.id]);
    expect((await snapshot(target)).votes.map((v) => v.userId)).toEqual([people[3]!.id]);
  });

  it('refuses merges that would chain, cycle or repeat, and un-merging what is not merged', async () => {
    const a = await submit();
    const b = await submit();
    const c = await submit();
    const code = async (res: Promise<{ statusCode: number; json(): { error: { code: string } } }>) => {
      const r = await res;
      return `${r.statusCode} ${r.json().error.code}`;
    };
    expect(await code(merge(a, { targetId: a }))).toBe('400 merge_into_itself');
    expect(await code(merge(a, { targetId: '00000000-0000-4000-8000-000000000000' }))).toBe('404 target_not_found');
    expect(await code(merge('00000000-0000-4000-8000-000000000000', { targetId: a }))).toBe('404 not_found');
    expect(await code(merge(a, { targetId: 'not-a-uuid' }))).toMatch(/^400 /);
    expect(await code(merge(a, {}))).toMatch(/^400 /);
    expect(await code(unmerge(a))).toBe('409 not_merged');

    expect((await merge(a, { targetId: b })).statusCode).toBe(200);
    expect(await code(merge(a, { targetId: c }))).toBe('409 already_merged');
    expect(await code(merge(c, { targetId: a }))).toBe('409 target_merged');
    // b has a merged into it: merging b away would make a chain a → b → c (and b → a a cycle).
    expect(await code(merge(b, { targetId: c }))).toBe('409 has_merged_duplicates');
    expect(await code(merge(b, { targetId: a }))).toBe('409 target_merged');
    expect(
      await code(
        t.request(product, { method: 'POST', url: `/api/feature-requests/${a}/status`, payload: { status: 'open', justification: 'Trying to reopen it' } }),
      ),
    ).toBe('409 invalid_transition');
    expect((await unmerge(a)).statusCode).toBe(200);
    expect(await code(unmerge(a))).toBe('409 not_merged');
  });

  it('rolls back everything when a step of the merge fails', async () => {
    const target = await submit();
    const duplicate = await submit();
    await vote(0, duplicate);
    await comment(0, duplicate, 'A comment that must stay where it is.');
    const before = { target: await snapshot(target), duplicate: await snapshot(duplicate) };
    const jobsBefore = (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(jobs))[0]!.n;
    // The last write of the merge (its status history row) fails: nothing before it may survive.
    await t.database.db.execute(sql`create function refuse_merge_history() returns trigger language plpgsql as $$
      begin if new.to_status = 'merged' then raise exception 'history unavailable'; end if; return new; end $$`);
    await t.database.db.execute(sql`create trigger refuse_merge_history before insert on status_history for each row execute function refuse_merge_history()`);
    try {
      expect((await merge(duplicate, { targetId: target })).statusCode).toBe(500);
    } finally {
      await t.database.db.execute(sql`drop trigger refuse_merge_history on status_history`);
      await t.database.db.execute(sql`drop function refuse_merge_history()`);
    }
    expect(await snapshot(target)).toEqual(before.target);
    expect(await snapshot(duplicate)).toEqual(before.duplicate);
    expect(await t.database.db.select().from(requestMerges).where(eq(requestMerges.duplicateId, duplicate))).toEqual([]);
    expect((await t.database.db.select({ n: sql<number>`count(*)::int` }).from(jobs))[0]!.n).toBe(jobsBefore);
  });

  it('tells the duplicate’s voters where their votes went, once, and nobody when the merge was undone first', async () => {
    const worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: QUEUES, concurrency: 4, log: pino({ level: 'silent' }) });
    await worker.runDue();
    const target = await submit();
    const duplicate = await submit();
    for (const who of [0, 1]) await vote(who, duplicate);
    await vote(4, target);
    const res = await merge(duplicate, { targetId: target });
    const [job] = await t.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, 'request_merged'), sql`${jobs.payload}->>'mergeId' = ${res.json().mergeId}`));
    expect(job).toBeDefined();
    await JOB_HANDLERS.request_merged!.run(job!, t.services); // at-least-once: a second delivery adds nothing
    while ((await worker.runDue()) > 0);
    const told = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.sourceId, `merge:${res.json().mergeId}`));
    expect(told.map((n) => n.userId).sort()).toEqual([people[0]!.id, people[1]!.id].sort());
    expect(told[0]).toMatchObject({ kind: 'request_merged', requestId: target, details: { duplicateId: duplicate } });
    const inbox = (await t.request(people[0]!.caller, { method: 'GET', url: '/api/notifications' })).json();
    expect(inbox.items.some((n: { kind: string; requestId: string }) => n.kind === 'request_merged' && n.requestId === target)).toBe(true);

    const other = await submit();
    const again = await submit();
    await vote(2, again);
    const undone = await merge(again, { targetId: other });
    expect((await unmerge(again)).statusCode).toBe(200);
    while ((await worker.runDue()) > 0);
    expect(
      await t.database.db
        .select()
        .from(notifications)
        .where(eq(notifications.sourceId, `merge:${undone.json().mergeId}`)),
    ).toEqual([]);
  });
});
