// Merging a duplicate request into the one it duplicates: who may be merged into what, and how two
// votes by one person become one. Pure, shared by the merge service and its tests.
import type { Status } from './feature-requests.js';
import { countsInTally, type VoteState } from './vote-manipulation.js';

export interface MergeCandidate {
  id: string;
  status: Status;
  mergedIntoId: string | null;
}

export interface MergeRefusal {
  statusCode: 400 | 409;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Why this merge cannot happen, or null when it can. Merges never chain: a merged request cannot
 * be a target, and a request that others were merged into cannot itself be merged (un-merge those,
 * or merge them into the new target directly) — so no cycle can form and every un-merge is exact.
 */
export function mergeRefusal(duplicate: MergeCandidate, target: MergeCandidate, duplicatesOfDuplicate: readonly string[]): MergeRefusal | null {
  if (duplicate.id === target.id) return { statusCode: 400, code: 'merge_into_itself', message: 'A request cannot be merged into itself' };
  if (duplicate.status === 'merged') {
    return {
      statusCode: 409,
      code: 'already_merged',
      message: 'This request is already merged; un-merge it first',
      details: { mergedIntoId: duplicate.mergedIntoId },
    };
  }
  if (target.status === 'merged') {
    return {
      statusCode: 409,
      code: 'target_merged',
      message: 'The target was itself merged into another request; merge into that one instead',
      details: { mergedIntoId: target.mergedIntoId },
    };
  }
  if (duplicatesOfDuplicate.length > 0) {
    return {
      statusCode: 409,
      code: 'has_merged_duplicates',
      message: 'Other requests were merged into this one; un-merge them or merge them into the target directly, so merges never chain',
      details: { duplicateIds: duplicatesOfDuplicate },
    };
  }
  return null;
}

export interface CastVote {
  weight: number;
  votedAt: Date;
  reviewState: VoteState;
}

/**
 * One vote per person: a vote that counts beats one held or rejected for manipulation; then the
 * higher weight wins; on equal weight the earlier vote stays.
 */
export function strongerVote<T extends CastVote>(a: T | null, b: T | null): T | null {
  if (!a || !b) return a ?? b;
  const [aCounts, bCounts] = [countsInTally(a.reviewState), countsInTally(b.reviewState)];
  if (aCounts !== bCounts) return aCounts ? a : b;
  if (a.weight !== b.weight) return a.weight > b.weight ? a : b;
  return a.votedAt <= b.votedAt ? a : b;
}
