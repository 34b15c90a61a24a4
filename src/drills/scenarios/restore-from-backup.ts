// restore-from-backup: point-in-time recovery under a steady write load, the way an operator recovers
// from "data corruption discovered at 14:05": a PostgreSQL cluster of the drill's own (initdb on a free
// loopback port, WAL archived through wal-command.js every ≤ 30 s), the product in cluster mode on it,
// a base backup while suppliers write, a chosen moment T between two acknowledged writes, more writes,
// the cluster lost; then `node dist/main.js restore --to T --into <new dir>`, PostgreSQL started on the
// restored directory on another port, and the API on that. Every write acknowledged before T must be
// back (lost = those missing), no write sent after T may be (the restore went past its target), none
// twice. RTO: from the loss of the cluster until the API on the restored database acknowledges a write.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { takeBaseBackup, walArchiveDir, walCommand } from '../../services/backups/physical.js';
import { giveToServerUser, initCluster, startServer, stopServer, withConnection, type LocalServer } from '../../services/backups/physical-cluster.js';
import { startWriteLoad, summarise } from '../load.js';
import { freePort, spawnApp, type AppProcess } from '../processes.js';
import { startCluster, type ClusterSetup } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

/** The brief asks for WAL at most every 15 minutes and aims for 30 s: the drill runs with the aim. */
const ARCHIVE_TIMEOUT_S = 30;
const DATABASE = 'wedsync';

/** Runs `node dist/main.js restore …` as an operator would; its output goes to the drill's log. */
function runRestoreVerb(ctx: DrillContext, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ctx.root, 'dist', 'main.js'), 'restore', ...args], {
      cwd: ctx.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      for (const line of output.trimEnd().split('\n')) ctx.log(`[restore] ${line}`);
      if (code === 0) resolve(output);
      else reject(new Error(`restore exited ${code}`));
    });
  });
}

