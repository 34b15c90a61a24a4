// `npm run loadtest -- <scenario>|all [--duration S] [--json] [--scale F] [--url U,U] [--strict]`: the
// brief's five load scenarios at its multipliers over normal load (normal-load.json), against the
// cluster setup it starts itself on loopback — a PostgreSQL database of its own, Redis under a key
// prefix of its own, two API replicas and one worker, through the drill harness (src/drills/) —
// or against replicas already running (--url). Prints the figures; with --json the last stdout line
// is one JSON object. Exit 0 when the run completed (targets missed are reported, and fail the exit
// only with --strict: 2), 1 when it could not run, 64 on a bad command line.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Redis } from 'ioredis';
import { drillEnv } from '../../src/drills/processes.js';
import { startCluster, type ClusterSetup } from '../../src/drills/setups.js';
import { COUPLE_DAILY_SUBMISSION_LIMIT } from '../../src/domain/access-control.js';
import { DRAINED_QUEUES, drainTime, newLoadState, prepareFixtures, runSegment, watchBacklog, type Fixtures, type LoadState } from './drive.js';
import {
  BRIEF_MULTIPLIERS,
  buildReport,
  combineReports,
  parseNormalLoad,
  plannedCounts,
  SCENARIO_NAMES,
  SCENARIO_SUMMARIES,
  scenarioPlan,
  schedule,
  TARGETS,
  type NormalLoad,
  type OperationStep,
  type Sample,
  type ScenarioPlan,
  type ScenarioName,
  type ScenarioReport,
} from './plan.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = path.join(ROOT, 'bench', 'loadtest', 'normal-load.json');
const REPORTS_DIR = path.join(ROOT, 'bench', 'reports');
/** How long the queues get to drain before the run calls it "not drained": the target, twice over. */
const DRAIN_BOUND_S = TARGETS.drain_s * 2;

const USAGE = `Usage: npm run loadtest -- <scenario>|all [options]

Scenarios (the brief's, at its multipliers: ${Object.entries(BRIEF_MULTIPLIERS)
  .map(([k, v]) => `${k} ${v}×`)
  .join(', ')}):
${SCENARIO_NAMES.map((s) => `  ${s}\n      ${SCENARIO_SUMMARIES[s]}`).join('\n')}
  all  the five in turn on one cluster setup

Options:
  --duration S     measured seconds per scenario (default 60; warm-up comes on top)
  --json           the last stdout line is the report as one JSON object
  --scale F        multiply every rate by F (default 1; the smoke test runs at a small F)
  --url U[,U…]     drive API replicas already running (loopback only) instead of starting the setup;
                   they need the demo accounts and the per-client limits lifted (bench/README.md)
  --strict         exit 2 when a target is missed (default: reported, exit 0)
  --no-build       do not run \`npm run build\` first (only when dist/ is known to be current)
  --cpu-prof       V8 CPU profiles of both API replicas, written to bench/reports/cpu-prof-<time>/
                   when they stop (open them in Chrome DevTools or speedscope)

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; the run creates
and drops a database of its own), BENCH_REDIS_URL (default redis://127.0.0.1:6379; keys under a prefix
of the run's own, deleted afterwards), DEMO_PASSWORD (default wedding-demo).
Normal load and scenario settings: bench/loadtest/normal-load.json (explained in bench/README.md).`;

class UsageError extends Error {}

interface Settings {
  scenarios: ScenarioName[];
  durationS: number;
  json: boolean;
  scale: number;
  urls: string[] | null;
  strict: boolean;
  build: boolean;
  cpuProf: boolean;
}

function loopback(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' || !(url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))) {
    throw new UsageError(`--url must be http:// on a loopback address, not ${raw}`);
  }
  return url.origin;
}

function parseSettings(argv: string[]): Settings | null {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      json: { type: 'boolean', default: false },
      scale: { type: 'string' },
      url: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return null;
  if (positionals.length !== 1) throw new UsageError('name one scenario, or all');
  const name = positionals[0]!;
  if (name !== 'all' && !SCENARIO_NAMES.includes(name as ScenarioName)) throw new UsageError(`no scenario "${name}"`);
  const durationS = values.duration === undefined ? 60 : Number(values.duration);
  if (!Number.isInteger(durationS) || durationS < 1 || durationS > 3600) throw new UsageError('--duration takes whole seconds, 1 to 3600');
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) throw new UsageError('--scale takes a number in (0, 100]');
  return {
    scenarios: name === 'all' ? [...SCENARIO_NAMES] : [name as ScenarioName],
    durationS,
    json: values.json,
    scale,
    urls: values.url ? values.url.split(',').map(loopback) : null,
    strict: values.strict,
    build: !values['no-build'],
    cpuProf: values['cpu-prof'],
  };
}

