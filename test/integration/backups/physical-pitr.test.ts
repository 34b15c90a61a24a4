// Server mode, for real: a throwaway PostgreSQL cluster of our own (initdb on a free loopback port)
// archives its WAL through the `archive-wal` verb; a base backup, more writes, a chosen moment, more
// writes; then `restore --to <moment>` brings back exactly the rows committed before it.
// Skipped (with a message) only when the PostgreSQL server binaries are missing; REQUIRE_HA_TOOLS=1
// (CI) makes that a failure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiveWalSegment,
  listBaseBackups,
  restoreToTime,
  restoreWalSegment,
  takeBaseBackup,
  walArchiveDir,
  walCommand,
  type BaseBackup,
} from '../../../src/services/backups/physical.js';
import { fileSha256 } from '../../../src/security/backup-encryption.js';
import {
  giveToServerUser,
  initCluster,
  postgresBinDir,
  startServer,
  stopServer,
  withConnection,
  type LocalServer,
} from '../../../src/services/backups/physical-cluster.js';
import { openDatabase } from '../../../src/db/client.js';
import { ROOT } from '../../helpers/ops-tools.js';
import { freePort } from '../../helpers/process.js';

const available = postgresBinDir() !== undefined;
const required = process.env.REQUIRE_HA_TOOLS === '1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** This checkout's programs with absolute paths, as PostgreSQL runs its archive_command from the data directory. */
const NODE = [process.execPath, '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
const CLI = [...NODE, path.join(ROOT, 'src/wal-command.ts')];

function runMain(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE[0]!, [...NODE.slice(1), path.join(ROOT, 'src/main.ts'), ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('close', (code) => resolve({ code, output }));
  });
}

if (!available && !required) {
  describe('point-in-time recovery (PostgreSQL server binaries missing)', () => {
    it.skip('needs initdb, pg_ctl and pg_basebackup: apt-get install postgresql (CI sets REQUIRE_HA_TOOLS=1 to make this a failure)', () => {});
  });
}

