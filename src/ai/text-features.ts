// Lexical views of a request's text: stemmed words folded through the wedding synonym list (for
// shared phrases and rare-word overlap) and character n-grams (for typos and word forms the stemmer
// misses). Sparse vectors are plain Maps, L2-normalised, so a dot product is a cosine.
import { LRUCache } from 'lru-cache';
import stem from 'wink-porter2-stemmer';
import { WEDDING_SYNONYM_GROUPS } from './wedding-synonyms.js';

export type SparseVector = Map<string, number>;

const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if of to in on for with at by from as is are was were be been being it its this that these those i me my ' +
    'we our us you your they them their he she his her can could would should will just so do does did not no have has had there here ' +
    'what which who when where how all any some more most very too also than then into out up down about over only own same s t ' +
    'don let like want need wish please get make able way use using one each every per etc im id ive thats lol'
  ).split(' '),
);

const SYNONYM_OF: ReadonlyMap<string, string> = new Map(WEDDING_SYNONYM_GROUPS.flatMap((group) => group.map((word) => [word, group[0]!] as const)));

/** Lower-case ASCII words with accents folded; apostrophes and inner hyphens dropped ("follow-up" → "followup"). */
export function words(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return (folded.match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? []).map((w) => w.replace(/'s$/, '').replace(/['-]/g, ''));
}

/** Stemming is most of the cost of reading a text (~6 µs a word) and a board's vocabulary is small. */
const stems = new LRUCache<string, string>({ max: 100_000 });

/** The comparable form of one word, or null for a stop word. Synonyms become one marked concept. */
export function term(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  const concept = SYNONYM_OF.get(word);
  if (concept) return `~${concept}`;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stem(word);
    stems.set(word, stemmed);
  }
  return stemmed;
}

export function wordTerms(text: string): string[] {
  return words(text).flatMap((w) => term(w) ?? []);
}

export function characterGrams(text: string): string[] {
  const padded = ` ${words(text)
    .filter((w) => !STOP_WORDS.has(w))
    .join(' ')} `;
  const grams: string[] = [];
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) grams.push(padded.slice(i, i + n));
  return grams;
}

/** What the detector compares: the title counts twice because it is the request's summary. */
export function comparableText(request: { title: string; description: string }): string {
  return `${request.title}. ${request.title}. ${request.description}`;
}

export function termCounts(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Sublinear tf × idf, L2-normalised; `idf` returns 1 when rarity is not known or not wanted. */
export function weightedVector(counts: ReadonlyMap<string, number>, idf: (term: string) => number): SparseVector {
  const vector: SparseVector = new Map();
  let norm = 0;
  for (const [t, count] of counts) {
    const weight = (1 + Math.log(count)) * idf(t);
    vector.set(t, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [t, weight] of vector) vector.set(t, weight / norm);
  return vector;
}

/** Smoothed inverse document frequency over a corpus of `documents` requests. */
export function inverseDocumentFrequency(documentFrequency: number, documents: number): number {
  return Math.log((1 + documents) / (1 + documentFrequency) + 1);
}

export function sparseCosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [t, weight] of small) {
    const other = large.get(t);
    if (other !== undefined) sum += weight * other;
  }
  return sum;
}

export function denseCosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function normalise(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(vector, (x) => x / norm);
}
