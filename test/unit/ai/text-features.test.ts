// What the lexical signals see: wedding synonyms meet, stop words vanish, typos still overlap.
import { describe, expect, it } from 'vitest';
import { characterGrams, sparseCosine, termCounts, weightedVector, wordTerms } from '../../../src/ai/text-features.js';

const vector = (terms: string[]) => weightedVector(termCounts(terms), () => 1);

describe('text features', () => {
  it('folds wedding synonyms into one concept and stems the rest', () => {
    expect(wordTerms('RSVP by SMS')).toEqual(wordTerms('reply to texts'));
    expect(wordTerms('Vendors’ contracts')).toEqual(['~vendor', '~contract']);
    expect(wordTerms('Printing the seating charts')).toEqual(['print', '~seating', 'chart']);
  });

  it('drops stop words and accents', () => {
    expect(wordTerms('I would like the café to be there')).toEqual(['cafe']);
  });

  it('character n-grams keep a misspelling close to the right word', () => {
    const right = vector(characterGrams('seating chart'));
    const typo = vector(characterGrams('seatting chrat'));
    const other = vector(characterGrams('budget tracker'));
    expect(sparseCosine(right, typo)).toBeGreaterThan(0.4);
    expect(sparseCosine(right, other)).toBeLessThan(0.1);
  });

  it('vectors are unit length so their dot product is a cosine', () => {
    const v = vector(wordTerms('seating chart seating plan'));
    expect(sparseCosine(v, v)).toBeCloseTo(1);
  });
});
