// Pain-point themes: what many couples and suppliers are asking for, found by grouping requests
// whose sentence embeddings point the same way, and named by the title words that set each group
// apart from the rest of the board. Pure and deterministic: the same requests in the same order
// always give the same themes, so a re-run changes nothing and a snapshot can be explained.
//
// Grouping is DP-means (Kulis & Jordan, "Revisiting k-means", 2012) on the unit sphere: k-means
// where a request that is not similar enough to any theme's centre starts a theme of its own, so the
// number of themes follows from one similarity threshold instead of being fixed by hand. Requests
// are visited most-voted first, so the requests people care about most seed the themes; after each
// pass, alike groups are merged, so the visiting order does not split a topic. Each pass costs
// requests × groups × dimensions, and all three are capped (docs/decisions/0017-pain-point-themes.md).
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
  /** Words kept per theme, shown beside its label. */
  maxTerms: number;
}

/**
 * Tuned on the demo catalogue's stored embeddings (USE-lite of title + description): at 0.6, 183 of
 * the 200 requests fall into 23 themes of 3–18, half of each theme's requests in one category; 0.55
 * merges neighbouring topics (16 themes), 0.65 leaves 38 requests unthemed. Cost: at most
 * maxPasses × requests × maxGroups × 512 multiply-adds, plus maxGroups² per pass for the merges.
 */
export const THEME_SETTINGS: ThemeSettings = { maxRequests: 5000, joinSimilarity: 0.6, minRequests: 3, maxGroups: 200, maxPasses: 8, maxTerms: 6 };

/** Longest stretch of grouping between two pauses: a pause lets a shared process serve HTTP in between. */
const PAUSE_AFTER_MS = 10;

/** On a wedding board these describe every request, never what sets a theme apart. */
const BOARD_WIDE_TERMS: ReadonlySet<string | null> = new Set(['wedding', 'weddings'].map(term));

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
  /** The title of the request nearest the theme's centre. */
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

/** Dot product (of unit vectors: their cosine), unrolled: it is nearly all of the work. */
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

/** Sum of the members' vectors. */
function sumOf(vectors: readonly Float64Array[], members: readonly number[], dimensions: number): Float64Array {
  const sum = new Float64Array(dimensions);
  for (const i of members) {
    const v = vectors[i]!;
    for (let d = 0; d < dimensions; d++) sum[d]! += v[d]!;
  }
  return sum;
}

/** Normalised mean of the members' vectors. */
function centreOf(vectors: readonly Float64Array[], members: readonly number[], dimensions: number): Float64Array {
  const sum = sumOf(vectors, members, dimensions);
  const norm = Math.sqrt(dot(sum, sum)) || 1;
  return sum.map((x) => x / norm);
}

/**
 * DP-means minimises the members' distances to their centres (1 − cosine) plus (1 − threshold) per
 * group. Merging two groups adds |S_a| + |S_b| − |S_a + S_b| of distance (S: a group's vector sum) and
 * saves one group; groups whose centres are at least `threshold` alike and whose merge lowers that
 * sum are merged, closest pairs first, each group once per pass. (The centre condition keeps the
 * threshold's meaning for small groups: two pairs of unrelated requests are cheaper as one group by
 * the sum alone.) Without this, the visiting order can split one topic into halves that each stay put.
 */
function mergeAlike(vectors: readonly Float64Array[], groups: readonly number[][], threshold: number, dimensions: number): number[][] {
  const sums = groups.map((members) => sumOf(vectors, members, dimensions));
  const norms = sums.map((sum) => Math.sqrt(dot(sum, sum)));
  const merges: { a: number; b: number; cost: number }[] = [];
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      const between = dot(sums[a]!, sums[b]!);
      const cost = norms[a]! + norms[b]! - Math.sqrt(Math.max(0, norms[a]! ** 2 + norms[b]! ** 2 + 2 * between));
      if (between >= threshold * norms[a]! * norms[b]! && cost < 1 - threshold) merges.push({ a, b, cost });
    }
  }
  if (merges.length === 0) return [...groups];
  merges.sort((x, y) => x.cost - y.cost || x.a - y.a || x.b - y.b);
  const into = groups.map((_, g) => g);
  const merged = new Set<number>();
  for (const { a, b } of merges) {
    if (merged.has(a) || merged.has(b)) continue;
    merged.add(a).add(b);
    into[b] = a;
  }
  const combined = groups.map(() => [] as number[]);
  groups.forEach((members, g) => combined[into[g]!]!.push(...members));
  return combined.filter((members) => members.length > 0).map((members) => members.sort((x, y) => x - y));
}

/** Each vector's group (-1: none): equal partitions compare equal, groups numbered by first member. */
function assignmentOf(groups: readonly number[][], size: number): Int32Array {
  const assignment = new Int32Array(size).fill(-1);
  [...groups].sort((x, y) => x[0]! - y[0]!).forEach((members, g) => members.forEach((i) => (assignment[i] = g)));
  return assignment;
}

/**
 * DP-means over unit vectors: the groups' members (vectors in no group are left out), numbered in
 * order of their first member, and the passes it took. Deterministic: ties go to the earlier group.
 */
async function groupByDirection(
  vectors: readonly Float64Array[],
  settings: ThemeSettings = THEME_SETTINGS,
  pause: () => Promise<void> = async () => {},
): Promise<{ groups: number[][]; passes: number }> {
  const dimensions = vectors[0]?.length ?? 0;
  let centres: Float64Array[] = [];
  let previous: Int32Array | null = null;
  let groups: number[][] = [];
  let passes = 0;
  let pausedAt = performance.now();
  while (passes < settings.maxPasses) {
    passes += 1;
    const members: number[][] = [];
    for (let i = 0; i < vectors.length; i++) {
      if (performance.now() - pausedAt > PAUSE_AFTER_MS) {
        await pause();
        pausedAt = performance.now();
      }
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
        if (centres.length === settings.maxGroups) continue;
        centres.push(vectors[i]!);
        best = centres.length - 1;
      }
      (members[best] ??= []).push(i);
    }
    groups = mergeAlike(vectors, members.filter(Boolean), settings.joinSimilarity, dimensions).sort((x, y) => x[0]! - y[0]!);
    const assignment = assignmentOf(groups, vectors.length);
    if (previous && previous.every((group, i) => group === assignment[i])) break;
    previous = assignment;
    // A lone request is its own centre and would never leave it: next pass it looks at the other
    // themes first (DP-means' own rule — join the best centre within the threshold, else start one),
    // so which request happened to come first does not decide the themes.
    centres = groups.filter((g) => g.length > 1).map((g) => centreOf(vectors, g, dimensions));
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
 * awaited after every 10 ms of grouping (a process that also serves HTTP yields there).
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
    const closeness = members.map((i) => dot(vectors[i]!, centre));
    const cohesion = closeness.reduce((sum, c) => sum + c, 0) / members.length;
    // Named by its most central request's title: words people wrote ("Printable seating chart"),
    // where a list of distinctive words ("seating · chart · printable") reads like an index. The
    // words stay, as secondary detail. The first member wins a tie (the caller's order: most-voted).
    const central = members[closeness.indexOf(Math.max(...closeness))]!;
    return { members, cohesion, terms: terms[k]!, label: considered[central]!.title.trim() };
  });
  return { themes, considered: considered.length, unthemed: considered.length - kept.reduce((n, members) => n + members.length, 0), passes };
}
