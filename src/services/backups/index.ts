// Backups as use cases: take one (embedded or server), verify one, prune by retention, and the
// scheduled round the maintenance job runs (what is due → take → verify → prune). Every outcome is
// recorded in backup_runs for the metrics; the sets in BACKUP_DIR are the truth for listing.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from '../../config.js';
import { embeddedClient } from '../../db/client.js';
import { dueBackup, setsToPrune, type BackupKind } from '../../domain/backup-schedule.js';
import { backupKey, keyFingerprint } from '../../security/backup-encryption.js';
import { masterKeyFile, parseMasterKey } from '../../security/master-key.js';
import type { Services } from '../context.js';
import { recordRun, storableError } from './catalogue.js';
import {
  APP_VERSION,
  discardStaging,
  listSets,
  newSetId,
  publishSet,
  removeStaleStaging,
  stageSet,
  writeVerification,
  type BackupMode,
  type BackupSet,
} from './sets.js';
import { takeBaseBackup } from './physical.js';
import { snapshotEmbedded, snapshotServer } from './snapshots.js';
import { loadEmbeddedSet, verifySet, type VerifyReport } from './verify.js';

export { listSets, type BackupSet } from './sets.js';
export type { VerifyReport } from './verify.js';
export { erasuresSince, reapplyErasures } from './erasures.js';

/**
 * The key that seals backup files: BACKUP_ENCRYPTION_KEY, else derived from the master key
 * (configured, or the embedded mode's DATA_DIR/keys/master.key). Never stored with the backups.
 */
export function resolveBackupKey(config: Config): Buffer {
  if (config.backupEncryptionKey) return config.backupEncryptionKey;
  if (config.encryptionMasterKey) return backupKey(config.encryptionMasterKey);
  const file = masterKeyFile(config.dataDir);
  const master = existsSync(file) ? parseMasterKey(readFileSync(file, 'utf8')) : null;
  if (!master) throw new ConfigError([`BACKUP_ENCRYPTION_KEY: not set, and no master key to derive it from (${file})`]);
  return backupKey(master);
}

function modeOf(services: Services): BackupMode {
  return embeddedClient(services.db) ? 'embedded' : 'server';
}

/** Takes one backup set. Embedded: PGlite's data-directory dump. Server: a logical pg_dump. */
export async function takeBackup(services: Services, kind: BackupKind = 'full'): Promise<BackupSet> {
  const { config, db } = services;
  const key = resolveBackupKey(config);
  const mode = modeOf(services);
  const startedAt = services.now();
  const started = performance.now();
  const id = newSetId(kind, startedAt);
  await removeStaleStaging(config.backupDir, startedAt);
  const staging = await stageSet(config.backupDir, id);
  try {
    const client = embeddedClient(db);
    if (!client && !config.databaseUrl) throw new Error('a server backup needs DATABASE_URL');
    // In embedded mode "incremental" is another full copy: PGlite has no incremental export.
    const snapshot = client ? await snapshotEmbedded(db, client, staging, key) : await snapshotServer(db, config.databaseUrl!, staging, key);
    // With BACKUP_BASE_BACKUP, a server full backup also carries the physical base backup that
    // point-in-time recovery starts from (its physical.json lets `restore --to` find it).
    if (!client && kind === 'full' && config.backupBaseBackup) {
      const base = await takeBaseBackup({ databaseUrl: config.databaseUrl!, targetDir: staging, key });
      snapshot.files.push(...base.files.map((f) => ({ ...f, contains: 'base_backup' as const })));
    }
    const finishedAt = new Date(startedAt.getTime() + (performance.now() - started));
    const set = await publishSet(config.backupDir, staging, {
      format: 1,
      id,
      kind,
      mode,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      appVersion: APP_VERSION,
      schemaVersion: snapshot.schemaVersion,
      keyFingerprint: keyFingerprint(key),
      walLsn: snapshot.walLsn,
      tables: snapshot.tables,
      files: snapshot.files,
    });
    const bytes = snapshot.files.reduce((sum, f) => sum + f.bytes, 0);
    await recordRun(db, { backupId: id, operation: 'backup', kind, mode, ok: true, bytes, startedAt, finishedAt });
    return set;
  } catch (err) {
    await discardStaging(staging);
    await recordRun(db, { backupId: id, operation: 'backup', kind, mode, ok: false, error: storableError(err), startedAt, finishedAt: services.now() }).catch(
      () => {},
    );
    throw err;
  }
}

export class BackupNotFoundError extends Error {
  override name = 'BackupNotFoundError';
}

