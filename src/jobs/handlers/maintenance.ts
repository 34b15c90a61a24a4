// Scheduled housekeeping: expired sessions and old finished jobs are deleted so the tables that
// every request touches stay small. Dead-lettered jobs are kept for operators.
import { and, eq, lt } from 'drizzle-orm';
import { jobs, sessions } from '../../db/schema.js';
import type { Services } from '../../services/context.js';
import type { JobHandler } from '../worker.js';

export const FINISHED_JOB_RETENTION_MS = 7 * 86_400_000;

export const purgeExpiredSessions: JobHandler = async (_job, s: Services) => {
  await s.db.delete(sessions).where(lt(sessions.expiresAt, s.now()));
};

export const purgeFinishedJobs: JobHandler = async (_job, s: Services) => {
  await s.db.delete(jobs).where(and(eq(jobs.state, 'succeeded'), lt(jobs.finishedAt, new Date(s.now().getTime() - FINISHED_JOB_RETENTION_MS))));
};
