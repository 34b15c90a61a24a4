// The season-aware scaling signal: `wedding_season_multiplier`, the Pods metric the API's HPA holds
// at an average of 1.5 (deploy/k8s/base/api-hpa.yaml), and how far a worker may raise its concurrency
// in busy hours (WEDDING_SEASON_BOOST). Pure: the caller brings the calendar status and the rate.
import type { SeasonStatus } from './seasons.js';

/**
 * wedding_season_multiplier = max(s, r / B)
 *
 *  s  the calendar's expected load relative to off-season (seasonStatus: 1 off-season, 1.4 in peak
 *     season — the brief's +40 % — × 1.5 in Saturday 10:00–22:00 critical hours);
 *  r  this process's live request rate (requests per second, over the last minute);
 *  B  SCALING_BASELINE_RPS, the rate one API pod carries at normal off-season load.
 *
 * B × s is the pod's seasonal baseline. While traffic stays within it the signal is the calendar's
 * s; above it, the signal is the pod's load measured against its off-season baseline, r / B, which
 * falls as pods are added — so the HPA adds pods until each carries 1.5 B. Never below s, so an idle
 * pod still reports the season (alerts and dashboards read it as such).
 */
export function weddingSeasonMultiplier(season: Pick<SeasonStatus, 'multiplier'>, requestsPerSecond: number, baselineRps: number): number {
  const load = baselineRps > 0 && Number.isFinite(requestsPerSecond) && requestsPerSecond > 0 ? requestsPerSecond / baselineRps : 0;
  return Math.round(Math.max(season.multiplier, load) * 100) / 100;
}

/** A boosted worker never runs more than this many times its configured concurrency. */
export const SEASON_BOOST_CAP = 2;

/**
 * Jobs a worker runs at once with WEDDING_SEASON_BOOST: its configured concurrency × the calendar's
 * multiplier, rounded up, at most SEASON_BOOST_CAP × the configured value and never above `ceiling`
 * (the configuration's maximum). The calendar alone, not the request rate: a worker's load is its
 * queue, which the boost is meant to get ahead of in the hours weddings are busiest.
 */
export function boostedConcurrency(base: number, season: Pick<SeasonStatus, 'multiplier'>, ceiling: number): number {
  const boosted = Math.ceil(base * Math.max(1, season.multiplier));
  return Math.max(base, Math.min(boosted, base * SEASON_BOOST_CAP, ceiling));
}
