// The figures the evaluation prints are computed correctly, on cases small enough to check by hand.
import { describe, expect, it } from 'vitest';
import { fitLogistic, probability } from '../../../src/ai/combiner.js';
import { pairFigures, parseLabelledRequests, retrievalHitRates, rocAuc } from '../../../src/ai/evaluation.js';

describe('evaluation figures', () => {
  it('ROC-AUC is the share of duplicate/distinct pairs ordered correctly, ties counting half', () => {
    expect(
      rocAuc([
        { score: 0.9, duplicate: true },
        { score: 0.1, duplicate: false },
      ]),
    ).toBe(1);
    expect(
      rocAuc([
        { score: 0.1, duplicate: true },
        { score: 0.9, duplicate: false },
      ]),
    ).toBe(0);
    expect(
      rocAuc([
        { score: 0.5, duplicate: true },
        { score: 0.5, duplicate: false },
      ]),
    ).toBe(0.5);
    // 2 positives × 2 negatives: (0.8 beats both) + (0.4 beats 0.3 only) = 3 of 4.
    expect(
      rocAuc([
        { score: 0.8, duplicate: true },
        { score: 0.4, duplicate: true },
        { score: 0.6, duplicate: false },
        { score: 0.3, duplicate: false },
      ]),
    ).toBe(0.75);
  });

  it('precision, recall and F1 at a threshold', () => {
    const pairs = [
      { score: 0.9, duplicate: true },
      { score: 0.7, duplicate: false },
      { score: 0.6, duplicate: true },
      { score: 0.2, duplicate: true },
    ];
    const f = pairFigures(pairs, 0.5);
    expect(f.precision).toBeCloseTo(2 / 3);
    expect(f.recall).toBeCloseTo(2 / 3);
    expect(f.f1).toBeCloseTo(2 / 3);
    expect(pairFigures(pairs, 0.95)).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('top-1/top-5 count only requests that have a duplicate', () => {
    const groups = ['a', 'a', 'b', 'c'];
    const score = [
      [0, 0.2, 0.9, 0.1], // 0's best is 2 (wrong), its duplicate 1 is second
      [0.2, 0, 0.1, 0.3], // 1's best is 3 (wrong)
      [0.9, 0.1, 0, 0.1], // 2 and 3 have no duplicate: not queries
      [0.1, 0.3, 0.1, 0],
    ];
    expect(retrievalHitRates(score, (i, j) => groups[i] === groups[j])).toEqual({ top1: 0, top5: 1 });
  });

  it('reads imported rows leniently: extra fields, unknown enums, missing descriptions', () => {
    const rows = parseLabelledRequests(
      [
        '{"id":"x1","group":"g1","title":"Seating chart","description":"","user_type":"unknown","category":"Project Aurora","votes":3}',
        '{"id":"x2","group":"g1","title":"Table plan"}',
        '',
      ].join('\n'),
    );
    expect(rows).toEqual([
      { id: 'x1', group: 'g1', title: 'Seating chart', description: '' },
      { id: 'x2', group: 'g1', title: 'Table plan', description: '' },
    ]);
  });

  it('the combiner learns which side of a boundary duplicates fall on', () => {
    const features = [[0.9], [0.8], [0.7], [0.2], [0.1], [0.05]];
    const labels = [true, true, true, false, false, false];
    const model = fitLogistic('test', ['words'], features, labels);
    expect(probability(model, [0.85])).toBeGreaterThan(0.9);
    expect(probability(model, [0.1])).toBeLessThan(0.1);
  });
});
