// Votes: one per person per request, weighted by who votes, checked for manipulation
// (src/domain/vote-manipulation.ts). A vote that no rule flags is ONE prepared statement (a
// data-modifying CTE): it counts the signals from indexed ranges and, only when every count is
// below its threshold, inserts the vote, changes the request's tally (the UPDATE's row lock
// serialises votes on a request; the trending score follows as a generated column) and queues the
// RICE recompute. The counts come from the statement's snapshot, so the UPDATE also requires the
// request row to be the version they were read at: every change to a request's votes writes that
// row, so a vote racing another one it could not see falls through to the careful path. The careful
// path — flags, refusals, races — is a transaction that locks the request first, counts again,
// lets the domain decide and stores the vote with its state, counting only accepted weight.
import { and, eq, ne, sql, type SQL, type SQLWrapper, type WithSubquery } from 'drizzle-orm';
import { preparedPerDatabase, type Database } from '../db/client.js';
import { featureRequests, requestFollows, users, votes } from '../db/schema.js';
import { voteWeight } from '../domain/access-control.js';
import {
  assessVote,
  countsInTally,
  deviceOf,
  isNewAccount,
  networkOf,
  signalWindows,
  VOTE_RULES,
  voteEvidence,
  type VoteOrigin,
  type VoteSignals,
  type VoteState,
} from '../domain/vote-manipulation.js';
import { BOARD_TAGS } from '../domain/response-cache.js';
import { RECOMPUTE_RICE } from '../queue/contracts.js';
import { enqueueEachCte } from '../queue/queue.js';
import type { Call, Services } from './context.js';
import { purgeResponseCache } from './response-cache.js';
import { conflict, notFound } from './errors.js';
import { followAutomatically } from './follows.js';

const fr = featureRequests;
const tallyColumns = { id: fr.id, voteCount: fr.voteCount, voteWeight: fr.voteWeight };
const param = (name: string) => sql.placeholder(name);

/** A request's counters recounted from its votes: what merges and reviews set after moving or deciding votes. */
export const recountedTally = {
  voteCount: sql`(select count(*)::int from ${votes} where ${votes.requestId} = ${fr.id} and ${votes.counted})`,
  voteWeight: sql`(select coalesce(sum(${votes.weight}), 0) from ${votes} where ${votes.requestId} = ${fr.id} and ${votes.counted})`,
};

/** A CTE queueing the RICE recompute of the request a tally CTE changed (none when it changed nothing, or `when` is false). */
function queueRiceRecompute(db: Database, tally: WithSubquery & { id: SQLWrapper }, name: string, when: SQL = sql`true`) {
  return enqueueEachCte(db, name, RECOMPUTE_RICE, tally, sql`jsonb_build_object('requestId', ${tally.id})`, sql`${param('at')}::timestamptz`, when);
}

/** What the signal counts of a vote are computed from (see VoteSignals), with the SQL type of each. */
const SIGNAL_INPUTS = {
  requestId: 'uuid',
  userIsNew: 'boolean',
  networkHash: 'text',
  deviceHash: 'text',
  burstSince: 'timestamptz',
  newAccountSince: 'timestamptz',
  originSince: 'timestamptz',
  newAccountCreatedAfter: 'timestamptz',
} as const;
type SignalInputs = Record<keyof typeof SIGNAL_INPUTS, string | boolean | null>;
const input = (name: keyof SignalInputs) => sql`${param(name)}::${sql.raw(SIGNAL_INPUTS[name])}`;

/**
 * The four signal counts of the vote being cast (VoteSignals), each including it. Other voters are
 * new accounts by isNewAccount's rule (young, and not a verified supplier).
 */
