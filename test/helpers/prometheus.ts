// A real Prometheus server (Debian's `prometheus` binary) as a child process on loopback, and a
// small client for its HTTP API — for tests that prove scraping and rule evaluation end to end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './process.js';

/** Debian's path first, then whatever `prometheus` the PATH offers; null when neither runs. */
export function findPrometheus(): string | null {
  for (const candidate of ['/usr/bin/prometheus', 'prometheus']) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.error === undefined && r.status === 0) return candidate;
  }
  return null;
}

/** A free loopback port different from every port in `taken`. */
export async function distinctFreePort(taken: number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.includes(port)) return port;
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface PromRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  health: string;
  lastError?: string;
  state?: 'inactive' | 'pending' | 'firing';
  labels?: Record<string, string>;
  alerts?: PromAlert[];
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromRule[];
  lastEvaluation: string;
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface RunningPrometheus {
  child: ChildProcess;
  base: string;
  port: number;
  /** Everything Prometheus wrote to stdout and stderr (its log), for failure messages. */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** An instant query; throws on a non-success answer. */
  query(expr: string): Promise<PromSample[]>;
  alerts(): Promise<PromAlert[]>;
  ruleGroups(): Promise<PromRuleGroup[]>;
  targets(): Promise<PromTarget[]>;
}

async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string; errorType?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${path} → ${res.status} ${body.errorType ?? ''}: ${body.error ?? ''}`);
  return body.data;
}

/**
 * Starts Prometheus with `configFile`, its TSDB in `dataDir`, on a free 127.0.0.1 port, and waits
 * for /-/ready. A port taken between choosing and binding is retried on another port.
 */
export async function startPrometheus(
  binary: string,
  options: { configFile: string; dataDir: string; avoidPorts?: number[]; readyTimeoutMs?: number },
): Promise<RunningPrometheus> {
  const avoid = [...(options.avoidPorts ?? [])];
  for (let attempt = 1; ; attempt++) {
    const port = await distinctFreePort(avoid);
    avoid.push(port);
    const running = launch(binary, port, options);
    try {
      await waitReady(running, options.readyTimeoutMs ?? 20_000);
      return running;
    } catch (err) {
      await running.stop();
      if (attempt < 3 && /address already in use/i.test(running.log())) continue;
      throw err;
    }
  }
}

function launch(binary: string, port: number, options: { configFile: string; dataDir: string }): RunningPrometheus {
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [`--config.file=${options.configFile}`, `--storage.tsdb.path=${options.dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const append = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  // Belt and braces: a worker that exits without running afterAll must not leave Prometheus behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    child,
    base,
    port,
    log: () => (spawnError ? `${spawnError.message}\n` : '') + output,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        process.removeListener('exit', killOnExit);
      })();
      return stopping;
    },
    query: async (expr) => {
      const data = await api<{ resultType: string; result: PromSample[] }>(base, `/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (data.resultType !== 'vector') throw new Error(`expected a vector for ${expr}, got ${data.resultType}`);
      return data.result;
    },
    alerts: async () => (await api<{ alerts: PromAlert[] }>(base, '/api/v1/alerts')).alerts,
    ruleGroups: async () => (await api<{ groups: PromRuleGroup[] }>(base, '/api/v1/rules')).groups,
    targets: async () => (await api<{ activeTargets: PromTarget[] }>(base, '/api/v1/targets?state=active')).activeTargets,
  };
}

async function waitReady(p: RunningPrometheus, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(`prometheus exited (${p.child.exitCode ?? p.child.signalCode}) before it was ready:\n${p.log()}`);
    }
    const ready = await fetch(`${p.base}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`prometheus not ready within ${timeoutMs} ms:\n${p.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Polls `read` until `done` holds or `deadline` (epoch ms) passes; returns the last value either
 * way so the caller's expect() shows what was seen. Errors from `read` count as "not yet".
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, deadline: number, intervalMs = 250): Promise<T> {
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      if (last === undefined) throw lastError instanceof Error ? lastError : new Error(String(lastError));
      return last;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The numeric value of a one-sample vector (NaN when empty), for a query that aggregates. */
export function scalarOf(samples: PromSample[]): number {
  return samples.length === 0 ? Number.NaN : Number(samples[0]!.value[1]);
}