/** Restores a set (the newest when no id is given) into a scratch database and compares it with its manifest. */
export async function verifyBackup(services: Services, id?: string): Promise<VerifyReport> {
  const sets = await listSets(services.config.backupDir);
  const set = id ? sets.find((s) => s.id === id) : sets.at(-1);
  if (!set) throw new BackupNotFoundError(id ? `no backup set ${id} in ${services.config.backupDir}` : `no backup sets in ${services.config.backupDir}`);
  const startedAt = services.now();
  const started = performance.now();
  const report = await verifySet(set, resolveBackupKey(services.config), services.config.databaseUrl);
  const finishedAt = new Date(startedAt.getTime() + (performance.now() - started));
  await writeVerification(set, { ok: report.ok, at: finishedAt.toISOString(), problems: report.problems });
  await recordRun(services.db, {
    backupId: set.id,
    operation: 'verify',
    kind: set.manifest.kind,
    mode: set.manifest.mode,
    ok: report.ok,
    error: report.ok ? null : storableError(report.problems.join('; ')),
    startedAt,
    finishedAt,
  });
  return report;
}

/** Deletes the sets past BACKUP_RETENTION_DAYS (never the newest verified full); answers their ids. */
export async function pruneBackups(services: Services): Promise<string[]> {
  const sets = await listSets(services.config.backupDir);
  const doomed = setsToPrune(
    sets.map((s) => ({ id: s.id, kind: s.manifest.kind, startedAt: new Date(s.manifest.startedAt), verified: s.verification?.ok === true })),
    services.now(),
    services.config.backupRetentionDays,
  );
  for (const id of doomed) await rm(sets.find((s) => s.id === id)!.dir, { recursive: true, force: true });
  return doomed;
}

export interface BackupRound {
  taken: BackupSet | null;
  verification: VerifyReport | null;
  pruned: string[];
}

/** The scheduled round: the backup the schedule says is due (if any), its verification, then pruning. */
export async function runBackupSchedule(services: Services): Promise<BackupRound> {
  const sets = await listSets(services.config.backupDir);
  const due = dueBackup(
    services.now(),
    sets.map((s) => ({ kind: s.manifest.kind, startedAt: new Date(s.manifest.startedAt) })),
    services.config.seasonRegion,
  );
  const taken = due ? await takeBackup(services, due.kind) : null;
  const verification = taken ? await verifyBackup(services, taken.id) : null;
  return { taken, verification, pruned: await pruneBackups(services) };
}

export interface EmbeddedRestore {
  set: BackupSet;
  dataDir: string;
}

/**
 * Embedded mode's restore: the newest embedded set taken at or before `targetTime` ('latest': the
 * newest) unpacked into a fresh data directory (`<dataDir>/pgdata`), with the master key and the
 * member key-encryption keys beside it so the restored directory is a complete DATA_DIR. PGlite keeps no WAL archive, so the moment
 * restored is the set's own: what was written after it is not there (the RPO is the backup interval).
 */
export async function restoreEmbeddedBackup(config: Config, targetTime: Date | 'latest', dataDir: string): Promise<EmbeddedRestore> {
  const sets = (await listSets(config.backupDir)).filter((s) => s.manifest.mode === 'embedded');
  const set = sets.filter((s) => targetTime === 'latest' || new Date(s.manifest.finishedAt) <= targetTime).at(-1);
  if (!set) {
    throw new BackupNotFoundError(
      `no embedded backup set in ${config.backupDir} ${targetTime === 'latest' ? 'at all' : `finished at or before ${targetTime.toISOString()}`}`,
    );
  }
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0)
    throw new Error(`${dataDir} is not empty: restore into a new directory, never over a live one`);
  const pgdata = path.join(dataDir, 'pgdata');
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  try {
    const restored = await loadEmbeddedSet(set, resolveBackupKey(config), pgdata);
    await restored.close();
    if (!config.encryptionMasterKey) {
      await mkdir(path.dirname(masterKeyFile(dataDir)), { recursive: true, mode: 0o700 });
      await copyFile(masterKeyFile(config.dataDir), masterKeyFile(dataDir));
    }
    // Likewise the member key-encryption keys when they live in DATA_DIR (the default): the
    // restored directory then starts with every version the live one still has.
    const defaultMemberKeyDir = path.join(config.dataDir, 'keys', 'member-kek');
    if (config.memberKeyDir === defaultMemberKeyDir && existsSync(defaultMemberKeyDir)) {
      await cp(defaultMemberKeyDir, path.join(dataDir, 'keys', 'member-kek'), { recursive: true, preserveTimestamps: true });
    }
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return { set, dataDir };
}
