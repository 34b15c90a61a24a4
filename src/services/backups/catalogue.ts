// The backup catalogue (backup_runs): one row per backup and per verification, read by every
// process's /metrics so they all report the same backup freshness.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { backupRuns } from '../../db/schema.js';

export type BackupRun = typeof backupRuns.$inferInsert;

/** Bounded: the error text of a failed tool can be long, and may carry bytes PostgreSQL refuses. */
export function storableError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // NUL is what the database cannot store.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '').slice(0, 2000);
}

export async function recordRun(db: Database, run: BackupRun): Promise<void> {
  await db.insert(backupRuns).values(run);
}

export interface BackupFigures {
  /** Finish time of the newest successful backup (seconds since the epoch). */
  lastSuccessSeconds: number | null;
  lastSizeBytes: number | null;
  lastDurationSeconds: number | null;
  /** Outcome of the newest verification: 1 matched its manifest, 0 did not. */
  lastVerifyOk: boolean | null;
}

export async function backupFigures(db: Database): Promise<BackupFigures> {
  const [backup] = rows<{ at: number; bytes: number | null; seconds: number }>(
    await db.execute(sql`select extract(epoch from finished_at)::float8 as at, bytes::float8 as bytes,
        extract(epoch from (finished_at - started_at))::float8 as seconds
      from backup_runs where operation = 'backup' and ok order by finished_at desc limit 1`),
  );
  const [verify] = rows<{ ok: boolean }>(await db.execute(sql`select ok from backup_runs where operation = 'verify' order by finished_at desc limit 1`));
  return {
    lastSuccessSeconds: backup?.at ?? null,
    lastSizeBytes: backup?.bytes ?? null,
    lastDurationSeconds: backup?.seconds ?? null,
    lastVerifyOk: verify ? verify.ok : null,
  };
}
