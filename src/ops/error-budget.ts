// The availability error budget on the ops dashboard, from what the app already keeps: the
// submission probe's results in probe_runs (src/services/probes.ts). The request counters the API keeps
// live in memory for five minutes per process (request-window.ts), so they cannot say what a month
// of traffic saw; the probe's record is shared by every process and survives restarts. Prometheus
// counts the same objective per request (deploy/prometheus/wedsync-slo.yml).
//
// Time-based: each run's result stands until the next run, for at most the probe's failure
// threshold × its interval. Time covered by a failed run is downtime, and so is time no run covers:
// when the probe cannot run or cannot record its result — the database or the worker is down — the
// platform is not serving either. Counting starts at the first run inside the window.
import { sql } from 'drizzle-orm';
import { rows, timestamptz } from '../db/client.js';
import { seasonStatus } from '../domain/seasons.js';
import { ERROR_BUDGET_WINDOW_DAYS, errorBudget, type ErrorBudget } from '../domain/slo.js';
import type { Services } from '../services/context.js';
import { PROBES, type ProbeName } from '../services/probes.js';

/** The user journey whose availability the budget counts: submitting a feature request. */
export const BUDGET_PROBE: ProbeName = 'feature_request_submission';

export interface ErrorBudgetReport extends ErrorBudget {
  probe: ProbeName;
  /** When counting started: the first probe run in the window. */
  measuredSince: Date;
}

/** The budget left over the last 30 days, or null before the probe has run in the window. */
export async function availabilityErrorBudget(services: Pick<Services, 'db' | 'now' | 'config'>): Promise<ErrorBudgetReport | null> {
  const now = services.now();
  const from = new Date(now.getTime() - ERROR_BUDGET_WINDOW_DAYS * 86_400_000);
  const probe = PROBES[BUDGET_PROBE];
  const cover = sql`${probe.failureThreshold * probe.everyMs}::float8 * interval '1 millisecond'`;
  const [summary] = rows<{ first_ms: number | null; down_ms: number | null }>(
    await services.db.execute(sql`
      with runs as (
        select at, ok, lead(at, 1, ${timestamptz(now)}) over (order by at) - at as gap
        from probe_runs
        where probe = ${BUDGET_PROBE} and at >= ${timestamptz(from)} and at <= ${timestamptz(now)}
      )
      select extract(epoch from min(at))::float8 * 1000 as first_ms,
             extract(epoch from sum(case when ok then interval '0' else least(gap, ${cover}) end + greatest(gap - ${cover}, interval '0')))::float8 * 1000 as down_ms
      from runs`),
  );
  if (summary?.first_ms === null || summary?.first_ms === undefined) return null;
  const season = seasonStatus(now, services.config.seasonRegion).season;
  return { ...errorBudget(season, Number(summary.down_ms ?? 0)), probe: BUDGET_PROBE, measuredSince: new Date(Number(summary.first_ms)) };
}
