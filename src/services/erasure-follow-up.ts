// What makes an erasure final (docs/decisions/0029-member-kek-outside-the-database.md). The erasure
// itself nulls the member's sealed columns and their wrapped personal key in one transaction, and
// enqueues FINISH_ERASURES in it, naming the KEK version that wrapped the key. That job then
//   1. rotates the member key-encryption key (KEK) unless that version is superseded already: a new
//      version, every live personal key re-wrapped under it — the erased member's key, still present
//      in dead rows, the WAL and backups, stays wrapped under the old version only;
//   2. rewrites the tables that held the member's sealed values (VACUUM FULL), so no dead row version
//      is left in the data files;
//   3. destroys superseded KEK versions once no kept backup can need them (older than
//      BACKUP_RETENTION_DAYS): from then on the old copies are ciphertext nobody can open.
// The daily key-rotation job runs 3 too (with the sweep), so destruction happens without new erasures.
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { runMaintenance } from '../db/client.js';
import { users } from '../db/schema.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';

const DAY_MS = 86_400_000;
const DEFAULT_BATCH = 200;

/**
 * Re-wraps every live personal key not yet under the newest KEK version (including keys still
 * wrapped by a data key from before migration 0022), in small transactions while the service runs.
 */
export async function sweepMemberKeys(s: Services, options: { batchSize?: number } = {}): Promise<number> {
  if (!s.keyring.sealing) return 0;
  const version = await s.keyring.currentMemberKeyVersion();
  let rewrapped = 0;
  for (;;) {
    const moved = await s.db.transaction(async (tx) => {
      const batch = await tx
        .select({ id: users.id, dataKey: users.dataKey })
        .from(users)
        .where(and(isNotNull(users.dataKey), isNotNull(users.keyVersion), or(isNull(users.memberKeyVersion), lt(users.memberKeyVersion, version))))
        .limit(options.batchSize ?? DEFAULT_BATCH)
        .for('update', { skipLocked: true });
      for (const row of batch) {
        await tx
          .update(users)
          .set(await s.keyring.rewrapUserKey(row.dataKey!, row.id))
          .where(eq(users.id, row.id));
      }
      return batch.length;
    });
    if (moved === 0) return rewrapped;
    rewrapped += moved;
  }
}

/** A new KEK version, then the sweep onto it; audited (versions and counts only). */
export async function rotateMemberKeys(s: Services, trigger: 'erasure' | 'cli'): Promise<{ from: number; to: number; rewrapped: number }> {
  const from = await s.keyring.currentMemberKeyVersion();
  const to = await s.keyring.memberKeys.addVersion(s.now());
  const rewrapped = await sweepMemberKeys(s);
  await recordAudit(
    s,
    s.db,
    { actor: null },
    { action: 'member_key_rotated', targetType: 'member_key', targetId: String(to), details: { from, to, trigger, rewrapped } },
  );
  return { from, to, rewrapped };
}

/**
 * Destroys each superseded KEK version whose successor is older than the backup retention window
 * (every backup taken while it was current has been pruned) and under which no live key is left.
 */
export async function destroyExpiredMemberKeys(s: Services): Promise<number[]> {
  await s.keyring.memberKeys.reload();
  const versions = s.keyring.memberKeys.versions();
  const cutoff = s.now().getTime() - s.config.backupRetentionDays * DAY_MS;
  const destroyed: number[] = [];
  for (const [i, { version }] of versions.entries()) {
    const successor = versions[i + 1];
    if (!successor || successor.createdAt.getTime() > cutoff) continue;
    const [live] = await s.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.memberKeyVersion, version));
    if ((live?.n ?? 0) > 0) continue;
    await s.keyring.memberKeys.destroy(version);
    await recordAudit(
      s,
      s.db,
      { actor: null },
      {
        action: 'member_key_destroyed',
        targetType: 'member_key',
        targetId: String(version),
        details: { version, superseded_at: successor.createdAt.toISOString() },
      },
    );
    destroyed.push(version);
  }
  return destroyed;
}

/**
 * Rewrites the tables that held an erased member's sealed values or notifications into new data
 * files, so their dead row versions are gone from disk (plain VACUUM frees the space but may leave
 * the bytes in the page; PostgreSQL truncates the old files at commit). It holds an exclusive lock
 * on each table while it copies it. The WAL and backups are not covered: the KEK destruction is.
 */
export async function vacuumErasedRows(s: Services): Promise<void> {
  await runMaintenance(s.db, s.config.databaseUrl, 'vacuum full users, feature_requests, notifications');
}

export interface ErasureFollowUp {
  rotated: { from: number; to: number; rewrapped: number } | null;
  destroyed: number[];
}

/**
 * The FINISH_ERASURES job. `wrappedUnder`: the KEK version that wrapped the erased key when the
 * erasure locked the row (0: a data key, before migration 0022) — no copy of it is wrapped under a
 * later one, so once the current version is newer there is nothing to rotate.
 */
export async function finishErasures(s: Services, wrappedUnder: number): Promise<ErasureFollowUp> {
  await s.keyring.memberKeys.reload();
  const rotated = (await s.keyring.currentMemberKeyVersion()) <= wrappedUnder ? await rotateMemberKeys(s, 'erasure') : null;
  // After the rotation: its re-wraps left dead versions of every users row too.
  await vacuumErasedRows(s);
  return { rotated, destroyed: await destroyExpiredMemberKeys(s) };
}
