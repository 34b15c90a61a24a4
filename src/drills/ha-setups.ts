// The high-availability pieces a failover drill (and its tests) stands up on loopback, through the
// scripts an operator would use: a pg_auto_failover formation (deploy/pg-auto-failover/formation.sh)
// and Redis with three sentinels (deploy/redis-sentinel/start.sh). Each lives in a directory of its
// own and is destroyed afterwards.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const exec = promisify(execFile);
const SCRIPT_TIMEOUT_MS = 240_000;

/** The Debian tools the formation and the sentinel set need that this machine lacks (empty: all there). */
export function missingHaTools(): string[] {
  const onPath = (name: string) =>
    (process.env.PATH ?? '').split(':').some((dir) => {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return ['pg_autoctl', 'redis-server', 'redis-sentinel'].filter((tool) => !onPath(tool));
}

async function script(root: string, relative: string, args: string[]): Promise<Record<string, string>> {
  try {
    const { stdout } = await exec('bash', [path.join(root, relative), ...args], { timeout: SCRIPT_TIMEOUT_MS });
    return Object.fromEntries(
      stdout
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${relative} ${args[0]} failed: ${(e.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || e.message}`, { cause: err });
  }
}

const FORMATION = 'deploy/pg-auto-failover/formation.sh';
const SENTINELS = 'deploy/redis-sentinel/start.sh';

export interface PgFormation {
  dir: string;
  /** Multi-host URL that reaches whichever node is primary (target_session_attrs=primary). */
  databaseUrl: string;
  startupMs: number;
  /** `node1` or `node2`. */
  primary(): Promise<string>;
  /** kill -9 of a node's pg_autoctl and PostgreSQL: the machine is gone. */
  crash(node: string): Promise<void>;
  /** A planned switchover: `pg_autoctl perform failover`. */
  performFailover(): Promise<void>;
  /** Runs every stopped node again (a crashed one rejoins as secondary) and waits until healthy. */
  heal(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPgFormation(root: string, dir: string): Promise<PgFormation> {
  const started = performance.now();
  const run = (...args: string[]) => script(root, FORMATION, args);
  const out = await run('start', dir).catch(async (err: unknown) => {
    await run('destroy', dir).catch(() => undefined);
    throw err;
  });
  return {
    dir,
    databaseUrl: out.DATABASE_URL!,
    startupMs: Math.round(performance.now() - started),
    primary: async () => (await exec('bash', [path.join(root, FORMATION), 'primary', dir])).stdout.trim(),
    crash: async (node) => {
      await run('crash', dir, node);
    },
    performFailover: async () => {
      await run('ctl', dir, 'perform', 'failover', '--pgdata', path.join(dir, 'monitor'));
    },
    heal: async () => {
      await run('start', dir);
    },
    destroy: async () => {
      await run('destroy', dir);
    },
  };
}

export interface SentinelSet {
  dir: string;
  /** REDIS_SENTINELS for the app: host:port of each sentinel. */
  sentinels: string;
  masterName: string;
  startupMs: number;
  /** host:port of the primary the sentinels name now. */
  primary(): Promise<string>;
  /** kill -9 of the primary; answers its host:port. */
  crashPrimary(): Promise<string>;
  destroy(): Promise<void>;
}

export async function startSentinels(root: string, dir: string): Promise<SentinelSet> {
  const started = performance.now();
  const run = (...args: string[]) => script(root, SENTINELS, args);
  const out = await run('start', dir).catch(async (err: unknown) => {
    await run('destroy', dir).catch(() => undefined);
    throw err;
  });
  const primary = async () => (await exec('bash', [path.join(root, SENTINELS), 'primary', dir])).stdout.trim();
  return {
    dir,
    sentinels: out.REDIS_SENTINELS!,
    masterName: out.REDIS_SENTINEL_NAME!,
    startupMs: Math.round(performance.now() - started),
    primary,
    async crashPrimary() {
      const address = await primary();
      await run('crash', dir);
      return address;
    },
    destroy: async () => {
      await run('destroy', dir);
    },
  };
}

/** The sum of the rate limits' counters of the deployment with key `prefix` in the Redis at host:port. */
export async function redisCountersAt(address: string, prefix: string): Promise<number> {
  const [host, port] = address.split(':') as [string, string];
  const direct = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  try {
    await direct.connect();
    // (The deployment keeps more than counters under its prefix: cached pages, throttle records.)
    const keys = await direct.keys(`${prefix}rate-limit:*`);
    const values = keys.length > 0 ? await direct.mget(...keys) : [];
    return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
  } finally {
    direct.disconnect();
  }
}
