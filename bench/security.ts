// `npm run bench:security`: what field encryption, the audit trail and rate limiting cost under load
// (the brief's testSecurityUnderLoad: < 10 % degradation). For each mode it starts two servers from
// bench/security-server.ts — controls on, and controls off — prepares the same fixtures on both, and
// drives each scenario at them in alternating rounds (off, on, on, off, …) so that drift on a shared
// machine falls on both alike. Prints p50/p95/p99, throughput and error rate per side, and the
// degradation: how much throughput the controls take away. Between rounds each server finishes its
// background jobs, so one side's leftovers never run during the other's round.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { runLoad, settle, stopActiveLoad } from './load.js';
import { announceMachine, formatScenario, summarize, writeReport, type Samples, type ScenarioResult } from './report.js';
import { BOARD_PATH, prepareFixtures, SCENARIOS, STATUS_CHANGE, type Fixtures, type Scenario } from './scenarios.js';
import { startServer, type Mode, type RunningServer } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTS_DIR = path.join(ROOT, 'bench', 'reports');

/** What each control is measured on: submit (encryption + audit), board and votes (rate limiting), status (audit chain). */
const SECURITY_SCENARIOS: readonly Scenario[] = [...['create', 'board-list', 'vote'].map((name) => SCENARIOS.find((s) => s.name === name)!), STATUS_CHANGE];
const VARIANTS = ['off', 'on'] as const;
type Variant = (typeof VARIANTS)[number];
/** The brief's bound on what the controls may cost. */
const MAX_DEGRADATION_PERCENT = 10;

// Limits far above what 50 connections send in a run: the "on" side counts every request against
// its budget (in Redis in server mode) without ever refusing one, so both sides serve the same work.
// Duplicate detection runs on wording alone: the sentence encoder's CPU in the in-process worker
// would otherwise dwarf (and, running on after a round, blur) what the controls cost.
const NEVER_REACHED = 1_000_000;
const SERVER_ENV = {
  AI_ENABLED: 'false',
  RATE_LIMITS: JSON.stringify(
    Object.fromEntries(
      ['anonymous', 'couple', 'wedding_supplier', 'product_team', 'ai_system'].map((r) => [
        r,
        { reads: NEVER_REACHED, search: NEVER_REACHED, writes: NEVER_REACHED, votes: NEVER_REACHED, auth: NEVER_REACHED, ai: NEVER_REACHED },
      ]),
    ),
  ),
  SCRAPING_LIMITS: JSON.stringify({ slowDownAfter: NEVER_REACHED, blockAfter: NEVER_REACHED, maxPageDepth: NEVER_REACHED }),
};

const USAGE = `Usage: npm run bench:security -- [options]

  --mode embedded|server|both  database of the servers (default both); server mode also counts
                               rate limits in Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379)
  --duration N                 seconds per round (default 10)
  --rounds N                   rounds per scenario and side, alternating (default 2)
  --connections N              concurrent connections (default 50)
  --only a,b                   scenarios (${SECURITY_SCENARIOS.map((s) => s.name).join(', ')})
  --off a,b                    what the "off" side switches off (default encryption,audit,rateLimits):
                               one at a time says what each control costs
  --cpu-prof                   write V8 CPU profiles of both servers to bench/reports/profiles/RUN-MODE-SIDE/`;

const CONTROLS = ['encryption', 'audit', 'rateLimits'] as const;

interface Settings {
  modes: Mode[];
  off: string[];
  durationS: number;
  rounds: number;
  connections: number;
  scenarios: Scenario[];
  cpuProf: boolean;
}

