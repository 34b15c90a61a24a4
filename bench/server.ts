// Starts and stops the server under test, exactly as an operator would: `node dist/main.js start`
// in a child process, configured only through its environment. Each run gets a fresh data
// directory (embedded) or a fresh database (server), so results never depend on a previous run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { LIMITED_ROLES, ROUTE_CLASSES } from '../src/domain/rate-limits.js';

export type Mode = 'embedded' | 'server';

export interface RunningServer {
  /** 'external' when benchmarking a server someone else started (`--url`) and its kind is unknown. */
  mode: Mode | 'external';
  url: string;
  /** One line for the console and the report: where the data lives. */
  description: string;
  /** Idempotent: stops the process, removes its data; safe to call from a signal handler too. */
  stop(): Promise<void>;
  /** Null while the server runs; otherwise how it ended (it should never end before stop()). */
  ended(): string | null;
}

export interface StartOptions {
  root: string;
  /** Admin connection used to create and drop the throw-away database in server mode. */
  benchDatabaseUrl: string;
  readyTimeoutMs?: number;
  /** Node arguments that start the server; default `dist/main.js start`. */
  command?: string[];
  /** More environment for the server (the benchmark's own settings still win). */
  env?: Record<string, string>;
}

/** Children still running. The 'exit' hook is the last resort when a cleanup could not finish. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The ones we set; everything else in the caller's environment (DATABASE_POOL_SIZE…) passes through. */
const OWNED_ENV = [
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_URL_FILE',
  'NODE_ENV',
  'LOG_LEVEL',
  'RESPONSE_CACHE_ENABLED',
  'ENCRYPTION_MASTER_KEY',
  'ENCRYPTION_MASTER_KEY_FILE',
  'AUDIT_SIGNING_KEY',
  'AUDIT_SIGNING_KEY_FILE',
  'RATE_LIMITS',
  'SCRAPING_LIMITS',
];

const UNLIMITED = 1_000_000; // the largest value either override accepts
/**
 * The per-client protections, lifted. The load comes from one address and a few accounts playing
 * thousands of visitors: with the production limits a couple's 60 votes a minute end in 429s and
 * the scraping guard delays the anonymous board and the signed-in reader by up to 2 s a request,
 * so the figures would measure refusals and waits. Both still run on every request (their cost is
 * in the figures); they just never trip. With `--url`, start your server with these values.
 */
export const BENCH_LIMITS = {
  RATE_LIMITS: JSON.stringify(Object.fromEntries(LIMITED_ROLES.map((role) => [role, Object.fromEntries(ROUTE_CLASSES.map((c) => [c, UNLIMITED]))]))),
  SCRAPING_LIMITS: JSON.stringify({ slowDownAfter: UNLIMITED, blockAfter: UNLIMITED, maxPageDepth: UNLIMITED }),
};

export function ensureBuilt(root: string, force: boolean): void {
  if (!force && existsSync(path.join(root, 'dist', 'main.js'))) return;
  console.log('building: npx tsc -b');
  const result = spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`build failed (tsc -b exited with ${result.status ?? result.signal})`);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A running `node dist/main.js start` and what it printed (kept for error messages). */
interface AppProcess {
  child: ChildProcess;
  exited: Promise<void>;
  recentLines: string[];
  /** Lines echoed so far / lines seen in total: a server that logs per request must not flood the report. */
  counts: { echoed: number; total: number };
}

const ECHO_LIMIT = 20;
const KEEP_LINES = 40;

function spawnApp(root: string, env: Record<string, string>, command = ['dist/main.js', 'start']): AppProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OWNED_ENV) delete childEnv[name];
  const child = spawn(process.execPath, command, {
    cwd: root,
    // Benchmarks sign members up by the hundred with no mailbox to confirm them: they sign in with
    // their password instead, which EMAIL_VERIFICATION=optional allows (server mode requires the link).
    env: { ...childEnv, EMAIL_VERIFICATION: 'optional', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const app: AppProcess = {
    child,
    recentLines: [],
    counts: { echoed: 0, total: 0 },
    exited: new Promise((resolve) => {
      child.once('exit', () => {
        live.delete(child);
        resolve();
      });
    }),
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      app.counts.total++;
      app.recentLines.push(line);
      if (app.recentLines.length > KEEP_LINES) app.recentLines.shift();
      if (app.counts.echoed < ECHO_LIMIT) {
        app.counts.echoed++;
        console.error(`  [server] ${line}`);
      }
    });
  }
  return app;
}