const SIGNAL_COUNTS: Record<keyof VoteSignals, SQL<number>> = (() => {
  const within = (since: SQL) => sql`v.request_id = ${input('requestId')} and v.created_at > ${since}`;
  return {
    recentVotes: sql<number>`(select count(*) from ${votes} v where ${within(input('burstSince'))})::int + 1`,
    newAccountVotes: sql<number>`case when ${input('userIsNew')} then (
      select count(*) from ${votes} v join ${users} u on u.id = v.user_id
      where ${within(input('newAccountSince'))} and u.created_at > ${input('newAccountCreatedAfter')}
        and not (u.role = 'wedding_supplier' and u.verified))::int + 1 else 0 end`,
    networkAccounts: sql<number>`case when ${input('networkHash')} is null then 0 else (
      select count(*) from ${votes} v where ${within(input('originSince'))} and v.network_hash = ${input('networkHash')})::int + 1 end`,
    deviceAccounts: sql<number>`case when ${input('deviceHash')} is null then 0 else (
      select count(*) from ${votes} v where ${within(input('originSince'))} and v.device_hash = ${input('deviceHash')})::int + 1 end`,
  };
})();
const thresholdParam = (signal: keyof VoteSignals) => `max_${signal}`;
const alreadyVoted = sql<boolean>`exists (select 1 from ${votes} where ${votes.requestId} = ${input('requestId')} and ${votes.userId} = ${param('userId')}::uuid)`;

const castVoteStatement = preparedPerDatabase((db) => {
  const columns = sql.join(
    Object.entries(SIGNAL_COUNTS).map(([signal, count]) => sql`${count} as ${sql.identifier(signal)}`),
    sql`, `,
  );
  const signals = db.$with('vote_signals', { version: sql`version`.as('version') }).as(
    sql`select ${fr}.xmin as version, ${columns} from ${fr}
      where ${fr.id} = ${input('requestId')} and ${fr.status} <> 'merged' and not ${alreadyVoted}`,
  );
  // No rule can fire: the same comparisons as firedReasons(), with the thresholds as parameters.
  const clear = sql.join(
    VOTE_RULES.map((rule) => sql`vote_signals.${sql.identifier(rule.signal)} < ${param(thresholdParam(rule.signal))}::int`),
    sql` and `,
  );
  const tally = db
    .$with('cast_tally', {
      id: sql<string>`id`.as('id'),
      voteCount: sql<number>`vote_count`.as('vote_count'),
      voteWeight: sql<number>`vote_weight`.as('vote_weight'),
      synthetic: sql<boolean>`synthetic`.as('synthetic'),
    })
    .as(
      sql`update ${fr} set vote_count = vote_count + 1, vote_weight = vote_weight + ${param('weight')}::float8
      from vote_signals
      where ${fr.id} = ${input('requestId')} and ${fr}.xmin = vote_signals.version and ${clear}
      returning ${fr.id} as id, vote_count, vote_weight, ${fr}.synthetic`,
    );
  const cast = db.$with('cast_vote', { requestId: sql`request_id`.as('request_id') }).as(
    sql`insert into ${votes} (request_id, user_id, weight, cast_weight, network_hash, device_hash, created_at)
      select id, ${param('userId')}::uuid, ${param('weight')}::float8, ${param('weight')}::float8, ${input('networkHash')}, ${input('deviceHash')}, ${param('at')}::timestamptz
      from cast_tally returning request_id`,
  );
  // Voting follows the request, in the same statement; an earlier unfollow stands.
  const followed = db.$with('cast_follow', { requestId: sql`request_id`.as('request_id') }).as(
    sql`insert into ${requestFollows} (request_id, user_id, created_at, updated_at)
      select request_id, ${param('userId')}::uuid, ${param('at')}::timestamptz, ${param('at')}::timestamptz from cast_vote
      on conflict do nothing returning request_id`,
  );
  const queued = queueRiceRecompute(db, tally, 'cast_rice_job');
  return db
    .with(signals, tally, cast, followed, queued)
    .select({ voteCount: tally.voteCount, voteWeight: tally.voteWeight, synthetic: tally.synthetic })
    .from(tally)
    .prepare('cast_vote');
});

