// A wedding context as analytics and the audit trail may keep it: what shapes demand (when in the
// year, how big, which country and season region), never what identifies a wedding — no couple
// names, no venue, no date finer than the month, no time zone (some name a single town).
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

export function anonymiseWeddingContext(context: { weddingDate?: string | null; guestCount?: number | null; country?: string | null }): AnonymisedWeddingContext {
  const month = /^(\d{4}-\d{2})-\d{2}/.exec(context.weddingDate ?? '')?.[1] ?? null;
  const country = context.country ? context.country.toUpperCase() : null;
  return { weddingMonth: month, weddingSize: weddingSize(context.guestCount), country, region: regionForCountry(country) };
}
