// Server mode: physical base backups, continuous WAL archiving and point-in-time recovery, with
// PostgreSQL's own tools (docs/decisions/0021-point-in-time-recovery.md).
//
//   base backup   pg_basebackup -D - -Ft -X fetch, streamed through sealToFile: one sealed tar
//                 (with the WAL that makes it consistent) and physical.json beside it.
//   WAL archive   PostgreSQL's archive_command runs `archive-wal %p %f`: each segment is sealed into
//                 BACKUP_DIR/wal/<name>.sealed (temp file, fsync, rename; idempotent).
//   restore       the newest base backup finished before the target is unpacked into a new data
//                 directory and recovered by a temporary server whose restore_command runs
//                 `restore-wal %f %p`, up to recovery_target_time, then promoted.
// Nothing is on disk in the clear except the restored data directory itself.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileSha256, keyFingerprint, openSealedFile, sealToFile } from '../../security/backup-encryption.js';
import { giveToServerUser, localUrl, postgresTool, startServer, stopServer, tail, withConnection, type LocalServer } from './physical-cluster.js';

export const BASE_BACKUP_DESCRIPTOR = 'physical.json';
const BASE_TAR = 'base.tar.sealed';
const SEALED = '.sealed';

/** Where archived WAL lives inside a backup directory. */
export function walArchiveDir(backupDir: string): string {
  return path.join(backupDir, 'wal');
}

export interface BaseBackupFile {
  name: string;
  bytes: number;
  /** SHA-256 of the sealed file as stored. */
  sha256: string;
}

export interface BaseBackup {
  files: BaseBackupFile[];
  startLsn: string;
  endLsn: string;
  timeline: number;
  /** ISO timestamps; a restore to a moment uses only backups finished before it. */
  startedAt: string;
  finishedAt: string;
  keyFingerprint: string;
}

export class PhysicalBackupError extends Error {
  override name = 'PhysicalBackupError';
}

async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `text` to `file` through a temporary file, fsync and rename: readers see all or nothing. */
async function writeDurably(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text, { mode: 0o600 });
  await fsyncPath(temp);
  await rename(temp, file);
  await fsyncPath(path.dirname(file));
}

/**
 * A base backup of the server at `databaseUrl` (a replication connection: pg_hba needs a
 * `host replication` line for the backup user) into `targetDir`, sealed as it streams.
 * `--checkpoint=fast` so it starts at once rather than after a spread checkpoint.
 */
