// Service level objectives (docs/operations.md "Service level objectives"): the brief's 99.9 % uptime,
// held to 99.95 % in peak wedding season, and what is left of the error budget. Pure.
import type { Season } from './seasons.js';

/** Availability objectives by season; deploy/prometheus/wedsync-slo.yml holds the same numbers (a test compares them). */
export const AVAILABILITY_OBJECTIVES: Readonly<Record<Season, number>> = { off: 0.999, peak: 0.9995 };

/** The error budget is counted over a rolling window of this many days. */
export const ERROR_BUDGET_WINDOW_DAYS = 30;
const WINDOW_MS = ERROR_BUDGET_WINDOW_DAYS * 86_400_000;

export interface ErrorBudget {
  /** The availability objective in force (the season's). */
  objective: number;
  windowDays: number;
  /** Downtime the objective allows over the whole window: (1 − objective) × 30 days. */
  allowedDowntimeSeconds: number;
  downtimeSeconds: number;
  /** Share of the budget not yet spent: 1 untouched, 0 spent, below 0 overspent. */
  left: number;
}

/** The error budget of a time-based availability objective, given the downtime counted in the window. */
export function errorBudget(season: Season, downtimeMs: number): ErrorBudget {
  const objective = AVAILABILITY_OBJECTIVES[season];
  const allowedMs = (1 - objective) * WINDOW_MS;
  return {
    objective,
    windowDays: ERROR_BUDGET_WINDOW_DAYS,
    allowedDowntimeSeconds: Math.round(allowedMs / 100) / 10,
    downtimeSeconds: Math.round(downtimeMs / 100) / 10,
    left: 1 - downtimeMs / allowedMs,
  };
}
