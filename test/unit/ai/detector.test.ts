// Which of a draft's terms fetch lexical candidates: the rarest, within a postings budget.
import { describe, expect, it } from 'vitest';
import { candidateTerms, POSTINGS_BUDGET, RAREST_QUERY_TERMS } from '../../../src/ai/detector.js';

describe('candidate terms', () => {
  it('takes the rarest terms first and skips terms no request uses', () => {
    const chosen = candidateTerms(
      new Map([
        ['guest', 900],
        ['marquee', 3],
        ['typoo', 0],
        ['ceilidh', 1],
        ['rsvp', 120],
      ]),
    );
    expect(chosen).toEqual([
      ['ceilidh', 1],
      ['marquee', 3],
      ['rsvp', 120],
      ['guest', 900],
    ]);
  });

  it(`stops at ${RAREST_QUERY_TERMS} terms`, () => {
    const many = new Map(Array.from({ length: 20 }, (_, i) => [`term${i}`, i + 1] as const));
    const chosen = candidateTerms(many);
    expect(chosen).toHaveLength(RAREST_QUERY_TERMS);
    expect(chosen.map(([, df]) => df)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stops before the postings budget is exceeded, but always keeps the rarest term', () => {
    const half = POSTINGS_BUDGET / 2;
    expect(
      candidateTerms(
        new Map([
          ['a', half],
          ['b', half],
          ['c', 1_000],
        ]),
      ).map(([t]) => t),
    ).toEqual(['c', 'a']);
    expect(
      candidateTerms(
        new Map([
          ['everywhere', POSTINGS_BUDGET * 3],
          ['also', POSTINGS_BUDGET * 4],
        ]),
      ).map(([t]) => t),
    ).toEqual(['everywhere']);
  });
});
