// The pure half of `npm run loadtest`: normal load from its documented config, the brief's
// multipliers applied to it, each scenario's shape over time, how many requests of each operation
// a stretch of time gets, the percentiles and the report. No I/O here, so all of it is unit-tested.

/** The brief's `weddingSeasonLoad` (Infrastructure Testing), by its own names. */
export const BRIEF_MULTIPLIERS = {
  request_volume: 10,
  ai_processing: 15,
  user_concurrency: 8,
  database_queries: 12,
  notification_volume: 20,
} as const;
export type MultiplierName = keyof typeof BRIEF_MULTIPLIERS;
/** Multipliers that scale a rate (user_concurrency scales connections and accounts instead). */
export type RateMultiplier = Exclude<MultiplierName, 'user_concurrency'>;

export const SCENARIO_NAMES = [
  'sudden_traffic_spike_saturday_morning',
  'sustained_high_load_peak_wedding_month',
  'ai_processing_backlog_recovery',
  'database_connection_pool_exhaustion',
  'cache_invalidation_storm',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type Role = 'anonymous' | 'couple' | 'wedding_supplier' | 'product_team';
export type Action = 'board' | 'detail' | 'roadmap' | 'vote' | 'duplicate_check' | 'submit' | 'comment' | 'status_change';
const ROLES: readonly Role[] = ['anonymous', 'couple', 'wedding_supplier', 'product_team'];
const ACTIONS: readonly Action[] = ['board', 'detail', 'roadmap', 'vote', 'duplicate_check', 'submit', 'comment', 'status_change'];

/** Reads are GETs; everything else (including the duplicate check, a POST the submit form makes) is judged as a write. */
export const actionKind = (action: Action): 'read' | 'write' => (action === 'board' || action === 'detail' || action === 'roadmap' ? 'read' : 'write');

export interface OperationConfig {
  name: string;
  role: Role;
  action: Action;
  perActivePersonPerDay: number;
  scaledBy: RateMultiplier;
}

export interface NormalLoad {
  population: Record<Role, number>;
  dailyActiveShare: Record<Role, number>;
  activeHoursPerDay: number;
  /** Connections (and, for signed-in roles, accounts) per role at 1×; user_concurrency multiplies them. */
  concurrentAtNormal: Record<Role, number>;
  operations: OperationConfig[];
  scenarios: {
    warmupSeconds: number;
    sudden_traffic_spike_saturday_morning: { rampSeconds: number };
    ai_processing_backlog_recovery: { backlogMinutes: number };
    database_connection_pool_exhaustion: { poolSize: number };
    cache_invalidation_storm: { boost: Record<string, number> };
  };
}

const isRecordOf = (value: unknown, keys: readonly string[], ok: (v: unknown) => boolean) =>
  typeof value === 'object' && value !== null && keys.every((k) => ok((value as Record<string, unknown>)[k]));
const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const positive = (v: unknown) => nonNegative(v) && (v as number) > 0;

/** Checks the config file's shape; a bad file stops the run with what is wrong, not a NaN rate later. */
export function parseNormalLoad(raw: unknown): NormalLoad {
  const c = raw as NormalLoad;
  const problems: string[] = [];
  if (!isRecordOf(c?.population, ROLES, nonNegative)) problems.push('population needs a number ≥ 0 per role');
  if (!isRecordOf(c?.dailyActiveShare, ROLES, (v) => nonNegative(v) && (v as number) <= 1)) problems.push('dailyActiveShare needs 0–1 per role');
  if (!positive(c?.activeHoursPerDay) || c.activeHoursPerDay > 24) problems.push('activeHoursPerDay must be in (0, 24]');
  if (!isRecordOf(c?.concurrentAtNormal, ROLES, (v) => Number.isInteger(v) && (v as number) >= 1))
    problems.push('concurrentAtNormal needs an integer ≥ 1 per role');
  if (!Array.isArray(c?.operations) || c.operations.length === 0) problems.push('operations must be a non-empty list');
  const names = new Set<string>();
  for (const op of Array.isArray(c?.operations) ? c.operations : []) {
    if (typeof op.name !== 'string' || names.has(op.name)) problems.push(`operation name ${JSON.stringify(op.name)} missing or repeated`);
    names.add(op.name);
    if (!ROLES.includes(op.role)) problems.push(`${op.name}: unknown role ${op.role}`);
    if (!ACTIONS.includes(op.action)) problems.push(`${op.name}: unknown action ${op.action}`);
    if (!nonNegative(op.perActivePersonPerDay)) problems.push(`${op.name}: perActivePersonPerDay must be ≥ 0`);
    if (!(op.scaledBy in BRIEF_MULTIPLIERS) || op.scaledBy === ('user_concurrency' as string))
      problems.push(`${op.name}: scaledBy must be one of the rate multipliers`);
  }
  const s = c?.scenarios;
  if (!nonNegative(s?.warmupSeconds)) problems.push('scenarios.warmupSeconds must be ≥ 0');
  if (!positive(s?.sudden_traffic_spike_saturday_morning?.rampSeconds)) problems.push('the spike needs rampSeconds > 0');
  if (!positive(s?.ai_processing_backlog_recovery?.backlogMinutes)) problems.push('ai_processing_backlog_recovery.backlogMinutes must be > 0');
  const pool = s?.database_connection_pool_exhaustion?.poolSize;
  if (!Number.isInteger(pool) || pool < 1) problems.push('database_connection_pool_exhaustion.poolSize must be an integer ≥ 1');
  for (const [name, factor] of Object.entries(s?.cache_invalidation_storm?.boost ?? {})) {
    if (!names.has(name)) problems.push(`cache_invalidation_storm.boost names no operation: ${name}`);
    if (!positive(factor)) problems.push(`cache_invalidation_storm.boost.${name} must be > 0`);
  }
  if (problems.length) throw new Error(`normal-load config: ${problems.join('; ')}`);
  return c;
}

/** Requests per second of one operation in the normal hour. */
export function normalRate(load: NormalLoad, op: OperationConfig): number {
  const active = load.population[op.role] * load.dailyActiveShare[op.role];
  return (active * op.perActivePersonPerDay) / (load.activeHoursPerDay * 3600);
}

// ---- scenario shapes --------------------------------------------------------------------------

/**
 * A stretch of the run at one intensity: 0 is normal load (1×), 1 is the brief's multipliers in full;
 * an operation with multiplier M runs at 1 + (M − 1) × intensity times its normal rate.
 */
export interface Segment {
  seconds: number;
  intensity: number;
  /** Warm-up (JIT, pools, caches) is driven but not measured. */
  recorded: boolean;
}

export interface ScenarioPlan {
  scenario: ScenarioName;
  segments: Segment[];
  /** Extra factor per operation on top of its multiplier (the cache storm's heavy reads and purging writes). */
  boost: Record<string, number>;
  /** DATABASE_POOL_SIZE for the API replicas, when the scenario sets one. */
  poolSize: number | null;
  /** Whether the scenario waits for the AI queues to drain and judges the drain time. */
  judgesDrain: boolean;
  /** The worker is stopped while the load runs and started after it: the backlog piles up, then drains. */
  stopsWorker: boolean;
}

export const SCENARIO_SUMMARIES: Record<ScenarioName, string> = {
  sudden_traffic_spike_saturday_morning: 'normal load, then a ramp to the full multipliers within seconds, held to the end',
  sustained_high_load_peak_wedding_month: 'the full multipliers, steady, for the whole run',
  ai_processing_backlog_recovery:
    'the full multipliers while the worker is stopped, with the submissions of a whole backlog (an hour of them at 15×, by default) sent within the run; then the worker starts and the drain time is measured',
  database_connection_pool_exhaustion:
    'the full multipliers (signed-in reads: 12× queries) against replicas with a deliberately small DATABASE_POOL_SIZE: waits or a clean 503 + Retry-After, never a hang',
  cache_invalidation_storm: 'the full multipliers with the cached reads and the writes that purge them boosted: purges while heavy reads hit the cached routes',
};

export function scenarioPlan(scenario: ScenarioName, load: NormalLoad, durationS: number): ScenarioPlan {
  const warmup: Segment[] = load.scenarios.warmupSeconds > 0 ? [{ seconds: load.scenarios.warmupSeconds, intensity: 0, recorded: false }] : [];
  const steady = (seconds: number): Segment => ({ seconds, intensity: 1, recorded: true });
  const base = { scenario, boost: {}, poolSize: null, judgesDrain: true, stopsWorker: false };
  switch (scenario) {
    case 'sudden_traffic_spike_saturday_morning': {
      // The ramp takes at most half the run, in one-second steps from 1× up to the full multipliers.
      const ramp = Math.max(1, Math.min(Math.round(load.scenarios.sudden_traffic_spike_saturday_morning.rampSeconds), Math.floor(durationS / 2)));
      const steps = Array.from({ length: ramp }, (_, i): Segment => ({ seconds: 1, intensity: i / ramp, recorded: true }));
      return { ...base, segments: [...warmup, ...steps, steady(durationS - ramp)].filter((s) => s.seconds > 0) };
    }
    case 'database_connection_pool_exhaustion':
      return { ...base, segments: [...warmup, steady(durationS)], poolSize: load.scenarios.database_connection_pool_exhaustion.poolSize };
    case 'cache_invalidation_storm':
      return { ...base, segments: [...warmup, steady(durationS)], boost: load.scenarios.cache_invalidation_storm.boost };
    case 'ai_processing_backlog_recovery': {
      // AI processing an hour behind on a peak Saturday: that hour's submissions (each a duplicate
      // check job) arrive within the run while no worker takes them. The duplicate checks made
      // while typing stay at 15×: they run on the API, there is no queue for them to pile up in.
      const backlog = (load.scenarios.ai_processing_backlog_recovery.backlogMinutes * 60) / durationS;
      const boost = Object.fromEntries(load.operations.filter((op) => op.action === 'submit').map((op) => [op.name, backlog]));
      return { ...base, segments: [...warmup, steady(durationS)], boost, stopsWorker: true };
    }
    case 'sustained_high_load_peak_wedding_month':
      return { ...base, segments: [...warmup, steady(durationS)] };
  }
}

/** The operation's rate in a segment: its normal rate × its multiplier at that intensity × any boost × the run's --scale. */
export function segmentRate(load: NormalLoad, op: OperationConfig, plan: ScenarioPlan, segment: Segment, scale = 1): number {
  const multiplier = 1 + (BRIEF_MULTIPLIERS[op.scaledBy] - 1) * segment.intensity;
  return normalRate(load, op) * multiplier * (plan.boost[op.name] ?? 1) * scale;
}

/** Connections for a role at an intensity: 8× users at full intensity. */
export function roleConcurrency(load: NormalLoad, role: Role, intensity: number): number {
  return Math.max(1, Math.round(load.concurrentAtNormal[role] * (1 + (BRIEF_MULTIPLIERS.user_concurrency - 1) * intensity)));
}

export interface OperationStep {
  op: OperationConfig;
  /** Requests to send in this segment (whole numbers; fractions carry over to the next segment). */
  count: number;
  /** Requests per second to pace them at: autocannon's overallRate, a whole number ≥ 1. */
  ratePerSecond: number;
  connections: number;
}

/**
 * What each operation sends, segment by segment. Rates below 1/s (a product team's status change)
 * are kept exact over the run by carrying the fraction: the counts add up to rate × time, and
 * autocannon paces them at its smallest rate, 1/s, from the start of the segment.
 */
export function schedule(load: NormalLoad, plan: ScenarioPlan, scale = 1): OperationStep[][] {
  const carry = new Map<string, number>();
  return plan.segments.map((segment) =>
    load.operations.flatMap((op) => {
      const rate = segmentRate(load, op, plan, segment, scale);
      const exact = rate * segment.seconds + (carry.get(op.name) ?? 0);
      // A hair of tolerance: 0.1 × 30 must count as 3, not 2.9999999999999996.
      const count = Math.floor(exact + 1e-9);
      carry.set(op.name, exact - count);
      if (count === 0) return [];
      const ratePerSecond = Math.max(1, Math.ceil(rate - 1e-9));
      const connections = Math.max(1, Math.min(roleConcurrency(load, op.role, segment.intensity), ratePerSecond, count));
      return [{ op, count, ratePerSecond, connections }];
    }),
  );
}

export interface ConnectionShare {
  /** Index among the operation's connections (a voter's account, a status changer's request). */
  connection: number;
  amount: number;
  ratePerSecond: number;
  /** When this connection starts, within the first second. */
  delayMs: number;
}

/**
 * An operation's requests split over its connections, each started at its own offset within the
 * second. autocannon opens a rate-limited connection's one-second window when it connects and
 * sends that second's requests at once; connections opened together would all send at the top of
 * each second — bursts of the whole load every second, which no crowd of people produces.
 * `phase` (0–1) shifts one operation's offsets against another's.
 */
export function connectionShares(step: OperationStep, maxConnections: number, phase: number): ConnectionShare[] {
  const n = Math.max(1, Math.min(step.connections, maxConnections));
  const share = (total: number, i: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
  return Array.from({ length: n }, (_, i) => ({
    connection: i,
    amount: share(step.count, i),
    ratePerSecond: Math.max(1, share(step.ratePerSecond, i)),
    delayMs: Math.floor(((i + phase) / n) * 1000),
  })).filter((s) => s.amount > 0);
}

/** How many requests of each operation the whole plan sends (e.g. to give couples enough accounts for their 10 submissions a day). */
export function plannedCounts(steps: OperationStep[][]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const step of steps.flat()) totals.set(step.op.name, (totals.get(step.op.name) ?? 0) + step.count);
  return totals;
}

// ---- figures ----------------------------------------------------------------------------------

/** Nearest-rank percentile of every recorded value (not a bucketed estimate); null for no values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Sample {
  op: string;
  kind: 'read' | 'write';
  latencyMs: number;
  /** HTTP status, or 'timeout' / 'socket' for requests that got no response. */
  outcome: number | 'timeout' | 'socket';
}

