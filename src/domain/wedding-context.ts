// A wedding context as analytics and the audit trail may keep it: what shapes demand (when in the
// year, how big, which country and season region), never what identifies a wedding — no couple
// names, no venue, no date finer than the month, no time zone (some name a single town).
import { getCountriesForTimezone, getCountry, getTimezonesForCountry, type CountryCode } from 'countries-and-timezones';
import { regionForCountry } from './seasons.js';

/** Guest-count bands: low cardinality, meaningful to planners, and not a fingerprint. */
export type WeddingSize = 'intimate' | 'medium' | 'large' | 'grand' | 'unknown';

export function weddingSize(guests: number | null | undefined): WeddingSize {
  if (guests === null || guests === undefined) return 'unknown';
  if (guests < 50) return 'intimate';
  if (guests < 150) return 'medium';
  if (guests < 300) return 'large';
  return 'grand';
}

export interface AnonymisedWeddingContext {
  /** YYYY-MM */
  weddingMonth: string | null;
  weddingSize: WeddingSize;
  country: string | null;
  region: string;
}

export function anonymiseWeddingContext(context: {
  weddingDate?: string | null;
  guestCount?: number | null;
  country?: string | null;
}): AnonymisedWeddingContext {
  const month = /^(\d{4}-\d{2})-\d{2}/.exec(context.weddingDate ?? '')?.[1] ?? null;
  const country = context.country ? context.country.toUpperCase() : null;
  return { weddingMonth: month, weddingSize: weddingSize(context.guestCount), country, region: regionForCountry(country) };
}

/** How far ahead a wedding may be planned: long engagements exist, a date decades away is a typo. */
export const WEDDING_HORIZON_YEARS = 5;

export type WeddingDateProblem = 'in_the_past' | 'too_far_ahead';

/** Today's date (YYYY-MM-DD) where the wedding happens: a wedding today in Auckland is not yet "today" in London. */
export function todayIn(timeZone: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * Whether a wedding date is plausible on `today` (both YYYY-MM-DD): a new request is about a wedding
 * still to come (today counts), and none is planned more than WEDDING_HORIZON_YEARS ahead. A request
 * edited after its wedding keeps its past date (`allowPast`).
 */
export function weddingDateProblem(date: string, today: string, { allowPast = false } = {}): WeddingDateProblem | null {
  if (!allowPast && date < today) return 'in_the_past';
  const horizon = `${Number(today.slice(0, 4)) + WEDDING_HORIZON_YEARS}${today.slice(4)}`;
  return date > horizon ? 'too_far_ahead' : null;
}

/** The IANA zones used in a country (ISO 3166-1 alpha-2), by their current names. */
export function timeZonesOfCountry(country: string): string[] {
  // Typed as always an array, but an unknown code gives null at run time.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  return (getTimezonesForCountry(country.toUpperCase() as CountryCode) ?? []).map((z) => z.name);
}

/**
 * Whether a wedding's time zone can be its country's. Zones of no country (UTC, Etc/GMT+5) and
 * countries the table does not know are given the benefit of the doubt.
 */
export function timeZoneFitsCountry(timeZone: string, country: string): boolean {
  const code = country.toUpperCase();
  if (!getCountry(code, { deprecated: true })) return true;
  const countries = getCountriesForTimezone(timeZone, { deprecated: true });
  return countries.length === 0 || countries.some((c) => c.id === code);
}
