// The drill's arithmetic: RTO, errors and recovery from recorded attempts, and the verdict against
// the brief's objectives for the season in force.
import { describe, expect, it } from 'vitest';
import { summarise, type Attempt, type LoadRecord } from '../../../src/drills/load.js';
import { drillReport } from '../../../src/drills/report.js';
import type { DrillOutcome } from '../../../src/drills/types.js';

const attempt = (write: number, startedAt: number, endedAt: number, outcome: Attempt['outcome'] = 201): Attempt => ({
  write,
  url: 'http://127.0.0.1:1',
  startedAt,
  endedAt,
  outcome,
});

function record(attempts: Attempt[], faultAt: number | null, stoppedAt = 40_000): LoadRecord {
  return { run: 'r', startedAt: 0, stoppedAt, faultAt, attempts, acknowledged: [], refused: [] };
}

describe('summarise', () => {
  // Writes every 100 ms taking 20 ms; the database is gone from 10 s to 14 s; writes take 20 ms again after.
  const steady = (from: number, to: number, ms = 20) => Array.from({ length: (to - from) / 100 }, (_, i) => attempt(i, from + i * 100, from + i * 100 + ms));
  const outage = [
    attempt(1000, 10_050, 10_060, 503),
    attempt(1001, 11_000, 11_000, 'network'),
    attempt(1002, 12_000, 17_000, 'timeout'),
    attempt(1003, 13_900, 13_950, 503),
  ];

  it('RTO is fault → first success of a write sent after the fault, not a write already in flight', () => {
    const inFlight = attempt(999, 9_990, 10_500); // sent before the fault, answered after it
    const s = summarise(record([...steady(0, 10_000), inFlight, ...outage, ...steady(14_000, 40_000)], 10_000));
    expect(s.rtoMs).toBe(4_020);
  });

  it('counts failed attempts from the fault on, by outcome', () => {
    const before = attempt(5, 5_000, 5_010, 500);
    const s = summarise(record([...steady(0, 10_000), before, ...outage, ...steady(14_000, 40_000)], 10_000));
    expect(s.errorsByStatus).toEqual({ '503': 2, network: 1, timeout: 1 });
  });

  it('baseline p95 comes from before the fault, and recovery ends when a window is back near it', () => {
    const slowAfter = steady(14_000, 20_000, 400);
    const s = summarise(record([...steady(0, 10_000), ...outage, ...slowAfter, ...steady(20_000, 40_000)], 10_000));
    expect(s.p95BaselineMs).toBe(20);
    // The first 3 s window wholly after 20 s ends at 23 s (plus the 20 ms the writes take).
    expect(s.p95NormalAfterMs).toBeGreaterThanOrEqual(13_000);
    expect(s.p95NormalAfterMs).toBeLessThanOrEqual(13_500);
  });

  it('no write after the fault: no RTO', () => {
    expect(summarise(record([...steady(0, 10_000), ...outage], 10_000, 20_000)).rtoMs).toBeNull();
  });
});

const outcome = (over: Partial<DrillOutcome> = {}): DrillOutcome => ({
  rtoMs: 4_000,
  acknowledgedWrites: 300,
  lostWrites: 0,
  duplicates: 0,
  errorsByStatus: { '503': 3 },
  p95BaselineMs: 20,
  p95NormalAfterMs: 6_000,
  checks: [],
  rtoTargetMs: 15_000,
  details: {},
  ...over,
});
const scenario = { name: 'primary-db-failure', summary: 's' };
const at = (iso: string) => ({ startedAt: new Date(iso), finishedAt: new Date(iso), seasonRegion: 'northern_hemisphere' });

describe('drillReport', () => {
  it('passes when nothing is lost and RTO is within both targets; errors are totalled', () => {
    const r = drillReport(scenario, outcome(), at('2026-12-07T12:00:00Z'));
    expect(r).toMatchObject({
      scenario: 'primary-db-failure',
      rto_ms: 4_000,
      acknowledged_writes: 300,
      lost_writes: 0,
      duplicates: 0,
      errors: 3,
      passed: true,
    });
    expect(r.season.objectives_in_force).toBe('off_season');
    expect(r.targets.brief.rto_ms).toBe(30 * 60_000);
  });

  it('holds a peak-season Saturday afternoon to the critical-hours objective', () => {
    const r = drillReport(scenario, outcome(), at('2026-06-13T15:00:00Z'));
    expect(r.season).toMatchObject({ season: 'peak', critical_hours: true, objectives_in_force: 'wedding_day_critical_hours' });
    expect(r.targets.brief.rto_ms).toBe(5 * 60_000);
  });

  it.each([
    ['a lost write', { lostWrites: 1 }],
    ['a duplicate', { duplicates: 1 }],
    ['RTO over ours', { rtoMs: 15_000 }],
    ['writes never back', { rtoMs: null }],
    ['no write acknowledged', { acknowledgedWrites: 0 }],
    ['a failed scenario check', { checks: [{ name: 'x', ok: false, detail: '' }] }],
  ])('fails on %s', (_name, over) => {
    expect(drillReport(scenario, outcome(over), at('2026-12-07T12:00:00Z')).passed).toBe(false);
  });
});
