// The ops dashboard's rolling history: GET /api/platform/health reports only the present (and the
// last 5 minutes' traffic), so the dashboard keeps what it polled to draw trends. Kept in memory
// for this tab, for the last hour; pure, so it is unit-tested without a browser.
import type { PlatformHealth } from '../types.js';

/** One poll's figures, flattened for charting. */
export interface Sample {
  at: number;
  requests: number;
  /** Share of 5xx, 0–1. */
  errorRate: number;
  p95Ms: number | null;
  multiplier: number;
  pendingByQueue: Record<string, number>;
}

/** An hour of 10-second polls. */
export const HISTORY_LIMIT = 360;

export function toSample(health: PlatformHealth): Sample {
  const at = Date.parse(health.checkedAt);
  return {
    at: Number.isFinite(at) ? at : Date.now(),
    requests: health.traffic.requests,
    errorRate: health.traffic.errorRate,
    p95Ms: health.traffic.p95Ms,
    multiplier: health.season.multiplier,
    pendingByQueue: Object.fromEntries(health.queues.map((q) => [q.queue, q.pending])),
  };
}

/** The history with this sample added: oldest dropped past the limit; a repeated poll (same time) replaces its twin. */
export function append(history: readonly Sample[], sample: Sample, limit = HISTORY_LIMIT): Sample[] {
  const last = history.at(-1);
  const kept = last && last.at >= sample.at ? history.filter((s) => s.at < sample.at) : history;
  return [...kept, sample].slice(-limit);
}

// The store outlives the page component, so leaving the dashboard and coming back keeps the trend.
let stored: Sample[] = [];
export const storedHistory = () => stored;
export function record(health: PlatformHealth): Sample[] {
  stored = append(stored, toSample(health));
  return stored;
}
