// The two logical copies a backup set holds, each taken with its manifest figures at one instant:
//  - embedded: PGlite's own dump of its data directory (dumpDataDir, a gzipped tarball), never a
//    copy of files in use. The counts and checksums are computed inside a transaction, and PGlite
//    runs one transaction or statement at a time: while that transaction is open nothing else can
//    write, so the dump taken inside it holds exactly the state that was counted.
//  - server: `pg_dump -Fc` at a snapshot exported by the REPEATABLE READ transaction that computed
//    the counts and checksums (pg_export_snapshot + pg_dump --snapshot): the same instant, while
//    the service keeps writing.
// Both are sealed (AES-256-GCM) as they stream to disk.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { sealToFile } from '../../security/backup-encryption.js';
import { canonicalOutputStatements, schemaVersion, tableChecksums, type RunQuery, type SchemaVersion, type TableChecksum } from './checksums.js';
import type { ManifestFile } from './sets.js';

export interface Snapshot {
  tables: TableChecksum[];
  schemaVersion: SchemaVersion;
  files: ManifestFile[];
  walLsn: string | null;
}

export const DATA_DIR_FILE = 'pglite-data-dir.tar.gz.sealed';
export const LOGICAL_DUMP_FILE = 'logical.pgdump.sealed';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
const queryIn =
  (tx: Tx): RunQuery =>
  async <T>(text: string) =>
    rows<T>(await tx.execute(sql.raw(text)));

async function measure(query: RunQuery): Promise<Pick<Snapshot, 'tables' | 'schemaVersion'>> {
  for (const statement of canonicalOutputStatements('local')) await query(statement);
  return { tables: await tableChecksums(query), schemaVersion: await schemaVersion(query) };
}

export async function snapshotEmbedded(db: Database, client: PGlite, staging: string, key: Buffer): Promise<Snapshot> {
  let tarball: Blob | undefined;
  const measured = await db.transaction(
    async (tx) => {
      const figures = await measure(queryIn(tx));
      // dumpDataDir waits only for the statement lock, which is free between this transaction's
      // statements; the transaction lock it does not take keeps every other writer out meanwhile.
      tarball = await client.dumpDataDir('gzip');
      return figures;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const sealed = await sealToFile(Readable.fromWeb(tarball!.stream() as never), path.join(staging, DATA_DIR_FILE), key);
  return { ...measured, walLsn: null, files: [{ name: DATA_DIR_FILE, contains: 'pglite_data_dir', ...sealed }] };
}

/** A PostgreSQL client program: the newest installed under /usr/lib/postgresql, else from PATH. */
export function postgresProgram(name: 'pg_dump' | 'pg_restore'): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const candidate = path.join(root, v, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return name;
}

/**
 * A connection URL split for libpq: the URL without its password (as an argument, visible in
 * process lists) and the password for PGPASSWORD. Works for multi-host URLs, which URL() cannot parse.
 */
export function libpqConnection(url: string): { url: string; env: Record<string, string> } {
  const match = /^(postgres(?:ql)?:\/\/)(?:([^@/]*)@)?(.*)$/.exec(url);
  if (!match) throw new Error('DATABASE_URL is not a postgres:// URL');
  const [, scheme, userinfo, rest] = match;
  if (!userinfo) return { url, env: {} };
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1));
  return { url: `${scheme}${user}@${rest}`, env: password === undefined ? {} : { PGPASSWORD: password } };
}

/** Runs a libpq program, streaming its stdout into `consume`; rejects with its stderr when it fails. */
export async function runPostgresProgram(
  program: 'pg_dump' | 'pg_restore',
  args: string[],
  connection: { env: Record<string, string> },
  io: { stdin?: Readable; consume?: (stdout: Readable) => Promise<unknown> },
): Promise<void> {
  const child = spawn(postgresProgram(program), args, { env: { ...process.env, ...connection.env }, stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  if (io.stdin) {
    // A sealed file that fails authentication stops the program: nothing it restored is kept.
    io.stdin.once('error', (err) => {
      stderr += `\n${err.message}`;
      child.kill('SIGTERM');
    });
    // A program that exits early closes its stdin: its exit code and stderr tell why, not EPIPE.
    child.stdin!.on('error', () => {});
    io.stdin.pipe(child.stdin!);
  }
  const [code] = await Promise.all([exited, io.consume ? io.consume(child.stdout!) : child.stdout!.resume()]);
  if (code !== 0) throw new Error(`${program} exited ${code}: ${stderr.trim()}`);
}

export async function snapshotServer(db: Database, databaseUrl: string, staging: string, key: Buffer): Promise<Snapshot> {
  const connection = libpqConnection(databaseUrl);
  return db.transaction(
    async (tx) => {
      const query = queryIn(tx);
      const [exported] = await query<{ snapshot: string; lsn: string }>(`select pg_export_snapshot() as snapshot, pg_current_wal_lsn()::text as lsn`);
      const figures = await measure(query);
      let sealed: { sha256: string; bytes: number } | undefined;
      // The exporting transaction stays open until pg_dump has finished with its snapshot.
      await runPostgresProgram('pg_dump', ['--format=custom', `--snapshot=${exported!.snapshot}`, '--no-password', `--dbname=${connection.url}`], connection, {
        consume: async (stdout) => (sealed = await sealToFile(stdout, path.join(staging, LOGICAL_DUMP_FILE), key)),
      });
      return { ...figures, walLsn: exported!.lsn, files: [{ name: LOGICAL_DUMP_FILE, contains: 'pg_dump_custom' as const, ...sealed! }] };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
