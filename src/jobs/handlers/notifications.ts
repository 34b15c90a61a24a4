// notification_sending: tells the people who care about a request — its author and its voters —
// that it changed. Idempotent: one notification per person per source event, however often the
// job runs. Only people who consent to being contacted about their requests are told.
import { eq, sql } from 'drizzle-orm';
import { statusHistory, users } from '../../db/schema.js';
import { STATUS_CHANGED } from '../../queue/contracts.js';
import { handle } from '../worker.js';

/**
 * The recipient (`people.recipient`) has `feature_feedback` consent and no restriction of processing.
 * Read when the job runs, so a withdrawal also stops notifications queued before it.
 */
export const consentsToFeedback = sql`exists (select 1 from ${users} where ${users.id} = people.recipient and ${users.featureFeedbackConsent})`;

export const notifyStatusChanged = handle(STATUS_CHANGED, async (job, s) => {
  const { historyId } = job.payload;
  const [change] = await s.db.select().from(statusHistory).where(eq(statusHistory.id, historyId)).limit(1);
  if (!change) return; // the request was deleted since: nobody left to tell
  const details = { from: change.fromStatus, to: change.toStatus, justification: change.justification };
  await s.db.execute(sql`
    insert into notifications (user_id, request_id, kind, source_id, details, created_at)
    select recipient, ${change.requestId}::uuid, ${STATUS_CHANGED.type}, ${`status:${change.id}`}, ${JSON.stringify(details)}::jsonb, ${s.now().toISOString()}::timestamptz
    from (
      select user_id as recipient from votes where request_id = ${change.requestId}::uuid
      union
      select author_id from feature_requests where id = ${change.requestId}::uuid and author_id is not null
    ) people
    where recipient is distinct from ${change.changedBy}::uuid and ${consentsToFeedback}
    on conflict (user_id, source_id) do nothing`);
});
