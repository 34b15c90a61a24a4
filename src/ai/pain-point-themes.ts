// Pain-point themes: what many couples and suppliers are asking for, found by grouping requests
// whose sentence embeddings point the same way, and named by the title words that set each group
// apart from the rest of the board. Pure and deterministic: the same requests in the same order
// always give the same themes, so a re-run changes nothing and a snapshot can be explained.
//
// Grouping is DP-means (Kulis & Jordan, "Revisiting k-means", 2012) on the unit sphere: k-means
// where a request that is not similar enough to any theme's centre starts a theme of its own, so the
// number of themes follows from one similarity threshold instead of being fixed by hand. Requests
// are visited most-voted first, so the requests people care about most seed the themes. Each pass
// costs requests × themes × dimensions, and all three are capped (docs/decisions/0017-pain-point-themes.md).
import { inverseDocumentFrequency, term, words } from './text-features.js';

/** Names this algorithm and its settings in snapshots and audit events: a change means new themes. */
export const THEMES_ALGORITHM = 'dp-means-cosine-v1';

export interface ThemeSettings {
  /** Only the first `maxRequests` candidates are grouped (the caller sorts them most-voted first). */
  maxRequests: number;
  /** A request joins the most similar theme centre at least this similar (cosine), else it starts a theme. */
  joinSimilarity: number;
  /** Fewer requests than this are not a theme (one request is an idea, not a pattern). */
  minRequests: number;
  /** At most this many groups exist at once; past it an unlike request stays unthemed. Bounds each pass. */
  maxGroups: number;
  /** Passes over the requests; DP-means usually settles in a handful. */
  maxPasses: number;
  /** Words kept per theme; the label is made of the first few. */
  maxTerms: number;
}

/**
 * Tuned on the demo catalogue's stored embeddings (USE-lite of title + description): at 0.6, 169 of
 * the 200 requests fall into 23 themes of 3–21, half of them within one category; 0.55 merges
 * neighbouring topics (15 themes), 0.65 leaves 56 requests unthemed. Cost: at most
 * maxPasses × requests × maxGroups × 512 multiply-adds.
 */
export const THEME_SETTINGS: ThemeSettings = { maxRequests: 5000, joinSimilarity: 0.6, minRequests: 3, maxGroups: 200, maxPasses: 8, maxTerms: 6 };

/** Requests compared between two pauses: a pause lets a shared process serve HTTP in between (~10–30 ms of work). */
const PAUSE_EVERY = 64;

/** Words in a theme's label. */
const LABEL_TERMS = 3;

/** On a wedding board these describe every request, never what sets a theme apart. */
const BOARD_WIDE_TERMS = new Set(['wedding', 'weddings'].map(term));

export interface ThemeCandidate {
  /** Titles are the board's public summaries: the only text the naming reads. */
  title: string;
  /** Unit-length sentence embedding. */
  embedding: Float32Array;
}

export interface Theme {
  /** Indices into the candidates, in candidate order (most-voted first when the caller sorted so). */
  members: number[];
  /** Mean cosine of the members to the theme's centre: 1 when all say the same thing. */
  cohesion: number;
  /** The theme's most distinctive title words, most distinctive first. */
  terms: string[];
  label: string;
}

export interface ThemeResult {
  themes: Theme[];
  /** Candidates grouped: all of them, or the first `maxRequests`. */
  considered: number;
  /** Considered candidates in no theme: outliers, or groups smaller than `minRequests`. */
  unthemed: number;
  passes: number;
}

/** Dot product of two unit vectors (their cosine), unrolled: it is nearly all of the work. */
function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  let d = 0;
  for (; d < n; d += 4) {
    s0 += a[d]! * b[d]!;
    s1 += a[d + 1]! * b[d + 1]!;
    s2 += a[d + 2]! * b[d + 2]!;
    s3 += a[d + 3]! * b[d + 3]!;
  }
  for (; d < a.length; d++) s0 += a[d]! * b[d]!;
  return s0 + s1 + s2 + s3;
}

/** Normalised mean of the given vectors. */
function centreOf(vectors: readonly Float64Array[], members: readonly number[], dimensions: number): Float64Array {
  const centre = new Float64Array(dimensions);
  for (const i of members) {
    const v = vectors[i]!;
    for (let d = 0; d < dimensions; d++) centre[d]! += v[d]!;
  }
  let norm = 0;
  for (let d = 0; d < dimensions; d++) norm += centre[d]! * centre[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dimensions; d++) centre[d]! /= norm;
  return centre;
}

/**
 * DP-means over unit vectors: the groups' members (vectors in no group are left out), numbered in
 * order of their first member, and the passes it took. Deterministic: ties go to the earlier group.
 */
