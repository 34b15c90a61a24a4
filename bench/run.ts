// `npm run bench`: starts the server in each mode, prepares accounts through the API, drives every
// scenario over loopback HTTP with autocannon, prints the figures and writes a JSON report.
// Misses against the targets are reported, never turned into a failing exit code: numbers on a
// shared laptop are a signal, not a gate.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad, settle, stopActiveLoad } from './load.js';
import { announceMachine, formatScenario, formatTable, summarize, targetText, writeReport, type ScenarioResult } from './report.js';
import { BOARD_PATH, prepareFixtures, SCENARIOS, type Scenario } from './scenarios.js';
import { ensureBuilt, externalServer, startServer, type Mode, type RunningServer } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTS_DIR = path.join(ROOT, 'bench', 'reports');

const USAGE = `Usage: npm run bench -- [options]

  --mode embedded|server|both  which database to run the server on (default both)
  --url http://127.0.0.1:PORT  bench an already-running server instead of starting one
                               (--mode then only labels the results; default "external")
  --duration N                 seconds per scenario (default 10)
  --connections N              concurrent connections per scenario (default 50)
  --warmup N                   seconds of unrecorded board traffic first (default 2, 0 = none)
  --only a,b                   run only these scenarios (${SCENARIOS.map((s) => s.name).join(', ')})
  --vote-requests N            requests the vote connections spread over (default: one each)
  --build                      rebuild dist/ first even if it exists

Environment: BENCH_DATABASE_URL (server mode; default postgres://postgres@127.0.0.1:5432/postgres),
DEMO_PASSWORD (default wedding-demo).`;

interface Settings {
  modes: (Mode | 'external')[];
  url: string | undefined;
  durationS: number;
  connections: number;
  warmupS: number;
  scenarios: Scenario[];
  voteRequests: number;
  build: boolean;
}

class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${raw}"`);
  return value;
}

/** Loopback only: a benchmark pointed at a shared host would be a load attack, not a measurement. */
function loopbackUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'http:' || !loopback) throw new UsageError(`--url must be http:// on a loopback address (127.0.0.1), not ${raw}`);
  return url.origin;
}

function parseSettings(argv: string[]): Settings | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string' },
      url: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      'vote-requests': { type: 'string' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  const mode = values.mode ?? (values.url ? undefined : 'both');
  if (mode !== undefined && !['embedded', 'server', 'both'].includes(mode)) throw new UsageError(`--mode must be embedded, server or both, not "${mode}"`);
  if (values.url && mode === 'both') throw new UsageError('--url benches one server: give --mode embedded or server (or neither)');
  const connections = positiveInt('connections', values.connections, 50);
  let scenarios = [...SCENARIOS];
  if (values.only) {
    const wanted = values.only.split(',').map((s) => s.trim());
    const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
    if (unknown.length > 0) throw new UsageError(`--only: unknown scenario(s) ${unknown.join(', ')}`);
    scenarios = SCENARIOS.filter((s) => wanted.includes(s.name));
  }
  return {
    modes: mode === 'both' ? ['embedded', 'server'] : [(mode as Mode | undefined) ?? 'external'],
    url: values.url ? loopbackUrl(values.url) : undefined,
    durationS: positiveInt('duration', values.duration, 10),
    connections,
    warmupS: positiveInt('warmup', values.warmup, 2, 0),
    scenarios,
    voteRequests: positiveInt('vote-requests', values['vote-requests'], connections),
    build: values.build ?? false,
  };
}

// ---- interruption: Ctrl-C stops the load and the server, then exits ----

let activeServer: RunningServer | undefined;
let interrupted = false;

