// The brief's edge caching policy: Cache-Control per route, season and audience, and the tag headers.
import { describe, expect, it } from 'vitest';
import { CACHE_POLICIES, cacheControl, tagHeaders } from '../../../src/domain/response-cache.js';

describe('edge caching policy', () => {
  it('gives public responses the route TTL off-season', () => {
    expect(cacheControl(CACHE_POLICIES.board, 'off', 3600, false)).toBe('public, max-age=30, s-maxage=300, stale-while-revalidate=300, stale-if-error=3600');
    expect(cacheControl(CACHE_POLICIES.roadmap, 'off', 60, false)).toBe('public, max-age=30, s-maxage=600, stale-while-revalidate=600, stale-if-error=60');
  });

  it('uses the brief’s s-maxage=600, stale-while-revalidate=1200 in peak season, never shortening a longer TTL', () => {
    expect(cacheControl(CACHE_POLICIES.board, 'peak', 3600, false)).toContain('s-maxage=600, stale-while-revalidate=1200');
    expect(cacheControl(CACHE_POLICIES.roadmap, 'peak', 3600, false)).toContain('s-maxage=600, stale-while-revalidate=1200');
    expect(cacheControl(CACHE_POLICIES.analysis, 'peak', 3600, false)).toContain('s-maxage=3600, stale-while-revalidate=7200');
  });

  it('keeps personalised responses out of every shared cache', () => {
    expect(cacheControl(CACHE_POLICIES.board, 'peak', 3600, true)).toBe('private, no-store');
  });

  it('names the purge tags for Fastly (space) and Cloudflare (comma)', () => {
    expect(tagHeaders(['feature-requests', 'roadmap'])).toEqual({ 'surrogate-key': 'feature-requests roadmap', 'cache-tag': 'feature-requests,roadmap' });
  });
});