/** The careful path's two statements, for its transaction: few round trips while the request is locked. */
function carefulStatements(tx: Database) {
  const signals = tx
    .select({ voted: alreadyVoted, ...SIGNAL_COUNTS })
    .from(fr)
    .where(eq(fr.id, input('requestId')))
    .prepare('careful_vote_signals');
  const inserted = tx.$with('assessed_vote', { counted: sql<boolean>`counted`.as('counted') }).as(sql`
    insert into ${votes} (request_id, user_id, weight, cast_weight, network_hash, device_hash, created_at, review_state, review_reasons, review_evidence)
    values (${input('requestId')}, ${param('userId')}::uuid, ${param('weight')}::float8, ${param('castWeight')}::float8, ${input('networkHash')}, ${input('deviceHash')},
      ${param('at')}::timestamptz, ${param('state')}::text, string_to_array(${param('reasons')}::text, ','), ${param('evidence')}::jsonb)
    returning counted, weight`);
  // The request row is written even when nothing is counted: racing fast-path votes see a new version.
  const tally = tx
    .$with('assessed_tally', {
      id: sql<string>`id`.as('id'),
      voteCount: sql<number>`vote_count`.as('vote_count'),
      voteWeight: sql<number>`vote_weight`.as('vote_weight'),
      synthetic: sql<boolean>`synthetic`.as('synthetic'),
    })
    .as(
      sql`update ${fr} set vote_count = vote_count + assessed_vote.counted::int,
        vote_weight = vote_weight + case when assessed_vote.counted then assessed_vote.weight else 0 end
      from assessed_vote where ${fr.id} = ${input('requestId')}
      returning ${fr.id} as id, vote_count, vote_weight, assessed_vote.counted, ${fr}.synthetic`,
    );
  const queued = queueRiceRecompute(tx, tally, 'assessed_rice_job', sql`counted`);
  const write = tx
    .with(inserted, tally, queued)
    .select({ voteCount: tally.voteCount, voteWeight: tally.voteWeight, synthetic: tally.synthetic })
    .from(tally)
    .prepare('cast_assessed_vote');
  return { signals, write };
}
const withdrawVoteStatement = preparedPerDatabase((db) => {
  // A rejected vote stays on record: withdrawing it (and voting afresh) is refused below.
  const withdrawn = db.$with('withdrawn').as(
    db
      .delete(votes)
      .where(and(eq(votes.requestId, param('requestId')), eq(votes.userId, param('userId')), ne(votes.reviewState, 'rejected')))
      .returning({ weight: votes.weight, counted: votes.counted }),
  );
  // A held vote leaves the counters as they are, but the row is still written (see the top).
  const tally = db.$with('withdrawn_tally').as(
    db
      .update(fr)
      .set({
        voteCount: sql`${fr.voteCount} - (select ${withdrawn.counted}::int from ${withdrawn})`,
        voteWeight: sql`${fr.voteWeight} - (select case when ${withdrawn.counted} then ${withdrawn.weight} else 0 end from ${withdrawn})`,
      })
      .where(and(eq(fr.id, param('requestId')), sql`exists (select 1 from ${withdrawn})`))
      .returning({ ...tallyColumns, synthetic: fr.synthetic }),
  );
  const queued = queueRiceRecompute(db, tally, 'withdrawn_rice_job', sql`(select ${withdrawn.counted} from ${withdrawn})`);
  return db
    .with(withdrawn, tally, queued)
    .select({ voteCount: tally.voteCount, voteWeight: tally.voteWeight, synthetic: tally.synthetic })
    .from(tally)
    .prepare('withdraw_vote');
});

/** What the voter is told about a vote that does not count in full yet. */
const REVIEW_MESSAGES: Partial<Record<VoteState, string>> = {
  held: 'Your vote is recorded and will count once the product team has reviewed recent voting on this request.',
  down_weighted: 'Your vote counts, at a reduced weight until the product team has reviewed recent voting on this request.',
};

function voteReply(requestId: string, state: VoteState, weight: number, tally: { voteCount: number; voteWeight: number }) {
  const message = REVIEW_MESSAGES[state];
  return {
    requestId,
    voted: true,
    weight: countsInTally(state) ? weight : 0,
    voteCount: tally.voteCount,
    voteWeight: tally.voteWeight,
    review: message ? { state: state as 'held' | 'down_weighted', message } : null,
  };
}

