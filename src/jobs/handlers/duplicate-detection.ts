// duplicate_detection: the background check after a request is submitted or edited, and a sweep that
// catches up on requests indexed while the model was down (or never indexed, like imported ones).
import { sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import { CATCH_UP_DUPLICATE_DETECTION, DETECT_DUPLICATES, jobSpec } from '../../queue/contracts.js';
import { enqueue } from '../../queue/queue.js';
import { indexRequest } from '../../services/duplicate-detection.js';
import { handle } from '../worker.js';

export const detectDuplicates = handle(DETECT_DUPLICATES, async (job, s) => {
  await indexRequest(s, job.payload.requestId);
});

const CATCH_UP_BATCH = 500;

export const catchUpDuplicateDetection = handle(CATCH_UP_DUPLICATE_DETECTION, async (_job, s) => {
  const model = s.embeddingModel;
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
  for (const { id } of due) await enqueue(s.db, jobSpec(DETECT_DUPLICATES, { requestId: id }), s.now());
});
