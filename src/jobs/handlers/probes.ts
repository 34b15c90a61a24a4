// The synthetic probes as scheduled jobs (queue synthetic_probes, the worker's health lane): one job
// per probe per interval, whatever the number of workers. A failing probe is not a failing job — the
// run is recorded and alerts on its own; the job fails only when the result cannot be recorded
// (database down), and is not retried (RUN_SYNTHETIC_PROBE's maxAttempts is 1).
import { isProbeName, PROBE_NAMES, PROBES, purgeSyntheticData, runProbe } from '../../services/probes.js';
import { jobSpec, RUN_SYNTHETIC_PROBE } from '../../queue/contracts.js';
import { handle, PermanentJobError, type Schedule } from '../worker.js';

export const runSyntheticProbe = handle(RUN_SYNTHETIC_PROBE, async (job, s) => {
  const { probe } = job.payload;
  if (!isProbeName(probe)) throw new PermanentJobError(`unknown synthetic probe ${JSON.stringify(probe)}`);
  await runProbe(s, probe);
  if (probe === 'feature_request_submission') await purgeSyntheticData(s);
});

export const PROBE_SCHEDULES: readonly Schedule[] = PROBE_NAMES.map((probe) => ({
  name: `synthetic_probe_${probe}`,
  everyMs: PROBES[probe].everyMs,
  job: jobSpec(RUN_SYNTHETIC_PROBE, { probe }),
}));
