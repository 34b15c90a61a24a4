// When backups are due and which ones may go: the brief's §5 schedule and retention as data, pure.
//
//   full daily at 02:00 UTC · incremental every 6 h · WAL archived every 15 min at most
//   (archive_timeout 30 s, the peak-season RPO) · twice as often in peak season (and on Saturdays'
//   critical hours, when the wedding_season_multiplier is above 1 too) · a dedicated
//   snapshot 24 h before each peak-season Saturday · 90 days' retention, pruned
//
// The maintenance job asks `dueBackup` every few minutes with the sets already taken; a missed slot
// (the process was down) is caught up at the next tick, once.
import { CRITICAL_HOURS, seasonStatus, WEDDING_SEASON_CALENDAR, DEFAULT_SEASON_REGION } from './seasons.js';

export const BACKUP_KINDS = ['full', 'incremental', 'pre_saturday_snapshot'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export const BACKUP_SCHEDULE = {
  /** Full backups are anchored at 02:00 UTC, the brief's daily_at_2am_utc. */
  fullAnchorUtcHour: 2,
  fullEveryHours: 24,
  /** Incrementals are anchored on the full backup's hour, so every sixth-hour slot lines up with it. */
  incrementalEveryHours: 6,
  /** The WAL archive (server mode): a segment is shipped at least this often. */
  walArchiveEveryMinutes: 15,
  /** PostgreSQL's archive_timeout: the brief's peak-season recovery point objective. */
  archiveTimeoutSeconds: 30,
  /** wedding_season_backup_frequency: 2x_normal_frequency. */
  peakSeasonFrequencyFactor: 2,
  /** pre_wedding_day_snapshot: dedicated_backup_24_hours_before (the start of Saturday's critical hours). */
  preSaturdaySnapshotHoursBefore: 24,
} as const;

export const DEFAULT_BACKUP_RETENTION_DAYS = 90;

const HOUR_MS = 3_600_000;

export interface BackupIntervals {
  fullEveryHours: number;
  incrementalEveryHours: number;
  walArchiveEveryMinutes: number;
}

/**
 * How often each kind runs at a given moment: twice as often whenever the season multiplier says
 * the platform is busier than off-season — the region's peak season and Saturday critical hours,
 * the same condition under which BackupTooOld is critical.
 */
export function backupIntervals(at: Date, region: string = DEFAULT_SEASON_REGION): BackupIntervals {
  const factor = seasonStatus(at, region).multiplier > 1 ? BACKUP_SCHEDULE.peakSeasonFrequencyFactor : 1;
  return {
    fullEveryHours: BACKUP_SCHEDULE.fullEveryHours / factor,
    incrementalEveryHours: BACKUP_SCHEDULE.incrementalEveryHours / factor,
    walArchiveEveryMinutes: BACKUP_SCHEDULE.walArchiveEveryMinutes / factor,
  };
}

/** The latest slot at or before `now` of a series every `everyHours` hours anchored at `anchorUtcHour` UTC. */
export function latestSlot(now: Date, everyHours: number, anchorUtcHour: number): Date {
  const period = everyHours * HOUR_MS;
  const anchor = anchorUtcHour * HOUR_MS;
  return new Date(Math.floor((now.getTime() - anchor) / period) * period + anchor);
}

/** Offset of a time zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock time happens in a time zone (the later offset wins across a DST change). */
export function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** Local calendar date (and weekday, 0 = Sunday) of an instant in a time zone. */
function localDate(instant: Date, timeZone: string): { year: number; month: number; day: number; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? ''),
  };
}

function regionTimeZone(region: string): string {
  return WEDDING_SEASON_CALENDAR.find((e) => e.region === region)?.defaultTimeZone ?? 'UTC';
}

export interface PreSaturdaySnapshot {
  /** When the snapshot is due: 24 h before the Saturday's critical hours begin. */
  slot: Date;
  /** Saturday 10:00 local: the wedding day it protects. */
  saturday: Date;
}

/**
 * The pre-wedding-day snapshot whose window contains `now` (its slot ≤ now < the Saturday), when that
 * Saturday is in the region's peak season; null otherwise. Local time is the region's default zone.
 */
export function preSaturdaySnapshot(now: Date, region: string = DEFAULT_SEASON_REGION, timeZone = regionTimeZone(region)): PreSaturdaySnapshot | null {
  const lead = BACKUP_SCHEDULE.preSaturdaySnapshotHoursBefore * HOUR_MS;
  // The Saturday falls on today's or tomorrow's local date (the window is 24 h long).
  for (const probe of [now, new Date(now.getTime() + lead)]) {
    const date = localDate(probe, timeZone);
    if (date.weekday !== CRITICAL_HOURS.weekday) continue;
    const saturday = zonedInstant(date.year, date.month, date.day, CRITICAL_HOURS.fromHour, timeZone);
    const slot = new Date(saturday.getTime() - lead);
    if (slot <= now && now < saturday && seasonStatus(saturday, region, timeZone).season === 'peak') return { slot, saturday };
  }
  return null;
}

export interface BackupTaken {
  kind: BackupKind;
  startedAt: Date;
}

export interface DueBackup {
  kind: BackupKind;
  /** The slot this backup fills. */
  slot: Date;
}

/**
 * The one backup to take now, or null. A slot is filled by any backup that started at or after it
 * and covers it: a full covers an incremental slot, a pre-Saturday snapshot (itself a full copy)
 * covers both. The snapshot goes first, then the full, then the incremental.
 */
export function dueBackup(now: Date, taken: readonly BackupTaken[], region: string = DEFAULT_SEASON_REGION): DueBackup | null {
  const intervals = backupIntervals(now, region);
  const filled = (slot: Date, kinds: readonly BackupKind[]) => taken.some((t) => kinds.includes(t.kind) && t.startedAt >= slot);
  const snapshot = preSaturdaySnapshot(now, region);
  if (snapshot && !filled(snapshot.slot, ['pre_saturday_snapshot'])) return { kind: 'pre_saturday_snapshot', slot: snapshot.slot };
  const full = latestSlot(now, intervals.fullEveryHours, BACKUP_SCHEDULE.fullAnchorUtcHour);
  if (!filled(full, ['full', 'pre_saturday_snapshot'])) return { kind: 'full', slot: full };
  const incremental = latestSlot(now, intervals.incrementalEveryHours, BACKUP_SCHEDULE.fullAnchorUtcHour);
  if (!filled(incremental, BACKUP_KINDS)) return { kind: 'incremental', slot: incremental };
  return null;
}

export interface RetainedSet {
  id: string;
  kind: BackupKind;
  startedAt: Date;
  /** A restore of it was checked against its manifest and matched. */
  verified: boolean;
}

/**
 * The sets older than the retention period, oldest first, except the newest verified full backup
 * (or pre-Saturday snapshot, also a full copy): with nothing newer verified it is all there is.
 */
export function setsToPrune(sets: readonly RetainedSet[], now: Date, retentionDays: number = DEFAULT_BACKUP_RETENTION_DAYS): string[] {
  const cutoff = now.getTime() - retentionDays * 24 * HOUR_MS;
  const keep = [...sets].filter((s) => s.verified && s.kind !== 'incremental').sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0]?.id;
  return sets
    .filter((s) => s.startedAt.getTime() < cutoff && s.id !== keep)
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    .map((s) => s.id);
}
