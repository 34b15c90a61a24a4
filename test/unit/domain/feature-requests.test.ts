import { describe, expect, it } from 'vitest';
import { allowedTransitions, canTransition, STATUSES, trendingScore } from '../../../src/domain/feature-requests.js';

describe('feature request workflow', () => {
  it('follows the workflow and never reaches merged by a status change', () => {
    expect(canTransition('open', 'under_review')).toBe(true);
    expect(canTransition('planned', 'shipped')).toBe(true);
    expect(canTransition('open', 'shipped')).toBe(false);
    expect(canTransition('shipped', 'open')).toBe(false);
    for (const from of STATUSES) expect(canTransition(from, 'merged')).toBe(false);
    expect(allowedTransitions('merged')).toEqual([]);
  });

  it('trending favours recent requests with the same votes, and more votes at the same age', () => {
    const day = 86_400_000;
    const old = new Date('2027-01-01T00:00:00Z');
    const recent = new Date(old.getTime() + 2 * day);
    expect(trendingScore(10, recent)).toBeGreaterThan(trendingScore(10, old));
    expect(trendingScore(100, old)).toBeGreaterThan(trendingScore(10, old));
    // Ten times the votes is worth 12.5 hours of recency (log10 scale over 45 000 s).
    expect(trendingScore(100, old)).toBeCloseTo(trendingScore(10, new Date(old.getTime() + 45_000_000)), 5);
  });
});
