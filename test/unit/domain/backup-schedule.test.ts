import { describe, expect, it } from 'vitest';
import {
  backupIntervals,
  dueBackup,
  preSaturdaySnapshot,
  setsToPrune,
  zonedInstant,
  type BackupKind,
  type BackupTaken,
  type RetainedSet,
} from '../../../src/domain/backup-schedule.js';

const at = (iso: string) => new Date(iso);
const took = (kind: BackupKind, iso: string): BackupTaken => ({ kind, startedAt: at(iso) });

describe('backup schedule', () => {
  it('off-season: a full backup at 02:00 UTC daily and an incremental every 6 hours', () => {
    // 15 January, northern hemisphere: off-season, a Friday.
    expect(backupIntervals(at('2027-01-15T12:00:00Z'), 'northern_hemisphere')).toEqual({
      fullEveryHours: 24,
      incrementalEveryHours: 6,
      walArchiveEveryMinutes: 15,
    });
    const fullAt2 = [took('full', '2027-01-15T02:00:30Z')];
    expect(dueBackup(at('2027-01-15T01:59:00Z'), [took('full', '2027-01-14T02:00:10Z'), took('incremental', '2027-01-14T20:00:10Z')])).toBeNull();
    expect(dueBackup(at('2027-01-15T02:00:00Z'), [took('full', '2027-01-14T02:00:10Z')])).toEqual({ kind: 'full', slot: at('2027-01-15T02:00:00Z') });
    expect(dueBackup(at('2027-01-15T07:59:00Z'), fullAt2)).toBeNull();
    expect(dueBackup(at('2027-01-15T08:00:00Z'), fullAt2)).toEqual({ kind: 'incremental', slot: at('2027-01-15T08:00:00Z') });
    expect(dueBackup(at('2027-01-15T13:00:00Z'), [...fullAt2, took('incremental', '2027-01-15T08:01:00Z')])).toBeNull();
  });

  it('peak season doubles every frequency: fulls at 02:00 and 14:00, incrementals every 3 hours', () => {
    // 14 July, northern peak, a Wednesday.
    expect(backupIntervals(at('2027-07-14T12:00:00Z'), 'northern_hemisphere')).toEqual({
      fullEveryHours: 12,
      incrementalEveryHours: 3,
      walArchiveEveryMinutes: 7.5,
    });
    const morning = [took('full', '2027-07-14T02:00:20Z')];
    expect(dueBackup(at('2027-07-14T05:00:00Z'), morning)).toEqual({ kind: 'incremental', slot: at('2027-07-14T05:00:00Z') });
    expect(dueBackup(at('2027-07-14T14:05:00Z'), [...morning, took('incremental', '2027-07-14T11:00:00Z')])).toEqual({
      kind: 'full',
      slot: at('2027-07-14T14:00:00Z'),
    });
  });

  it('Saturday critical hours (10:00–22:00) count as busy even off-season', () => {
    // Saturday 16 January 2027, northern off-season, zone UTC.
    expect(backupIntervals(at('2027-01-16T09:59:00Z'), 'northern_hemisphere').incrementalEveryHours).toBe(6);
    expect(backupIntervals(at('2027-01-16T10:00:00Z'), 'northern_hemisphere').incrementalEveryHours).toBe(3);
    expect(dueBackup(at('2027-01-16T11:00:00Z'), [took('full', '2027-01-16T02:00:00Z'), took('incremental', '2027-01-16T08:00:00Z')])).toEqual({
      kind: 'incremental',
      slot: at('2027-01-16T11:00:00Z'),
    });
  });

  it('the season is the configured region’s: July is peak in the north, off in the south', () => {
    expect(backupIntervals(at('2027-07-14T12:00:00Z'), 'southern_hemisphere').fullEveryHours).toBe(24);
    expect(backupIntervals(at('2027-01-14T12:00:00Z'), 'southern_hemisphere').fullEveryHours).toBe(12);
    expect(backupIntervals(at('2027-12-14T12:00:00Z'), 'indian_subcontinent').incrementalEveryHours).toBe(3);
  });

  it('a full backup fills the incremental slot it coincides with, and a missed slot is caught up once', () => {
    expect(dueBackup(at('2027-01-15T03:00:00Z'), [took('full', '2027-01-15T02:00:05Z')])).toBeNull();
    // The process was down over the 02:00 full: at 09:30 one full is due, then nothing until 14:00.
    const stale = [took('full', '2027-01-14T02:00:00Z'), took('incremental', '2027-01-14T20:00:00Z')];
    expect(dueBackup(at('2027-01-15T09:30:00Z'), stale)?.kind).toBe('full');
    expect(dueBackup(at('2027-01-15T09:35:00Z'), [...stale, took('full', '2027-01-15T09:30:00Z')])).toBeNull();
  });

  it('a fresh installation takes a full backup at once', () => {
    expect(dueBackup(at('2027-01-15T12:34:00Z'), [])?.kind).toBe('full');
  });

  it('a snapshot 24 hours before each peak-season Saturday’s critical hours (10:00 local)', () => {
    // Saturday 5 June 2027, northern peak, region zone UTC: the window is Friday 10:00 → Saturday 10:00.
    expect(preSaturdaySnapshot(at('2027-06-04T09:59:00Z'), 'northern_hemisphere')).toBeNull();
    expect(preSaturdaySnapshot(at('2027-06-04T10:00:00Z'), 'northern_hemisphere')).toEqual({
      slot: at('2027-06-04T10:00:00Z'),
      saturday: at('2027-06-05T10:00:00Z'),
    });
    expect(preSaturdaySnapshot(at('2027-06-05T09:59:00Z'), 'northern_hemisphere')?.saturday).toEqual(at('2027-06-05T10:00:00Z'));
    expect(preSaturdaySnapshot(at('2027-06-05T10:00:00Z'), 'northern_hemisphere')).toBeNull();
    // It comes first, even when a full is due too, and once taken it is not repeated.
    const recent = [took('full', '2027-06-04T02:00:00Z'), took('incremental', '2027-06-04T08:00:00Z')];
    expect(dueBackup(at('2027-06-04T10:04:00Z'), recent)).toEqual({ kind: 'pre_saturday_snapshot', slot: at('2027-06-04T10:00:00Z') });
    expect(dueBackup(at('2027-06-04T10:09:00Z'), [...recent, took('pre_saturday_snapshot', '2027-06-04T10:04:00Z')])).toBeNull();
  });

  it('no snapshot before an off-season Saturday', () => {
    expect(preSaturdaySnapshot(at('2027-01-15T12:00:00Z'), 'northern_hemisphere')).toBeNull();
    // 17 July is peak in the north, off in the south.
    expect(preSaturdaySnapshot(at('2027-07-16T12:00:00Z'), 'northern_hemisphere')).not.toBeNull();
    expect(preSaturdaySnapshot(at('2027-07-16T12:00:00Z'), 'southern_hemisphere')).toBeNull();
  });

  it('southern hemisphere: Saturday 10:00 in Sydney, across the end of daylight saving', () => {
    // Sydney leaves daylight saving at 03:00 on Sunday 4 April 2027: Saturday 3 April is still +11.
    const snapshot = preSaturdaySnapshot(at('2027-04-02T12:00:00Z'), 'southern_hemisphere');
    expect(snapshot).toEqual({ saturday: at('2027-04-02T23:00:00Z'), slot: at('2027-04-01T23:00:00Z') });
    // A December Saturday (peak, +11) and a July one (off).
    expect(preSaturdaySnapshot(at('2027-12-03T12:00:00Z'), 'southern_hemisphere')?.saturday).toEqual(at('2027-12-03T23:00:00Z'));
    expect(preSaturdaySnapshot(at('2027-07-16T12:00:00Z'), 'southern_hemisphere')).toBeNull();
  });

  it('the lead is exactly 24 hours even when the clocks change on Friday night', () => {
    // Israel starts daylight saving on Friday 26 March 2027 at 02:00: Saturday 10:00 is +3, Friday 10:00 was +2.
    const snapshot = preSaturdaySnapshot(at('2027-03-26T12:00:00Z'), 'southern_hemisphere', 'Asia/Jerusalem');
    expect(snapshot?.saturday).toEqual(at('2027-03-27T07:00:00Z'));
    expect(snapshot!.saturday.getTime() - snapshot!.slot.getTime()).toBe(24 * 3_600_000);
  });

  it('converts wall-clock times in zones with and without daylight saving', () => {
    expect(zonedInstant(2027, 10, 30, 10, 'Europe/London')).toEqual(at('2027-10-30T09:00:00Z'));
    expect(zonedInstant(2027, 11, 6, 10, 'Europe/London')).toEqual(at('2027-11-06T10:00:00Z'));
    expect(zonedInstant(2027, 12, 4, 10, 'Asia/Kolkata')).toEqual(at('2027-12-04T04:30:00Z'));
    expect(zonedInstant(2027, 6, 5, 10, 'America/New_York')).toEqual(at('2027-06-05T14:00:00Z'));
  });
});