async function waitForReady(url: string, app: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`server exited before it was ready (code ${app.child.exitCode ?? app.child.signalCode})\n${app.recentLines.join('\n')}`);
    }
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `/ready answered ${response.status}: ${await response.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`server not ready after ${timeoutMs / 1000}s (${last})`);
}

/** SIGTERM first (the server closes gracefully within 10 s), SIGKILL if it does not. */
async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGTERM');
    const stopped = await Promise.race([app.exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!stopped) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
  }
  const hidden = app.counts.total - app.counts.echoed;
  if (hidden > 0) console.error(`  [server] … ${hidden} more log line(s) not shown`);
}

function endedText(app: AppProcess): string | null {
  const { exitCode, signalCode } = app.child;
  if (exitCode === null && signalCode === null) return null;
  const how = signalCode ? `killed by ${signalCode}` : `exited with code ${exitCode}`;
  return `${how}; its last log lines:\n${app.recentLines.join('\n') || '(none)'}`;
}

function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}

export async function startServer(mode: Mode, options: StartOptions): Promise<RunningServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The targets are for the database path: the response cache is off unless asked for
  // (BENCH_RESPONSE_CACHE=true measures what visitors get).
  const baseEnv = {
    ...options.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    RESPONSE_CACHE_ENABLED: process.env.BENCH_RESPONSE_CACHE ?? 'false',
    ...BENCH_LIMITS,
  };

  if (mode === 'embedded') {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-bench-'));
    const app = spawnApp(options.root, { ...baseEnv, DATA_DIR: dataDir }, options.command);
    const stop = once(async () => {
      await stopApp(app);
      await rm(dataDir, { recursive: true, force: true });
    });
    try {
      await waitForReady(url, app, readyTimeoutMs);
    } catch (err) {
      await stop();
      throw err;
    }
    return { mode, url, description: `embedded PGlite, DATA_DIR=${dataDir}`, stop, ended: () => endedText(app) };
  }

  // Server mode: a database of our own on the given PostgreSQL, dropped afterwards.
  const admin = postgres(options.benchDatabaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const database = `wsfr_bench_${randomBytes(4).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${database}`);
  } catch (err) {
    await admin.end({ timeout: 5 });
    throw new Error(`cannot create database on ${redactUrl(options.benchDatabaseUrl)} (set BENCH_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  const databaseUrl = new URL(options.benchDatabaseUrl);
  databaseUrl.pathname = `/${database}`;
  let app: AppProcess | undefined;
  const stop = once(async () => {
    if (app) await stopApp(app);
    try {
      // FORCE (PostgreSQL 13+) ends any connection the server failed to close.
      await admin.unsafe(`drop database if exists ${database} with (force)`);
    } catch (err) {
      console.error(`could not drop database ${database}: ${(err as Error).message}; drop it by hand`);
    } finally {
      await admin.end({ timeout: 5 });
    }
  });
  try {
    // Server mode needs a configured master key and audit signing key; throwaway ones per run, like the database.
    const keys = { ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'), AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') };
    app = spawnApp(options.root, { ...baseEnv, DATABASE_URL: databaseUrl.toString(), ...keys }, options.command);
    await waitForReady(url, app, readyTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  const started = app;
  return { mode, url, description: `PostgreSQL database ${database} on ${redactUrl(options.benchDatabaseUrl)}`, stop, ended: () => endedText(started) };
}

/** An already-running server (`--url`): nothing to start, nothing to clean up. */
export async function externalServer(url: string, mode: Mode | 'external'): Promise<RunningServer> {
  const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) }).catch((err: Error) => {
    throw new Error(`${url} does not answer: ${err.message}`);
  });
  if (!response.ok) throw new Error(`${url}/ready answered ${response.status}: ${await response.text()}`);
  return { mode, url, description: `already running at ${url}`, stop: async () => {}, ended: () => null };
}
