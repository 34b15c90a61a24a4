// Votes: one per person per request, weighted by who votes. Each vote or withdrawal is ONE
// prepared statement (a data-modifying CTE): the vote row and the request's tally change together,
// the UPDATE's row lock serialises concurrent votes on a request, the trending score follows by
// itself (a generated column), and the RICE recompute job is queued in the same statement. Only a
// refusal costs a second query, to say why.
import { and, eq, ne, sql, type WithSubquery } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { preparedPerDatabase, type Database } from '../db/client.js';
import { featureRequests, jobs, votes } from '../db/schema.js';
import { voteWeight } from '../domain/access-control.js';
import type { Call, Services } from './context.js';
import { conflict, notFound } from './errors.js';
import { RECOMPUTE_RICE, RICE_JOB_PRIORITY, RICE_QUEUE } from './rice.js';

const fr = featureRequests;
const tallyColumns = { id: fr.id, voteCount: fr.voteCount, voteWeight: fr.voteWeight };
const param = (name: string) => sql.placeholder(name);

/** A CTE queueing the RICE recompute of the request a tally CTE changed (none when it changed nothing). */
function queueRiceRecompute(db: Database, tally: WithSubquery & { id: AnyPgColumn }, name: string) {
  const at = sql`${param('at')}::timestamptz`;
  return db.$with(name, { id: sql<string>`id` }).as(
    sql`insert into ${jobs} (queue, type, payload, priority, run_at, created_at)
      select ${RICE_QUEUE}, ${RECOMPUTE_RICE}, jsonb_build_object('requestId', ${tally.id}), ${RICE_JOB_PRIORITY}::int, ${at}, ${at} from ${tally} returning id`,
  );
}

const castVoteStatement = preparedPerDatabase((db) => {
  const cast = db.$with('cast_vote').as(
    db
      .insert(votes)
      .select(
        db
          .select({
            requestId: fr.id,
            userId: sql`${param('userId')}::uuid`.as('user_id'),
            weight: sql`${param('weight')}::float8`.as('weight'),
            createdAt: sql`${param('at')}::timestamptz`.as('created_at'),
          })
          .from(fr)
          .where(and(eq(fr.id, param('requestId')), ne(fr.status, 'merged'))),
      )
      .onConflictDoNothing()
      .returning({ weight: votes.weight }),
  );
  const tally = db.$with('cast_tally').as(
    db
      .update(fr)
      .set({ voteCount: sql`${fr.voteCount} + 1`, voteWeight: sql`${fr.voteWeight} + (select ${cast.weight} from ${cast})` })
      .where(and(eq(fr.id, param('requestId')), sql`exists (select 1 from ${cast})`))
      .returning(tallyColumns),
  );
  const queued = queueRiceRecompute(db, tally, 'cast_rice_job');
  return db.with(cast, tally, queued).select({ voteCount: tally.voteCount, voteWeight: tally.voteWeight }).from(tally).prepare('cast_vote');
});

const withdrawVoteStatement = preparedPerDatabase((db) => {
  const withdrawn = db
    .$with('withdrawn')
    .as(db.delete(votes).where(and(eq(votes.requestId, param('requestId')), eq(votes.userId, param('userId')))).returning({ weight: votes.weight }));
  const tally = db.$with('withdrawn_tally').as(
    db
      .update(fr)
      .set({ voteCount: sql`${fr.voteCount} - 1`, voteWeight: sql`${fr.voteWeight} - (select ${withdrawn.weight} from ${withdrawn})` })
      .where(and(eq(fr.id, param('requestId')), sql`exists (select 1 from ${withdrawn})`))
      .returning(tallyColumns),
  );
  const queued = queueRiceRecompute(db, tally, 'withdrawn_rice_job');
  return db.with(withdrawn, tally, queued).select({ voteCount: tally.voteCount, voteWeight: tally.voteWeight }).from(tally).prepare('withdraw_vote');
});

export async function castVote(s: Services, call: Call, requestId: string) {
  const weight = voteWeight(call.actor);
  const [tally] = await castVoteStatement(s.db).execute({ requestId, userId: call.actor.id, weight, at: s.now().toISOString() });
  if (tally) return { requestId, voted: true, weight, ...tally };

  const [request] = await s.db.select({ status: fr.status, mergedIntoId: fr.mergedIntoId }).from(fr).where(eq(fr.id, requestId));
  if (!request) throw notFound('Feature request');
  if (request.status === 'merged') {
    throw conflict('request_merged', 'This request was merged into another; vote there instead', { mergedIntoId: request.mergedIntoId });
  }
  throw conflict('already_voted', 'You have already voted for this request');
}

export async function withdrawVote(s: Services, call: Call, requestId: string) {
  const [tally] = await withdrawVoteStatement(s.db).execute({ requestId, userId: call.actor.id, at: s.now().toISOString() });
  if (!tally) throw notFound('Vote');
  return { requestId, voted: false, weight: 0, ...tally };
}