describe('backup retention', () => {
  const now = at('2027-09-01T12:00:00Z');
  const set = (id: string, kind: BackupKind, daysAgo: number, verified = true): RetainedSet => ({
    id,
    kind,
    startedAt: new Date(now.getTime() - daysAgo * 86_400_000),
    verified,
  });

  it('prunes sets older than the retention period, oldest first, and keeps the rest', () => {
    const sets = [
      set('a', 'full', 120),
      set('b', 'incremental', 95),
      set('c', 'full', 91),
      set('d', 'full', 89),
      set('e', 'pre_saturday_snapshot', 10),
      set('f', 'incremental', 1),
    ];
    expect(setsToPrune(sets, now, 90)).toEqual(['a', 'b', 'c']);
    expect(setsToPrune(sets, now, 100)).toEqual(['a']);
  });

  it('never prunes the newest verified full backup, however old', () => {
    const sets = [
      set('old-full', 'full', 200),
      set('unverified-full', 'full', 150, false),
      set('old-incremental', 'incremental', 120),
      set('failed', 'full', 5, false),
    ];
    expect(setsToPrune(sets, now, 90)).toEqual(['unverified-full', 'old-incremental']);
  });

  it('a verified incremental does not protect an older full', () => {
    const sets = [set('full', 'full', 100), set('incremental', 'incremental', 95)];
    expect(setsToPrune(sets, now, 90)).toEqual(['incremental']);
  });

  it('nothing to prune in a young installation', () => {
    expect(setsToPrune([set('a', 'full', 3), set('b', 'incremental', 1)], now)).toEqual([]);
  });
});