function onSignal(signal: NodeJS.Signals) {
  if (interrupted) process.exit(130); // a second Ctrl-C: stop waiting (the 'exit' hook kills children)
  interrupted = true;
  console.error(`\n${signal}: stopping the load and the server…`);
  stopActiveLoad();
  void (activeServer?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function benchMode(mode: Mode | 'external', settings: Settings, runId: string): Promise<{ server: RunningServer; results: ScenarioResult[] }> {
  const benchDatabaseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(`\n== ${mode} ==`);
  const server = settings.url ? await externalServer(settings.url, mode) : await startServer(mode as Mode, { root: ROOT, benchDatabaseUrl });
  activeServer = server;
  const results: ScenarioResult[] = [];
  try {
    console.log(`server: ${server.description}, ${server.url}`);
    const setupStart = Date.now();
    const fixtures = await prepareFixtures(server.url, {
      demoPassword: process.env.DEMO_PASSWORD || 'wedding-demo',
      voters: settings.connections,
      runId,
    });
    console.log(
      `fixtures: ${fixtures.requestIds.length} board requests, ${fixtures.voterTokens.length} voter tokens (${((Date.now() - setupStart) / 1000).toFixed(1)} s)`,
    );
    if (settings.warmupS > 0) {
      // JIT, connection pool and PostgreSQL caches warm up on traffic that is not recorded.
      await runLoad(server.url, { requests: [{ method: 'GET', path: BOARD_PATH }] }, settings.connections, settings.warmupS);
      await settle(server.url);
    }
    for (const scenario of settings.scenarios) {
      if (interrupted) break;
      console.log(`running ${scenario.name} for ${settings.durationS}s with ${settings.connections} connections: ${scenario.description}`);
      const samples = await runLoad(server.url, scenario.load(fixtures, { voteRequests: settings.voteRequests }), settings.connections, settings.durationS);
      if (interrupted) break; // cut short while the server was going away: not a measurement
      const ended = server.ended();
      if (ended) throw new Error(`the server stopped during ${scenario.name} without being asked to: ${ended}`);
      await settle(server.url);
      const target = mode === 'server' ? scenario.serverTarget : undefined;
      const result = summarize({ mode, scenario: scenario.name, description: scenario.description, connections: settings.connections }, samples, target);
      results.push(result);
      console.log(formatScenario(result));
    }
  } finally {
    await server.stop();
    activeServer = undefined;
  }
  return { server, results };
}

async function main(argv: string[]): Promise<number> {
  let settings: Settings | null;
  try {
    settings = parseSettings(argv);
  } catch (err) {
    // parseArgs reports unknown or malformed flags as ERR_PARSE_ARGS_* errors.
    const parseError = (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ?? false;
    if (!(err instanceof UsageError) && !parseError) throw err;
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (!settings) {
    console.log(USAGE);
    return 0;
  }
  if (!settings.url) ensureBuilt(ROOT, settings.build);
  const machine = announceMachine('expect lower, noisier figures than on a quiet machine');

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const runId = Math.random().toString(36).slice(2, 8);
  const all: ScenarioResult[] = [];
  let failed = false;
  for (const mode of settings.modes) {
    if (interrupted) break;
    try {
      const { server, results } = await benchMode(mode, settings, runId);
      all.push(...results);
      const file = await writeReport(REPORTS_DIR, stamp, mode, {
        startedAt: startedAt.toISOString(),
        mode,
        server: server.description,
        url: server.url,
        settings: { durationS: settings.durationS, connections: settings.connections, warmupS: settings.warmupS, voteRequests: settings.voteRequests },
        machine: machine(),
        targets: Object.fromEntries(SCENARIOS.filter((s) => s.serverTarget).map((s) => [s.name, { mode: 'server', ...s.serverTarget }])),
        results,
      });
      console.log(`report: ${path.relative(ROOT, file)}`);
    } catch (err) {
      if (interrupted) break;
      failed = true;
      console.error(`\n${mode} run failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (all.length > 0) {
    console.log(`\n${formatTable(all)}`);
    const targeted = SCENARIOS.filter((s) => s.serverTarget).map((s) => `${s.name} ${targetText(s.serverTarget!)}`);
    console.log(`\ntargets (server mode only; a MISS is reported, not fatal): ${targeted.join('; ')}`);
    console.log(`errors = (non-2xx + socket errors) / requests; req/s counts every response.`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
