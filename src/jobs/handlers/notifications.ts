// notification_sending: tells the followers of a request (src/services/follows.ts: its author, voters
// and commenters unless they unfollowed, and whoever chose to follow it) that something happened, in
// the inbox and by email as each prefers. Idempotent: one notification per person per source event, however often the job runs;
// its email job is queued in the same transaction. Only people who consent to being contacted about
// their requests are told.
import { eq, sql, type SQL } from 'drizzle-orm';
import { rows, timestamptz } from '../../db/client.js';
import { comments, statusHistory, users } from '../../db/schema.js';
import {
  COMMENT_POSTED,
  EMAIL_NOTIFICATION,
  jobSpec,
  QUEUE_NOTIFICATION_DIGESTS,
  SEND_ACCOUNT_EMAIL,
  SEND_NOTIFICATION_DIGEST,
  START_PASSWORD_RESET,
  STATUS_CHANGED,
} from '../../queue/contracts.js';
import { sendAccountEmail } from '../../services/account-links.js';
import { startPasswordReset } from '../../services/accounts.js';
import { enqueue } from '../../queue/queue.js';
import type { Services } from '../../services/context.js';
import { followersOf } from '../../services/follows.js';
import { emailNotification, queueDueDigests, sendDigest } from '../../services/member-email.js';
import { handle } from '../worker.js';

/**
 * The recipient (`people.recipient`) has `feature_feedback` consent and no restriction of processing.
 * Read when the job runs, so a withdrawal also stops notifications queued before it.
 */
export const consentsToFeedback = sql`exists (select 1 from ${users} where ${users.id} = people.recipient and ${users.featureFeedbackConsent})`;

export interface Announcement {
  requestId: string;
  kind: string;
  /** The event: (recipient, sourceId) is unique, so a re-run inserts nothing twice. */
  sourceId: string;
  details: Record<string, unknown>;
  /** A query of one column, `recipient`: who is told. */
  people: SQL;
  /** Who caused it: never told about their own action. */
  actorId: string | null;
}

/**
 * Inserts one notification per consenting recipient (hidden from the inbox for those who turned it
 * off; nobody at all for those who turned both channels off) and queues the email of each member who
 * wants email at once.
 */
export async function announce(s: Services, a: Announcement): Promise<void> {
  const at = timestamptz(s.now());
  await s.db.transaction(async (tx) => {
    const inserted = rows<{ id: string }>(
      await tx.execute(sql`
        with inserted as (
          insert into notifications (user_id, request_id, kind, source_id, details, in_app, created_at)
          select people.recipient, ${a.requestId}::uuid, ${a.kind}, ${a.sourceId}, ${JSON.stringify(a.details)}::jsonb, coalesce(pref.in_app, true), ${at}
          from (${a.people}) people
          left join notification_preferences pref on pref.user_id = people.recipient
          where people.recipient is not null and people.recipient is distinct from ${a.actorId}::uuid and ${consentsToFeedback}
            and (coalesce(pref.in_app, true) or coalesce(pref.email, 'instant') <> 'off')
          on conflict (user_id, source_id) do nothing
          returning id, user_id
        )
        select inserted.id from inserted
        left join notification_preferences pref on pref.user_id = inserted.user_id
        where coalesce(pref.email, 'instant') = 'instant'`),
    );
    if (!s.config.smtpUrl) return;
    for (const { id } of inserted) await enqueue(tx, jobSpec(EMAIL_NOTIFICATION, { notificationId: id }), s.now());
  });
}

export const notifyStatusChanged = handle(STATUS_CHANGED, async (job, s) => {
  const { historyId } = job.payload;
  const [change] = await s.db.select().from(statusHistory).where(eq(statusHistory.id, historyId)).limit(1);
  if (!change) return; // the request was deleted since: nobody left to tell
  await announce(s, {
    requestId: change.requestId,
    kind: STATUS_CHANGED.type,
    sourceId: `status:${change.id}`,
    details: { from: change.fromStatus, to: change.toStatus, justification: change.justification },
    people: followersOf(change.requestId),
    actorId: change.changedBy,
  });
});

export const notifyCommentPosted = handle(COMMENT_POSTED, async (job, s) => {
  const [comment] = await s.db
    .select({ id: comments.id, requestId: comments.requestId, authorId: comments.authorId, deletedAt: comments.deletedAt, hiddenAt: comments.hiddenAt })
    .from(comments)
    .where(eq(comments.id, job.payload.commentId));
  // Gone since, withdrawn by its author or hidden by the product team: nothing to tell anyone about.
  if (!comment || comment.deletedAt || comment.hiddenAt) return;
  await announce(s, {
    requestId: comment.requestId,
    kind: COMMENT_POSTED.type,
    sourceId: `comment:${comment.id}`,
    details: {},
    // A reply in a followed discussion; its author is never told of their own comment (actorId).
    people: followersOf(comment.requestId),
    actorId: comment.authorId,
  });
});

export const sendAccountEmailJob = handle(SEND_ACCOUNT_EMAIL, async (job, s) => {
  await sendAccountEmail(s, job.payload.linkId, job.payload.kind);
});

export const startPasswordResetJob = handle(START_PASSWORD_RESET, async (job, s) => {
  await startPasswordReset(s, job.payload.emailIndex, job.payload.requestId);
});

export const emailNotificationJob = handle(EMAIL_NOTIFICATION, async (job, s) => {
  await emailNotification(s, job.payload.notificationId);
});

export const queueNotificationDigests = handle(QUEUE_NOTIFICATION_DIGESTS, async (_job, s) => {
  await queueDueDigests(s);
});

export const sendNotificationDigest = handle(SEND_NOTIFICATION_DIGEST, async (job, s) => {
  await sendDigest(s, job.payload.userId);
});