describe.runIf(available || required)('point-in-time recovery with a real PostgreSQL cluster', () => {
  let work: string;
  let source: LocalServer;
  let backupDir: string;
  const key = randomBytes(32);
  const keyFile = () => path.join(work, 'backup.key');
  const restored: LocalServer[] = [];
  let moment: Date;

  const mark = (n: number) => withConnection(source.url, (sql) => sql`insert into wedding_marks (n) values (${n})`);

  beforeAll(async () => {
    expect(available, 'PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are required when REQUIRE_HA_TOOLS=1').toBe(true);
    work = await mkdtemp(path.join(tmpdir(), 'wsfr-pitr-'));
    backupDir = path.join(work, 'backups');
    await mkdir(backupDir);
    await writeFile(keyFile(), key.toString('base64'), { mode: 0o600 });
    await giveToServerUser(work);
    source = await initCluster(path.join(work, 'source'), await freePort(), {
      archive_mode: 'on',
      archive_command: walCommand({ cli: CLI, verb: 'archive-wal', backupDir, keyFile: keyFile() }),
      archive_timeout: 30,
    });
    await startServer(source);
    // The application's schema, so the restore's check of the wedding data has tables to read.
    const database = await openDatabase({ kind: 'server', url: source.url, poolSize: 2 });
    await database.migrate().finally(() => database.close());
    await withConnection(source.url, (sql) => sql`create table wedding_marks (n int primary key, at timestamptz not null default clock_timestamp())`);
    for (let n = 1; n <= 3; n++) await mark(n);
  });

  afterAll(async () => {
    for (const server of [source, ...restored]) if (server) await stopServer(server, 'immediate').catch(() => {});
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('takes a sealed base backup, archives WAL, and restores exactly the writes committed before the chosen moment', async () => {
    const backup = await takeBaseBackup({ databaseUrl: source.url, targetDir: path.join(backupDir, 'set-1'), key });
    expect(backup.startLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.files).toEqual([expect.objectContaining({ name: 'base.tar.sealed', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect((await listBaseBackups(backupDir)).map((b) => b.startLsn)).toEqual([backup.startLsn]);

    for (let n = 4; n <= 8; n++) await mark(n);
    await sleep(50);
    moment = new Date();
    await sleep(50);
    for (let n = 9; n <= 12; n++) await mark(n);
    // Every write so far reaches the archive: switch to a new segment and wait for the archiver.
    const segment = await withConnection(source.url, async (sql) => (await sql<{ name: string }[]>`select pg_walfile_name(pg_switch_wal()) as name`)[0]!.name);
    for (let waited = 0; !existsSync(path.join(walArchiveDir(backupDir), `${segment}.sealed`)); waited += 200) {
      expect(waited, `segment ${segment} archived within 120 s`).toBeLessThan(120_000);
      await sleep(200);
    }
    const archived = await readdir(walArchiveDir(backupDir));
    expect(archived.every((name) => name.endsWith('.sealed'))).toBe(true);

    const into = path.join(work, 'restored-cli');
    const port = await freePort();
    const result = await runMain(['restore', '--to', moment.toISOString(), '--into', into, '--port', String(port)], {
      BACKUP_DIR: backupDir,
      BACKUP_ENCRYPTION_KEY_FILE: keyFile(),
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/start it: .*pg_ctl -D .*restored-cli/);
    expect(result.output).toContain(`127.0.0.1:${port}/postgres`);
    // Couples' wedding data is checked first.
    expect(result.output).toMatch(/replayed up to .*\n {2}couples' accounts: 0\n {2}couples' requests with wedding context: 0\n/);

    const server: LocalServer = { dataDir: into, port, url: `postgres://postgres@127.0.0.1:${port}/postgres`, logFile: `${into}.log` };
    restored.push(server);
    await startServer(server);
    const rows = await withConnection(server.url, async (sql) => (await sql<{ n: number }[]>`select n from wedding_marks order by n`).map((r) => r.n));
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Promoted, writable, and not archiving into the archive it came from.
    await withConnection(server.url, async (sql) => {
      await sql`insert into wedding_marks (n) values (100)`;
      expect((await sql<{ archive_mode: string }[]>`show archive_mode`)[0]!.archive_mode).toBe('off');
    });
  }, 600_000);

  it('refuses a target before the first base backup and a directory that is not empty', async () => {
    const dataDir = path.join(work, 'never');
    await expect(restoreToTime({ backupDir, key, targetTime: new Date('2020-01-01T00:00:00Z'), dataDir, port: await freePort(), cli: CLI })).rejects.toThrow(
      /no base backup finished before 2020-01-01T00:00:00.000Z/,
    );
    expect(existsSync(dataDir)).toBe(false);
    await expect(restoreToTime({ backupDir, key, targetTime: 'latest', dataDir: source.dataDir, port: await freePort(), cli: CLI })).rejects.toThrow(
      /not empty/,
    );
    await expect(restoreToTime({ backupDir, key: randomBytes(32), targetTime: 'latest', dataDir, port: await freePort(), cli: CLI })).rejects.toThrow(
      /sealed with key [0-9a-f]{16}, not the configured backup key/,
    );
  });

  it('fails, naming the cause, when the moment lies beyond the archive (and removes the half-restored directory)', async () => {
    const dataDir = path.join(work, 'too-late');
    const future = new Date(Date.now() + 3_600_000);
    await expect(restoreToTime({ backupDir, key, targetTime: future, dataDir, port: await freePort(), cli: CLI })).rejects.toThrow(
      /recovery ended before configured recovery target was reached/,
    );
    expect(existsSync(dataDir)).toBe(false);
  }, 300_000);

  it('refuses an altered base backup, by its checksum and by its authentication tag, and leaves no directory behind', async () => {
    const [original] = await listBaseBackups(backupDir);
    const tampered = path.join(backupDir, 'set-tampered');
    await cp(original!.dir, tampered, { recursive: true });
    const sealed = path.join(tampered, 'base.tar.sealed');
    const bytes = await readFile(sealed);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await writeFile(sealed, bytes);
    // Newest, so `latest` picks it.
    const descriptor = JSON.parse(await readFile(path.join(tampered, 'physical.json'), 'utf8')) as BaseBackup;
    await writeFile(path.join(tampered, 'physical.json'), JSON.stringify({ ...descriptor, finishedAt: new Date().toISOString() }));
    const dataDir = path.join(work, 'from-tampered');
    const restore = () => restoreToTime({ backupDir, key, targetTime: 'latest', dataDir, port: 1, cli: CLI });
    await expect(restore()).rejects.toThrow(/does not match the checksum in physical.json/);
    expect(existsSync(dataDir)).toBe(false);
    // Checksum updated by whoever altered it: the GCM tag still refuses it.
    await writeFile(
      path.join(tampered, 'physical.json'),
      JSON.stringify({ ...descriptor, finishedAt: new Date().toISOString(), files: [{ ...descriptor.files[0]!, sha256: await fileSha256(sealed) }] }),
    );
    await expect(restore()).rejects.toThrow(/could not unpack .*(authentication failed|tar:)/);
    expect(existsSync(dataDir)).toBe(false);
    await rm(tampered, { recursive: true });
  }, 300_000);

  it('archives idempotently: the same segment again is fine, different contents are refused; a missing one is "not there"', async () => {
    const archiveDir = walArchiveDir(backupDir);
    const name = (await readdir(archiveDir)).find((f) => /^[0-9A-F]{24}\.sealed$/.test(f))!.replace('.sealed', '');
    const copy = path.join(work, 'segment-copy');
    expect(await restoreWalSegment({ walName: name, targetPath: copy, archiveDir, key })).toBe(true);
    expect(await archiveWalSegment({ sourcePath: copy, walName: name, archiveDir, key })).toBe('already archived');
    const other = path.join(work, 'other-segment');
    await writeFile(other, randomBytes(1024));
    await expect(archiveWalSegment({ sourcePath: other, walName: name, archiveDir, key })).rejects.toThrow(/already archived with different contents/);
    expect(await restoreWalSegment({ walName: 'FFFFFFFF0000000000000001', targetPath: path.join(work, 'absent'), archiveDir, key })).toBe(false);
    await expect(archiveWalSegment({ sourcePath: other, walName: '../escape', archiveDir, key })).rejects.toThrow(/not a WAL file name/);
  });
  it('a full `backup` with BACKUP_BASE_BACKUP=true carries the base backup point-in-time recovery starts from', async () => {
    const before = (await listBaseBackups(backupDir)).length;
    const result = await runMain(['backup', 'full'], {
      BACKUP_DIR: backupDir,
      BACKUP_ENCRYPTION_KEY_FILE: keyFile(),
      BACKUP_BASE_BACKUP: 'true',
      DATABASE_URL: source.url,
      ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
    });
    expect(result.code, result.output).toBe(0);
    const bases = await listBaseBackups(backupDir);
    expect(bases).toHaveLength(before + 1);
    const newest = bases.find((b) => !b.dir.endsWith('set-1'))!;
    const manifest = JSON.parse(await readFile(path.join(newest.dir, 'manifest.json'), 'utf8')) as { files: { contains: string }[] };
    expect(manifest.files.map((f) => f.contains).sort()).toEqual(['base_backup', 'pg_dump_custom']);
  }, 300_000);
});
