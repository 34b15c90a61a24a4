// The product's own processes, started the way an operator starts them (`node dist/main.js <verb>`),
// for drills that kill them, restart them and watch what a client sees. Everything listens on
// loopback; every child is killed when the drill's process exits, whatever happened.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { LIMITED_ROLES, ROUTE_CLASSES } from '../domain/rate-limits.js';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export type AppVerb = 'start' | 'serve' | 'worker' | 'migrate' | 'seed-demo';

export interface AppProcess {
  label: string;
  child: ChildProcess;
  /** http://127.0.0.1:PORT for `start` and `serve`. */
  url: string | undefined;
  exited: Promise<number | null>;
  /** The last lines it printed, for error messages. */
  recentLines(): string[];
  /** Polls /ready (or, for a worker, waits for its start line) until it answers or the time is up. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** kill -9 (or another signal) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const UNLIMITED = 1_000_000;
/**
 * What every drill process runs with: development mode (demo accounts), quiet logs, and the
 * per-client protections lifted — the load comes from one address and one account playing many
 * clients, and a drill measures the fault, not 429s.
 */
export function drillEnv(): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    RATE_LIMITS: JSON.stringify(Object.fromEntries(LIMITED_ROLES.map((role) => [role, Object.fromEntries(ROUTE_CLASSES.map((c) => [c, UNLIMITED]))]))),
    SCRAPING_LIMITS: JSON.stringify({ slowDownAfter: UNLIMITED, blockAfter: UNLIMITED, maxPageDepth: UNLIMITED }),
  };
}

/** Environment the drill owns: nothing of the operator's shell may point a drill at a real system. */
const OWNED_ENV = [
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_URL_FILE',
  'REDIS_URL',
  'REDIS_URL_FILE',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_PASSWORD',
  'REDIS_PASSWORD_FILE',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_SENTINEL_PASSWORD_FILE',
  'ENCRYPTION_MASTER_KEY_FILE',
  'AUDIT_SIGNING_KEY_FILE',
  'BACKUP_DIR',
  'BACKUP_ENCRYPTION_KEY',
  'BACKUP_ENCRYPTION_KEY_FILE',
  'BACKUP_BASE_BACKUP',
  'MEMBER_KEY_DIR',
];

export interface SpawnOptions {
  root: string;
  verb: AppVerb;
  env: Record<string, string>;
  label: string;
  /** Lines it prints go to the drill's log (quietly capped) as well as recentLines(). */
  log?: (line: string) => void;
  /** Node options before the script (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
}

export async function spawnApp({ root, verb, env, label, log, nodeArgs = [] }: SpawnOptions): Promise<AppProcess> {
  const listens = verb === 'start' || verb === 'serve';
  const port = listens ? (env.PORT ?? String(await freePort())) : undefined;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OWNED_ENV) delete childEnv[name];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', 'main.js'), verb], {
    cwd: root,
    // A worker says it is running only at info level.
    env: { ...childEnv, ...drillEnv(), ...(verb === 'worker' ? { LOG_LEVEL: 'info' } : {}), ...env, ...(port ? { PORT: port } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: string[] = [];
  let echoed = 0;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 60) lines.shift();
      if (log && echoed++ < 15) log(`[${label}] ${line}`);
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const url = port ? `http://127.0.0.1:${port}` : undefined;

  const app: AppProcess = {
    label,
    child,
    url,
    exited,
    recentLines: () => [...lines],
    async waitReady(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (done) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${lines.slice(-15).join('\n')}`);
        if (!url) {
          if (lines.some((l) => l.includes('job worker started'))) return;
        } else {
          try {
            const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
            if (res.ok) return;
            last = `/ready ${res.status}`;
          } catch (err) {
            last = (err as Error).message;
          }
        }
        await sleep(100);
      }
      throw new Error(`${label} not ready after ${timeoutMs / 1000}s (${last}):\n${lines.slice(-15).join('\n')}`);
    },
    async kill(signal = 'SIGKILL') {
      if (done) return;
      child.kill(signal);
      await exited;
    },
    async stop(graceMs = 30_000) {
      if (done) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!stopped) await app.kill('SIGKILL');
    },
  };
  return app;
}

/** Runs a one-shot verb (`migrate`, `seed-demo`) to completion; throws with its output when it fails. */
export async function runVerb(options: Omit<SpawnOptions, 'verb'> & { verb: AppVerb }): Promise<void> {
  const app = await spawnApp(options);
  const code = await app.exited;
  if (code !== 0) throw new Error(`${options.label} exited ${code}:\n${app.recentLines().slice(-15).join('\n')}`);
}

/** A database of its own on a PostgreSQL server, dropped by `drop()`. */
export async function throwawayDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const name = `wsfr_drill_${randomBytes(4).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end({ timeout: 5 });
    throw new Error(`cannot create a drill database on the PostgreSQL server (set DRILL_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end({ timeout: 5 });
    },
  };
}