/** Waits until the segment holding everything written so far is in the archive. */
async function archiveEverything(server: LocalServer, backupDir: string): Promise<string> {
  const segment = await withConnection(server.url, async (sql) => (await sql<{ name: string }[]>`select pg_walfile_name(pg_switch_wal()) as name`)[0]!.name);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const archived = await withConnection(
      server.url,
      async (sql) => (await sql<{ last: string | null }[]>`select last_archived_wal as last from pg_stat_archiver`)[0]!.last,
    );
    if (archived !== null && archived.slice(0, 24) >= segment) return segment;
    if (Date.now() > deadline) throw new Error(`WAL segment ${segment} was not archived into ${walArchiveDir(backupDir)} within 120 s (last: ${archived})`);
    await sleep(200);
  }
}

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  // PostgreSQL runs as `postgres` when we are root: it must reach its directories inside the work dir.
  await chmod(ctx.workDir, 0o711);
  const pgDir = path.join(ctx.workDir, 'pg');
  await mkdir(pgDir, { mode: 0o700 });
  const backupDir = path.join(pgDir, 'backups');
  const keyFile = path.join(pgDir, 'backup.key');
  const key = randomBytes(32);
  await mkdir(backupDir, { mode: 0o700 });
  await writeFile(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  await giveToServerUser(pgDir);
  const cli = [process.execPath, path.join(ctx.root, 'dist', 'wal-command.js')];

  const servers: LocalServer[] = [];
  const apps: AppProcess[] = [];
  let setup: ClusterSetup | undefined;
  try {
    const source = await initCluster(path.join(pgDir, 'source'), await freePort(), {
      wal_level: 'replica',
      archive_mode: 'on',
      archive_command: walCommand({ cli, verb: 'archive-wal', backupDir, keyFile }),
      archive_timeout: ARCHIVE_TIMEOUT_S,
    });
    servers.push(source);
    await startServer(source);
    await withConnection(source.url, (sql) => sql.unsafe(`create database ${DATABASE}`));
    const databaseUrl = source.url.replace(/\/postgres$/, `/${DATABASE}`);
    ctx.log(`PostgreSQL on 127.0.0.1:${source.port} archiving WAL into ${walArchiveDir(backupDir)} (archive_timeout ${ARCHIVE_TIMEOUT_S} s)`);
    setup = await startCluster(ctx, { databaseUrl, worker: false });

    const load = await startWriteLoad({ urls: setup.urls, log: ctx.log, writers: 2, perSecond: 10 });
    await sleep(ctx.durationMs / 4);
    const backupStarted = Date.now();
    const backup = await takeBaseBackup({ databaseUrl: source.url, targetDir: path.join(backupDir, 'base-1'), key });
    ctx.log(
      `base backup ${backup.startLsn}–${backup.endLsn} (${backup.files[0]!.bytes} bytes sealed) in ${Date.now() - backupStarted} ms, ${load.record.acknowledged.length} writes acknowledged`,
    );
    await sleep(ctx.durationMs / 2);
    // T: a moment between acknowledged writes. A write in flight across it (sent before, acknowledged
    // after) may land on either side, so it is neither counted lost nor "after".
    const moment = new Date();
    ctx.log(`chosen moment T = ${moment.toISOString()} (${load.record.acknowledged.length} writes acknowledged)`);
    await sleep(ctx.durationMs / 4);
    const record = await load.stop();
    const segment = await archiveEverything(source, backupDir);
    ctx.log(`WAL up to ${segment} archived; ${record.acknowledged.length} writes acknowledged in all`);

    // The disaster: the cluster and its API are gone.
    const appEnv = setup.env;
    await setup.stop();
    setup = undefined;
    await stopServer(source, 'immediate');
    const lostAt = Date.now();

    const into = path.join(pgDir, 'restored');
    const port = await freePort();
    await runRestoreVerb(ctx, ['--to', moment.toISOString(), '--into', into, '--port', String(port)], {
      BACKUP_DIR: backupDir,
      BACKUP_ENCRYPTION_KEY_FILE: keyFile,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_MASTER_KEY: appEnv.ENCRYPTION_MASTER_KEY!,
    });
    const restoredMs = Date.now() - lostAt;
    const restored: LocalServer = { dataDir: into, port, url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`, logFile: `${into}.log` };
    servers.push(restored);
    await startServer(restored);
    const api = await spawnApp({ root: ctx.root, verb: 'serve', env: { ...appEnv, DATABASE_URL: restored.url }, label: 'api-restored', log: ctx.log });
    apps.push(api);
    await api.waitReady(120_000);
    const probe = await startWriteLoad({ urls: [api.url!], log: ctx.log, writers: 1, perSecond: 2 });
    while (probe.record.acknowledged.length === 0 && Date.now() - lostAt < 600_000) await sleep(50);
    const firstWrite = probe.record.acknowledged[0];
    await probe.stop(5_000);
    const rtoMs = firstWrite ? firstWrite.acknowledgedAt - lostAt : null;

    const T = moment.getTime();
    const stored = await withConnection(
      restored.url,
      async (sql) =>
        await sql<
          { title: string; copies: number }[]
        >`select title, count(*)::int as copies from feature_requests where title like ${`Drill ${record.run} write %`} group by title`,
    );
    const present = new Map(stored.map((r) => [r.title, r.copies]));
    const before = record.acknowledged.filter((w) => w.acknowledgedAt < T);
    const lost = before.filter((w) => !present.has(w.title));
    const firstSent = new Map<number, number>();
    for (const a of record.attempts) firstSent.set(a.write, Math.min(firstSent.get(a.write) ?? Infinity, a.startedAt));
    const sentAfter = [...firstSent].filter(([, sent]) => sent > T).map(([write]) => write);
    const afterPresent = sentAfter.filter((write) => present.has(`Drill ${record.run} write ${write}`));
    const duplicates = [...present.values()].reduce((sum, n) => sum + n - 1, 0);
    ctx.log(
      `restored: ${before.length - lost.length}/${before.length} writes acknowledged before T present, ${afterPresent.length} of ${sentAfter.length} sent after T present`,
    );

    const summary = summarise(record);
    return {
      rtoMs,
      acknowledgedWrites: before.length,
      lostWrites: lost.length,
      duplicates,
      errorsByStatus: summary.errorsByStatus,
      p95BaselineMs: null,
      p95NormalAfterMs: null,
      rtoTargetMs: 180_000,
      checks: [
        {
          name: 'no write sent after T restored',
          ok: afterPresent.length === 0,
          detail: afterPresent.length ? `writes ${afterPresent.slice(0, 10).join(', ')}` : `none of ${sentAfter.length}`,
        },
        { name: 'writes after T existed (the target was inside the archive)', ok: sentAfter.length > 0, detail: `${sentAfter.length} sent after T` },
        { name: 'no write refused', ok: record.refused.length === 0, detail: record.refused.map((r) => `${r.status} ${r.body}`).join('; ') || 'none' },
      ],
      details: {
        mode: 'cluster',
        fault: 'the PostgreSQL cluster lost after a base backup and WAL archiving; point-in-time restore to T into a new data directory',
        target_time: moment.toISOString(),
        archive_timeout_s: ARCHIVE_TIMEOUT_S,
        base_backup: { start_lsn: backup.startLsn, end_lsn: backup.endLsn, sealed_bytes: backup.files[0]!.bytes },
        acknowledged_in_all: record.acknowledged.length,
        restore_verb_ms: restoredMs,
        lost_titles: lost.slice(0, 20).map((w) => w.title),
      },
    };
  } finally {
    await setup?.stop().catch(() => undefined);
    for (const app of apps) await app.stop().catch(() => undefined);
    for (const server of servers) await stopServer(server, 'immediate').catch(() => undefined);
  }
}

export const restoreFromBackup: DrillScenario = {
  name: 'restore-from-backup',
  summary:
    'base backup and WAL archiving under steady writes, then point-in-time restore to a chosen moment: every write acknowledged before it back, none sent after it',
  run,
};