export async function takeBaseBackup({ databaseUrl, targetDir, key }: { databaseUrl: string; targetDir: string; key: Buffer }): Promise<BaseBackup> {
  await mkdir(targetDir, { recursive: true, mode: 0o700 });
  const startedAt = new Date().toISOString();
  const target = path.join(targetDir, BASE_TAR);
  const child = spawn(
    postgresTool('pg_basebackup'),
    ['-d', databaseUrl, '-D', '-', '-Ft', '-X', 'fetch', '--checkpoint=fast', '-v', '--label', `wsfr ${startedAt}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  let sealed: { sha256: string; bytes: number };
  try {
    sealed = await sealToFile(child.stdout, target, key);
    const code = await exited;
    if (code !== 0) throw new PhysicalBackupError(`pg_basebackup exited ${code}: ${stderr.trim()}`);
    await fsyncPath(target);
  } catch (err) {
    child.kill();
    await rm(target, { force: true });
    throw err;
  }
  const start = /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/.exec(stderr);
  const end = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr);
  if (!start || !end) throw new PhysicalBackupError(`pg_basebackup did not report its WAL range: ${stderr.trim()}`);
  const backup: BaseBackup = {
    files: [{ name: BASE_TAR, ...sealed }],
    startLsn: start[1]!,
    endLsn: end[1]!,
    timeline: Number(start[2]),
    startedAt,
    finishedAt: new Date().toISOString(),
    keyFingerprint: keyFingerprint(key),
  };
  await writeDurably(path.join(targetDir, BASE_BACKUP_DESCRIPTOR), `${JSON.stringify(backup, null, 2)}\n`);
  return backup;
}

// PostgreSQL's WAL file names: segments, their .partial and .backup companions, timeline histories.
const WAL_NAME = /^([0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?|[0-9A-F]{8}\.history)$/;

function archivedPath(archiveDir: string, walName: string): string {
  if (!WAL_NAME.test(walName)) throw new PhysicalBackupError(`not a WAL file name: ${JSON.stringify(walName)}`);
  return path.join(archiveDir, walName + SEALED);
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(stream, hash);
  return hash.digest('hex');
}

/**
 * PostgreSQL's archive_command: seals the segment at `sourcePath` into the archive. Idempotent, as
 * PostgreSQL requires: archiving a segment again (after a crash between our rename and its
 * bookkeeping) succeeds when the archived copy holds the same bytes, and fails when it differs.
 */
export async function archiveWalSegment({
  sourcePath,
  walName,
  archiveDir,
  key,
}: {
  sourcePath: string;
  walName: string;
  archiveDir: string;
  key: Buffer;
}): Promise<'archived' | 'already archived'> {
  const target = archivedPath(archiveDir, walName);
  if (existsSync(target)) {
    const [archived, source] = await Promise.all([sha256Of(await openSealedFile(target, key)), sha256Of(createReadStream(sourcePath))]);
    if (archived === source) return 'already archived';
    throw new PhysicalBackupError(`${walName} is already archived with different contents (${target}); refusing to overwrite it`);
  }
  await mkdir(archiveDir, { recursive: true, mode: 0o700 });
  const temp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await sealToFile(createReadStream(sourcePath), temp, key);
    await fsyncPath(temp);
    await rename(temp, target);
    await fsyncPath(archiveDir);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return 'archived';
}

/**
 * PostgreSQL's restore_command: opens the sealed `walName` from the archive into `targetPath`.
 * False when the archive has no such file (PostgreSQL asks for files that may not exist, such as
 * the next timeline's history, and reads a non-zero exit as "not there").
 */
export async function restoreWalSegment({
  walName,
  targetPath,
  archiveDir,
  key,
}: {
  walName: string;
  targetPath: string;
  archiveDir: string;
  key: Buffer;
}): Promise<boolean> {
  const source = archivedPath(archiveDir, walName);
  if (!existsSync(source)) return false;
  const temp = `${targetPath}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await pipeline(await openSealedFile(source, key), (await open(temp, 'w', 0o600)).createWriteStream());
    await rename(temp, targetPath);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return true;
}

/** Every base backup under `backupDir` (its own folder or one level of backup sets below it), oldest first. */
export async function listBaseBackups(backupDir: string): Promise<(BaseBackup & { dir: string })[]> {
  const found: (BaseBackup & { dir: string })[] = [];
  const visit = async (dir: string, depth: number) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name === BASE_BACKUP_DESCRIPTOR) {
        found.push({ ...(JSON.parse(await readFile(path.join(dir, entry.name), 'utf8')) as BaseBackup), dir });
      } else if (entry.isDirectory() && depth < 2 && entry.name !== 'wal') {
        await visit(path.join(dir, entry.name), depth + 1);
      }
    }
  };
  await visit(backupDir, 0);
  return found.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}

/** recovery_target_time refuses ISO 8601's "T…Z" form: "2026-06-13 18:30:00.123+00". */
const postgresTimestamp = (time: Date) => time.toISOString().replace('T', ' ').replace('Z', '+00');

/** Single-quoted for postgresql.conf. */
const confString = (value: string) => `'${value.replaceAll("'", "''")}'`;
const SHELL_SAFE = /^[A-Za-z0-9_./:=@%+-]+$/;

/**
 * The shell command PostgreSQL runs for one WAL file: `cli` starts src/wal-command.ts (node, its
 * loader if any, and the script, absolute paths), `verb` is archive-wal or restore-wal. The archive and the key file are named in the
 * command itself, so it needs nothing from the server's environment.
 */
export function walCommand({
  cli,
  verb,
  backupDir,
  keyFile,
}: {
  cli: string[];
  verb: 'archive-wal' | 'restore-wal';
  backupDir: string;
  keyFile: string;
}): string {
  const words = [`BACKUP_DIR=${backupDir}`, `BACKUP_ENCRYPTION_KEY_FILE=${keyFile}`, 'LOG_LEVEL=warn', ...cli, verb];
  const unsafe = words.find((w) => !SHELL_SAFE.test(w));
  if (unsafe) throw new PhysicalBackupError(`cannot put ${JSON.stringify(unsafe)} in a WAL command: use paths without spaces or quotes`);
  return `${words.join(' ')} ${verb === 'archive-wal' ? '"%p" "%f"' : '"%f" "%p"'}`;
}

