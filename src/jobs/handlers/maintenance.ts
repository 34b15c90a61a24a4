// Scheduled housekeeping: expired sessions and old finished jobs are deleted so the tables that
// every request touches stay small. Dead-lettered jobs are kept for operators.
import { lt } from 'drizzle-orm';
import { sessions } from '../../db/schema.js';
import { PURGE_EXPIRED_SESSIONS, PURGE_FINISHED_JOBS } from '../../queue/contracts.js';
import { purgeSucceededJobs } from '../../queue/queue.js';
import { handle } from '../worker.js';

export const FINISHED_JOB_RETENTION_MS = 7 * 86_400_000;

export const purgeExpiredSessions = handle(PURGE_EXPIRED_SESSIONS, async (_job, s) => {
  await s.db.delete(sessions).where(lt(sessions.expiresAt, s.now()));
});

export const purgeFinishedJobs = handle(PURGE_FINISHED_JOBS, async (_job, s) => {
  await purgeSucceededJobs(s.db, new Date(s.now().getTime() - FINISHED_JOB_RETENTION_MS));
});
