// analytics_processing: brings a request's predicted RICE factors up to date after a vote, status
// change, edit or merge. Idempotent (it recomputes from the current state), and it absorbs the
// other pending recomputes of the same request: each was enqueued in the transaction of a change
// that is therefore committed and visible to this run, so one recompute covers them all.
import { and, eq, ne, sql } from 'drizzle-orm';
import { jobs } from '../../db/schema.js';
import type { Services } from '../../services/context.js';
import { RECOMPUTE_RICE, recomputeRice } from '../../services/rice.js';
import type { Job } from '../queue.js';
import { PermanentJobError, type JobHandler } from '../worker.js';

export { RECOMPUTE_RICE } from '../../services/rice.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recomputeRiceJob: JobHandler = async (job: Job, s: Services) => {
  const requestId = job.payload.requestId;
  if (typeof requestId !== 'string' || !UUID.test(requestId)) throw new PermanentJobError('payload.requestId missing or not a UUID');
  const now = s.now();
  await s.db
    .update(jobs)
    .set({ state: 'succeeded', finishedAt: now })
    .where(and(eq(jobs.type, RECOMPUTE_RICE), eq(jobs.state, 'pending'), ne(jobs.id, job.id), sql`${jobs.payload}->>'requestId' = ${requestId}`));
  await recomputeRice(s.db, [requestId], now);
};
