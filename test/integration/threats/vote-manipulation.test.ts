// Vote manipulation: a burst on one request, new accounts voting together, and several accounts from
// one network or device are held for review or down-weighted — never deleted — and the request's
// counters and RICE reach only ever contain accepted weight. The product team lists flagged votes
// with their reasons and releases or rejects them (audited); merges carry held votes as they are.
import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, featureRequests, jobs, votes } from '../../../src/db/schema.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

const POLICY = {
  burstVotes: 5,
  burstWindowMinutes: 10,
  newAccountDays: 7,
  newAccountVotes: 3,
  newAccountWindowMinutes: 60,
  sharedNetworkAccounts: 3,
  sharedDeviceAccounts: 3,
  sharedOriginWindowHours: 24,
};
const DAY = 86_400_000;

interface VoteReply {
  voted: boolean;
  weight: number;
  voteCount: number;
  voteWeight: number;
  review: { state: string; message: string } | null;
}

interface Origin {
  ip: string;
  device?: string;
}

let subnet = 0;
/** A public /24 no other vote in the suite comes from. */
const freshNetwork = () => `81.2.${++subnet}`;

describe.each(DATABASE_MODES)('vote manipulation (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couples: Caller[];
  let worker: ReturnType<typeof createWorker>;

  const submit = async () => (await t.request(product, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id as string;
  const vote = (caller: Caller, id: string, from: Origin) => {
    t.clock.advance(1000); // one vote a second: the review list's newest-first order is the voting order
    return t.request(caller, {
      method: 'PUT',
      url: `/api/feature-requests/${id}/vote`,
      headers: { 'x-forwarded-for': from.ip, ...(from.device ? { 'x-device-id': from.device } : {}) },
    });
  };
  const withdraw = (caller: Caller, id: string) => t.request(caller, { method: 'DELETE', url: `/api/feature-requests/${id}/vote` });
  const counters = async (id: string) => {
    const [row] = await t.database.db
      .select({ voteCount: featureRequests.voteCount, voteWeight: featureRequests.voteWeight, reach: featureRequests.riceReach })
      .from(featureRequests)
      .where(eq(featureRequests.id, id));
    return row!;
  };
  const reviews = async (query: string) => {
    const res = await t.request(product, { method: 'GET', url: `/api/vote-reviews?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: {
        requestId: string;
        voter: { id: string };
        state: string;
        weight: number;
        reasons: { code: string; explanation: string }[];
        signals: Record<string, number>;
        networkTag: string | null;
        deviceTag: string | null;
        decision: { justification: string } | null;
      }[];
      nextCursor: string | null;
    };
  };
  const voterId = async (caller: Caller) => (await t.request(caller, { method: 'GET', url: '/api/auth/session' })).json().user.id as string;
  const decide = (decision: 'release' | 'reject', keys: { requestId: string; voterId: string }[], justification = 'Checked with the venue: genuine couples') =>
    t.request(product, { method: 'POST', url: `/api/vote-reviews/${decision}`, payload: { votes: keys, justification } });
  const detections = async (action: string, reason: string) =>
    sample((await t.request(anonymous, { method: 'GET', url: '/metrics' })).body, 'vote_manipulation_detections_total', { action, reason });
  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };
  /** One after the other from one network, on devices of their own: from the third on, held. */
  const fromOneNetwork = async (id: string, voters: Caller[]) => {
    const net = freshNetwork();
    const replies = [];
    for (const [i, c] of voters.entries()) replies.push((await vote(c, id, { ip: `${net}.${10 + i}`, device: `device-${subnet}-${i}` })).json());
    return replies as VoteReply[];
  };
  const statesOf = (replies: VoteReply[]) => replies.map((r) => r.review?.state ?? 'accepted');

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { TRUST_PROXY: '1', VOTE_MANIPULATION_POLICY: JSON.stringify(POLICY) } });
    // API tokens, not sessions: the tests move the clock a month on, past any session's lifetime.
    product = await t.bearer(await t.login('product@demo.test'));
    couples = [];
    for (let i = 0; i < 8; i++) {
      const res = await signUpVerified(t, coupleSignup());
      couples.push(await t.bearer({ headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` }, csrfToken: res.json().csrfToken }));
    }
    worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: ['analytics_processing'], concurrency: 1, log: pino({ level: 'silent' }) });
  });
  afterAll(() => t?.close());

  it('counts new accounts voting together at a reduced weight from the cluster threshold on, and tells them', async () => {
    const id = await submit();
    const before = await detections('down_weighted', 'new_account_cluster');
    const replies = [];
    for (const c of couples.slice(0, 4)) replies.push((await vote(c, id, { ip: `${freshNetwork()}.20` })).json());
    expect(statesOf(replies)).toEqual(['accepted', 'accepted', 'down_weighted', 'down_weighted']);
    expect(replies[2]).toMatchObject({ voted: true, weight: 0.5, voteCount: 3, voteWeight: 2.5 });
    expect(replies[2].review.message).toMatch(/reduced weight until the product team has reviewed/);
    expect(await counters(id)).toMatchObject({ voteCount: 4, voteWeight: 3 });
    expect(await detections('down_weighted', 'new_account_cluster')).toBe(before + 2);

    const listed = await reviews(`requestId=${id}`);
    expect(listed.items).toHaveLength(2);
    expect(listed.items[0]).toMatchObject({ state: 'down_weighted', weight: 0.5, reasons: [{ code: 'new_account_cluster' }] });
    expect(listed.items[0]!.reasons[0]!.explanation).toContain('4 votes from accounts younger than 7 days');

    // Releasing one restores its full weight; rejecting the other takes it out of the counters.
    const [first, second] = listed.items;
    expect((await decide('release', [{ requestId: id, voterId: first!.voter.id }])).json()).toMatchObject({
      decided: 1,
      requests: [{ requestId: id, voteCount: 4, voteWeight: 3.5 }],
    });
    expect((await decide('reject', [{ requestId: id, voterId: second!.voter.id }], 'Same wording as a known spam ring')).json()).toMatchObject({
      requests: [{ voteCount: 3, voteWeight: 3 }],
    });
    expect(await counters(id)).toMatchObject({ voteCount: 3, voteWeight: 3 });
  });

  // From here on the couples' accounts are a month old: only the rule under test fires.
  it('leaves ordinary voting from distinct networks alone', async () => {
    t.clock.advance(30 * DAY);
    const id = await submit();
    const ips = [`${freshNetwork()}.1`, `${freshNetwork()}.1`, '2a00:1450:4009:81f::1', '2a00:1450:4009:820::1'];
    for (const [i, ip] of ips.entries()) {
      const res = await vote(couples[i]!, id, { ip });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ weight: 1, review: null });
    }
    expect(await counters(id)).toMatchObject({ voteCount: 4, voteWeight: 4 });
    expect((await reviews(`requestId=${id}`)).items).toEqual([]);
  });

  it('holds the third account voting from one IPv4 /24, and explains it without the address', async () => {
    const id = await submit();
    const before = await detections('held', 'shared_network');
    const net = `${subnet + 1}`;
    const replies = await fromOneNetwork(id, couples.slice(0, 3));
    expect(replies[2]).toMatchObject({ voted: true, weight: 0, voteCount: 2, voteWeight: 2, review: { state: 'held' } });
    expect(replies[2]!.review!.message).toMatch(/will count once the product team has reviewed/);
    expect(await counters(id)).toMatchObject({ voteCount: 2, voteWeight: 2 });
    expect(await detections('held', 'shared_network')).toBe(before + 1);

    const res = await t.request(product, { method: 'GET', url: `/api/vote-reviews?requestId=${id}` });
    expect(res.body).not.toContain(`81.2.${net}.`);
    const [held] = res.json().items;
    expect(held).toMatchObject({
      state: 'held',
      weight: 0,
      castWeight: 1,
      reasons: [{ code: 'shared_network', indicator: 'coordinated_submissions' }],
      signals: { networkAccounts: 3 },
    });
    expect(held.reasons[0].explanation).toBe(
      'Same network: 3 accounts voted for this request from one network (IPv4 /24 or IPv6 /64) within 24 hours (flagged from 3).',
    );
    expect(held.networkTag).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const [stored] = await t.database.db
      .select({ networkHash: votes.networkHash })
      .from(votes)
      .where(and(eq(votes.requestId, id), eq(votes.userId, held.voter.id)));
    expect(stored!.networkHash).not.toContain(`81.2.${net}.`);
  });

  it('treats an IPv6 /64 as one network', async () => {
    const id = await submit();
    const ips = ['2a00:1450:4009:900::1', '2a00:1450:4009:900:ffff:1:2:3', '2a00:1450:4009:900::abcd'];
    const replies = [];
    for (const [i, ip] of ips.entries()) replies.push((await vote(couples[i]!, id, { ip, device: `tablet-v6-${i}` })).json());
    expect(statesOf(replies)).toEqual(['accepted', 'accepted', 'held']);
  });

  it('holds the third account voting from one device, whatever its network', async () => {
    const id = await submit();
    const replies = [];
    for (const c of couples.slice(0, 3)) replies.push((await vote(c, id, { ip: `${freshNetwork()}.40`, device: 'shared-phone-001' })).json());
    expect(statesOf(replies)).toEqual(['accepted', 'accepted', 'held']);
    const [held] = (await reviews(`requestId=${id}`)).items;
    expect(held!.reasons.map((r) => r.code)).toEqual(['shared_device']);
    expect(held!.deviceTag).not.toBeNull();
  });

  it('holds votes joining a burst on one request, and accepts again once the burst window has passed', async () => {
    const id = await submit();
    const before = await detections('held', 'request_burst');
    const replies = [];
    for (const c of couples.slice(0, 6)) replies.push((await vote(c, id, { ip: `${freshNetwork()}.50` })).json());
    expect(statesOf(replies)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'held', 'held']);
    expect(await counters(id)).toMatchObject({ voteCount: 4, voteWeight: 4 });
    expect(await detections('held', 'request_burst')).toBe(before + 2);
    t.clock.advance(11 * 60_000);
    expect((await vote(couples[6]!, id, { ip: `${freshNetwork()}.50` })).json()).toMatchObject({ review: null, voteCount: 5 });
  });

  it('keeps held weight out of the counters and RICE reach until released; a rejected vote stays stored, counted nowhere', async () => {
    const id = await submit();
    expect(statesOf(await fromOneNetwork(id, couples.slice(0, 4)))).toEqual(['accepted', 'accepted', 'held', 'held']);
    await drain();
    expect(await counters(id)).toEqual({ voteCount: 2, voteWeight: 2, reach: 20 }); // 10 people per weighted vote, two votes
    const [third, fourth] = await Promise.all([voterId(couples[2]!), voterId(couples[3]!)]);

    const released = await decide('release', [{ requestId: id, voterId: third }]);
    expect(released.statusCode).toBe(200);
    expect(released.json()).toEqual({ decided: 1, state: 'accepted', requests: [{ requestId: id, voteCount: 3, voteWeight: 3 }] });
    await drain();
    expect((await counters(id)).reach).toBe(30);

    const rejected = await decide('reject', [{ requestId: id, voterId: fourth }], 'Fourth account on the venue Wi-Fi within a minute');
    expect(rejected.json()).toMatchObject({ state: 'rejected', requests: [{ voteCount: 3, voteWeight: 3 }] });
    await drain();
    expect(await counters(id)).toEqual({ voteCount: 3, voteWeight: 3, reach: 30 });
    expect((await reviews(`requestId=${id}&state=rejected`)).items).toMatchObject([
      { voter: { id: fourth }, state: 'rejected', weight: 0, decision: { justification: 'Fourth account on the venue Wi-Fi within a minute' } },
    ]);
    expect((await reviews(`requestId=${id}&state=released`)).items).toMatchObject([
      { voter: { id: third }, state: 'accepted', decision: { justification: 'Checked with the venue: genuine couples' } },
    ]);
    expect((await reviews(`requestId=${id}`)).items).toEqual([]);

    // The voter cannot make a rejected vote disappear, nor vote again over it.
    const out = await withdraw(couples[3]!, id);
    expect(out.statusCode).toBe(409);
    expect(out.json().error.code).toBe('vote_rejected');
    expect((await vote(couples[3]!, id, { ip: '81.2.250.1' })).json().error.code).toBe('already_voted');

    const audited = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, id), sql`${auditEvents.action} in ('vote_released', 'vote_rejected')`))
      .orderBy(auditEvents.id);
    expect(audited.map((e) => [e.action, e.details.voterId, e.details.from, e.details.justification])).toEqual([
      ['vote_released', third, 'held', 'Checked with the venue: genuine couples'],
      ['vote_rejected', fourth, 'held', 'Fourth account on the venue Wi-Fi within a minute'],
    ]);
  });

  it('lets a voter withdraw a held vote without touching the counters or queueing a recompute', async () => {
    const id = await submit();
    expect(statesOf(await fromOneNetwork(id, couples.slice(0, 3)))).toEqual(['accepted', 'accepted', 'held']);
    await drain();
    const out = await withdraw(couples[2]!, id);
    expect(out.statusCode).toBe(200);
    expect(out.json()).toMatchObject({ voted: false, weight: 0, voteCount: 2, voteWeight: 2, review: null });
    expect(await counters(id)).toMatchObject({ voteCount: 2, voteWeight: 2 });
    expect(await t.database.db.select().from(votes).where(eq(votes.requestId, id))).toHaveLength(2);
    const pending = await t.database.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.type, 'recompute_rice'), eq(jobs.state, 'pending'), sql`${jobs.payload}->>'requestId' = ${id}`));
    expect(pending).toEqual([]);
  });

  it('moves held votes with a merge, held, and brings them back held on un-merge; a decision taken meanwhile survives', async () => {
    const duplicate = await submit();
    const target = await submit();
    expect(statesOf(await fromOneNetwork(duplicate, couples.slice(0, 3)))).toEqual(['accepted', 'accepted', 'held']);
    await vote(couples[3]!, target, { ip: `${freshNetwork()}.80` });
    const held = await voterId(couples[2]!);
    const merge = () => t.request(product, { method: 'POST', url: `/api/feature-requests/${duplicate}/merge`, payload: { targetId: target } });
    const unmerge = () => t.request(product, { method: 'POST', url: `/api/feature-requests/${duplicate}/unmerge`, payload: {} });

    expect((await merge()).statusCode).toBe(200);
    expect(await counters(target)).toMatchObject({ voteCount: 3, voteWeight: 3 });
    expect((await reviews(`requestId=${target}`)).items).toMatchObject([{ voter: { id: held }, state: 'held', reasons: [{ code: 'shared_network' }] }]);
    expect((await unmerge()).statusCode).toBe(200);
    expect(await counters(duplicate)).toMatchObject({ voteCount: 2, voteWeight: 2 });
    expect(await counters(target)).toMatchObject({ voteCount: 1, voteWeight: 1 });
    expect((await reviews(`requestId=${duplicate}`)).items).toMatchObject([{ voter: { id: held }, state: 'held' }]);

    expect((await merge()).statusCode).toBe(200);
    expect((await decide('release', [{ requestId: target, voterId: held }])).statusCode).toBe(200);
    expect(await counters(target)).toMatchObject({ voteCount: 4, voteWeight: 4 });
    expect((await unmerge()).statusCode).toBe(200);
    expect(await counters(duplicate)).toMatchObject({ voteCount: 3, voteWeight: 3 });
    expect((await reviews(`requestId=${duplicate}&state=released`)).items).toMatchObject([{ voter: { id: held }, state: 'accepted' }]);
  });

  it('lets no more than the threshold through when accounts from one network vote at the same moment', async () => {
    const id = await submit();
    const net = freshNetwork();
    const replies = await Promise.all(couples.slice(0, 6).map((c, i) => vote(c, id, { ip: `${net}.${90 + i}`, device: `race-${subnet}-${i}` })));
    expect(replies.every((r) => r.statusCode === 201)).toBe(true);
    const states = replies.map((r) => r.json().review?.state ?? 'accepted').sort();
    expect(states).toEqual(['accepted', 'accepted', 'held', 'held', 'held', 'held']);
    expect(await counters(id)).toMatchObject({ voteCount: 2, voteWeight: 2 });
  });

  it('refuses bad input with a 4xx and changes nothing', async () => {
    const id = await submit();
    await fromOneNetwork(id, couples.slice(0, 3));
    const [accepted, held] = await Promise.all([voterId(couples[0]!), voterId(couples[2]!)]);
    const expect4xx = async (res: { statusCode: number; json(): { error: { code: string } } }, status: number, code?: string) => {
      expect(res.statusCode).toBe(status);
      if (code) expect(res.json().error.code).toBe(code);
    };
    await expect4xx(await t.request(product, { method: 'GET', url: '/api/vote-reviews?state=deleted' }), 400);
    await expect4xx(await t.request(product, { method: 'GET', url: '/api/vote-reviews?requestId=not-a-uuid' }), 400);
    await expect4xx(await t.request(product, { method: 'GET', url: '/api/vote-reviews?cursor=garbage' }), 400, 'invalid_cursor');
    await expect4xx(await t.request(product, { method: 'GET', url: '/api/vote-reviews?limit=1000' }), 400);
    await expect4xx(await decide('release', []), 400);
    await expect4xx(await decide('release', [{ requestId: id, voterId: held }], 'too short'), 400);
    await expect4xx(await decide('release', [{ requestId: id, voterId: held }], ' '.repeat(30)), 400, 'justification_required');
    await expect4xx(
      await t.request(product, {
        method: 'POST',
        url: '/api/vote-reviews/release',
        payload: { votes: [{ requestId: id, voterId: held }], justification: 'Looked at it closely', extra: 1 },
      }),
      400,
    );
    await expect4xx(
      await decide('release', [
        { requestId: id, voterId: held },
        { requestId: id, voterId: held },
      ]),
      400,
    );
    await expect4xx(await decide('release', [{ requestId: id, voterId: '00000000-0000-4000-8000-000000000000' }]), 404, 'vote_not_found');
    // One vote in the batch was never flagged: nothing is decided, the held one stays held.
    await expect4xx(
      await decide('reject', [
        { requestId: id, voterId: held },
        { requestId: id, voterId: accepted },
      ]),
      409,
      'not_under_review',
    );
    expect((await reviews(`requestId=${id}`)).items).toMatchObject([{ voter: { id: held }, state: 'held' }]);
    expect(await counters(id)).toMatchObject({ voteCount: 2, voteWeight: 2 });
    await expect4xx(
      await t.request(couples[5]!, { method: 'PUT', url: `/api/feature-requests/${id}/vote`, headers: { 'x-device-id': 'no spaces allowed!' } }),
      400,
    );
    await expect4xx(await t.request(couples[0]!, { method: 'GET', url: '/api/vote-reviews' }), 403);
  });

  it('pages through the review list newest first', async () => {
    const all = (await reviews('state=held&limit=100')).items;
    expect(all.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof reviews>> = await reviews(`state=held&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => `${i.requestId}/${i.voter.id}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => `${i.requestId}/${i.voter.id}`));
  });
});
