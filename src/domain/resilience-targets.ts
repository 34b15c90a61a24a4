// The brief's recovery objectives (§5 setupWeddingSeasonResilience), as data: what a drill is held to
// depends on the season in force when it runs. Ours are stricter and the same all year.
import type { SeasonStatus } from './seasons.js';

export interface RecoveryObjective {
  /** Longest outage the brief tolerates. */
  maxDowntimeMs: number;
  /** Recovery time objective. */
  rtoMs: number;
  /** Recovery point objective: how much acknowledged work may be lost, as time. */
  rpoMs: number;
}

const MINUTE = 60_000;

export const BRIEF_RECOVERY_OBJECTIVES = {
  // May–October (region-aware): zero tolerance for extended downtime.
  peak_wedding_season: { maxDowntimeMs: 15 * MINUTE, rtoMs: 5 * MINUTE, rpoMs: 30_000 },
  // November–April: moderate tolerance for maintenance.
  off_season: { maxDowntimeMs: 120 * MINUTE, rtoMs: 30 * MINUTE, rpoMs: 5 * MINUTE },
  // Saturdays 10:00–22:00 local: "absolute zero tolerance" — no outage target can be met literally,
  // so a drill then is held to the peak objectives and the report says critical hours were in force.
  wedding_day_critical_hours: { maxDowntimeMs: 0, rtoMs: 5 * MINUTE, rpoMs: 30_000 },
} as const satisfies Record<string, RecoveryObjective>;

export type RecoveryPeriod = keyof typeof BRIEF_RECOVERY_OBJECTIVES;

/** The brief's testDisasterRecoveryProcedures: primary_db_failure_saturday_evening loses 0 requests. */
export const BRIEF_DATA_LOSS_TOLERANCE_REQUESTS = 0;

export function recoveryPeriod(season: Pick<SeasonStatus, 'season' | 'criticalHours'>): RecoveryPeriod {
  if (season.criticalHours) return 'wedding_day_critical_hours';
  return season.season === 'peak' ? 'peak_wedding_season' : 'off_season';
}
