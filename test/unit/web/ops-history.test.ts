// The ops dashboard's rolling history (web/src/ops/history.ts): what each poll adds, and what it forgets.
import { describe, expect, it } from 'vitest';
import { append, HISTORY_LIMIT, toSample, type Sample } from '../../../web/src/ops/history.js';
import type { PlatformHealth } from '../../../web/src/types.js';

const health = (checkedAt: string, requests = 10): PlatformHealth => ({
  status: 'operational',
  checkedAt,
  components: [],
  season: { region: 'northern_hemisphere', season: 'peak', criticalHours: true, multiplier: 2.1 },
  queues: [
    { queue: 'duplicate_detection', pending: 3, running: 1, dead: 0, oldestDueSeconds: 12 },
    { queue: 'ai_analysis', pending: 0, running: 0, dead: 2, oldestDueSeconds: null },
  ],
  traffic: { windowSeconds: 300, requests, errorRate: 0.004, p95Ms: 250 },
});

const at = (seconds: number): Sample => toSample(health(new Date(Date.UTC(2027, 5, 12, 14, 0, seconds)).toISOString(), seconds));

describe('ops dashboard history', () => {
  it('flattens a health reading into the figures the charts draw', () => {
    expect(toSample(health('2027-06-12T14:00:00.000Z'))).toEqual({
      at: Date.UTC(2027, 5, 12, 14),
      requests: 10,
      errorRate: 0.004,
      p95Ms: 250,
      multiplier: 2.1,
      pendingByQueue: { duplicate_detection: 3, ai_analysis: 0 },
    });
  });

  it('keeps readings in time order and drops the oldest past the limit', () => {
    let history: Sample[] = [];
    for (let s = 0; s < 5; s++) history = append(history, at(s * 10), 3);
    expect(history.map((h) => h.requests)).toEqual([20, 30, 40]);
    expect(HISTORY_LIMIT).toBe(360); // an hour of 10-second polls
  });

  it('replaces a repeated reading instead of counting it twice', () => {
    const history = append(append([at(0), at(10)], at(10)), at(20));
    expect(history.map((h) => h.at - history[0]!.at)).toEqual([0, 10_000, 20_000]);
  });

  it('drops readings from after a clock that went back, keeping the new one last', () => {
    const history = append([at(0), at(10), at(20)], at(5));
    expect(history.map((h) => h.requests)).toEqual([0, 5]);
  });
});
