// verify-backup: restore a set into a scratch database and compare it with its manifest — each
// file's SHA-256 as stored, then every table's row count and checksum after the restore. Embedded
// sets are loaded into a fresh in-memory PGlite; server sets into a scratch database on the same
// server (created and dropped here; the role needs CREATEDB), through pg_restore.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import postgres from 'postgres';
import { fileSha256, openSealedFile } from '../../security/backup-encryption.js';
import { canonicalOutputStatements, tableChecksums, type RunQuery, type TableChecksum } from './checksums.js';
import { libpqConnection, runPostgresProgram } from './snapshots.js';
import type { BackupSet, ManifestFile } from './sets.js';

export interface TableComparison {
  table: string;
  expectedRows: number;
  restoredRows: number | null;
  ok: boolean;
}

export interface VerifyReport {
  id: string;
  ok: boolean;
  /** One line per mismatch, naming the file or table. */
  problems: string[];
  tables: TableComparison[];
}

async function checkFiles(set: BackupSet): Promise<string[]> {
  const problems: string[] = [];
  for (const file of set.manifest.files) {
    const actual = await fileSha256(path.join(set.dir, file.name)).catch((err: NodeJS.ErrnoException) => `unreadable (${err.code ?? err.message})`);
    if (actual !== file.sha256)
      problems.push(
        `file ${file.name}: sha256 ${actual.startsWith('unreadable') ? actual : `${actual.slice(0, 16)}… differs from the manifest's ${file.sha256.slice(0, 16)}…`}`,
      );
  }
  return problems;
}

async function plaintext(set: BackupSet, file: ManifestFile, key: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openSealedFile(path.join(set.dir, file.name), key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function measuredRestore(query: RunQuery): Promise<TableChecksum[]> {
  for (const statement of canonicalOutputStatements('session')) await query(statement);
  return tableChecksums(query);
}

/**
 * An embedded set restored into a fresh in-memory PGlite (the caller closes it). A restore to disk
 * passes `dataDir`: PGlite refuses one that already holds a database.
 */
export async function loadEmbeddedSet(set: BackupSet, key: Buffer, dataDir?: string): Promise<PGlite> {
  const file = set.manifest.files.find((f) => f.contains === 'pglite_data_dir');
  if (!file) throw new Error('the manifest lists no PGlite data directory');
  return PGlite.create({ dataDir, loadDataDir: new Blob([await plaintext(set, file, key)]), extensions: { vector } });
}

async function restoreEmbedded(set: BackupSet, key: Buffer): Promise<TableChecksum[]> {
  const scratch = await loadEmbeddedSet(set, key);
  try {
    return await measuredRestore(async <T>(text: string) => (await scratch.query<T>(text)).rows);
  } finally {
    await scratch.close();
  }
}

/** The URL of another database on the same server (multi-host URLs included). */
function withDatabaseName(url: string, name: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${name}`);
}

async function restoreServer(set: BackupSet, key: Buffer, databaseUrl: string): Promise<TableChecksum[]> {
  const file = set.manifest.files.find((f) => f.contains === 'pg_dump_custom');
  if (!file) throw new Error('the manifest lists no pg_dump archive');
  const name = `wsfr_verify_${randomBytes(6).toString('hex')}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  try {
    const scratchUrl = withDatabaseName(databaseUrl, name);
    const connection = libpqConnection(scratchUrl);
    await runPostgresProgram('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--no-password', `--dbname=${connection.url}`], connection, {
      stdin: await openSealedFile(path.join(set.dir, file.name), key),
    });
    const scratch = postgres(scratchUrl, { max: 1, onnotice: () => {} });
    try {
      return await measuredRestore(async <T>(text: string) => (await scratch.unsafe(text)) as unknown as T[]);
    } finally {
      await scratch.end({ timeout: 5 });
    }
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}

export function compareTables(expected: readonly TableChecksum[], restored: readonly TableChecksum[]): { tables: TableComparison[]; problems: string[] } {
  const problems: string[] = [];
  const found = new Map(restored.map((t) => [t.table, t]));
  const tables = expected.map((e) => {
    const r = found.get(e.table);
    if (!r) problems.push(`table ${e.table}: missing after the restore`);
    else if (r.rows !== e.rows) problems.push(`table ${e.table}: ${r.rows} rows restored, the manifest says ${e.rows}`);
    else if (r.checksum !== e.checksum) problems.push(`table ${e.table}: checksum ${r.checksum} differs from the manifest's ${e.checksum}`);
    return { table: e.table, expectedRows: e.rows, restoredRows: r?.rows ?? null, ok: !!r && r.rows === e.rows && r.checksum === e.checksum };
  });
  const listed = new Set(expected.map((e) => e.table));
  for (const r of restored) if (!listed.has(r.table)) problems.push(`table ${r.table}: restored but not in the manifest`);
  return { tables, problems };
}

/** Checks one set; never throws for a bad set (the report says what is wrong). */
export async function verifySet(set: BackupSet, key: Buffer, databaseUrl: string | undefined): Promise<VerifyReport> {
  const fileProblems = await checkFiles(set);
  const empty = set.manifest.tables.map((t) => ({ table: t.table, expectedRows: t.rows, restoredRows: null, ok: false }));
  if (fileProblems.length > 0) return { id: set.id, ok: false, problems: fileProblems, tables: empty };
  let restored: TableChecksum[];
  try {
    if (set.manifest.mode === 'embedded') restored = await restoreEmbedded(set, key);
    else if (databaseUrl) restored = await restoreServer(set, key, databaseUrl);
    else return { id: set.id, ok: false, problems: ['a server backup is restored on a PostgreSQL server: set DATABASE_URL'], tables: empty };
  } catch (err) {
    return { id: set.id, ok: false, problems: [`restore failed: ${err instanceof Error ? err.message : String(err)}`], tables: empty };
  }
  const { tables, problems } = compareTables(set.manifest.tables, restored);
  return { id: set.id, ok: problems.length === 0, problems, tables };
}