export interface RestoredServer extends LocalServer {
  baseBackup: BaseBackup & { dir: string };
  /** What was asked for ('latest': the end of the archive). */
  targetTime: Date | 'latest';
  /** The commit time of the last transaction replayed (null when none was replayed past the base backup). */
  recoveredTo: Date | null;
  /** Stops the temporary server; the data directory stays, ready to be started as a cluster. */
  stop(): Promise<void>;
}

const RECOVERY_MARK = '# point-in-time restore (restore verb): these lines are removed once recovery has finished';

/**
 * Point-in-time recovery into a new data directory (never an existing one):
 *  1. picks the newest base backup that finished before `targetTime` and checks it was sealed with `key`;
 *  2. checks its SHA-256 and unpacks it into `dataDir` (a failed authentication of the sealed tar
 *     deletes what was unpacked);
 *  3. sets restore_command (`restore-wal`), recovery_target_time, recovery_target_action = 'promote'
 *     and recovery.signal;
 *  4. starts a temporary server on 127.0.0.1:`port` with archiving off (a restore never writes into
 *     the archive it reads) and only the postgres user admitted, from loopback; waits for promotion;
 *  5. removes the recovery settings and keeps archive_mode = off in postgresql.auto.conf.
 * Returns the running server: the caller re-applies erasures and checks the data, then `stop()`s it.
 */
