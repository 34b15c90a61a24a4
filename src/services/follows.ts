// Following a request: its followers are the people told of its status changes, merges and new
// comments (src/jobs/handlers/notifications.ts asks `followersOf`, nobody else decides recipients).
// Submitting, voting and commenting follow in the same transaction; an unfollow is a row kept with
// `following = false`, so none of those follows the member again.
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { featureRequests, requestFollows } from '../db/schema.js';
import type { Call, Services } from './context.js';
import { conflict, notFound } from './errors.js';

/** Follows the request on the member's behalf, unless they follow it already or unfollowed it. */
export async function followAutomatically(db: Database, requestId: string, userId: string, at: Date): Promise<void> {
  await db.insert(requestFollows).values({ requestId, userId, createdAt: at, updatedAt: at }).onConflictDoNothing();
}

/** A query of one column, `recipient`: the people following the request. */
export const followersOf = (requestId: string) => sql`
  select user_id as recipient from ${requestFollows} where request_id = ${requestId}::uuid and following`;

/**
 * Everyone following the duplicate follows the target too — the target is where its news is now —
 * except those who unfollowed the target. Un-merging leaves them following both.
 */
export async function carryFollowersOver(db: Database, duplicateId: string, targetId: string, at: Date): Promise<void> {
  await db.execute(sql`
    insert into ${requestFollows} (request_id, user_id, created_at, updated_at)
    select ${targetId}::uuid, user_id, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from ${requestFollows} where request_id = ${duplicateId}::uuid and following
    on conflict do nothing`);
}

/** A request the member can see, with whether they follow it (false too when they never did). */
async function visibleRequest(s: Services, call: Call, requestId: string) {
  const [request] = await s.db
    .select({
      status: featureRequests.status,
      mergedIntoId: featureRequests.mergedIntoId,
      following: sql<boolean>`coalesce(${requestFollows.following}, false)`,
    })
    .from(featureRequests)
    .leftJoin(requestFollows, and(eq(requestFollows.requestId, featureRequests.id), eq(requestFollows.userId, call.actor.id)))
    // A probe's synthetic request is on no board: not found, like one that does not exist.
    .where(and(eq(featureRequests.id, requestId), eq(featureRequests.synthetic, false)));
  if (!request) throw notFound('Feature request');
  return request;
}

export async function followingState(s: Services, call: Call, requestId: string) {
  return { requestId, following: (await visibleRequest(s, call, requestId)).following };
}

/** Follows or unfollows, by the member's own choice: it stands until they change it. A merged request sends people to where it went. */
export async function setFollowing(s: Services, call: Call, requestId: string, following: boolean) {
  const request = await visibleRequest(s, call, requestId);
  if (following && request.status === 'merged') {
    throw conflict('request_merged', 'This request was merged into another; follow that one instead', { mergedIntoId: request.mergedIntoId });
  }
  const at = s.now();
  await s.db
    .insert(requestFollows)
    .values({ requestId, userId: call.actor.id, following, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: [requestFollows.requestId, requestFollows.userId], set: { following, updatedAt: at } });
  return { requestId, following };
}
