import { describe, expect, it } from 'vitest';
import { allowedTransitions, canTransition, STATUSES } from '../../../src/domain/feature-requests.js';

describe('feature request workflow', () => {
  it('follows the workflow and never reaches merged by a status change', () => {
    expect(canTransition('open', 'under_review')).toBe(true);
    expect(canTransition('planned', 'shipped')).toBe(true);
    expect(canTransition('open', 'shipped')).toBe(false);
    expect(canTransition('shipped', 'open')).toBe(false);
    for (const from of STATUSES) expect(canTransition(from, 'merged')).toBe(false);
    expect(allowedTransitions('merged')).toEqual([]);
  });
});
