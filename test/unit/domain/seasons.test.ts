import { describe, expect, it } from 'vitest';
import { isCriticalHours, isValidTimeZone, regionForCountry, seasonStatus, WEDDING_SEASON_CALENDAR } from '../../../src/domain/seasons.js';

describe('wedding seasons', () => {
  it('maps countries to their calendar, defaulting to the northern hemisphere', () => {
    expect(regionForCountry('GB')).toBe('northern_hemisphere');
    expect(regionForCountry('au')).toBe('southern_hemisphere');
    expect(regionForCountry('IN')).toBe('indian_subcontinent');
    expect(regionForCountry(undefined)).toBe('northern_hemisphere');
    expect(regionForCountry('XX')).toBe('northern_hemisphere');
  });

  it('northern hemisphere peaks May–October, the shoulders are off-season', () => {
    const at = (iso: string) => seasonStatus(new Date(iso), 'northern_hemisphere', 'Europe/London').season;
    expect(at('2027-04-30T12:00:00Z')).toBe('off');
    expect(at('2027-05-01T12:00:00Z')).toBe('peak');
    expect(at('2027-10-31T12:00:00Z')).toBe('peak');
    expect(at('2027-11-01T12:00:00Z')).toBe('off');
  });

  it('decides the month in the wedding’s own time zone', () => {
    // 23:30 UTC on 30 April is already 1 May in Sydney; in New York it is still April.
    const instant = new Date('2027-04-30T23:30:00Z');
    expect(seasonStatus(instant, 'northern_hemisphere', 'Australia/Sydney').season).toBe('peak');
    expect(seasonStatus(instant, 'northern_hemisphere', 'America/New_York').season).toBe('off');
  });

  it('southern and Indian seasons are calendar entries, not code', () => {
    expect(seasonStatus(new Date('2027-01-15T12:00:00Z'), 'southern_hemisphere').season).toBe('peak');
    expect(seasonStatus(new Date('2027-07-15T12:00:00Z'), 'southern_hemisphere').season).toBe('off');
    expect(seasonStatus(new Date('2027-12-01T12:00:00Z'), 'indian_subcontinent').season).toBe('peak');
    expect(seasonStatus(new Date('2027-06-01T12:00:00Z'), 'indian_subcontinent').season).toBe('off');
    for (const entry of WEDDING_SEASON_CALENDAR) {
      expect(entry.peakMonths.every((m) => m >= 1 && m <= 12)).toBe(true);
      expect(isValidTimeZone(entry.defaultTimeZone)).toBe(true);
    }
  });

  it('critical hours are Saturday 10:00–22:00 local time', () => {
    // 2027-06-12 is a Saturday.
    expect(isCriticalHours(new Date('2027-06-12T09:59:00+01:00'), 'Europe/London')).toBe(false);
    expect(isCriticalHours(new Date('2027-06-12T10:00:00+01:00'), 'Europe/London')).toBe(true);
    expect(isCriticalHours(new Date('2027-06-12T21:59:00+01:00'), 'Europe/London')).toBe(true);
    expect(isCriticalHours(new Date('2027-06-12T22:00:00+01:00'), 'Europe/London')).toBe(false);
    expect(isCriticalHours(new Date('2027-06-13T12:00:00+01:00'), 'Europe/London')).toBe(false);
    // Saturday noon in Mumbai is still Saturday early morning in New York.
    const mumbaiNoon = new Date('2027-06-12T12:00:00+05:30');
    expect(isCriticalHours(mumbaiNoon, 'Asia/Kolkata')).toBe(true);
    expect(isCriticalHours(mumbaiNoon, 'America/New_York')).toBe(false);
  });

  it('multiplies load for peak season and again for critical hours', () => {
    const offWeekday = seasonStatus(new Date('2027-02-10T12:00:00Z'), 'northern_hemisphere', 'Europe/London');
    const peakWeekday = seasonStatus(new Date('2027-06-09T12:00:00Z'), 'northern_hemisphere', 'Europe/London');
    const peakSaturday = seasonStatus(new Date('2027-06-12T12:00:00Z'), 'northern_hemisphere', 'Europe/London');
    expect(offWeekday).toEqual({ region: 'northern_hemisphere', season: 'off', criticalHours: false, multiplier: 1 });
    expect(peakWeekday.multiplier).toBe(1.4);
    expect(peakSaturday).toMatchObject({ season: 'peak', criticalHours: true, multiplier: 2.1 });
  });

  it('rejects time zones that do not exist', () => {
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
