// ai_analysis: pain-point themes for the product team (src/services/pain-point-themes.ts), hourly and
// when someone asks for a refresh. Idempotent: a retried job finds the snapshot it already wrote.
import type { Services } from '../../services/context.js';
import { embeddingModelFor } from '../../services/duplicate-detection.js';
import { GENERATE_PAIN_POINT_THEMES, generatePainPointThemes, queuePainPointThemes } from '../../services/pain-point-themes.js';
import type { Job } from '../queue.js';
import type { JobHandler } from '../worker.js';

export { GENERATE_PAIN_POINT_THEMES, painPointThemesJob } from '../../services/pain-point-themes.js';

/**
 * While requests still wait for their embedding (a first start indexing the demo, the model just
 * back), the next look comes this soon instead of at the next hour.
 */
const FOLLOW_UP_MS = 5 * 60_000;

export const generatePainPointThemesJob: JobHandler = async (job: Job, s: Services) => {
  const requestedBy = typeof job.payload.requestedBy === 'string' ? job.payload.requestedBy : undefined;
  const run = await generatePainPointThemes(s, { jobId: job.id, requestedBy });
  if (run.waiting > 0 && embeddingModelFor(s.config).available()) {
    await queuePainPointThemes(s, { runAt: new Date(s.now().getTime() + FOLLOW_UP_MS), priority: -1 });
  }
};
