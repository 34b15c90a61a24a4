// notification_sending: tells the followers of a request merged into another (its voters and author
// among them, unless they unfollowed) where it went. Idempotent: one notification per person per merge, however often it runs; a
// merge undone before the job ran tells nobody, nor does it tell anyone without feature_feedback consent.
import { eq } from 'drizzle-orm';
import { featureRequests, requestMerges } from '../../db/schema.js';
import { REQUEST_MERGED } from '../../queue/contracts.js';
import { followersOf } from '../../services/follows.js';
import { handle } from '../worker.js';
import { announce } from './notifications.js';

export const notifyRequestMerged = handle(REQUEST_MERGED, async (job, s) => {
  const { mergeId } = job.payload;
  const [merge] = await s.db
    .select({ merge: requestMerges, duplicateTitle: featureRequests.title })
    .from(requestMerges)
    .innerJoin(featureRequests, eq(featureRequests.id, requestMerges.duplicateId))
    .where(eq(requestMerges.id, mergeId));
  if (!merge || merge.merge.unmergedAt) return;
  const { id, duplicateId, targetId, justification, mergedBy } = merge.merge;
  await announce(s, {
    requestId: targetId,
    kind: REQUEST_MERGED.type,
    sourceId: `merge:${id}`,
    details: { duplicateId, duplicateTitle: merge.duplicateTitle, justification },
    people: followersOf(duplicateId),
    actorId: mergedBy,
  });
});
