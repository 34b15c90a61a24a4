// Operator verbs against an embedded data directory that `start` is serving: they run inside the
// server (through DATA_DIR/operator.sock), take effect live and survive a restart; a second server
// is kept out; a lock left by kill -9 is taken over; a holder that cannot take verbs is refused
// with a message and nothing changes. Real processes, real PGlite on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';
import { STATUS_TEMPLATES } from '../../src/domain/status-announcements.js';
import { freePort, MAIN, start, type Running } from '../helpers/process.js';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node src/main.ts ARGS…` as an operator runs it (without blocking this process: the server is ours). */
function run(args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...MAIN, ...args], { env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const json = { 'content-type': 'application/json' };

async function signIn(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function verified(base: string, email: string, password: string): Promise<boolean> {
  const cookie = await signIn(base, email, password);
  const context = (await (await fetch(`${base}/api/user/context`, { headers: { cookie } })).json()) as { user: { verified: boolean } };
  return context.user.verified;
}

describe('operator verbs while an embedded server holds DATA_DIR', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wsfr-op-'));
  const password = 'a-private-demo-password';
  const env = { DATA_DIR: dataDir, DEMO_PASSWORD: password };
  const running: Running[] = [];
  afterAll(async () => {
    // One was killed with SIGKILL: it has no exit code, and stop() would wait for an exit already past.
    for (const r of running) if (r.child.signalCode === null) await r.stop();
  });

  it('runs them inside the server: live, after a restart, and after kill -9', { timeout: 600_000 }, async () => {
    const server = await start(env, { readyWithinMs: 300_000 });
    running.push(server);
    const email = `florist-${Date.now()}@example.test`;
    const signup = await fetch(`${server.base}/api/auth/signup`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        email,
        password,
        displayName: 'Petal Florist',
        role: 'wedding_supplier',
        country: 'GB',
        timeZone: 'Europe/London',
        supplierType: 'florist',
        businessName: 'Petal Flowers',
        businessSize: 'small',
        businessAddress: '1 Market Street, York',
      }),
    });
    expect(signup.status).toBeLessThan(300);
    expect(await verified(server.base, email, password)).toBe(false);

    // A second server on the same directory is refused, naming the holder.
    const second = await run(['start'], { ...env, PORT: String(await freePort()), HOST: '127.0.0.1' });
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`DATA_DIR ${dataDir} is in use by process ${server.child.pid}`);

    const verify = await run(['verify-supplier', email], env);
    expect(verify, verify.stderr).toMatchObject({ status: 0, stdout: 'verified Petal Flowers\n' });
    expect(await verified(server.base, email, password)).toBe(true);
    expect(server.log()).toMatch(/"command":"verify-supplier".*"operator command run"/);

    // A refusal from the services, a usage problem and a secret from the environment all travel as they would directly.
    expect(await run(['verify-supplier', 'nobody@example.test'], env)).toMatchObject({ status: 1, stderr: 'Wedding supplier not found\n' });
    const planner = await run(['create-user', 'team@example.test', 'product_team', 'Pat Team', 'Europe/London'], {
      ...env,
      NEW_USER_PASSWORD: 'team-password-123',
    });
    expect(planner.status, planner.stderr).toBe(0);
    expect(planner.stdout).toMatch(/^created product_team [0-9a-f-]{36}\n$/);
    await signIn(server.base, 'team@example.test', 'team-password-123');
    expect(await run(['migrate'], env)).toMatchObject({ status: 0, stdout: 'migrations applied (by the running server at start)\n' });

    // Status page incident mode, shown at once and to everyone.
    const opened = await run(['status', 'incident', 'open', '--template', 'wedding_day_outage', '--message', 'Next update at 15:00 UTC.'], env);
    expect(opened.status, opened.stderr).toBe(0);
    const announcement = `${STATUS_TEMPLATES.wedding_day_outage} Next update at 15:00 UTC.`;
    const during = (await (await fetch(`${server.base}/api/status`)).json()) as { status: string; message: string; openIncidents: { summary: string }[] };
    expect(during).toMatchObject({
      status: 'degraded',
      message: announcement,
      openIncidents: [expect.objectContaining({ summary: announcement, severity: 'critical' })],
    });
    expect(await (await fetch(`${server.base}/status`)).text()).toContain('Your wedding day is our priority. Next update at 15:00 UTC.');
    const resolved = await run(['status', 'incident', 'resolve'], env);
    expect(resolved.status, resolved.stderr).toBe(0);
    const after = (await (await fetch(`${server.base}/api/status`)).json()) as {
      message: string | null;
      openIncidents: unknown[];
      recentIncidents: { summary: string }[];
    };
    expect(after.openIncidents).toEqual([]);
    expect(after.message).not.toBe(announcement);
    expect(after.recentIncidents[0]).toMatchObject({ summary: announcement, status: 'resolved' });

    // kill -9: the lock stays behind; the next start takes it over and the changes are all there.
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(server.child.pid);
    const restarted = await start(env, { readyWithinMs: 300_000 });
    running.push(restarted);
    expect(await verified(restarted.base, email, password)).toBe(true);
    expect(((await (await fetch(`${restarted.base}/api/status`)).json()) as { recentIncidents: { summary: string }[] }).recentIncidents[0]?.summary).toBe(
      announcement,
    );
    expect(await restarted.stop()).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    // Nobody serving: the verb opens the database itself; the operator's actions are in the audit chains, intact.
    const audit = await run(['audit', 'verify'], env);
    expect(audit.status).toBe(0);
    expect(audit.stdout).toMatch(/OK/);
    expect(audit.stdout).not.toMatch(/TAMPERED/);
  });

  it('refuses, changing nothing, when the holder takes no verbs or its channel does not answer', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-op-held-'));
    // A live process (this test) holds it, as a running `rotate-keys` would: no operator socket.
    const holder = {
      pid: process.pid,
      hostname: hostname(),
      processStart: null,
      startedAt: new Date().toISOString(),
      verb: 'rotate-keys',
      operatorSocket: null,
    };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(holder));
    const busy = await run(['verify-supplier', 'supplier@demo.test'], { DATA_DIR: dir });
    expect(busy.status).toBe(75);
    expect(busy.stderr).toMatch(
      /verify-supplier refused, nothing was changed: DATA_DIR .* is in use by process \d+ .*\(rotate-keys, since .*\), which takes no operator verbs/,
    );
    expect(existsSync(path.join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);

    // A server whose socket is gone (stuck, or its DATA_DIR path too long for a socket).
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ ...holder, verb: 'start', operatorSocket: path.join(dir, 'operator.sock') }));
    const deaf = await run(['status', 'incident', 'open', '--template', 'data_corruption_discovered'], { DATA_DIR: dir });
    expect(deaf.status).toBe(75);
    expect(deaf.stderr).toMatch(/its operator channel does not answer .*ENOENT.* stop it and run this again/);
    expect(existsSync(path.join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);
  });
});
