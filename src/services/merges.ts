// Merging a duplicate into the request it duplicates, and undoing it — each one transaction with
// its status history, audit event and jobs. Every vote a merge touches is recorded as it was
// (request_merge_votes), so an un-merge restores exactly what the merge changed, whichever order
// merges into the same target are undone in.
import { and, asc, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { comments, featureRequests, requestMerges, requestMergeVotes, statusHistory, votes } from '../db/schema.js';
import { mergeRefusal, strongerVote } from '../domain/merges.js';
import { CATALOGUE_TAGS } from '../domain/response-cache.js';
import { COUNTED_STATES } from '../domain/vote-manipulation.js';
import { jobSpec, REQUEST_MERGED } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { emitWebhookEvent } from './webhooks.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { ServiceError, conflict, notFound } from './errors.js';
import { carryFollowersOver } from './follows.js';
import { getFeatureRequest } from './feature-requests.js';
import { purgeResponseCache } from './response-cache.js';
import { riceJob } from './rice.js';
import { recountedTally } from './votes.js';

const fr = featureRequests;
const mv = requestMergeVotes;

/** Locks both requests in id order, so concurrent merges over the same pair cannot deadlock. */
async function lockPair(db: Database, duplicateId: string, targetId: string) {
  const rows = await db
    .select({ id: fr.id, status: fr.status, title: fr.title, mergedIntoId: fr.mergedIntoId })
    .from(fr)
    .where(inArray(fr.id, [duplicateId, targetId]))
    .orderBy(asc(fr.id))
    .for('update');
  const duplicate = rows.find((r) => r.id === duplicateId);
  if (!duplicate) throw notFound('Feature request');
  const target = rows.find((r) => r.id === targetId);
  if (!target) throw new ServiceError(404, 'target_not_found', 'The target feature request does not exist', { targetId });
  return { duplicate, target };
}

/**
 * What a vote carries besides its request, voter and time — its weight and its manipulation review
 * (state, reasons, evidence, hashes, decision) — copied as they are between votes and
 * request_merge_votes: a held vote moves held, and comes back held.
 */
const VOTE_FIELDS = [
  'weight',
  'cast_weight',
  'review_state',
  'review_reasons',
  'review_evidence',
  'network_hash',
  'device_hash',
  'reviewed_by',
  'reviewed_at',
  'review_justification',
];
const voteFields = (alias?: string) => sql.raw(VOTE_FIELDS.map((f) => (alias ? `${alias}.${f}` : f)).join(', '));
const countedIn = (alias: string) => sql.raw(`${alias}.review_state in (${COUNTED_STATES.map((s) => `'${s}'`).join(', ')})`);

/** Counters from the rows themselves: after votes and comments moved, nothing is added up by hand. */
async function recount(db: Database, ids: string[], now: Date) {
  await db
    .update(fr)
    .set({
      ...recountedTally,
      commentCount: sql`(select count(*)::int from ${comments} where ${comments.requestId} = ${fr.id} and ${comments.hiddenAt} is null)`,
      updatedAt: now,
    })
    .where(inArray(fr.id, ids));
}

export async function mergeRequest(s: Services, call: Call, duplicateId: string, input: { targetId: string; justification?: string }) {
  const { targetId } = input;
  const outcome = await s.db.transaction(async (tx) => {
    const { duplicate, target } = await lockPair(tx, duplicateId, targetId);
    const mergedIntoDuplicate = await tx
      .select({ id: requestMerges.duplicateId })
      .from(requestMerges)
      .where(and(eq(requestMerges.targetId, duplicateId), isNull(requestMerges.unmergedAt)));
    const refusal = mergeRefusal(
      duplicate,
      target,
      mergedIntoDuplicate.map((m) => m.id),
    );
    if (refusal) throw new ServiceError(refusal.statusCode, refusal.code, refusal.message, refusal.details);

    const now = s.now();
    const justification = input.justification?.trim() || `Duplicate of “${target.title}”`;
    const [merge] = await tx
      .insert(requestMerges)
      .values({ duplicateId, targetId, justification, priorStatus: duplicate.status, mergedBy: call.actor.id, mergedAt: now })
      .returning({ id: requestMerges.id });
    const mergeId = merge!.id;

    // Record the duplicate's votes, and each of those voters' own earlier vote on the target — unless
    // an earlier live merge into the target already holds it (then the target's vote is not original).
    await tx.execute(sql`
      insert into ${mv} (merge_id, user_id, kind, voted_at, ${voteFields()})
      select ${mergeId}::uuid, user_id, 'duplicate', created_at, ${voteFields()} from ${votes} where request_id = ${duplicateId}::uuid`);
    await tx.execute(sql`
      insert into ${mv} (merge_id, user_id, kind, voted_at, ${voteFields()})
      select ${mergeId}::uuid, t.user_id, 'target_original', t.created_at, ${voteFields('t')}
      from ${votes} t join ${votes} d on d.user_id = t.user_id and d.request_id = ${duplicateId}::uuid
      where t.request_id = ${targetId}::uuid
        and not exists (
          select 1 from ${mv} earlier join ${requestMerges} m on m.id = earlier.merge_id
          where m.target_id = ${targetId}::uuid and m.unmerged_at is null and m.id <> ${mergeId}::uuid and earlier.user_id = t.user_id)`);

    // One vote per person on the target: a counted vote beats one held or rejected, then the higher weight wins.
    await tx.execute(sql`
      insert into ${votes} (request_id, user_id, created_at, ${voteFields()})
      select ${targetId}::uuid, user_id, created_at, ${voteFields()} from ${votes} where request_id = ${duplicateId}::uuid
      on conflict (request_id, user_id) do update set (created_at, ${voteFields()}) = (excluded.created_at, ${voteFields('excluded')})
        where (${countedIn('excluded')}, excluded.weight) > (${countedIn('votes')}, ${votes}.weight)`);
    const movedVotes = await tx.delete(votes).where(eq(votes.requestId, duplicateId)).returning({ userId: votes.userId });
    const movedComments = await tx
      .update(comments)
      .set({ requestId: targetId, mergedFromRequestId: duplicateId })
      .where(eq(comments.requestId, duplicateId))
      .returning({ id: comments.id });

    await carryFollowersOver(tx, duplicateId, targetId, now);
    await tx.update(fr).set({ status: 'merged', mergedIntoId: targetId }).where(eq(fr.id, duplicateId));
    await recount(tx, [duplicateId, targetId], now);
    await tx
      .insert(statusHistory)
      .values({ requestId: duplicateId, fromStatus: duplicate.status, toStatus: 'merged', changedBy: call.actor.id, justification, createdAt: now });
    // Same transaction: the voters hear where their votes went, and the target's RICE follows its votes.
    await enqueue(tx, jobSpec(REQUEST_MERGED, { mergeId }), now);
    await enqueue(tx, riceJob(targetId), now);
    const summary = { mergeId, targetId, movedVotes: movedVotes.length, movedComments: movedComments.length };
    await emitWebhookEvent(tx, s, 'feature_request.merged', { duplicateId, ...summary, mergedAt: now.toISOString() });
    await recordAudit(s, tx, call, {
      action: 'feature_request_merged',
      targetType: 'feature_request',
      targetId: duplicateId,
      details: { ...summary, justification, priorStatus: duplicate.status },
    });
    return summary;
  });
  purgeResponseCache(s, CATALOGUE_TAGS);
  return withBothRequests(s, call, duplicateId, outcome);
}

type RecordedVote = typeof mv.$inferSelect;

/** A recorded vote as a votes row takes it back. */
const asVote = ({ mergeId: _merge, userId: _user, kind: _kind, votedAt, ...fields }: RecordedVote) => ({ ...fields, createdAt: votedAt });

export async function unmergeRequest(s: Services, call: Call, duplicateId: string, input: { justification?: string }) {
  const outcome = await s.db.transaction(async (tx) => {
    const [live] = await tx
      .select()
      .from(requestMerges)
      .where(and(eq(requestMerges.duplicateId, duplicateId), isNull(requestMerges.unmergedAt)));
    if (!live) {
      const [exists] = await tx.select({ status: fr.status }).from(fr).where(eq(fr.id, duplicateId));
      if (!exists) throw notFound('Feature request');
      throw conflict('not_merged', 'This request is not merged into another', { status: exists.status });
    }
    const { duplicate } = await lockPair(tx, duplicateId, live.targetId);
    // A concurrent un-merge may have won while we waited for the locks.
    if (duplicate.status !== 'merged') throw conflict('not_merged', 'This request is not merged into another', { status: duplicate.status });
    const targetId = live.targetId;
    const now = s.now();

    const recorded: RecordedVote[] = await tx
      .select(getTableColumns(mv))
      .from(mv)
      .innerJoin(requestMerges, eq(requestMerges.id, mv.mergeId))
      .where(
        and(
          eq(requestMerges.targetId, targetId),
          isNull(requestMerges.unmergedAt),
          inArray(mv.userId, tx.select({ userId: mv.userId }).from(mv).where(eq(mv.mergeId, live.id))),
        ),
      );
    const mine = recorded.filter((r) => r.mergeId === live.id);

    // The duplicate's votes come back as they were.
    const back = mine.filter((r) => r.kind === 'duplicate');
    if (back.length > 0) {
      await tx
        .insert(votes)
        .values(back.map((r) => ({ ...asVote(r), requestId: duplicateId, userId: r.userId })))
        .onConflictDoNothing();
    }

    // Each of those voters' target vote becomes what it would be without this merge: their own
    // original vote or one another live merge carried over, the stronger — unless they changed it
    // themselves since (withdrew, or withdrew and voted again), which is theirs to keep.
    const current = await tx
      .select({ userId: votes.userId, castWeight: votes.castWeight, votedAt: votes.createdAt })
      .from(votes)
      .where(and(eq(votes.requestId, targetId), inArray(votes.userId, [...new Set(mine.map((r) => r.userId))])));
    let restoredTargetVotes = 0;
    for (const userId of new Set(mine.map((r) => r.userId))) {
      const theirs = recorded.filter((r) => r.userId === userId);
      const vote = current.find((c) => c.userId === userId);
      // The cast weight, not the weight: a review may have released a down-weighted vote since.
      const mergeMade = vote && theirs.some((r) => r.castWeight === vote.castWeight && r.votedAt.getTime() === vote.votedAt.getTime());
      const remaining = theirs.filter((r) => r.kind === 'target_original' || r.mergeId !== live.id).reduce<RecordedVote | null>(strongerVote, null);
      // The original target vote stays on record with another live merge that still needs it.
      const other = theirs.find((r) => r.mergeId !== live.id);
      if (other && mine.some((r) => r.userId === userId && r.kind === 'target_original')) {
        await tx
          .update(mv)
          .set({ mergeId: other.mergeId })
          .where(and(eq(mv.mergeId, live.id), eq(mv.userId, userId), eq(mv.kind, 'target_original')));
      }
      if (!mergeMade) continue;
      const voteKey = and(eq(votes.requestId, targetId), eq(votes.userId, userId));
      if (remaining) await tx.update(votes).set(asVote(remaining)).where(voteKey);
      else await tx.delete(votes).where(voteKey);
      restoredTargetVotes += 1;
    }

    const movedBack = await tx
      .update(comments)
      .set({ requestId: duplicateId, mergedFromRequestId: null })
      .where(and(eq(comments.mergedFromRequestId, duplicateId), eq(comments.requestId, targetId)))
      .returning({ id: comments.id });

    const justification = input.justification?.trim() || 'Not a duplicate after all: merge undone';
    await tx.update(fr).set({ status: live.priorStatus, mergedIntoId: null }).where(eq(fr.id, duplicateId));
    await recount(tx, [duplicateId, targetId], now);
    await tx
      .insert(statusHistory)
      .values({ requestId: duplicateId, fromStatus: 'merged', toStatus: live.priorStatus, changedBy: call.actor.id, justification, createdAt: now });
    await tx.update(requestMerges).set({ unmergedAt: now, unmergedBy: call.actor.id }).where(eq(requestMerges.id, live.id));
    await enqueue(tx, riceJob(targetId), now);
    await enqueue(tx, riceJob(duplicateId), now);
    const summary = { mergeId: live.id, targetId, restoredVotes: back.length, restoredTargetVotes, restoredComments: movedBack.length };
    await recordAudit(s, tx, call, {
      action: 'feature_request_unmerged',
      targetType: 'feature_request',
      targetId: duplicateId,
      details: { ...summary, justification, status: live.priorStatus },
    });
    return summary;
  });
  purgeResponseCache(s, CATALOGUE_TAGS);
  return withBothRequests(s, call, duplicateId, outcome);
}

async function withBothRequests<T extends { targetId: string }>(s: Services, call: Call, duplicateId: string, summary: T) {
  const [duplicate, target] = await Promise.all([
    getFeatureRequest(s, call.actor, duplicateId, call.requestId),
    getFeatureRequest(s, call.actor, summary.targetId, call.requestId),
  ]);
  return { ...summary, duplicate, target };
}
