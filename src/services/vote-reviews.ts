// The product team's review of votes flagged for manipulation (src/domain/vote-manipulation.ts):
// the list, with each reason in words and the signals behind it, and the decisions — release
// (the vote counts in full) or reject (it stays on record and counts nowhere). A decision is one
// transaction: the requests are locked in id order, the votes change, the counters are recounted
// from the rows, RICE recomputes are queued and every vote's decision is audited with its
// justification. Votes are never deleted here.
import { and, asc, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { featureRequests, requestMerges, requestMergeVotes, users, votes } from '../db/schema.js';
import { cursorInstant, isUuid } from '../domain/keyset-cursor.js';
import { BOARD_TAGS } from '../domain/response-cache.js';
import { countsInTally, explainReason, PENDING_STATES, REASON_INDICATORS, type VoteState } from '../domain/vote-manipulation.js';
import { enqueue } from '../queue/queue.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { badRequest, conflict, ServiceError } from './errors.js';
import { purgeResponseCache } from './response-cache.js';
import { riceJob } from './rice.js';
import { recountedTally } from './votes.js';

const fr = featureRequests;
const reviewer = alias(users, 'reviewer');

/** `released`: accepted by a reviewer (a vote accepted as cast was never in review). */
export const REVIEW_FILTERS = ['held', 'down_weighted', 'rejected', 'released'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

const DAY = 86_400_000;
/** Enough of a hash to tell votes from one network or device apart in the list, not enough to look anything up. */
const TAG_LENGTH = 8;

function stateCondition(filter: ReviewFilter | undefined): SQL {
  if (filter === undefined) return inArray(votes.reviewState, [...PENDING_STATES]);
  if (filter === 'released') return and(eq(votes.reviewState, 'accepted'), isNotNull(votes.reviewedAt))!;
  return eq(votes.reviewState, filter);
}

function encodeCursor(row: { votedAt: Date; requestId: string; voterId: string }): string {
  return Buffer.from(JSON.stringify([row.votedAt.toISOString(), row.requestId, row.voterId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const [at, requestId, voterId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const votedAt = cursorInstant(at);
    if (votedAt && isUuid(requestId) && isUuid(voterId)) return [votedAt.toISOString(), requestId, voterId];
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('invalid_cursor', 'The cursor is not one this list produced');
}

/** Flagged votes, newest first: what was flagged and why in words, the signals, and any decision. */
export async function listVoteReviews(s: Services, filter: { state?: ReviewFilter; requestId?: string; cursor?: string; limit: number }) {
  const where: SQL[] = [stateCondition(filter.state)];
  if (filter.requestId) where.push(eq(votes.requestId, filter.requestId));
  if (filter.cursor) {
    const [at, requestId, voterId] = decodeCursor(filter.cursor);
    where.push(sql`(${votes.createdAt}, ${votes.requestId}, ${votes.userId}) < (${at}::timestamptz, ${requestId}::uuid, ${voterId}::uuid)`);
  }
  const found = await s.db
    .select({
      vote: votes,
      requestTitle: fr.title,
      requestStatus: fr.status,
      voterName: users.displayName,
      voterRole: users.role,
      voterVerified: users.verified,
      voterCreatedAt: users.createdAt,
      reviewerName: reviewer.displayName,
    })
    .from(votes)
    .innerJoin(fr, eq(fr.id, votes.requestId))
    .innerJoin(users, eq(users.id, votes.userId))
    .leftJoin(reviewer, eq(reviewer.id, votes.reviewedBy))
    .where(and(...where))
    .orderBy(desc(votes.createdAt), desc(votes.requestId), desc(votes.userId))
    .limit(filter.limit + 1);
  const items = found.slice(0, filter.limit).map(({ vote: v, ...r }) => ({
    requestId: v.requestId,
    request: { title: r.requestTitle, status: r.requestStatus },
    voter: {
      id: v.userId,
      displayName: r.voterName,
      role: r.voterRole,
      verified: r.voterVerified,
      accountAgeDays: Math.max(0, Math.floor((v.createdAt.getTime() - r.voterCreatedAt.getTime()) / DAY)),
    },
    state: v.reviewState,
    weight: countsInTally(v.reviewState) ? v.weight : 0,
    castWeight: v.castWeight,
    reasons: v.reviewReasons.map((code) => ({
      code,
      indicator: REASON_INDICATORS[code],
      explanation: v.reviewEvidence ? explainReason(code, v.reviewEvidence) : code,
    })),
    signals: v.reviewEvidence?.signals ?? null,
    networkTag: v.networkHash?.slice(0, TAG_LENGTH) ?? null,
    deviceTag: v.deviceHash?.slice(0, TAG_LENGTH) ?? null,
    votedAt: v.createdAt,
    decision: v.reviewedAt
      ? {
          by: v.reviewedBy && { id: v.reviewedBy, displayName: r.reviewerName ?? 'Former member' },
          at: v.reviewedAt,
          justification: v.reviewJustification ?? '',
        }
      : null,
  }));
  const last = items.at(-1);
  const nextCursor = found.length > filter.limit && last ? encodeCursor({ votedAt: last.votedAt, requestId: last.requestId, voterId: last.voter.id }) : null;
  return { items, nextCursor };
}

export type ReviewDecision = 'release' | 'reject';

/** Which states each decision applies to, and the state it leaves the vote in. */
const DECISIONS: Record<ReviewDecision, { from: readonly VoteState[]; to: VoteState; action: string }> = {
  // A rejection can be undone by releasing the vote: nothing was deleted.
  release: { from: ['held', 'down_weighted', 'rejected'], to: 'accepted', action: 'vote_released' },
  reject: { from: ['held', 'down_weighted'], to: 'rejected', action: 'vote_rejected' },
};

export interface VoteKey {
  requestId: string;
  voterId: string;
}

const keyList = (keys: readonly VoteKey[]) =>
  sql.join(
    keys.map((k) => sql`(${k.requestId}::uuid, ${k.voterId}::uuid)`),
    sql`, `,
  );

export async function decideVotes(s: Services, call: Call, decision: ReviewDecision, input: { votes: VoteKey[]; justification: string }) {
  const justification = input.justification.trim();
  if (justification.length < 10)
    throw badRequest('justification_required', 'Say why, in at least 10 characters: it is kept with the vote and in the audit trail');
  const rule = DECISIONS[decision];
  const requestIds = [...new Set(input.votes.map((v) => v.requestId))].sort();
  const now = s.now();

  const decided = await s.db.transaction(async (tx) => {
    // Same lock as casting a vote: a vote cast meanwhile waits, and sees the new counters.
    await tx.select({ id: fr.id }).from(fr).where(inArray(fr.id, requestIds)).orderBy(asc(fr.id)).for('update');
    const inList = sql`(${votes.requestId}, ${votes.userId}) in (${keyList(input.votes)})`;
    const current = await tx
      .select({
        requestId: votes.requestId,
        voterId: votes.userId,
        state: votes.reviewState,
        reasons: votes.reviewReasons,
        weight: votes.weight,
        castWeight: votes.castWeight,
      })
      .from(votes)
      .where(inList);
    const missing = input.votes.filter((k) => !current.some((c) => c.requestId === k.requestId && c.voterId === k.voterId));
    if (missing.length > 0) throw new ServiceError(404, 'vote_not_found', 'No such vote (withdrawn, or never cast)', { votes: missing });
    const undecidable = current.filter((c) => !rule.from.includes(c.state));
    if (undecidable.length > 0) {
      throw conflict('not_under_review', `Only ${rule.from.join(', ')} votes can be ${decision === 'release' ? 'released' : 'rejected'}`, {
        votes: undecidable.map(({ requestId, voterId, state }) => ({ requestId, voterId, state })),
      });
    }

    await tx
      .update(votes)
      .set({
        reviewState: rule.to,
        // Released: the full weight its voter's role carries; rejected: kept as it was, counted nowhere.
        ...(rule.to === 'accepted' && { weight: sql`${votes.castWeight}` }),
        reviewedBy: call.actor.id,
        reviewedAt: now,
        reviewJustification: justification,
      })
      .where(inList);
    await keepMergeRecordsInStep(tx, input.votes);
    await tx.update(fr).set(recountedTally).where(inArray(fr.id, requestIds));
    for (const requestId of requestIds) await enqueue(tx, riceJob(requestId), now);
    for (const vote of current) {
      await recordAudit(s, tx, call, {
        action: rule.action,
        targetType: 'feature_request',
        targetId: vote.requestId,
        details: { voterId: vote.voterId, from: vote.state, to: rule.to, reasons: vote.reasons, castWeight: vote.castWeight, justification },
      });
    }
    const tallies = await tx.select({ requestId: fr.id, voteCount: fr.voteCount, voteWeight: fr.voteWeight }).from(fr).where(inArray(fr.id, requestIds));
    return { decided: current.length, state: rule.to, requests: tallies };
  });
  purgeResponseCache(s, BOARD_TAGS);
  return decided;
}

/**
 * A decided vote on a merge target that a live merge carried there (or found there) is recorded in
 * request_merge_votes; the record takes the decision too, so un-merging puts the vote back decided.
 */
async function keepMergeRecordsInStep(tx: Database, keys: readonly VoteKey[]) {
  const mv = requestMergeVotes;
  await tx.execute(sql`
    update ${mv} set review_state = v.review_state, weight = v.weight, reviewed_by = v.reviewed_by,
      reviewed_at = v.reviewed_at, review_justification = v.review_justification
    from ${votes} v, ${requestMerges} m
    where (v.request_id, v.user_id) in (${keyList(keys)})
      and m.target_id = v.request_id and m.unmerged_at is null and ${mv.mergeId} = m.id
      and ${mv.userId} = v.user_id and ${mv.votedAt} = v.created_at and ${mv.castWeight} = v.cast_weight`);
}
