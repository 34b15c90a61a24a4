// duplicate_detection: the background check after a request is submitted or edited, and a sweep that
// catches up on requests indexed while the model was down (or never indexed, like imported ones).
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { Services } from '../../services/context.js';
import { embeddingModelFor, indexRequest } from '../../services/duplicate-detection.js';
import { enqueue, type JobSpec } from '../queue.js';
import { PermanentJobError, type JobHandler } from '../worker.js';

export const DETECT_DUPLICATES = 'detect_duplicates';
export const CATCH_UP_DUPLICATE_DETECTION = 'catch_up_duplicate_detection';

/** One live check per request: a burst of edits collapses into one job. */
export function duplicateDetectionJob(requestId: string): JobSpec {
  return { queue: 'duplicate_detection', type: DETECT_DUPLICATES, payload: { requestId }, dedupeKey: `${DETECT_DUPLICATES}:${requestId}` };
}

export const detectDuplicates: JobHandler = async (job, s: Services) => {
  const requestId = job.payload.requestId;
  if (typeof requestId !== 'string') throw new PermanentJobError('payload.requestId missing');
  await indexRequest(s, requestId);
};

const CATCH_UP_BATCH = 500;

export const catchUpDuplicateDetection: JobHandler = async (_job, s: Services) => {
  const model = embeddingModelFor(s.config);
  // While the model is down, requests already indexed lexically wait; unindexed ones still get that.
  const semanticReady = (await model.embed(['wedding'])) !== null;
  const due = rows<{ id: string }>(
    await s.db.execute(sql`
      select f.id from feature_requests f left join request_embeddings e on e.request_id = f.id
      where not f.synthetic and f.merged_into_id is null
        and (e.request_id is null or (${semanticReady} and (e.embedding is null or e.model <> ${model.version})))
      order by f.created_at desc
      limit ${CATCH_UP_BATCH}`),
  );
  for (const { id } of due) await enqueue(s.db, duplicateDetectionJob(id), s.now());
};