const log = (message: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${message}`);

/** Where the API replicas are and how to change their pool: started here, or someone else's. */
interface Target {
  urls: string[];
  poolSize(size: number | null): Promise<void>;
  /** Stops the worker (false when it is not ours to stop); startWorker() brings it back and waits until it runs. */
  stopWorker(): Promise<boolean>;
  startWorker(): Promise<void>;
  verifySupplier: ((email: string) => Promise<void>) | null;
  stop(): Promise<void>;
  describe: Record<string, unknown>;
}

async function startTarget(settings: Settings, adminDatabaseUrl: string, redisUrl: string): Promise<Target> {
  if (settings.urls) {
    return {
      urls: settings.urls,
      async poolSize(size) {
        if (size !== null) log(`--url: the replicas keep the pool they were started with (the scenario would use DATABASE_POOL_SIZE=${size})`);
      },
      verifySupplier: null,
      async stopWorker() {
        log('--url: the worker keeps running (the backlog drains while it builds)');
        return false;
      },
      startWorker: async () => {},
      stop: async () => {},
      describe: { started_here: false, urls: settings.urls },
    };
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-loadtest-'));
  const prefix = `wsfr-loadtest-${randomBytes(4).toString('hex')}:`;
  let setup: ClusterSetup | undefined;
  let pool: number | null = null;
  const stop = async () => {
    await setup?.stop();
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    // Counters and cached entries of this run only: never FLUSHALL a shared Redis.
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = nextCursor;
      } while (cursor !== '0');
    } catch (err) {
      log(`could not remove the run's Redis keys (${prefix}*): ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
  };
  const profiles = path.join(REPORTS_DIR, `cpu-prof-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const apiNodeArgs = settings.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : [];
  if (settings.cpuProf) log(`CPU profiles of the API replicas go to ${path.relative(ROOT, profiles)}/ when they stop`);
  log(`starting the cluster setup: a database on ${new URL(adminDatabaseUrl).host}, Redis ${new URL(redisUrl).host} under ${prefix}, 2 API replicas, 1 worker`);
  try {
    setup = await startCluster(
      { root: ROOT, workDir, log, durationMs: settings.durationS * 1000, adminDatabaseUrl, mode: 'cluster' },
      // The simulated members sign in with their password after sign-up instead of following the
      // emailed link, which EMAIL_VERIFICATION=optional allows (server mode requires the link).
      { replicas: 2, worker: true, env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, EMAIL_VERIFICATION: 'optional' }, apiNodeArgs },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const started = setup;
  return {
    urls: started.urls,
    async poolSize(size) {
      if (size === pool) return;
      log(`restarting both API replicas with ${size === null ? 'the default pool' : `DATABASE_POOL_SIZE=${size}`}`);
      for (const [i, api] of started.apis.entries()) {
        await api.stop();
        await started.restartApi(i, size === null ? {} : { DATABASE_POOL_SIZE: String(size) });
      }
      pool = size;
    },
    async stopWorker() {
      log('stopping the worker: AI processing falls behind');
      await started.worker!.stop();
      return true;
    },
    async startWorker() {
      await started.restartWorker();
      log('worker started again');
    },
    // What an operator does: `verify-supplier EMAIL` against the same database.
    async verifySupplier(email) {
      await execFileAsync(process.execPath, [path.join(ROOT, 'dist', 'main.js'), 'verify-supplier', email], {
        cwd: ROOT,
        env: { ...process.env, ...drillEnv(), ...started.env },
        timeout: 60_000,
      });
    },
    stop,
    describe: { started_here: true, replicas: 2, workers: 1, redis_key_prefix: prefix },
  };
}

/**
 * What the replicas saw, from their /metrics (loopback clients need no token), since they started:
 * each one's cache_hit_rate, and the mean time per endpoint inside the server
 * (api_response_time_by_endpoint, both replicas together) — next to the client's latency it shows
 * how much of a response's time was spent waiting to be read rather than being handled — and the
 * mean time of each kind of database statement (database_query_performance): how much of the
 * handling was waiting on PostgreSQL.
 */
async function serverView(urls: string[]) {
  const cacheHitRate: Record<string, Record<string, number>> = {};
  const sums = new Map<string, { sum: number; count: number }>();
  const queries = new Map<string, { sum: number; count: number }>();
  const add = (into: Map<string, { sum: number; count: number }>, key: string, field: string, value: number) => {
    const entry = into.get(key) ?? { sum: 0, count: 0 };
    entry[field as 'sum' | 'count'] += value;
    into.set(key, entry);
  };
  for (const url of urls) {
    const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => (r.ok ? r.text() : ''),
      () => '',
    );
    cacheHitRate[url] = {};
    for (const line of text.split('\n')) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      const labels = line.slice(line.indexOf('{'), line.lastIndexOf(' '));
      if (line.startsWith('cache_hit_rate{')) cacheHitRate[url][labels] = value;
      const m = /^api_response_time_by_endpoint_(sum|count)\{.*endpoint="([^"]*)".*method="([^"]*)"/.exec(line);
      if (m) add(sums, `${m[3]} ${m[2]}`, m[1]!, value);
      const q = /^database_query_performance_(sum|count)\{.*query_type="([^"]*)"/.exec(line);
      if (q) add(queries, q[2]!, q[1]!, value);
    }
  }
  const means = (from: Map<string, { sum: number; count: number }>) =>
    Object.fromEntries([...from].filter(([, v]) => v.count > 0).map(([k, v]) => [k, { mean_ms: Math.round((v.sum / v.count) * 10) / 10, count: v.count }]));
  return { cache_hit_rate: cacheHitRate, server_mean_ms: means(sums), database_statement_mean_ms: means(queries) };
}

interface Planned {
  plan: ScenarioPlan;
  steps: OperationStep[][];
  planned: Map<string, number>;
}

/**
 * Accounts for the whole run, signed up once: 8× the normal hour's signed-in users (scaled down
 * with --scale below 1, where fewer connections need fewer accounts), and enough couples that none
 * submits more than its 10 a day over every scenario of the run.
 */
function fixtureNeeds(load: NormalLoad, runs: Planned[], scale: number) {
  const users = (role: 'couple' | 'wedding_supplier' | 'product_team') =>
    Math.max(2, Math.ceil(load.concurrentAtNormal[role] * BRIEF_MULTIPLIERS.user_concurrency * Math.min(1, scale)));
  const coupleSubmissions = runs.reduce((n, r) => n + (r.planned.get('submit_couple') ?? 0), 0);
  return {
    couples: Math.max(users('couple'), Math.ceil(coupleSubmissions / COUPLE_DAILY_SUBMISSION_LIMIT) + 1),
    suppliers: users('wedding_supplier'),
    statusRequests: users('product_team'),
  };
}

async function runScenario(
  { plan, steps, planned }: Planned,
  settings: Settings,
  target: Target,
  fixtures: Fixtures,
  state: LoadState,
): Promise<ScenarioReport> {
  const name = plan.scenario;
  await target.poolSize(plan.poolSize);
  log(`${name}: ${SCENARIO_SUMMARIES[name]}; ${[...planned.values()].reduce((a, b) => a + b, 0)} requests planned`);
  const productToken = fixtures.tokens.product_team[0]!;
  // Start from a quiet queue (a fresh setup is still checking the demo requests for duplicates;
  // a previous scenario may have left work): the backlog measured must be this scenario's.
  const settled = await drainTime(target.urls[0]!, productToken, DRAIN_BOUND_S);
  log(`${name}: queues ${settled === null ? `still busy after ${DRAIN_BOUND_S} s; starting anyway` : `quiet after ${settled} s`}`);
  const samples: Sample[] = [];
  const status503 = { total: 0, with_retry_after: 0 };
  let recordedSeconds = 0;
  let loading = true;
  const peak = watchBacklog(target.urls[0]!, productToken, () => loading);
  const stoppedWorker = plan.stopsWorker && (await target.stopWorker());
  const overran = new Set<string>();
  // How long each measured stretch really took (planned: its seconds): a server that falls behind stretches them.
  const segmentSeconds: number[] = [];
  for (const [i, segment] of plan.segments.entries()) {
    const outcome = await runSegment(target.urls, steps[i]!, segment.seconds, fixtures, state, i);
    outcome.overran.forEach((op) => overran.add(op));
    if (!segment.recorded) continue;
    samples.push(...outcome.samples);
    recordedSeconds += outcome.seconds;
    segmentSeconds.push(Math.round(outcome.seconds * 10) / 10);
    status503.total += outcome.status503.total;
    status503.with_retry_after += outcome.status503.withRetryAfter;
  }
  loading = false;
  const peakDepth = await peak;
  // The drain time of a stopped worker's backlog counts from the moment it runs again.
  if (stoppedWorker) await target.startWorker();
  log(`${name}: load done (${samples.length} requests recorded); waiting for the queues to drain`);
  const drainS = await drainTime(target.urls[0]!, productToken, DRAIN_BOUND_S);
  const report = buildReport(
    plan,
    {
      samples,
      recordedSeconds,
      planned,
      drain: { seconds: drainS, peakDepth, queues: DRAINED_QUEUES },
      status503,
      setup: {
        ...target.describe,
        database_pool_size: plan.poolSize ?? 'default',
        overran: [...overran],
        segment_seconds: segmentSeconds,
        ...(await serverView(target.urls)),
      },
    },
    { durationS: settings.durationS, scale: settings.scale },
  );
  return report;
}

const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);

function describe(r: ScenarioReport): string {
  const errors =
    Object.entries(r.errors_by_status)
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ') || 'none';
  return [
    `${r.scenario} (${r.multiplier}× requests; ${r.recorded_s} s recorded${r.scale !== 1 ? `; rates × ${r.scale}` : ''}): ${r.passed ? 'all targets met' : 'TARGET MISSED'}`,
    `  ${r.requests} requests, success ${(r.success_rate * 100).toFixed(3)} %, ${r.throughput_rps} req/s; errors: ${errors}; 503s ${r.status_503.total} (${r.status_503.with_retry_after} with Retry-After)`,
    `  reads  p50 ${ms(r.p50_read_ms)}  p95 ${ms(r.p95_read_ms)}  p99 ${ms(r.p99_read_ms)}`,
    `  writes p50 ${ms(r.p50_write_ms)}  p95 ${ms(r.p95_write_ms)}  p99 ${ms(r.p99_write_ms)}`,
    `  queues: peak ${r.drain?.peakDepth ?? '—'} jobs due or running; drained ${r.drain_s === null ? `not within ${DRAIN_BOUND_S} s` : `${r.drain_s} s`} after the load`,
    ...r.operations.map(
      (o) =>
        `    ${o.name.padEnd(26)} ${String(o.requests).padStart(6)} of ${String(o.planned).padStart(6)}  ok ${(o.success_rate * 100).toFixed(2).padStart(6)} %  p50 ${ms(o.p50_ms)}  p95 ${ms(o.p95_ms)}  p99 ${ms(o.p99_ms)}`,
    ),
    ...Object.entries(r.targets).map(([k, t]) => `  target ${k} ${t.target}: ${t.pass ? 'ok' : 'MISSED'} (${t.value === null ? '—' : t.value})`),
  ].join('\n');
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
  const load = parseNormalLoad(JSON.parse(await readFile(CONFIG, 'utf8')));
  if (settings.build && !settings.urls) {
    // The load test must measure the code in the checkout, not an old dist/.
    log('npm run -s build');
    // Its output goes to stderr: stdout carries the JSON line.
    const built = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) throw new Error(`build failed (exit ${built.status ?? built.signal})`);
  }
  const adminDatabaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const demoPassword = process.env.DEMO_PASSWORD ?? 'wedding-demo';
  const target = await startTarget(settings, adminDatabaseUrl, redisUrl);
  const interrupted = async () => {
    log('interrupted: stopping the setup');
    await target.stop();
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  const reports: ScenarioReport[] = [];
  const loadavg = () => os.loadavg().map((v) => Math.round(v * 100) / 100);
  try {
    const runs = settings.scenarios.map((name): Planned => {
      const plan = scenarioPlan(name, load, settings.durationS);
      const steps = schedule(load, plan, settings.scale);
      return { plan, steps, planned: plannedCounts(steps) };
    });
    const fixtures = await prepareFixtures(target.urls, { ...fixtureNeeds(load, runs, settings.scale), demoPassword, verifySupplier: target.verifySupplier });
    log(`signed up ${fixtures.tokens.couple.length} couples and ${fixtures.tokens.wedding_supplier.length} suppliers (verified)`);
    // One state for the run: votes and statuses carry on from one scenario to the next.
    const state = newLoadState();
    for (const run of runs) {
      const loadStart = loadavg();
      const report = await runScenario(run, settings, target, fixtures, state);
      report.setup.machine = { cpus: os.cpus().length, loadavg_start: loadStart, loadavg_end: loadavg() };
      reports.push(report);
      console.error(describe(report));
    }
  } finally {
    await target.stop();
  }
  const result = reports.length === 1 ? reports[0]! : combineReports(reports);
  await mkdir(REPORTS_DIR, { recursive: true });
  const file = path.join(
    REPORTS_DIR,
    `loadtest-${settings.scenarios.length === 1 ? settings.scenarios[0] : 'all'}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`report: ${path.relative(ROOT, file)}`);
  if (settings.json) console.log(JSON.stringify(result));
  else console.log(reports.map(describe).join('\n\n'));
  return settings.strict && !result.passed ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`loadtest failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
