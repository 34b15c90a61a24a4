// After a restore, every erasure recorded in the ledger since the backup was taken is applied
// again: a member who asked to be forgotten is not brought back by an older backup.
import { isNull } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { erasePersonalData } from '../gdpr.js';
import type { Services } from '../context.js';
import { memberHash, readErasures } from './erasure-ledger.js';

export interface ReappliedErasures {
  /** Member ids erased again. */
  reapplied: string[];
  /** Ledger entries (hashes) with no member left to erase: created after the backup, or already erased in it. */
  absent: string[];
}

/**
 * An erasure stamped shortly before a backup began may have committed after its snapshot; erasing
 * is idempotent, so entries from this long before `since` are applied again too.
 */
export const ERASURE_REAPPLY_MARGIN_MS = 3_600_000;

/** The member hashes whose erasure a restore of data from `since` must apply again (none: nothing to open). */
export async function erasuresSince(backupDir: string, since: Date): Promise<string[]> {
  const from = since.getTime() - ERASURE_REAPPLY_MARGIN_MS;
  return [...new Set((await readErasures(backupDir)).filter((e) => e.erasedAt.getTime() >= from).map((e) => e.memberHash))];
}

/** `since`: when the restored backup was taken (its manifest's startedAt, or the PITR target). */
export async function reapplyErasures(services: Services, since: Date): Promise<ReappliedErasures> {
  const hashes = new Set(await erasuresSince(services.config.backupDir, since));
  const result: ReappliedErasures = { reapplied: [], absent: [] };
  if (hashes.size === 0) return result;
  // The ledger names members by hash: the restored members not yet erased are hashed to find them.
  const found = new Set<string>();
  for (const { id } of await services.db.select({ id: users.id }).from(users).where(isNull(users.erasedAt))) {
    const hash = memberHash(id);
    if (!hashes.has(hash)) continue;
    found.add(hash);
    await erasePersonalData(services, { actor: null, via: 'restore' }, id);
    result.reapplied.push(id);
  }
  result.absent = [...hashes].filter((h) => !found.has(h));
  return result;
}
