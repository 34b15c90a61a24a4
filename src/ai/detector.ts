// The duplicate detector, independent of where requests are stored: the live API, the background
// check after submission and the evaluation command all rank candidates with these functions.
//
// Three signals per pair — sentence-embedding cosine (meaning), synonym-folded word TF-IDF cosine
// (shared phrases) and character n-gram cosine (typos, word forms) — each corrected by the average
// similarity of both requests to their nearest neighbours, then combined by a fitted logistic model.
import { type CombinerModel, probability, type SignalName } from './combiner.js';
import combiners from './duplicate-combiner.json' with { type: 'json' };
import {
  characterGrams,
  comparableText,
  denseCosine,
  inverseDocumentFrequency,
  type SparseVector,
  sparseCosine,
  term,
  termCounts,
  weightedVector,
  words,
} from './text-features.js';

export const NEIGHBOURHOOD_SIZE = 10;
/** At most this many of a draft's rarest terms fetch lexical candidates… */
export const RAREST_QUERY_TERMS = 8;
/**
 * …and together they may touch at most this many postings (the rarest term always counts). Terms
 * shared by a large part of the board identify nothing and would make one query read a tenth of the index.
 */
export const POSTINGS_BUDGET = 8_000;

export interface ComparableRequest {
  id: string;
  title: string;
  description: string;
  /** Unit-length sentence embedding, or null when the model is unavailable. */
  embedding: Float32Array | null;
}

export interface CorpusStatistics {
  documents: number;
  documentFrequency(term: string): number;
}

export interface Signals {
  /** Null when either side has no embedding. */
  semantic: number | null;
  words: number;
  characters: number;
}
/** Mean of each signal over a request's nearest neighbours in the corpus; null with no neighbours. */
export type Neighbourhood = Record<SignalName, number | null>;

export interface Profile {
  request: ComparableRequest;
  words: SparseVector;
  characters: SparseVector;
  /** A readable word for each comparable term, to explain a match. */
  surface: Map<string, string>;
}

export interface DuplicateMatch {
  id: string;
  score: number;
  likelyDuplicate: boolean;
  reasons: string[];
  signals: Signals;
}

const COMBINERS = combiners as unknown as { hybrid: CombinerModel; lexical: CombinerModel; typicalNeighbourhood: Record<SignalName, number> };

/** The model that applies: lexical-only when the embeddings are missing on either side. */
export function combinerFor(semanticAvailable: boolean): CombinerModel {
  return semanticAvailable ? COMBINERS.hybrid : COMBINERS.lexical;
}

/** What a request's text contributes before corpus statistics apply: cacheable per content. */
export interface LexicalFeatures {
  terms: Map<string, number>;
  characters: SparseVector;
  /** A readable word for each comparable term, to explain a match. */
  surface: Map<string, string>;
}

export function lexicalFeatures(request: { title: string; description: string }): LexicalFeatures {
  const text = comparableText(request);
  const surface = new Map<string, string>();
  const terms: string[] = [];
  for (const word of words(text)) {
    const t = term(word);
    if (!t) continue;
    terms.push(t);
    if (!surface.has(t)) surface.set(t, word);
  }
  return { terms: termCounts(terms), characters: weightedVector(termCounts(characterGrams(text)), () => 1), surface };
}

export function profile(request: ComparableRequest, corpus: CorpusStatistics, features: LexicalFeatures = lexicalFeatures(request)): Profile {
  return {
    request,
    words: weightedVector(features.terms, (t) => inverseDocumentFrequency(corpus.documentFrequency(t), corpus.documents)),
    characters: features.characters,
    surface: features.surface,
  };
}

export function signals(a: Profile, b: Profile): Signals {
  const semantic = a.request.embedding && b.request.embedding ? denseCosine(a.request.embedding, b.request.embedding) : null;
  return { semantic, words: sparseCosine(a.words, b.words), characters: sparseCosine(a.characters, b.characters) };
}

