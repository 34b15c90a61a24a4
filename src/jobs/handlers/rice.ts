// analytics_processing: brings a request's predicted RICE factors up to date after a vote, status
// change, edit or merge. Idempotent (it recomputes from the current state), and it absorbs the
// other pending recomputes of the same request: each was enqueued in the transaction of a change
// that is therefore committed and visible to this run, so one recompute covers them all.
import { BOARD_TAGS } from '../../domain/response-cache.js';
import { RECOMPUTE_RICE } from '../../queue/contracts.js';
import { absorbPending } from '../../queue/queue.js';
import { purgeResponseCache } from '../../services/response-cache.js';
import { recomputeRice } from '../../services/rice.js';
import { handle } from '../worker.js';

export const recomputeRiceJob = handle(RECOMPUTE_RICE, async (job, s) => {
  const { requestId } = job.payload;
  const now = s.now();
  await absorbPending(s.db, job, 'requestId', requestId, now);
  if (await recomputeRice(s.db, [requestId], now)) purgeResponseCache(s, BOARD_TAGS);
});
