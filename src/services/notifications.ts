// A person's inbox: what changed on requests they submitted, voted for or discuss.
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { featureRequests, notifications } from '../db/schema.js';
import type { Call, Services } from './context.js';

export async function listNotifications(s: Services, call: Call, query: { unreadOnly: boolean; limit: number }) {
  // Those kept for email only (in-app turned off) stay out of the inbox.
  const mine = and(eq(notifications.userId, call.actor.id), eq(notifications.inApp, true));
  const [items, [counts]] = await Promise.all([
    s.db
      .select({
        id: notifications.id,
        kind: notifications.kind,
        requestId: notifications.requestId,
        requestTitle: featureRequests.title,
        details: notifications.details,
        readAt: notifications.readAt,
        createdAt: notifications.createdAt,
      })
      .from(notifications)
      .leftJoin(featureRequests, eq(featureRequests.id, notifications.requestId))
      .where(query.unreadOnly ? and(mine, isNull(notifications.readAt)) : mine)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(query.limit),
    s.db
      .select({ unread: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(mine, isNull(notifications.readAt))),
  ]);
  return { items, unread: counts?.unread ?? 0 };
}

/** Marks the given notifications (all when none are named) as read; only the caller's own. */
export async function markNotificationsRead(s: Services, call: Call, ids?: string[]) {
  const mine = and(eq(notifications.userId, call.actor.id), isNull(notifications.readAt));
  const updated = await s.db
    .update(notifications)
    .set({ readAt: s.now() })
    .where(ids ? and(mine, inArray(notifications.id, ids)) : mine)
    .returning({ id: notifications.id });
  return { updated: updated.length };
}
