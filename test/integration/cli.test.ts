// The real process, as operators run it: `start` on a fresh data directory, a second start on the
// same data, configuration errors, and what ends up in the logs.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../helpers/database.js';
import { MAIN, start } from '../helpers/process.js';
import { NEXT_YEAR } from '../helpers/fixtures.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe('command line', () => {
  it('stops with exit code 78 and names the variable when configuration is bad', () => {
    const result = run(['serve'], { PORT: 'seventy', BOARD_VISIBILITY: 'everyone' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/PORT="seventy"/);
    expect(result.stderr).toMatch(/BOARD_VISIBILITY="everyone"/);
  });

  it('prints usage and exits 64 for an unknown verb', () => {
    const result = run(['elope']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/Usage: node dist\/main.js <verb>/);
  });

  it('refuses to start without a master key in production, or with one that is not 32 bytes', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wsfr-prod-'));
    const missing = run(['migrate'], { NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(missing.status).toBe(78);
    expect(missing.stderr).toMatch(/ENCRYPTION_MASTER_KEY: required when NODE_ENV=production/);
    expect(existsSync(path.join(dataDir, 'keys'))).toBe(false);
    const short = run(['serve'], { ENCRYPTION_MASTER_KEY: 'too-short' });
    expect(short.status).toBe(78);
    expect(short.stderr).toMatch(/ENCRYPTION_MASTER_KEY=\(hidden\)/);
  });

  it('never creates demo accounts in production', () => {
    const result = run(['seed-demo'], {
      NODE_ENV: 'production',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-prod-')),
      ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/never created when NODE_ENV=production/);
  });
});

describe.each(DATABASE_MODES)('start (%s)', (mode) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('migrates, loads demo data once, serves, stops cleanly, and restarts on the same data without re-seeding', async () => {
    const password = 'a-private-demo-password';
    let env: Record<string, string>;
    if (mode === 'pglite') {
      env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-start-')), DEMO_PASSWORD: password };
    } else {
      const db: TestDatabase = await freshDatabase('postgres');
      cleanups.push(() => db.close());
      env = { DATABASE_URL: db.url!, DEMO_PASSWORD: password, ENCRYPTION_MASTER_KEY: randomBytes(32).toString('hex') };
    }
    const first = await start(env);
    cleanups.push(() => first.stop());
    expect((await fetch(`${first.base}/ready`)).status).toBe(200);
    const board = await fetch(`${first.base}/api/feature-requests?limit=50`);
    expect(board.headers.get('x-wedding-season')).toMatch(/^(peak|off)$/);
    expect(((await board.json()) as { items: unknown[] }).items.length).toBe(50);
    expect(first.log()).toMatch(/demo data loaded/);
    if (mode === 'pglite') {
      // Embedded without a configured key: one is created beside (not inside) the database, 0600.
      const keyFile = path.join(env.DATA_DIR!, 'keys', 'master.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(first.log()).toMatch(/generated a new encryption master key/);
      expect(first.log()).not.toContain(readFileSync(keyFile, 'utf8').trim());
    }

    // Sign in, submit something personal, and check none of it reaches the log.
    const login = await fetch(`${first.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'couple@demo.test', password }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const marker = `zqvx${Date.now()}marker`;
    const created = await fetch(`${first.base}/api/feature-requests?q=${marker}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({
        title: 'Seating chart printing',
        description: `Please add ${marker} to the seating chart export.`,
        category: 'seating',
        urgency: 'low',
        painPoints: [],
        weddingContext: { weddingDate: `${NEXT_YEAR}-08-21`, guestCount: 90, country: 'IE', timeZone: 'Europe/Dublin', venueAddress: `1 ${marker} Street` },
      }),
    });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);
    const log = first.log();
    for (const secret of [marker, password, csrfToken, cookie.split('=')[1]!]) expect(log).not.toContain(secret);
    const requestLines = log.split('\n').filter((l) => l.includes('"incoming request"') || l.includes('"request completed"'));
    // One line per request; health checks and cached board pages are not logged: sign-in + submit at least.
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    expect(requestLines.every((l) => /"requestId":"[^"]+"/.test(l))).toBe(true);
    // The sign-in hint stands out as a framed block (issue #16); start-up plumbing stays at debug.
    expect(log).toMatch(/\| Sign in with password the value of DEMO_PASSWORD as: +\|\n\| +couple@demo\.test +Amelia/);
    expect(log).toMatch(/"msg":"demo sign-in at http:\/\/localhost:\d+ with password the value of DEMO_PASSWORD"/);
    for (const quiet of ['database opened', 'job worker started', 'escalation: ONCALL_SCHEDULE_FILE']) expect(log).not.toContain(quiet);

    const second = await start(env);
    cleanups.push(() => second.stop());
    expect(second.log()).not.toMatch(/demo data loaded/);
    expect(second.log()).not.toMatch(/generated a new encryption master key/);
    const all = (await (await fetch(`${second.base}/api/feature-requests?limit=100&sort=new`)).json()) as { items: { title: string }[] };
    expect(all.items[0]?.title).toBe('Seating chart printing');
    expect(await second.stop()).toBe(0);

    const rotated = run(['rotate-keys'], env);
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toMatch(/data key version 1 → 2; re-encrypted \d+ personal keys, \d+ requests, \d+ comments/);

    if (mode === 'pglite') {
      // A lost key file is an error, never a fresh key that cannot read the data.
      const keyFile = path.join(env.DATA_DIR!, 'keys', 'master.key');
      renameSync(keyFile, `${keyFile}.away`);
      const lost = run(['migrate'], env);
      expect(lost.status).toBe(78);
      expect(lost.stderr).toMatch(/the database is encrypted but .*master.key is missing/);
      expect(existsSync(keyFile)).toBe(false);
      const wrong = run(['migrate'], { ...env, ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64') });
      expect(wrong.status).toBe(78);
      expect(wrong.stderr).toMatch(/cannot open the keyring/);
    }
  }, 180_000);
});
