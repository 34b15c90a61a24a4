// Votes: one per person per request, weighted by who votes. The counters on the request move in
// the same transaction as the vote, so the board never disagrees with the votes table.
import { and, eq, sql } from 'drizzle-orm';
import { featureRequests, votes } from '../db/schema.js';
import { voteWeight } from '../domain/access-control.js';
import { trendingScore } from '../domain/feature-requests.js';
import type { Database } from '../db/client.js';
import type { Call, Services } from './context.js';
import { conflict, notFound } from './errors.js';

const fr = featureRequests;

async function lockForVoting(db: Database, requestId: string) {
  const [request] = await db
    .select({ status: fr.status, mergedIntoId: fr.mergedIntoId, createdAt: fr.createdAt, voteWeight: fr.voteWeight })
    .from(fr)
    .where(eq(fr.id, requestId))
    .for('update');
  if (!request) throw notFound('Feature request');
  return request;
}

async function applyTally(db: Database, requestId: string, createdAt: Date, newWeight: number, countDelta: number) {
  const [tally] = await db
    .update(fr)
    .set({ voteCount: sql`${fr.voteCount} + ${countDelta}`, voteWeight: newWeight, trendingScore: trendingScore(newWeight, createdAt) })
    .where(eq(fr.id, requestId))
    .returning({ voteCount: fr.voteCount, voteWeight: fr.voteWeight });
  return tally!;
}

export async function castVote(s: Services, call: Call, requestId: string) {
  return s.db.transaction(async (tx) => {
    const request = await lockForVoting(tx, requestId);
    if (request.status === 'merged') {
      throw conflict('request_merged', 'This request was merged into another; vote there instead', { mergedIntoId: request.mergedIntoId });
    }
    const weight = voteWeight(call.actor);
    const [vote] = await tx
      .insert(votes)
      .values({ requestId, userId: call.actor.id, weight })
      .onConflictDoNothing()
      .returning({ weight: votes.weight });
    if (!vote) throw conflict('already_voted', 'You have already voted for this request');
    const tally = await applyTally(tx, requestId, request.createdAt, request.voteWeight + weight, 1);
    return { requestId, voted: true, weight, ...tally };
  });
}

export async function withdrawVote(s: Services, call: Call, requestId: string) {
  return s.db.transaction(async (tx) => {
    const request = await lockForVoting(tx, requestId);
    const [vote] = await tx
      .delete(votes)
      .where(and(eq(votes.requestId, requestId), eq(votes.userId, call.actor.id)))
      .returning({ weight: votes.weight });
    if (!vote) throw notFound('Vote');
    const tally = await applyTally(tx, requestId, request.createdAt, request.voteWeight - vote.weight, -1);
    return { requestId, voted: false, weight: 0, ...tally };
  });
}