export async function groupByDirection(
  vectors: readonly Float64Array[],
  settings: ThemeSettings = THEME_SETTINGS,
  pause: () => Promise<void> = async () => {},
): Promise<{ groups: number[][]; passes: number }> {
  const dimensions = vectors[0]?.length ?? 0;
  let centres: Float64Array[] = [];
  let previous: Int32Array | null = null;
  let groups: number[][] = [];
  let passes = 0;
  while (passes < settings.maxPasses) {
    passes += 1;
    const assignment = new Int32Array(vectors.length);
    for (let i = 0; i < vectors.length; i++) {
      if (i % PAUSE_EVERY === PAUSE_EVERY - 1) await pause();
      let best = -1;
      let bestSimilarity = -Infinity;
      for (let c = 0; c < centres.length; c++) {
        const similarity = dot(vectors[i]!, centres[c]!);
        if (similarity > bestSimilarity) {
          best = c;
          bestSimilarity = similarity;
        }
      }
      if (bestSimilarity < settings.joinSimilarity) {
        best = -1;
        if (centres.length < settings.maxGroups) {
          centres.push(vectors[i]!);
          best = centres.length - 1;
        }
      }
      assignment[i] = best;
    }
    // Renumber the non-empty groups by first member, so equal partitions compare equal.
    const renumbered = new Map<number, number>();
    groups = [];
    for (let i = 0; i < vectors.length; i++) {
      const group = assignment[i]!;
      if (group < 0) continue;
      let index = renumbered.get(group);
      if (index === undefined) {
        index = groups.length;
        renumbered.set(group, index);
        groups.push([]);
      }
      groups[index]!.push(i);
      assignment[i] = index;
    }
    // A lone request is its own centre and would never leave it: next pass it looks at the other
    // themes first (DP-means' own rule — join the best centre within the threshold, else start one),
    // so which request happened to come first does not decide the themes.
    centres = groups.filter((members) => members.length > 1).map((members) => centreOf(vectors, members, dimensions));
    if (previous && previous.every((group, i) => group === assignment[i])) break;
    previous = assignment;
  }
  return { groups, passes };
}

/**
 * Class-based TF-IDF over titles: a word is distinctive for a theme when many of its titles use it and
 * few titles elsewhere do. A word must appear in two of the theme's titles unless none does. Each
 * stemmed term is shown as the word its titles use most (synonyms as the commonest of their words).
 */
export function themeTerms(titles: readonly string[], themes: readonly (readonly number[])[], maxTerms = THEME_SETTINGS.maxTerms): string[][] {
  const termsOf = titles.map((title) => {
    const surfaces = new Map<string, string[]>();
    for (const word of words(title)) {
      const t = term(word);
      if (t) surfaces.set(t, [...(surfaces.get(t) ?? []), word]);
    }
    return surfaces;
  });
  const documentFrequency = new Map<string, number>();
  for (const surfaces of termsOf) for (const t of surfaces.keys()) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);

  return themes.map((members) => {
    // `first`: where the term first appears reading the theme's titles in order, which breaks ties so
    // that equally distinctive words read as its top titles say them ("seating · chart").
    const inTheme = new Map<string, { titles: number; words: Map<string, number>; first: number }>();
    for (const i of members) {
      for (const [t, used] of termsOf[i]!) {
        if (BOARD_WIDE_TERMS.has(t)) continue;
        const entry = inTheme.get(t) ?? { titles: 0, words: new Map<string, number>(), first: inTheme.size };
        entry.titles += 1;
        for (const word of used) entry.words.set(word, (entry.words.get(word) ?? 0) + 1);
        inTheme.set(t, entry);
      }
    }
    const scored = [...inTheme]
      .map(([t, entry]) => ({ entry, score: (entry.titles / members.length) * inverseDocumentFrequency(documentFrequency.get(t)!, titles.length) }))
      .sort((a, b) => b.score - a.score || a.entry.first - b.entry.first);
    const shared = scored.filter((s) => s.entry.titles >= 2);
    const chosen = (shared.length > 0 ? shared : scored).slice(0, maxTerms);
    // The commonest spelling; the first seen on a tie (sort is stable).
    return [...new Set(chosen.map(({ entry }) => [...entry.words].sort((a, b) => b[1] - a[1])[0]![0]))];
  });
}

/**
 * Groups the candidates into themes (largest first), each with its cohesion and its words. `pause` is
 * awaited every few dozen requests of each pass (a process that also serves HTTP yields there).
 */
export async function painPointThemes(
  candidates: readonly ThemeCandidate[],
  options: { settings?: ThemeSettings; pause?: () => Promise<void> } = {},
): Promise<ThemeResult> {
  const settings = options.settings ?? THEME_SETTINGS;
  const considered = candidates.slice(0, settings.maxRequests);
  // Float64 arithmetic is measurably faster than float32 reads in V8's loops (no conversions).
  const vectors = considered.map((c) => Float64Array.from(c.embedding));
  const { groups, passes } = await groupByDirection(vectors, settings, options.pause);
  const kept = groups.filter((members) => members.length >= settings.minRequests).sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  const terms = themeTerms(
    considered.map((c) => c.title),
    kept,
    settings.maxTerms,
  );
  const dimensions = vectors[0]?.length ?? 0;
  const themes = kept.map((members, k) => {
    const centre = centreOf(vectors, members, dimensions);
    const cohesion = members.reduce((sum, i) => sum + dot(vectors[i]!, centre), 0) / members.length;
    return { members, cohesion, terms: terms[k]!, label: terms[k]!.slice(0, LABEL_TERMS).join(' · ') };
  });
  return { themes, considered: considered.length, unthemed: considered.length - kept.reduce((n, members) => n + members.length, 0), passes };
}