function parseSettings(argv: string[]): Settings | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string', default: 'both' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string' },
      off: { type: 'string', default: CONTROLS.join(',') },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${raw}"`);
    return n;
  };
  if (!['embedded', 'server', 'both'].includes(values.mode)) throw new Error(`--mode must be embedded, server or both, not "${values.mode}"`);
  const wanted = values.only?.split(',').map((s) => s.trim());
  const unknown = wanted?.filter((name) => !SECURITY_SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}`);
  const off = values.off.split(',').map((s) => s.trim());
  const notControls = off.filter((c) => !(CONTROLS as readonly string[]).includes(c));
  if (notControls.length > 0 || off.length === 0) throw new Error(`--off: name controls among ${CONTROLS.join(', ')}, not "${values.off}"`);
  return {
    modes: values.mode === 'both' ? ['embedded', 'server'] : [values.mode as Mode],
    off,
    durationS: positive('duration', values.duration),
    rounds: positive('rounds', values.rounds),
    connections: positive('connections', values.connections),
    scenarios: SECURITY_SCENARIOS.filter((s) => !wanted || wanted.includes(s.name)),
    cpuProf: values['cpu-prof'],
  };
}

const servers: RunningServer[] = [];
let interrupted = false;
function onSignal() {
  if (interrupted) process.exit(130);
  interrupted = true;
  stopActiveLoad();
  void Promise.all(servers.map((s) => s.stop())).finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/**
 * Waits until the server's worker has done the jobs a round left behind (duplicate checks, RICE
 * recomputes, notifications): run on, they would compete for the CPU with the other side's round.
 */
async function drainJobs(url: string, token: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/platform/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) }).catch(
      () => null,
    );
    const health = response?.ok ? ((await response.json()) as { queues: { running: number; oldestDueSeconds: number | null }[] }) : null;
    if (health?.queues.every((q) => q.running === 0 && q.oldestDueSeconds === null)) return;
    await sleep(500);
  }
  console.log(`warning: ${url} still had jobs to do after 3 minutes`);
}

/** Redis for the cluster-mode rate-limit counters, when it answers. */
async function reachableRedis(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const merge = (all: Samples[]): Samples => ({
  latenciesMs: all.flatMap((s) => s.latenciesMs),
  statusCounts: all.reduce((counts, s) => {
    for (const [status, n] of s.statusCounts) counts.set(status, (counts.get(status) ?? 0) + n);
    return counts;
  }, new Map<number, number>()),
  socketErrors: all.reduce((n, s) => n + s.socketErrors, 0),
  timeouts: all.reduce((n, s) => n + s.timeouts, 0),
  durationS: all.reduce((n, s) => n + s.durationS, 0),
});

interface Comparison {
  mode: Mode;
  scenario: string;
  off: ScenarioResult;
  on: ScenarioResult;
  /** Throughput the controls take away, in % of the "off" throughput (negative: "on" was faster). */
  degradationPercent: number;
  p95IncreaseMs: number;
}

const degradation = (off: number, on: number) => (off === 0 ? 0 : ((off - on) / off) * 100);

async function benchMode(mode: Mode, settings: Settings, runId: string): Promise<Comparison[]> {
  const benchDatabaseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = mode === 'server' && (await reachableRedis(redisUrl));
  if (mode === 'server' && !redis) console.log(`warning: no Redis at ${redisUrl}: rate limits count in memory`);
  console.log(`\n== ${mode} == (off: ${settings.off.join(', ')}; rate limits counted ${redis ? `in Redis ${redisUrl}` : 'in memory'})`);

  const started: Partial<Record<Variant, RunningServer>> = {};
  const fixtures: Partial<Record<Variant, Fixtures>> = {};
  try {
    for (const variant of VARIANTS) {
      // One directory per server: Node writes a profile per thread (the main one is the largest).
      const profile = settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(REPORTS_DIR, 'profiles', `${runId}-${mode}-${variant}`)}`] : [];
      const server = await startServer(mode, {
        root: ROOT,
        benchDatabaseUrl,
        command: [...profile, '--import', 'tsx', 'bench/security-server.ts', ...(variant === 'off' ? [`--off=${settings.off.join(',')}`] : [])],
        env: { ...SERVER_ENV, ...(redis ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `wsfr-bench-${runId}-${variant}:` } : {}) },
      });
      servers.push(server);
      started[variant] = server;
      console.log(`controls ${variant}: ${server.description}, ${server.url}`);
      fixtures[variant] = await prepareFixtures(server.url, {
        demoPassword: process.env.DEMO_PASSWORD || 'wedding-demo',
        voters: settings.connections,
        statusRequests: settings.connections,
        runId,
      });
      // JIT, pools and caches warm up on traffic that is not recorded.
      await runLoad(server.url, { requests: [{ method: 'GET', path: BOARD_PATH }] }, settings.connections, 2);
      await settle(server.url);
      await drainJobs(server.url, fixtures[variant].creatorToken);
    }

    const comparisons: Comparison[] = [];
    for (const scenario of settings.scenarios) {
      const samples: Record<Variant, Samples[]> = { off: [], on: [] };
      for (let round = 0; round < settings.rounds && !interrupted; round++) {
        // off, on, on, off, …: neither side always runs on a warmer (or busier) machine.
        for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          const server = started[variant]!;
          samples[variant].push(
            await runLoad(server.url, scenario.load(fixtures[variant]!, { voteRequests: settings.connections }), settings.connections, settings.durationS),
          );
          const ended = server.ended();
          if (ended) throw new Error(`the controls-${variant} server stopped during ${scenario.name}: ${ended}`);
          await settle(server.url);
          await drainJobs(server.url, fixtures[variant]!.creatorToken);
        }
      }
      if (interrupted) break;
      const [off, on] = VARIANTS.map((variant) =>
        summarize(
          { mode: `${mode} (controls ${variant})`, scenario: scenario.name, description: scenario.description, connections: settings.connections },
          merge(samples[variant]),
          undefined,
        ),
      ) as [ScenarioResult, ScenarioResult];
      const comparison: Comparison = {
        mode,
        scenario: scenario.name,
        off,
        on,
        degradationPercent: degradation(off.rps, on.rps),
        p95IncreaseMs: on.latencyMs.p95 - off.latencyMs.p95,
      };
      comparisons.push(comparison);
      console.log(
        `${formatScenario(off)}\n${formatScenario(on)}\n  → degradation ${comparison.degradationPercent.toFixed(1)} % of throughput, p95 ${comparison.p95IncreaseMs >= 0 ? '+' : ''}${comparison.p95IncreaseMs.toFixed(1)} ms`,
      );
    }
    return comparisons;
  } finally {
    await Promise.all(Object.values(started).map((s) => s.stop()));
  }
}