export async function restoreToTime({
  backupDir,
  key,
  targetTime,
  dataDir,
  port,
  cli,
}: {
  backupDir: string;
  key: Buffer;
  targetTime: Date | 'latest';
  dataDir: string;
  port: number;
  /** How wal-command is started, for restore_command (see walCommand). */
  cli: string[];
}): Promise<RestoredServer> {
  const backups = await listBaseBackups(backupDir);
  const eligible = targetTime === 'latest' ? backups : backups.filter((b) => new Date(b.finishedAt) <= targetTime);
  const baseBackup = eligible.at(-1);
  if (!baseBackup) {
    const first = backups[0]?.finishedAt;
    throw new PhysicalBackupError(
      targetTime === 'latest' || !first
        ? `no base backup in ${backupDir}`
        : `no base backup finished before ${targetTime.toISOString()} (the oldest finished at ${first})`,
    );
  }
  if (baseBackup.keyFingerprint !== keyFingerprint(key)) {
    throw new PhysicalBackupError(
      `base backup ${baseBackup.dir} was sealed with key ${baseBackup.keyFingerprint}, not the configured backup key ${keyFingerprint(key)}`,
    );
  }
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new PhysicalBackupError(`${dataDir} exists and is not empty: a restore only writes into a new directory, never over a cluster`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(path.join(tmpdir(), 'wsfr-restore-'));
  const server: LocalServer = { dataDir, port, url: localUrl(port), logFile: path.join(scratch, 'recovery.log') };
  let started = false;
  try {
    for (const file of baseBackup.files) {
      if ((await fileSha256(path.join(baseBackup.dir, file.name))) !== file.sha256) {
        throw new PhysicalBackupError(
          `${path.join(baseBackup.dir, file.name)} does not match the checksum in ${BASE_BACKUP_DESCRIPTOR}: the file was altered or truncated`,
        );
      }
    }
    await unpackSealedTar(path.join(baseBackup.dir, BASE_TAR), dataDir, key);
    const keyFile = path.join(scratch, 'backup.key');
    await writeFile(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
    // Only for the temporary server: the restored cluster keeps its own pg_hba.conf.
    const hbaFile = path.join(scratch, 'pg_hba.conf');
    await writeFile(hbaFile, 'host all postgres 127.0.0.1/32 trust\n', { mode: 0o600 });
    await ensureServerConfig(dataDir);
    const settings = [
      RECOVERY_MARK,
      `restore_command = ${confString(walCommand({ cli, verb: 'restore-wal', backupDir, keyFile }))}`,
      ...(targetTime === 'latest' ? [] : [`recovery_target_time = ${confString(postgresTimestamp(targetTime))}`]),
      `recovery_target_action = 'promote'`,
    ];
    await writeFile(path.join(dataDir, 'postgresql.auto.conf'), `${settings.join('\n')}\n`, { flag: 'a' });
    await writeFile(path.join(dataDir, 'recovery.signal'), '');
    await giveToServerUser(dataDir, scratch);
    await startServer(server, ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `hba_file=${hbaFile}`, '-c', 'archive_mode=off']);
    started = true;
    const recoveredTo = await waitForPromotion(server);
    await withConnection(server.url, async (sql) => {
      for (const name of ['restore_command', 'recovery_target_time', 'recovery_target_action']) await sql.unsafe(`alter system reset ${name}`);
      await sql`alter system set archive_mode = off`;
    });
    return {
      ...server,
      baseBackup,
      targetTime,
      recoveredTo,
      stop: async () => {
        await stopServer(server);
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const log = await tail(server.logFile);
    if (started) await stopServer(server, 'immediate').catch(() => {});
    await rm(scratch, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
    if (log && err instanceof Error) err.message += `\n--- recovery log ---\n${log}`;
    throw err;
  }
}

/** Unpacks a sealed tar; GCM authenticates at the end, so a failure voids everything unpacked. */
async function unpackSealedTar(file: string, dataDir: string, key: Buffer): Promise<void> {
  const tar = spawn('tar', ['-x', '-f', '-', '-C', dataDir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });
  try {
    await pipeline(await openSealedFile(file, key), tar.stdin);
  } catch (err) {
    tar.kill();
    await exited.catch(() => {});
    throw new PhysicalBackupError(`could not unpack ${file}: ${(err as Error).message}${stderr.trim() ? ` (tar: ${stderr.trim()})` : ''}`);
  }
  const code = await exited;
  if (code !== 0) throw new PhysicalBackupError(`could not unpack ${file}: tar: ${stderr.trim()}`);
}

/**
 * A data directory from a Debian-style cluster (configuration in /etc/postgresql) has no
 * postgresql.conf or pg_hba.conf: minimal ones let the restored cluster start on its own.
 */
async function ensureServerConfig(dataDir: string): Promise<void> {
  const conf = path.join(dataDir, 'postgresql.conf');
  if (!existsSync(conf))
    await writeFile(conf, `# written by the restore verb: the backed-up cluster kept its configuration elsewhere\nlisten_addresses = '127.0.0.1'\n`);
  const hba = path.join(dataDir, 'pg_hba.conf');
  if (!existsSync(hba))
    await writeFile(hba, `# written by the restore verb\nlocal all all peer\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n`);
}

/** Waits until recovery has reached its target and the server was promoted; the last replayed commit time. */
async function waitForPromotion(server: LocalServer): Promise<Date | null> {
  for (;;) {
    const state = await withConnection(server.url, async (sql) => {
      const [row] = await sql<
        { recovering: boolean; replayed: Date | null }[]
      >`select pg_is_in_recovery() as recovering, pg_last_xact_replay_timestamp() as replayed`;
      return row!;
    }).catch((err: Error) => err);
    if (!(state instanceof Error) && !state.recovering) return state.replayed;
    if (!existsSync(path.join(server.dataDir, 'postmaster.pid'))) {
      throw new PhysicalBackupError(`the recovering server stopped before reaching its target: ${await tail(server.logFile, 8)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Wedding data first: what the restore checks, in this order, before anything else is looked at. */
export const RESTORE_CHECKS: { what: string; query: string }[] = [
  { what: "couples' accounts", query: `select count(*)::int as n from users where role = 'couple'` },
  {
    what: "couples' requests with wedding context",
    query: `select count(*)::int as n from feature_requests where user_type = 'couple' and wedding_context is not null`,
  },
  { what: 'feature requests', query: 'select count(*)::int as n from feature_requests' },
  { what: 'votes', query: 'select count(*)::int as n from votes' },
  { what: 'comments', query: 'select count(*)::int as n from comments' },
  { what: 'accounts', query: 'select count(*)::int as n from users' },
];

/** Runs RESTORE_CHECKS in order on the restored database; the first that fails stops the check. */
export async function checkRestoredData(url: string): Promise<{ what: string; rows: number }[]> {
  return withConnection(url, async (sql) => {
    const results: { what: string; rows: number }[] = [];
    for (const check of RESTORE_CHECKS) {
      const [row] = await sql.unsafe<{ n: number }[]>(check.query);
      results.push({ what: check.what, rows: row!.n });
    }
    return results;
  });
}
