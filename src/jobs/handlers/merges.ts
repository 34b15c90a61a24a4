// notification_sending: tells the voters (and the author) of a request merged into another where
// their votes went. Idempotent: one notification per person per merge, however often it runs; a
// merge undone before the job ran tells nobody, nor does it tell anyone without feature_feedback consent.
import { eq, sql } from 'drizzle-orm';
import { featureRequests, requestMerges } from '../../db/schema.js';
import { REQUEST_MERGED } from '../../queue/contracts.js';
import { handle } from '../worker.js';
import { consentsToFeedback } from './notifications.js';

export const notifyRequestMerged = handle(REQUEST_MERGED, async (job, s) => {
  const { mergeId } = job.payload;
  const [merge] = await s.db
    .select({ merge: requestMerges, duplicateTitle: featureRequests.title })
    .from(requestMerges)
    .innerJoin(featureRequests, eq(featureRequests.id, requestMerges.duplicateId))
    .where(eq(requestMerges.id, mergeId));
  if (!merge || merge.merge.unmergedAt) return;
  const { id, duplicateId, targetId, justification, mergedBy } = merge.merge;
  const details = { duplicateId, duplicateTitle: merge.duplicateTitle, justification };
  await s.db.execute(sql`
    insert into notifications (user_id, request_id, kind, source_id, details, created_at)
    select recipient, ${targetId}::uuid, ${REQUEST_MERGED.type}, ${`merge:${id}`}, ${JSON.stringify(details)}::jsonb, ${s.now().toISOString()}::timestamptz
    from (
      select user_id as recipient from request_merge_votes where merge_id = ${id}::uuid and kind = 'duplicate'
      union
      select author_id from feature_requests where id = ${duplicateId}::uuid and author_id is not null
    ) people
    where recipient is distinct from ${mergedBy}::uuid and ${consentsToFeedback}
    on conflict (user_id, source_id) do nothing`);
});