export interface LatencyFigures {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

const round = (v: number | null, digits = 1) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function latencyFigures(latencies: number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? null),
  };
}

export const TARGETS = { success_rate: 0.9999, p95_read_ms: 100, p95_write_ms: 250, drain_s: 120 } as const;

export interface Verdict {
  target: string;
  value: number | null;
  pass: boolean;
}

export interface DrainFigures {
  /** Seconds from the end of the load until the queues had nothing due or running; null if never within the bound. */
  seconds: number | null;
  /** Most jobs due or running at once, seen while the load ran (polled once a second). */
  peakDepth: number;
  queues: string[];
}

export interface ScenarioReport {
  scenario: ScenarioName;
  summary: string;
  multiplier: number;
  multipliers: typeof BRIEF_MULTIPLIERS;
  scale: number;
  duration_s: number;
  recorded_s: number;
  requests: number;
  responses: number;
  success_rate: number;
  throughput_rps: number;
  p50_read_ms: number | null;
  p95_read_ms: number | null;
  p99_read_ms: number | null;
  p50_write_ms: number | null;
  p95_write_ms: number | null;
  p99_write_ms: number | null;
  drain_s: number | null;
  drain: DrainFigures | null;
  errors_by_status: Record<string, number>;
  /** 503s that carried Retry-After, out of all 503s (a clean refusal says when to come back). */
  status_503: { total: number; with_retry_after: number };
  operations: {
    name: string;
    kind: 'read' | 'write';
    planned: number;
    requests: number;
    success_rate: number;
    p50_ms: number | null;
    p95_ms: number | null;
    p99_ms: number | null;
  }[];
  targets: Record<keyof typeof TARGETS, Verdict>;
  passed: boolean;
  setup: Record<string, unknown>;
}

