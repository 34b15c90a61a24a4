// The real process, as operators run it: `start` on a fresh data directory, a second start on the
// same data, configuration errors, and what ends up in the logs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../helpers/database.js';
import { MAIN, start } from '../helpers/process.js';

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

  it('never creates demo accounts in production', () => {
    const result = run(['seed-demo'], { NODE_ENV: 'production', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-prod-')) });
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
      env = { DATABASE_URL: db.url!, DEMO_PASSWORD: password };
    }
    const first = await start(env);
    cleanups.push(() => first.stop());
    expect((await fetch(`${first.base}/ready`)).status).toBe(200);
    const board = await fetch(`${first.base}/api/feature-requests?limit=50`);
    expect(board.headers.get('x-wedding-season')).toMatch(/^(peak|off)$/);
    expect(((await board.json()) as { items: unknown[] }).items.length).toBe(50);
    expect(first.log()).toMatch(/demo data loaded/);
    expect(first.log()).toMatch(/demo sign-in: couple@demo.test.* with password the value of DEMO_PASSWORD/);

    // Sign in, submit something personal, and check none of it reaches the log.
    const login = await fetch(`${first.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'couple@demo.test', password }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const marker = `zqvx${Date.now()}marker`;
    const created = await fetch(`${first.base}/api/feature-requests?q=${marker}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ title: 'Seating chart printing', description: `Please add ${marker} to the seating chart export.`, category: 'seating', urgency: 'low', painPoints: [], weddingContext: { weddingDate: '2027-08-21', guestCount: 90, country: 'IE', timeZone: 'Europe/Dublin', venueAddress: `1 ${marker} Street` } }),
    });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);
    const log = first.log();
    for (const secret of [marker, password, csrfToken, cookie.split('=')[1]!]) expect(log).not.toContain(secret);
    const requestLines = log.split('\n').filter((l) => l.includes('"incoming request"') || l.includes('"request completed"'));
    expect(requestLines.length).toBeGreaterThan(4);
    expect(requestLines.every((l) => /"requestId":"[^"]+"/.test(l))).toBe(true);

    const second = await start(env);
    cleanups.push(() => second.stop());
    expect(second.log()).not.toMatch(/demo data loaded/);
    const all = (await (await fetch(`${second.base}/api/feature-requests?limit=100&sort=new`)).json()) as { items: { title: string }[] };
    expect(all.items[0]?.title).toBe('Seating chart printing');
    expect(await second.stop()).toBe(0);
  });
});
