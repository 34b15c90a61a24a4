import { describe, expect, it } from 'vitest';
import { mergeRefusal, strongerVote, type CastVote, type MergeCandidate } from '../../../src/domain/merges.js';

const request = (id: string, over: Partial<MergeCandidate> = {}): MergeCandidate => ({ id, status: 'open', mergedIntoId: null, ...over });

describe('merge rules', () => {
  it('allows a plain duplicate into a live target, whatever their workflow status', () => {
    expect(mergeRefusal(request('a', { status: 'under_review' }), request('b', { status: 'planned' }), [])).toBeNull();
  });

  it('refuses self-merges, repeats, merged targets and chains', () => {
    expect(mergeRefusal(request('a'), request('a'), [])?.code).toBe('merge_into_itself');
    expect(mergeRefusal(request('a', { status: 'merged', mergedIntoId: 'c' }), request('b'), [])).toMatchObject({
      statusCode: 409,
      code: 'already_merged',
      details: { mergedIntoId: 'c' },
    });
    expect(mergeRefusal(request('a'), request('b', { status: 'merged', mergedIntoId: 'c' }), [])).toMatchObject({ statusCode: 409, code: 'target_merged' });
    expect(mergeRefusal(request('a'), request('b'), ['x'])).toMatchObject({ statusCode: 409, code: 'has_merged_duplicates', details: { duplicateIds: ['x'] } });
  });
});

describe('one vote per person', () => {
  const at = (ms: number) => new Date(ms);
  it('keeps the higher weight, the earlier vote on a tie, and whichever exists when only one does', () => {
    const light = { weight: 1, votedAt: at(1), reviewState: 'accepted' as const };
    const heavy = { weight: 3, votedAt: at(2), reviewState: 'accepted' as const };
    expect(strongerVote(light, heavy)).toBe(heavy);
    expect(strongerVote(heavy, light)).toBe(heavy);
    const later = { weight: 1, votedAt: at(5), reviewState: 'accepted' as const };
    expect(strongerVote(later, light)).toBe(light);
    expect(strongerVote(null, light)).toBe(light);
    expect(strongerVote(light, null)).toBe(light);
    expect(strongerVote(null, null)).toBeNull();
  });

  it('keeps a vote that counts over one held or rejected for manipulation, whatever their weights', () => {
    const held: CastVote = { weight: 3, votedAt: at(1), reviewState: 'held' };
    const reduced: CastVote = { weight: 0.5, votedAt: at(9), reviewState: 'down_weighted' };
    const rejected: CastVote = { weight: 3, votedAt: at(0), reviewState: 'rejected' };
    expect(strongerVote(held, reduced)).toBe(reduced);
    expect(strongerVote(rejected, reduced)).toBe(reduced);
    expect(strongerVote(held, rejected)).toBe(rejected); // neither counts: the earlier of equal weights
  });
});
