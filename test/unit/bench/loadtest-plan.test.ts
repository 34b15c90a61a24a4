// The load test's arithmetic: normal load from its config, the brief's multipliers on it, the
// scenario shapes, the per-segment counts, the percentiles and the JSON contract.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BRIEF_MULTIPLIERS,
  buildReport,
  combineReports,
  connectionShares,
  normalRate,
  parseNormalLoad,
  percentile,
  plannedCounts,
  roleConcurrency,
  SCENARIO_NAMES,
  scenarioPlan,
  schedule,
  segmentRate,
  type NormalLoad,
  type OperationConfig,
  type Sample,
} from '../../../bench/loadtest/plan.js';

const shipped = parseNormalLoad(JSON.parse(readFileSync(new URL('../../../bench/loadtest/normal-load.json', import.meta.url), 'utf8')));

/** A small config whose arithmetic is easy to follow: 3600 active couples over 1 hour → 1 action/s per action a day. */
function config(operations: Partial<OperationConfig>[], scenarios: Partial<NormalLoad['scenarios']> = {}): NormalLoad {
  return parseNormalLoad({
    population: { anonymous: 0, couple: 3600, wedding_supplier: 0, product_team: 0 },
    dailyActiveShare: { anonymous: 1, couple: 1, wedding_supplier: 1, product_team: 1 },
    activeHoursPerDay: 1,
    concurrentAtNormal: { anonymous: 1, couple: 2, wedding_supplier: 1, product_team: 1 },
    operations: operations.map((op, i) => ({ name: `op${i}`, role: 'couple', action: 'board', perActivePersonPerDay: 1, scaledBy: 'request_volume', ...op })),
    scenarios: {
      warmupSeconds: 5,
      sudden_traffic_spike_saturday_morning: { rampSeconds: 10 },
      ai_processing_backlog_recovery: { backlogMinutes: 60 },
      database_connection_pool_exhaustion: { poolSize: 2 },
      cache_invalidation_storm: { boost: {} },
      ...scenarios,
    },
  });
}

describe('normal load', () => {
  it('derives each rate from population × daily share × actions ÷ active seconds', () => {
    const board = shipped.operations.find((o) => o.name === 'board_anonymous')!;
    // 20 000 visitors × 4 board pages over 16 hours.
    expect(normalRate(shipped, board)).toBeCloseTo((20_000 * 4) / (16 * 3600), 9);
    const vote = shipped.operations.find((o) => o.name === 'vote_couple')!;
    expect(normalRate(shipped, vote)).toBeCloseTo((50_000 * 0.1 * 2) / (16 * 3600), 9);
  });

  it('the shipped mix has every role and every action of the brief, reads far above writes', () => {
    expect(new Set(shipped.operations.map((o) => o.role))).toEqual(new Set(['anonymous', 'couple', 'wedding_supplier', 'product_team']));
    expect(new Set(shipped.operations.map((o) => o.action))).toEqual(
      new Set(['board', 'detail', 'roadmap', 'vote', 'duplicate_check', 'submit', 'comment', 'status_change']),
    );
    const total = (kind: 'read' | 'write') =>
      shipped.operations
        .filter((o) => (['board', 'detail', 'roadmap'].includes(o.action) ? 'read' : 'write') === kind)
        .reduce((n, o) => n + normalRate(shipped, o), 0);
    expect(total('read')).toBeGreaterThan(5 * total('write'));
  });

  it('maps each multiplier of the brief onto the operations it describes', () => {
    const by = (action: string) => new Set(shipped.operations.filter((o) => o.action === action).map((o) => o.scaledBy));
    expect(by('duplicate_check')).toEqual(new Set(['ai_processing']));
    expect(by('submit')).toEqual(new Set(['ai_processing']));
    expect(by('status_change')).toEqual(new Set(['notification_volume']));
    expect(
      shipped.operations
        .filter((o) => o.role !== 'anonymous' && (o.action === 'board' || o.action === 'detail'))
        .every((o) => o.scaledBy === 'database_queries'),
    ).toBe(true);
  });

  it('refuses a config with a bad figure, naming it', () => {
    expect(() => config([{ perActivePersonPerDay: -1 }])).toThrow(/op0: perActivePersonPerDay/);
    expect(() => config([{ scaledBy: 'user_concurrency' as never }])).toThrow(/scaledBy/);
    expect(() => config([{}], { cache_invalidation_storm: { boost: { nope: 2 } } })).toThrow(/boost names no operation: nope/);
  });
});