/**
 * Mean of the top NEIGHBOURHOOD_SIZE values of each signal. A young corpus has fewer neighbours than
 * that; the missing ones count at the typical neighbour similarity seen in training, so a handful of
 * unrelated requests does not make everything look like a duplicate.
 */
export function neighbourhood(toOthers: readonly Signals[]): Neighbourhood {
  const meanOfTop = (name: SignalName): number | null => {
    const values = toOthers.flatMap((s) => (s[name] === null ? [] : [s[name]]));
    if (values.length === 0 && name === 'semantic') return null;
    values.sort((x, y) => y - x);
    const top = values.slice(0, NEIGHBOURHOOD_SIZE);
    const prior = COMBINERS.typicalNeighbourhood[name];
    return (top.reduce((sum, v) => sum + v, 0) + prior * (NEIGHBOURHOOD_SIZE - top.length)) / NEIGHBOURHOOD_SIZE;
  };
  return { semantic: meanOfTop('semantic'), words: meanOfTop('words'), characters: meanOfTop('characters') };
}

export function duplicateScore(pair: Signals, a: Neighbourhood, b: Neighbourhood): { score: number; model: CombinerModel } {
  const model = combinerFor(pair.semantic !== null);
  const features = model.signals.map((name) => pair[name]! - ((a[name] ?? 0) + (b[name] ?? 0)) / 2);
  return { score: probability(model, features), model };
}

/** Why two requests look alike, in words a product manager can check at a glance. */
export function reasons(a: Profile, b: Profile, pair: Signals): string[] {
  const shared = [...a.words]
    .flatMap(([t, weight]) => {
      const other = b.words.get(t);
      return other === undefined ? [] : [{ t, weight: weight * other }];
    })
    .sort((x, y) => y.weight - x.weight)
    .slice(0, 4)
    .map(({ t }) => (t.startsWith('~') ? t.slice(1) : a.surface.get(t)!));
  const out: string[] = [];
  if (shared.length > 0) out.push(`shared phrases: ${shared.join(', ')}`);
  if (pair.semantic !== null) out.push(`semantic similarity ${pair.semantic.toFixed(2)}`);
  if (pair.characters >= 0.5) out.push('near-identical wording');
  return out;
}

/**
 * The terms of a draft that fetch lexical candidates, given how many requests use each: the rarest
 * first, while their posting lists stay within the budget. They identify a request, and the work per
 * query stays bounded however large the board grows.
 */
export function candidateTerms(frequencies: ReadonlyMap<string, number>): [term: string, requests: number][] {
  const chosen: [string, number][] = [];
  let postings = 0;
  for (const [t, df] of [...frequencies].filter(([, df]) => df > 0).sort((a, b) => a[1] - b[1])) {
    if (chosen.length === RAREST_QUERY_TERMS || (chosen.length > 0 && postings + df > POSTINGS_BUDGET)) break;
    chosen.push([t, df]);
    postings += df;
  }
  return chosen;
}

/**
 * Ranks `candidates` against `query`. The query's neighbourhood is measured on the candidates (the
 * nearest requests the index found); a candidate without a stored neighbourhood borrows the query's.
 */
export function rankDuplicates(
  query: ComparableRequest,
  candidates: readonly { request: ComparableRequest; neighbourhood: Neighbourhood | null; features?: LexicalFeatures }[],
  corpus: CorpusStatistics,
): DuplicateMatch[] {
  const queryProfile = profile(query, corpus);
  const scored = candidates.map((c) => {
    const candidateProfile = profile(c.request, corpus, c.features);
    return { c, candidateProfile, pair: signals(queryProfile, candidateProfile) };
  });
  const queryNeighbourhood = neighbourhood(scored.map((s) => s.pair));
  return scored
    .map(({ c, candidateProfile, pair }) => {
      const { score, model } = duplicateScore(pair, queryNeighbourhood, c.neighbourhood ?? queryNeighbourhood);
      return {
        id: c.request.id,
        score,
        likelyDuplicate: score >= model.threshold,
        reasons: reasons(queryProfile, candidateProfile, pair),
        signals: pair,
      };
    })
    .sort((x, y) => y.score - x.score);
}