export interface MeasuredRun {
  samples: Sample[];
  recordedSeconds: number;
  planned: Map<string, number>;
  drain: DrainFigures | null;
  status503: { total: number; with_retry_after: number };
  setup: Record<string, unknown>;
}

const isSuccess = (outcome: Sample['outcome']) => typeof outcome === 'number' && outcome >= 200 && outcome < 300;

export function buildReport(plan: ScenarioPlan, run: MeasuredRun, { durationS, scale }: { durationS: number; scale: number }): ScenarioReport {
  const { samples } = run;
  // A socket error has no latency to speak of; it counts against the success rate only.
  const timed = samples.filter((s) => s.outcome !== 'socket');
  const reads = latencyFigures(timed.filter((s) => s.kind === 'read').map((s) => s.latencyMs));
  const writes = latencyFigures(timed.filter((s) => s.kind === 'write').map((s) => s.latencyMs));
  const ok = samples.filter((s) => isSuccess(s.outcome)).length;
  const errors: Record<string, number> = {};
  for (const s of samples) if (!isSuccess(s.outcome)) errors[String(s.outcome)] = (errors[String(s.outcome)] ?? 0) + 1;
  const byOp = new Map<string, Sample[]>();
  for (const s of samples) byOp.set(s.op, [...(byOp.get(s.op) ?? []), s]);
  const operations = [...new Set([...run.planned.keys(), ...byOp.keys()])].map((name) => {
    const mine = byOp.get(name) ?? [];
    const figures = latencyFigures(mine.filter((s) => s.outcome !== 'socket').map((s) => s.latencyMs));
    return {
      name,
      kind: mine[0]?.kind ?? 'read',
      planned: run.planned.get(name) ?? 0,
      requests: mine.length,
      success_rate: mine.length ? mine.filter((s) => isSuccess(s.outcome)).length / mine.length : 1,
      p50_ms: figures.p50,
      p95_ms: figures.p95,
      p99_ms: figures.p99,
    };
  });
  const successRate = samples.length ? ok / samples.length : 0;
  const drainS = run.drain?.seconds ?? null;
  const targets = {
    success_rate: { target: `≥ ${TARGETS.success_rate}`, value: successRate, pass: samples.length > 0 && successRate >= TARGETS.success_rate },
    p95_read_ms: { target: `< ${TARGETS.p95_read_ms} ms`, value: reads.p95, pass: reads.p95 === null || reads.p95 < TARGETS.p95_read_ms },
    p95_write_ms: { target: `< ${TARGETS.p95_write_ms} ms`, value: writes.p95, pass: writes.p95 === null || writes.p95 < TARGETS.p95_write_ms },
    drain_s: { target: `≤ ${TARGETS.drain_s} s`, value: drainS, pass: !plan.judgesDrain || (drainS !== null && drainS <= TARGETS.drain_s) },
  };
  return {
    scenario: plan.scenario,
    summary: SCENARIO_SUMMARIES[plan.scenario],
    multiplier: BRIEF_MULTIPLIERS.request_volume,
    multipliers: BRIEF_MULTIPLIERS,
    scale,
    duration_s: durationS,
    recorded_s: round(run.recordedSeconds)!,
    requests: samples.length,
    responses: samples.filter((s) => typeof s.outcome === 'number').length,
    success_rate: successRate,
    throughput_rps: run.recordedSeconds > 0 ? round(samples.length / run.recordedSeconds)! : 0,
    p50_read_ms: reads.p50,
    p95_read_ms: reads.p95,
    p99_read_ms: reads.p99,
    p50_write_ms: writes.p50,
    p95_write_ms: writes.p95,
    p99_write_ms: writes.p99,
    drain_s: drainS,
    drain: run.drain,
    errors_by_status: errors,
    status_503: run.status503,
    operations,
    targets,
    passed: Object.values(targets).every((t) => t.pass),
    setup: run.setup,
  };
}