describe('scenario shapes', () => {
  const load = config([{ scaledBy: 'request_volume' }, { scaledBy: 'ai_processing' }]);

  it('spike: unrecorded warm-up at 1×, one-second steps up to the full multipliers, then held', () => {
    const plan = scenarioPlan('sudden_traffic_spike_saturday_morning', load, 60);
    expect(plan.segments[0]).toEqual({ seconds: 5, intensity: 0, recorded: false });
    const ramp = plan.segments.slice(1, 11);
    expect(ramp.map((s) => s.intensity)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(plan.segments.at(-1)).toEqual({ seconds: 50, intensity: 1, recorded: true });
    expect(plan.segments.filter((s) => s.recorded).reduce((n, s) => n + s.seconds, 0)).toBe(60);
    // Rates climb from normal to 10× (requests) and 15× (AI) within the ramp.
    const [requests, ai] = load.operations as [OperationConfig, OperationConfig];
    expect(plan.segments.map((s) => segmentRate(load, requests, plan, s))).toEqual(
      [1, 1, 1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1, 10].map((v) => expect.closeTo(v, 9)),
    );
    expect(segmentRate(load, ai, plan, plan.segments.at(-1)!)).toBeCloseTo(15, 9);
  });

  it('a short spike ramps over at most half the run', () => {
    const plan = scenarioPlan('sudden_traffic_spike_saturday_morning', load, 4);
    expect(plan.segments.filter((s) => s.recorded).map((s) => [s.seconds, s.intensity])).toEqual([
      [1, 0],
      [1, 0.5],
      [2, 1],
    ]);
  });

  it('sustained, AI backlog, pool and storm: steady at the full multipliers; the pool scenario sets the pool, the storm its boosts', () => {
    for (const name of SCENARIO_NAMES.filter((n) => n !== 'sudden_traffic_spike_saturday_morning')) {
      const plan = scenarioPlan(name, load, 30);
      expect(plan.segments.filter((s) => s.recorded)).toEqual([{ seconds: 30, intensity: 1, recorded: true }]);
      expect(plan.poolSize).toBe(name === 'database_connection_pool_exhaustion' ? 2 : null);
    }
    const backlog = scenarioPlan(
      'ai_processing_backlog_recovery',
      config([
        { action: 'submit', scaledBy: 'ai_processing' },
        { action: 'duplicate_check', scaledBy: 'ai_processing' },
      ]),
      30,
    );
    expect(backlog.stopsWorker).toBe(true);
    // An hour of submissions at 15× within 30 s: 120× on top; the checks while typing stay at 15×.
    expect(backlog.boost).toEqual({ op0: 120 });
    const storm = config([{}], { cache_invalidation_storm: { boost: { op0: 3 } } });
    const plan = scenarioPlan('cache_invalidation_storm', storm, 30);
    expect(segmentRate(storm, storm.operations[0]!, plan, plan.segments.at(-1)!)).toBeCloseTo(30, 9);
  });

  it('users: connections per role grow to 8× at full intensity', () => {
    expect(roleConcurrency(load, 'couple', 0)).toBe(2);
    expect(roleConcurrency(load, 'couple', 1)).toBe(2 * BRIEF_MULTIPLIERS.user_concurrency);
  });
});

describe('schedule', () => {
  it('sends rate × time per operation, carrying fractions so rare operations keep their exact total', () => {
    const load = config([{ perActivePersonPerDay: 0.05, scaledBy: 'notification_volume' }, { perActivePersonPerDay: 1.5 }]);
    const plan = scenarioPlan('sustained_high_load_peak_wedding_month', { ...load, scenarios: { ...load.scenarios, warmupSeconds: 0 } }, 30);
    const steps = schedule(load, plan);
    // op0: 0.05/s × 20 (notifications) = 1/s → 30; op1: 1.5/s × 10 = 15/s → 450, one connection per
    // request a second as long as there are users for it (2 × 8 = 16).
    expect(plannedCounts(steps)).toEqual(
      new Map([
        ['op0', 30],
        ['op1', 450],
      ]),
    );
    expect(steps[0]!.find((s) => s.op.name === 'op1')).toMatchObject({ ratePerSecond: 15, connections: 15 });
  });

  it("rates below 1/s: counts add up over one-second steps, paced at autocannon's 1/s", () => {
    const load = config([{ perActivePersonPerDay: 0.03 }]);
    const plan = scenarioPlan('sudden_traffic_spike_saturday_morning', { ...load, scenarios: { ...load.scenarios, warmupSeconds: 0 } }, 20);
    const steps = schedule(load, plan);
    const expected = plan.segments.reduce((n, s) => n + segmentRate(load, load.operations[0]!, plan, s) * s.seconds, 0);
    expect(plannedCounts(steps).get('op0')).toBe(Math.floor(expected + 1e-9));
    for (const step of steps.flat()) expect(step).toMatchObject({ ratePerSecond: 1, connections: 1 });
  });

  it('--scale multiplies every rate', () => {
    const load = config([{ perActivePersonPerDay: 1 }]);
    const plan = scenarioPlan('sustained_high_load_peak_wedding_month', { ...load, scenarios: { ...load.scenarios, warmupSeconds: 0 } }, 10);
    expect(plannedCounts(schedule(load, plan, 0.2)).get('op0')).toBe(20);
  });
});

describe('connection shares', () => {
  const step = (count: number, ratePerSecond: number, connections: number) => ({
    op: { name: 'op', role: 'couple', action: 'board', perActivePersonPerDay: 1, scaledBy: 'request_volume' } as OperationConfig,
    count,
    ratePerSecond,
    connections,
  });

  it('splits count and rate over the connections, each starting at its own offset within the second', () => {
    const shares = connectionShares(step(140, 14, 4), Infinity, 0);
    expect(shares.map((s) => s.amount)).toEqual([35, 35, 35, 35]);
    expect(shares.map((s) => s.ratePerSecond)).toEqual([4, 4, 3, 3]);
    expect(shares.map((s) => s.delayMs)).toEqual([0, 250, 500, 750]);
    expect(shares.reduce((n, s) => n + s.amount, 0)).toBe(140);
  });

  it('caps connections (one per voter), shifts by phase, and drops connections with nothing to send', () => {
    const shares = connectionShares(step(3, 6, 6), 2, 0.5);
    expect(shares).toEqual([
      { connection: 0, amount: 2, ratePerSecond: 3, delayMs: 250 },
      { connection: 1, amount: 1, ratePerSecond: 3, delayMs: 750 },
    ]);
    expect(connectionShares(step(1, 1, 1), Infinity, 0)).toEqual([{ connection: 0, amount: 1, ratePerSecond: 1, delayMs: 0 }]);
  });
});

describe('percentiles', () => {
  it('nearest rank over every value', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNull();
    // 20 values: p95 is the 19th, p99 the 20th — a single slow response shows in p99, not p95.
    const twenty = [...Array.from({ length: 19 }, () => 10), 900];
    expect(percentile(twenty, 95)).toBe(10);
    expect(percentile(twenty, 99)).toBe(900);
  });
});

