import { describe, expect, it } from 'vitest';
import { boostedConcurrency, SEASON_BOOST_CAP, weddingSeasonMultiplier } from '../../../src/domain/scaling-signal.js';
import { seasonStatus } from '../../../src/domain/seasons.js';

const B = 20; // requests per second one pod carries at normal off-season load
const signal = (iso: string, region: string, rps: number, zone?: string) => weddingSeasonMultiplier(seasonStatus(new Date(iso), region, zone), rps, B);

describe('wedding_season_multiplier: max(calendar, request rate / baseline)', () => {
  it('is the calendar while traffic stays within the seasonal baseline', () => {
    // A Tuesday in January, northern hemisphere: off-season, no critical hours.
    expect(signal('2027-01-12T12:00:00Z', 'northern_hemisphere', 0)).toBe(1);
    expect(signal('2027-01-12T12:00:00Z', 'northern_hemisphere', B)).toBe(1);
    // A Tuesday in June: peak season, the brief's +40 %; traffic at its seasonal baseline (B × 1.4).
    expect(signal('2027-06-15T12:00:00Z', 'northern_hemisphere', B * 1.4)).toBe(1.4);
    // Saturday 13:00 in June: peak × critical hours.
    expect(signal('2027-06-12T13:00:00Z', 'northern_hemisphere', 0)).toBe(2.1);
  });

  it('follows the live rate above the seasonal baseline, and falls as pods share it', () => {
    expect(signal('2027-06-15T12:00:00Z', 'northern_hemisphere', 3 * B)).toBe(3);
    // The same total traffic over twice the pods: half the signal (what lets the HPA settle).
    expect(signal('2027-06-15T12:00:00Z', 'northern_hemisphere', 1.5 * B)).toBe(1.5);
    // Off-season traffic spike: the calendar says 1, the load says 2.5.
    expect(signal('2027-01-12T12:00:00Z', 'northern_hemisphere', 50)).toBe(2.5);
  });

  it('reads the season in each hemisphere', () => {
    // 15 January 2027 (a Friday): summer in Sydney, winter in London.
    expect(signal('2027-01-15T02:00:00Z', 'southern_hemisphere', 0)).toBe(1.4);
    expect(signal('2027-01-15T02:00:00Z', 'northern_hemisphere', 0)).toBe(1);
    // July: the other way round.
    expect(signal('2027-07-14T02:00:00Z', 'southern_hemisphere', 0)).toBe(1);
    expect(signal('2027-07-14T02:00:00Z', 'northern_hemisphere', 0)).toBe(1.4);
    // India's wedding season (October–February) weighs 1.6.
    expect(signal('2027-11-16T06:00:00Z', 'indian_subcontinent', 0)).toBe(1.6);
  });

  it('puts Saturday critical hours (10:00–22:00) in the region’s own time zone', () => {
    // Saturday 2027-01-16 09:30 UTC is 20:30 in Sydney (critical, peak) but 09:30 in London (not yet).
    expect(signal('2027-01-16T09:30:00Z', 'southern_hemisphere', 0)).toBe(2.1);
    expect(signal('2027-01-16T09:30:00Z', 'northern_hemisphere', 0, 'Europe/London')).toBe(1);
    // 10:00 London on the same Saturday: off-season critical hours.
    expect(signal('2027-01-16T10:00:00Z', 'northern_hemisphere', 0, 'Europe/London')).toBe(1.5);
    // Saturday 22:00 in Sydney is past the critical hours: the peak season alone.
    expect(signal('2027-01-16T11:00:00Z', 'southern_hemisphere', 0)).toBe(1.4);
    // A June Saturday 10:30 in New York (14:30 UTC) is critical; 09:30 there (13:30 UTC) is not.
    expect(signal('2027-06-12T14:30:00Z', 'northern_hemisphere', 0, 'America/New_York')).toBe(2.1);
    expect(signal('2027-06-12T13:30:00Z', 'northern_hemisphere', 0, 'America/New_York')).toBe(1.4);
    // Saturday evening in Mumbai during its season: 1.6 × 1.5.
    expect(signal('2027-11-20T14:00:00Z', 'indian_subcontinent', 0)).toBe(2.4);
  });

  it('ignores a rate it cannot use', () => {
    const june = seasonStatus(new Date('2027-06-15T12:00:00Z'), 'northern_hemisphere');
    expect(weddingSeasonMultiplier(june, Number.NaN, B)).toBe(1.4);
    expect(weddingSeasonMultiplier(june, -5, B)).toBe(1.4);
    expect(weddingSeasonMultiplier(june, 100, 0)).toBe(1.4);
  });
});

describe('WEDDING_SEASON_BOOST concurrency', () => {
  const at = (multiplier: number) => ({ multiplier });

  it('multiplies the configured concurrency by the calendar, rounding up', () => {
    expect(boostedConcurrency(10, at(1), 64)).toBe(10);
    expect(boostedConcurrency(10, at(1.4), 64)).toBe(14);
    expect(boostedConcurrency(4, at(1.5), 64)).toBe(6);
    expect(boostedConcurrency(3, at(1.4), 64)).toBe(5);
  });

  it('never more than twice the configured value, nor above the ceiling, nor below the configured value', () => {
    expect(boostedConcurrency(10, at(2.4), 64)).toBe(10 * SEASON_BOOST_CAP);
    expect(boostedConcurrency(40, at(2.1), 64)).toBe(64);
    expect(boostedConcurrency(10, at(0.5), 64)).toBe(10);
  });
});
