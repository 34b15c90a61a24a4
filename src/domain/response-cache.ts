// The brief's edge caching strategy (§2 "Global Edge Distribution"): which responses are cached, for
// how long, what they vary by, which purge tags cover them, and the Cache-Control each one carries.
// Pure: the stores are in src/services/response-cache.ts.

/** Purge tags: a change purges every tag whose responses it alters. */
export const CACHE_TAGS = ['feature-requests', 'ai-analysis', 'roadmap'] as const;
export type CacheTag = (typeof CACHE_TAGS)[number];

/** What the board shows: a request's title, status, counters, RICE, order. */
export const BOARD_TAGS: readonly CacheTag[] = ['feature-requests', 'roadmap'];
/** Also the catalogue a draft is compared with (submit, edit, merge, erasure, indexing). */
export const CATALOGUE_TAGS: readonly CacheTag[] = [...CACHE_TAGS];

export interface CachePolicy {
  /** Route pattern, for metrics and keys. */
  route: string;
  ttlSeconds: number;
  tags: readonly CacheTag[];
  /** The brief's vary keys, for the record; the key itself is built by the caller. */
  vary: readonly string[];
}

export const CACHE_POLICIES = {
  board: { route: '/api/feature-requests', ttlSeconds: 300, tags: ['feature-requests'], vary: ['user-type', 'wedding-context'] },
  roadmap: { route: '/api/roadmap', ttlSeconds: 600, tags: ['roadmap'], vary: ['user-segment'] },
  analysis: { route: '/api/ai/analyze', ttlSeconds: 3600, tags: ['ai-analysis'], vary: ['request-content-hash'] },
} as const satisfies Record<string, CachePolicy>;

/** Browsers cannot be purged: they keep a public copy this long, then revalidate (ETag → 304). */
export const BROWSER_MAX_AGE_SECONDS = 30;
/** The brief's peak-season edge header: s-maxage=600, stale-while-revalidate=1200. */
export const PEAK_S_MAXAGE_SECONDS = 600;
export const PEAK_STALE_WHILE_REVALIDATE_SECONDS = 1200;

/**
 * Cache-Control of a response. Personalised ones (a signed-in viewer) are never stored by a shared
 * cache; public ones may be kept by the CDN for the route's TTL (peak season: the brief's longer
 * one), served stale while it refetches, and served stale while we fail.
 */
export function cacheControl(policy: CachePolicy, season: string, staleIfErrorSeconds: number, personal: boolean): string {
  if (personal) return 'private, no-store';
  const peak = season === 'peak';
  const sMaxAge = peak ? Math.max(policy.ttlSeconds, PEAK_S_MAXAGE_SECONDS) : policy.ttlSeconds;
  const swr = peak ? Math.max(policy.ttlSeconds * 2, PEAK_STALE_WHILE_REVALIDATE_SECONDS) : policy.ttlSeconds;
  return `public, max-age=${BROWSER_MAX_AGE_SECONDS}, s-maxage=${sMaxAge}, stale-while-revalidate=${swr}, stale-if-error=${staleIfErrorSeconds}`;
}

/** The headers that name a response's purge tags, for CDNs that purge by tag (Fastly, Cloudflare, Akamai…). */
export function tagHeaders(tags: readonly CacheTag[]): { 'surrogate-key': string; 'cache-tag': string } {
  return { 'surrogate-key': tags.join(' '), 'cache-tag': tags.join(',') };
}

/** RFC 7234 warning on a copy served because the fresh answer could not be had. */
export const STALE_WARNING = '110 - "Response is Stale"';
