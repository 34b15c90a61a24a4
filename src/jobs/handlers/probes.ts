// The synthetic probes as scheduled jobs (queue synthetic_probes): one job per probe per interval,
// whatever the number of workers, at priority -2 (they yield to user-facing work and housekeeping).
// A failing probe is not a failing job — the run is recorded and alerts on its own; the job fails
// only when the result cannot be recorded (database down), and is not retried (maxAttempts 1): a
// late probe result says nothing about now, and the next slot runs anyway.
import { isProbeName, PROBE_NAMES, PROBES, purgeSyntheticData, runProbe } from '../../ops/probes.js';
import type { Services } from '../../services/context.js';
import { PermanentJobError, type JobHandler, type Schedule } from '../worker.js';

export const RUN_SYNTHETIC_PROBE = 'run_synthetic_probe';

export const runSyntheticProbe: JobHandler = async (job, s: Services) => {
  const probe = job.payload.probe;
  if (!isProbeName(probe)) throw new PermanentJobError(`unknown synthetic probe ${JSON.stringify(probe)}`);
  await runProbe(s, probe);
  if (probe === 'feature_request_submission') await purgeSyntheticData(s);
};

export const PROBE_SCHEDULES: readonly Schedule[] = PROBE_NAMES.map((probe) => ({
  name: `synthetic_probe_${probe}`,
  everyMs: PROBES[probe].everyMs,
  job: { queue: 'synthetic_probes', type: RUN_SYNTHETIC_PROBE, payload: { probe }, priority: -2, maxAttempts: 1 },
}));
