// Backup sets on disk: BACKUP_DIR/<UTC timestamp>-<kind>-<short id>/ with sealed files and a plain
// manifest.json. A set is assembled in a hidden staging directory and renamed into place once its
// manifest is on disk, so a half-written set is never listed; the directory is the truth for listing.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupKind } from '../../domain/backup-schedule.js';
import type { SchemaVersion, TableChecksum } from './checksums.js';

export const MANIFEST_FILE = 'manifest.json';
/** Written beside the manifest by each verification; retention keeps the newest verified full. */
export const VERIFICATION_FILE = 'verification.json';
const STAGING_PREFIX = '.staging-';

export type BackupMode = 'embedded' | 'server';

export interface ManifestFile {
  name: string;
  /** What the sealed file holds: PGlite's data directory (tar.gz), a pg_dump archive, a base backup. */
  contains: 'pglite_data_dir' | 'pg_dump_custom' | 'base_backup';
  bytes: number;
  /** Of the sealed file as stored. */
  sha256: string;
}

export interface BackupManifest {
  format: 1;
  id: string;
  kind: BackupKind;
  mode: BackupMode;
  startedAt: string;
  finishedAt: string;
  appVersion: string;
  schemaVersion: SchemaVersion;
  /** Which key sealed the files (never the key itself). */
  keyFingerprint: string;
  /** Server mode: pg_current_wal_lsn() of the logical snapshot, where point-in-time recovery meets it. */
  walLsn: string | null;
  tables: TableChecksum[];
  files: ManifestFile[];
}

export interface Verification {
  ok: boolean;
  at: string;
  problems: string[];
}

export interface BackupSet {
  id: string;
  dir: string;
  manifest: BackupManifest;
  verification: Verification | null;
}

export const APP_VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `20270115T020000Z-full-3fa9c1`: names sort by time. */
export function newSetId(kind: BackupKind, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${kind}-${randomBytes(3).toString('hex')}`;
}

/** A private staging directory for a set being written. */
export async function stageSet(backupDir: string, id: string): Promise<string> {
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const staging = path.join(backupDir, `${STAGING_PREFIX}${id}`);
  await mkdir(staging, { mode: 0o700 });
  return staging;
}

async function fsyncPath(target: string) {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes the manifest, makes everything durable and moves the set into view. */
export async function publishSet(backupDir: string, staging: string, manifest: BackupManifest): Promise<BackupSet> {
  const manifestPath = path.join(staging, MANIFEST_FILE);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  for (const f of [...manifest.files.map((file) => path.join(staging, file.name)), manifestPath, staging]) await fsyncPath(f);
  const dir = path.join(backupDir, manifest.id);
  await rename(staging, dir);
  await fsyncPath(backupDir);
  return { id: manifest.id, dir, manifest, verification: null };
}

/** Removes a staging directory left by a failed or interrupted backup. */
export async function discardStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
}

/** Staging directories older than a day: leftovers of a process that died mid-backup. */
export async function removeStaleStaging(backupDir: string, now: Date): Promise<void> {
  const entries = await readdir(backupDir).catch(() => [] as string[]);
  for (const name of entries.filter((n) => n.startsWith(STAGING_PREFIX))) {
    const info = await stat(path.join(backupDir, name)).catch(() => null);
    if (info && now.getTime() - info.mtimeMs > 86_400_000) await rm(path.join(backupDir, name), { recursive: true, force: true });
  }
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Every published set, oldest first. */
export async function listSets(backupDir: string): Promise<BackupSet[]> {
  const entries = await readdir(backupDir, { withFileTypes: true }).catch(() => []);
  const sets: BackupSet[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(backupDir, entry.name);
    const manifest = await readJson<BackupManifest>(path.join(dir, MANIFEST_FILE));
    if (!manifest || manifest.id !== entry.name) continue;
    sets.push({ id: entry.name, dir, manifest, verification: await readJson<Verification>(path.join(dir, VERIFICATION_FILE)) });
  }
  return sets.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt) || a.id.localeCompare(b.id));
}

export async function writeVerification(set: BackupSet, verification: Verification): Promise<void> {
  const file = path.join(set.dir, VERIFICATION_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(verification, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