/** Throughput lost over all scenarios, each weighing the same (a fast read would otherwise drown a slow write). */
function overallDegradation(comparisons: readonly Comparison[]): number {
  if (comparisons.length === 0) return 0;
  return comparisons.reduce((sum, c) => sum + c.degradationPercent, 0) / comparisons.length;
}

function table(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map((c) => [
    c.mode,
    c.scenario,
    `${c.off.rps.toFixed(0)} / ${c.on.rps.toFixed(0)}`,
    `${c.off.latencyMs.p50.toFixed(1)} / ${c.on.latencyMs.p50.toFixed(1)}`,
    `${c.off.latencyMs.p95.toFixed(1)} / ${c.on.latencyMs.p95.toFixed(1)}`,
    `${c.off.latencyMs.p99.toFixed(1)} / ${c.on.latencyMs.p99.toFixed(1)}`,
    `${(c.off.errorRate * 100).toFixed(2)} / ${(c.on.errorRate * 100).toFixed(2)}`,
    `${c.degradationPercent.toFixed(1)} %`,
  ]);
  const header = ['mode', 'scenario', 'req/s off / on', 'p50 ms', 'p95 ms', 'p99 ms', 'errors % ', 'degradation'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function main(argv: string[]): Promise<number> {
  let settings: Settings | null;
  try {
    settings = parseSettings(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  const machine = announceMachine('the two sides alternate, but expect noisy figures');
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const runId = randomBytes(3).toString('hex');
  const all: Comparison[] = [];
  for (const mode of settings.modes) {
    if (interrupted) break;
    const comparisons = await benchMode(mode, settings, runId);
    all.push(...comparisons);
    const overall = overallDegradation(comparisons);
    const file = await writeReport(REPORTS_DIR, stamp, `security-${mode}`, {
      startedAt: startedAt.toISOString(),
      mode,
      switchedOff: settings.off,
      settings: { durationS: settings.durationS, rounds: settings.rounds, connections: settings.connections },
      machine: machine(),
      overallDegradationPercent: overall,
      maxDegradationPercent: MAX_DEGRADATION_PERCENT,
      comparisons,
    });
    console.log(`${mode}: overall degradation ${overall.toFixed(1)} % (bound ${MAX_DEGRADATION_PERCENT} %); report ${path.relative(ROOT, file)}`);
  }
  if (all.length > 0) {
    console.log(`\n${table(all)}`);
    for (const mode of settings.modes) {
      const mine = all.filter((c) => c.mode === mode);
      if (mine.length > 0) console.log(`${mode}: controls cost ${overallDegradation(mine).toFixed(1)} % of throughput (bound < ${MAX_DEGRADATION_PERCENT} %)`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await Promise.all(servers.map((s) => s.stop()));
    process.exit(1);
  },
);
