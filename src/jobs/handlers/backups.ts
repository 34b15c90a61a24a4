// Every few minutes: ask the backup schedule what is due, take it, verify it, prune old sets
// (src/services/backups). Idempotent: a second run in the same slot finds the slot filled.
import { RUN_BACKUP_SCHEDULE } from '../../queue/contracts.js';
import { runBackupSchedule } from '../../services/backups/index.js';
import { handle, PermanentJobError } from '../worker.js';

/** Often enough that a slot (every 3 hours at the most frequent) starts within minutes of its time. */
export const BACKUP_SCHEDULE_CHECK_MS = 5 * 60_000;

export const runBackupScheduleJob = handle(RUN_BACKUP_SCHEDULE, async (_job, services) => {
  const round = await runBackupSchedule(services);
  // Recorded already (backup_last_verify_success 0); dead-lettered at once so operators see why:
  // taking the same backup again would not change what it restores to.
  if (round.verification && !round.verification.ok) {
    throw new PermanentJobError(`backup ${round.verification.id} failed verification: ${round.verification.problems.join('; ')}`);
  }
});
