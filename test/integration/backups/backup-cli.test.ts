// The backup verbs as operators run them: real processes, exit codes and printed tables.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';
import { freePort, MAIN } from '../../helpers/process.js';

const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [...MAIN, ...args], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });

describe.each(DATABASE_MODES)('backup and verify-backup verbs (%s)', (mode) => {
  let env: Record<string, string>;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    const backupDir = mkdtempSync(path.join(tmpdir(), 'wsfr-cli-backups-'));
    if (mode === 'pglite') {
      // No keys configured: the backup key is derived from the master key `migrate` generates.
      env = { DATA_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'wsfr-cli-data-')), 'data'), BACKUP_DIR: backupDir };
    } else {
      database = await freshDatabase('postgres', undefined, { migrate: false });
      env = { DATABASE_URL: database.url!, ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'), BACKUP_DIR: backupDir };
    }
    expect(run(['migrate'], env).status).toBe(0);
  }, 200_000);
  afterAll(async () => {
    await database?.close();
  });

  it('verify-backup with no backup says so and exits 1', () => {
    const result = run(['verify-backup'], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no backup sets in /);
  }, 200_000);

  it('backup takes a set; verify-backup restores it, prints the table and exits 0; a tampered file exits 1 naming it', () => {
    const backup = run(['backup'], env);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    const id = /^backup (\S+): (embedded|server) full, (\d+) tables, (\d+) rows/m.exec(backup.stdout)?.[1];
    expect(id).toBeDefined();
    expect(readdirSync(env.BACKUP_DIR!)).toContain(id);

    const verified = run(['verify-backup'], env);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^public\.users\s+\d+\s+\d+\s+ok$/m);
    expect(verified.stdout).toContain(`backup ${id}: VERIFIED`);

    const manifest = JSON.parse(readFileSync(path.join(env.BACKUP_DIR!, id!, 'manifest.json'), 'utf8')) as { files: { name: string }[] };
    const file = path.join(env.BACKUP_DIR!, id!, manifest.files[0]!.name);
    const bytes = readFileSync(file);
    bytes[bytes.length - 20]! ^= 0xff;
    writeFileSync(file, bytes);
    const failed = run(['verify-backup', id!], env);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(`file ${manifest.files[0]!.name}: sha256`);
    expect(failed.stdout).toContain(`backup ${id}: FAILED`);
  }, 400_000);

  it('an unknown backup kind is a usage error', () => {
    expect(run(['backup', 'weekly'], env).status).toBe(64);
  }, 200_000);

  it.runIf(mode === 'pglite')(
    'restore (embedded) brings the newest set at or before the moment into a new DATA_DIR: what was backed up, nothing after',
    () => {
      const account = (name: string) => ({ email: `${name}-${randomBytes(3).toString('hex')}@planner.example`, name });
      const before = account('before');
      const after = account('after');
      const create = (a: { email: string; name: string }) =>
        run(['create-user', a.email, 'product_team', a.name, 'Europe/London'], { ...env, NEW_USER_PASSWORD: 'wedding-planner-pass' });
      expect(create(before).status).toBe(0);
      expect(run(['backup'], env).status).toBe(0);
      expect(create(after).status).toBe(0);

      const into = path.join(mkdtempSync(path.join(tmpdir(), 'wsfr-restored-')), 'data');
      const restored = run(['restore', '--to', 'latest', '--into', into], env);
      expect(restored.status, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/^restored backup set \S+-full-\S+ \(taken [^)]+\) into /m);
      expect(restored.stdout).toContain(`DATA_DIR=${into}`);
      const there = { ...env, DATA_DIR: into };
      expect(run(['gdpr', 'export', before.email], there).status).toBe(0);
      expect(run(['gdpr', 'export', after.email], there).status).not.toBe(0);

      expect(run(['restore', '--to', 'latest', '--into', into], env).stderr).toContain('is not empty');
      const tooEarly = run(['restore', '--to', '2020-01-01T00:00:00Z', '--into', `${into}-2`], env);
      expect(tooEarly.status).not.toBe(0);
      expect(tooEarly.stderr).toContain('no embedded backup set');
    },
    600_000,
  );
});

describe('scheduled backups in the running server (embedded)', () => {
  it('a fresh start takes a full backup at once, verifies it, and /metrics reports both', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wsfr-start-backups-'));
    const port = await freePort();
    // Spawned here rather than with start(): a first start (migrations, demo data, AI model) on a
    // busy machine can take longer than start()'s minute, and the child must be stopped whatever happens.
    const child = spawn(process.execPath, [...MAIN, 'start'], {
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: path.join(root, 'data') },
      stdio: 'ignore',
    });
    try {
      // BACKUP_DIR defaults to a sibling of DATA_DIR.
      const backupDir = path.join(root, 'data-backups');
      const verified = () => (existsSync(backupDir) ? readdirSync(backupDir).filter((id) => existsSync(path.join(backupDir, id, 'verification.json'))) : []);
      const deadline = Date.now() + 360_000;
      while (verified().length === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
      const [id] = verified();
      expect(id).toMatch(/-full-/);
      expect(JSON.parse(readFileSync(path.join(backupDir, id!, 'verification.json'), 'utf8'))).toMatchObject({ ok: true, problems: [] });
      const manifest = JSON.parse(readFileSync(path.join(backupDir, id!, 'manifest.json'), 'utf8')) as { finishedAt: string; files: { bytes: number }[] };
      // The catalogue row follows the files, and metrics refresh every 10 s at most: poll.
      let metrics = '';
      while (!/^backup_last_verify_success 1$/m.test(metrics) && Date.now() < deadline) {
        metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        if (!/^backup_last_verify_success 1$/m.test(metrics)) await new Promise((r) => setTimeout(r, 2000));
      }
      expect(metrics).toMatch(/^backup_last_verify_success 1$/m);
      expect(Number(/^backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1])).toBeCloseTo(new Date(manifest.finishedAt).getTime() / 1000, 0);
      expect(metrics).toContain(`backup_last_size_bytes ${manifest.files[0]!.bytes}`);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 420_000);
});