/** `all`: one line for the five, with the same contract — the worst figure of any scenario. */
export function combineReports(reports: ScenarioReport[]) {
  const worst = (pick: (r: ScenarioReport) => number | null) => {
    const values = reports.map(pick).filter((v): v is number => v !== null);
    return values.length ? Math.max(...values) : null;
  };
  const requests = reports.reduce((n, r) => n + r.requests, 0);
  return {
    scenario: 'all',
    multiplier: BRIEF_MULTIPLIERS.request_volume,
    requests,
    success_rate: requests ? reports.reduce((n, r) => n + r.success_rate * r.requests, 0) / requests : 0,
    p50_read_ms: worst((r) => r.p50_read_ms),
    p95_read_ms: worst((r) => r.p95_read_ms),
    p99_read_ms: worst((r) => r.p99_read_ms),
    p50_write_ms: worst((r) => r.p50_write_ms),
    p95_write_ms: worst((r) => r.p95_write_ms),
    p99_write_ms: worst((r) => r.p99_write_ms),
    // A queue that never drained makes the whole run's drain time unknown, not the others' worst.
    drain_s: reports.some((r) => r.drain_s === null) ? null : worst((r) => r.drain_s),
    passed: reports.every((r) => r.passed),
    scenarios: reports,
  };
}