/** Everything the rules need about one vote, before any query. */
function voteContext(s: Services, call: Call, requestId: string, origin: VoteOrigin) {
  const policy = s.config.voteManipulationPolicy;
  const at = s.now();
  const windows = signalWindows(policy, at);
  const network = networkOf(origin.ip);
  const device = deviceOf(origin, network);
  const inputs = {
    requestId,
    userIsNew: isNewAccount(policy, call.actor, at),
    // Blind-index HMACs: votes from one network or device compare equal, no address is stored.
    networkHash: network && s.keyring.blindDigest(network, 'vote-network'),
    deviceHash: device && s.keyring.blindDigest(device, 'vote-device'),
    burstSince: windows.burstSince.toISOString(),
    newAccountSince: windows.newAccountSince.toISOString(),
    originSince: windows.originSince.toISOString(),
    newAccountCreatedAfter: windows.newAccountCreatedAfter.toISOString(),
  } satisfies SignalInputs;
  return { requestId, policy, at, inputs, castWeight: voteWeight(call.actor) };
}

type VoteContext = ReturnType<typeof voteContext>;

export async function castVote(s: Services, call: Call, requestId: string, origin: VoteOrigin) {
  const ctx = voteContext(s, call, requestId, origin);
  const thresholds = Object.fromEntries(VOTE_RULES.map((rule) => [thresholdParam(rule.signal), rule.threshold(ctx.policy)]));
  const [tally] = await castVoteStatement(s.db).execute({
    ...ctx.inputs,
    ...thresholds,
    userId: call.actor.id,
    weight: ctx.castWeight,
    at: ctx.at.toISOString(),
  });
  if (tally) {
    // A synthetic probe's request is on no board.
    if (!tally.synthetic) purgeResponseCache(s, BOARD_TAGS);
    return voteReply(requestId, 'accepted', ctx.castWeight, tally);
  }
  return castCarefully(s, call, ctx);
}

/** The careful path: refusals, flagged votes, and votes that raced another on the same request. */
async function castCarefully(s: Services, call: Call, ctx: VoteContext) {
  const { requestId } = ctx;
  const params = { ...ctx.inputs, userId: call.actor.id, at: ctx.at.toISOString() };
  const { verdict, tally } = await s.db.transaction(async (tx) => {
    const statements = carefulStatements(tx);
    const [request] = await tx.select({ status: fr.status, mergedIntoId: fr.mergedIntoId }).from(fr).where(eq(fr.id, requestId)).for('update');
    if (!request) throw notFound('Feature request');
    if (request.status === 'merged') {
      throw conflict('request_merged', 'This request was merged into another; vote there instead', { mergedIntoId: request.mergedIntoId });
    }
    // Counted after the lock, in a statement of its own: it sees every vote committed before us.
    const [{ voted, ...signals }] = (await statements.signals.execute(params)) as [{ voted: boolean } & VoteSignals];
    if (voted) throw conflict('already_voted', 'You have already voted for this request');
    const verdict = assessVote(ctx.policy, signals, ctx.castWeight);
    const evidence = verdict.reasons.length > 0 ? JSON.stringify(voteEvidence(ctx.policy, signals, call.actor, ctx.at)) : null;
    const [tally] = await statements.write.execute({
      ...params,
      weight: verdict.weight,
      castWeight: ctx.castWeight,
      state: verdict.state,
      reasons: verdict.reasons.join(','),
      evidence,
    });
    await followAutomatically(tx, requestId, call.actor.id, ctx.at);
    return { verdict, tally: tally! };
  });
  for (const reason of verdict.reasons) s.threatMetrics.voteManipulation.inc({ action: verdict.state, reason });
  // Even a held vote changes what its voter sees (their own flag) — and the board's tally when counted.
  if (!tally.synthetic) purgeResponseCache(s, BOARD_TAGS);
  return voteReply(requestId, verdict.state, verdict.weight, tally);
}

export async function withdrawVote(s: Services, call: Call, requestId: string) {
  const [tally] = await withdrawVoteStatement(s.db).execute({ requestId, userId: call.actor.id, at: s.now().toISOString() });
  if (tally) {
    const { synthetic, ...counts } = tally;
    if (!synthetic) purgeResponseCache(s, BOARD_TAGS);
    return { requestId, voted: false, weight: 0, ...counts, review: null };
  }
  const [rejected] = await s.db
    .select({ state: votes.reviewState })
    .from(votes)
    .where(and(eq(votes.requestId, requestId), eq(votes.userId, call.actor.id), eq(votes.reviewState, 'rejected')));
  if (rejected) throw conflict('vote_rejected', 'The product team reviewed this vote and did not count it; it stays on record and cannot be withdrawn');
  throw notFound('Vote');
}