describe('report', () => {
  const sample = (op: string, kind: 'read' | 'write', latencyMs: number, outcome: Sample['outcome'] = 200): Sample => ({ op, kind, latencyMs, outcome });
  const plan = scenarioPlan('ai_processing_backlog_recovery', shipped, 10);
  const run = (samples: Sample[], drain: number | null = 12.5) => ({
    samples,
    recordedSeconds: 10,
    planned: new Map([
      ['board_anonymous', 90],
      ['vote_couple', 10],
    ]),
    drain: { seconds: drain, peakDepth: 40, queues: ['duplicate_detection'] },
    status503: { total: 1, with_retry_after: 1 },
    setup: {},
  });

  it('the JSON contract: scenario, multiplier, requests, success rate 0–1, p95 reads and writes, drain', () => {
    const samples = [
      ...Array.from({ length: 90 }, (_, i) => sample('board_anonymous', 'read', i + 1)),
      ...Array.from({ length: 9 }, () => sample('vote_couple', 'write', 40, 201)),
      sample('vote_couple', 'write', 3, 503),
    ];
    const report = buildReport(plan, run(samples), { durationS: 10, scale: 1 });
    expect(report).toMatchObject({
      scenario: 'ai_processing_backlog_recovery',
      multiplier: 10,
      requests: 100,
      success_rate: 0.99,
      throughput_rps: 10,
      p95_read_ms: 86,
      p95_write_ms: 40,
      drain_s: 12.5,
      errors_by_status: { '503': 1 },
    });
    expect(report.targets.success_rate.pass).toBe(false);
    expect(report.targets.p95_read_ms.pass).toBe(true);
    expect(report.passed).toBe(false);
    expect(report.operations.find((o) => o.name === 'vote_couple')).toMatchObject({ kind: 'write', planned: 10, requests: 10, success_rate: 0.9 });
    // Round-trips as one JSON line.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('timeouts count as failures at the timeout; socket errors as failures without a latency', () => {
    const samples = [
      ...Array.from({ length: 18 }, () => sample('board_anonymous', 'read', 5)),
      sample('board_anonymous', 'read', 10_000, 'timeout'),
      sample('board_anonymous', 'read', 0, 'socket'),
    ];
    const report = buildReport(plan, run(samples), { durationS: 10, scale: 1 });
    expect(report.success_rate).toBe(0.9);
    expect(report.errors_by_status).toEqual({ timeout: 1, socket: 1 });
    expect(report.p99_read_ms).toBe(10_000);
    expect(report.p50_read_ms).toBe(5);
  });

  it('a backlog not drained fails the drain target, and makes the combined drain unknown', () => {
    const ok = buildReport(plan, run([sample('board_anonymous', 'read', 5)], 3), { durationS: 10, scale: 1 });
    const stuck = buildReport(plan, run([sample('board_anonymous', 'read', 50)], null), { durationS: 10, scale: 1 });
    expect(stuck.targets.drain_s.pass).toBe(false);
    const all = combineReports([ok, stuck]);
    expect(all).toMatchObject({ scenario: 'all', multiplier: 10, requests: 2, success_rate: 1, p95_read_ms: 50, drain_s: null, passed: false });
    expect(combineReports([ok, ok]).drain_s).toBe(3);
  });
});
