// Turning raw load-test output into the figures we compare: requests/s, latency percentiles and
// error rate per scenario, a final table, and a JSON report for keeping runs side by side.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Target } from './scenarios.js';

export interface Samples {
  /** Every response's latency in ms, whatever its status (a fast 500 is still a response). */
  latenciesMs: number[];
  statusCounts: Map<number, number>;
  /** Connection errors and timeouts: requests that never got a response. */
  socketErrors: number;
  timeouts: number;
  durationS: number;
}

export interface Verdict {
  target: Target;
  pass: boolean;
  misses: string[];
}

export interface ScenarioResult {
  mode: string;
  scenario: string;
  description: string;
  connections: number;
  durationS: number;
  /** Requests that got a response plus those that failed on the socket. */
  total: number;
  responses: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  errorRate: number;
  statusCodes: Record<string, number>;
  verdict: Verdict | null;
}

/** More than this share of errors and a scenario cannot pass, however fast its failures came back. */
const MAX_ERROR_RATE_FOR_PASS = 0.01;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(
  meta: { mode: string; scenario: string; description: string; connections: number },
  samples: Samples,
  target: Target | undefined,
): ScenarioResult {
  const sorted = Float64Array.from(samples.latenciesMs).sort();
  const responses = sorted.length;
  let ok = 0;
  const statusCodes: Record<string, number> = {};
  for (const [status, count] of [...samples.statusCounts].sort(([a], [b]) => a - b)) {
    statusCodes[String(status)] = count;
    if (status >= 200 && status < 300) ok += count;
  }
  const total = responses + samples.socketErrors;
  const non2xx = responses - ok;
  const errorRate = total === 0 ? 0 : (non2xx + samples.socketErrors) / total;
  const rps = samples.durationS > 0 ? responses / samples.durationS : 0;
  const mean = responses === 0 ? 0 : sorted.reduce((sum, v) => sum + v, 0) / responses;
  const latencyMs = { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[responses - 1] ?? 0, mean };
  let verdict: Verdict | null = null;
  if (target) {
    const misses: string[] = [];
    if (rps < target.minRps) misses.push(`${fmt(rps, 0)} req/s < ${target.minRps}`);
    if (latencyMs.p95 >= target.maxP95Ms) misses.push(`p95 ${fmt(latencyMs.p95, 1)} ms ≥ ${target.maxP95Ms}`);
    if (errorRate > MAX_ERROR_RATE_FOR_PASS) misses.push(`error rate ${pct(errorRate)} > ${pct(MAX_ERROR_RATE_FOR_PASS)}`);
    verdict = { target, pass: misses.length === 0, misses };
  }
  return {
    ...meta,
    durationS: samples.durationS,
    total,
    responses,
    rps,
    latencyMs,
    non2xx,
    socketErrors: samples.socketErrors,
    timeouts: samples.timeouts,
    errorRate,
    statusCodes,
    verdict,
  };
}

const fmt = (value: number, digits: number) => value.toFixed(digits);
const pct = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 2)}%`;

export function targetText(target: Target): string {
  return `≥ ${target.minRps} req/s, p95 < ${target.maxP95Ms} ms`;
}

function verdictText(result: ScenarioResult): string {
  if (!result.verdict) return '';
  return result.verdict.pass ? `PASS (${targetText(result.verdict.target)})` : `MISS (${result.verdict.misses.join('; ')})`;
}

/** The few lines printed as soon as a scenario finishes. */
export function formatScenario(result: ScenarioResult): string {
  const l = result.latencyMs;
  const codes = Object.entries(result.statusCodes)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  const lines = [
    `  ${result.scenario}: ${fmt(result.rps, 0)} req/s  p50 ${fmt(l.p50, 1)} ms  p95 ${fmt(l.p95, 1)} ms  p99 ${fmt(l.p99, 1)} ms  (max ${fmt(l.max, 1)} ms)`,
    `    ${result.total} requests in ${fmt(result.durationS, 1)} s, errors ${pct(result.errorRate)} (non-2xx ${result.non2xx}, socket ${result.socketErrors}, timeouts ${result.timeouts}); status ${codes || 'none'}`,
  ];
  const verdict = verdictText(result);
  if (verdict) lines.push(`    target: ${verdict}`);
  return lines.join('\n');
}

/** The final side-by-side table of every scenario in every mode. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['mode', 'scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'requests', 'target'];
  const rows = results.map((r) => [
    r.mode,
    r.scenario,
    fmt(r.rps, 0),
    fmt(r.latencyMs.p50, 1),
    fmt(r.latencyMs.p95, 1),
    fmt(r.latencyMs.p99, 1),
    pct(r.errorRate),
    String(r.total),
    r.verdict ? (r.verdict.pass ? 'PASS' : 'MISS') : '-',
  ]);
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export async function writeReport(dir: string, stamp: string, mode: string, report: object): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${stamp}-${mode}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** The machine the figures were taken on, as each JSON report records it. */
export interface MachineReport {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

/**
 * Client, server and database share this machine's CPUs, so a busy machine lowers every figure: says
 * what it is and how busy, warns (with `busyNote`) when other work is running, and returns what the
 * report records about it once the run is over.
 */
export function announceMachine(busyNote: string): () => MachineReport {
  const cpus = os.cpus().length;
  const loadAverageAtStart = os.loadavg()[0] ?? 0;
  console.log(`machine: ${cpus} CPU(s), load average ${loadAverageAtStart.toFixed(2)}; node ${process.version}`);
  if (loadAverageAtStart > cpus / 2) console.log(`warning: other processes are busy; ${busyNote}`);
  return () => ({
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg()[0] ?? 0,
  });
}
