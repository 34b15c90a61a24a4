// After a restore, every erasure recorded in the ledger since the backup was taken is applied
// again: a member who asked to be forgotten is not brought back by an older backup.
import { erasePersonalData } from '../gdpr.js';
import type { Services } from '../context.js';
import { ServiceError } from '../errors.js';
import { readErasures } from './erasure-ledger.js';

export interface ReappliedErasures {
  reapplied: string[];
  /** Accounts created after the backup: not in the restored database, nothing to erase. */
  absent: string[];
}

/**
 * An erasure stamped shortly before a backup began may have committed after its snapshot; erasing
 * is idempotent, so entries from this long before `since` are applied again too.
 */
export const ERASURE_REAPPLY_MARGIN_MS = 3_600_000;

/** The members whose erasure a restore of data from `since` must apply again (none: nothing to open). */
export async function erasuresSince(backupDir: string, since: Date): Promise<string[]> {
  const from = since.getTime() - ERASURE_REAPPLY_MARGIN_MS;
  return [...new Set((await readErasures(backupDir)).filter((e) => e.erasedAt.getTime() >= from).map((e) => e.userId))];
}

/** `since`: when the restored backup was taken (its manifest's startedAt, or the PITR target). */
export async function reapplyErasures(services: Services, since: Date): Promise<ReappliedErasures> {
  const ids = await erasuresSince(services.config.backupDir, since);
  const result: ReappliedErasures = { reapplied: [], absent: [] };
  for (const userId of ids) {
    try {
      await erasePersonalData(services, { actor: null, via: 'restore' }, userId);
      result.reapplied.push(userId);
    } catch (err) {
      if (err instanceof ServiceError && err.statusCode === 404) result.absent.push(userId);
      else throw err;
    }
  }
  return result;
}
