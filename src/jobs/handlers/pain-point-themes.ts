// ai_analysis: pain-point themes for the product team (src/services/pain-point-themes.ts), hourly and
// when someone asks for a refresh. Idempotent: a retried job finds the snapshot it already wrote.
import { GENERATE_PAIN_POINT_THEMES } from '../../queue/contracts.js';
import { generatePainPointThemes, queuePainPointThemes } from '../../services/pain-point-themes.js';
import { handle } from '../worker.js';

/**
 * While requests still wait for their embedding (a first start indexing the demo, the model just
 * back), the next look comes this soon instead of at the next hour.
 */
const FOLLOW_UP_MS = 5 * 60_000;

export const generatePainPointThemesJob = handle(GENERATE_PAIN_POINT_THEMES, async (job, s) => {
  const run = await generatePainPointThemes(s, { jobId: job.id, requestedBy: job.payload.requestedBy });
  if (run.waiting > 0 && s.embeddingModel.available()) {
    await queuePainPointThemes(s, { runAt: new Date(s.now().getTime() + FOLLOW_UP_MS), priority: -1 });
  }
});
