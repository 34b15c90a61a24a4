// maintenance: tells the CDN (CDN_PURGE_URL) to drop the responses under the purged tags. Idempotent;
// a failure is logged by the worker and retried with back-off, and dead-lettered jobs are counted.
import { PURGE_CDN } from '../../queue/contracts.js';
import { callCdnPurgeHook } from '../../services/response-cache.js';
import { handle } from '../worker.js';

export const purgeCdn = handle(PURGE_CDN, async (job, s) => callCdnPurgeHook(s.config, job.payload.tags));
