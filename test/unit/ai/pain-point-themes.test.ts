// Pain-point themes, the pure part: grouping unit vectors by direction and naming the groups.
import { describe, expect, it } from 'vitest';
import { painPointThemes, THEME_SETTINGS, themeTerms, type ThemeCandidate } from '../../../src/ai/pain-point-themes.js';

const DIMENSIONS = 24;

/** A seeded PRNG (mulberry32), so every run sees the same vectors. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const unit = (v: number[]) => {
  const norm = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / norm);
};

/** Near `axis` (cosine ~0.9 to it), or anywhere when axis is null. */
function vector(next: () => number, axis: number | null): Float32Array {
  return unit(Array.from({ length: DIMENSIONS }, (_, d) => (axis === null ? next() : (d === axis ? 1 : 0) + next() * 0.3)));
}

const TITLES = {
  sms: ['RSVP by SMS for older guests', 'Guests reply to an SMS invitation', 'SMS reminders to guests who have not replied', 'Confirm attendance by SMS'],
  seating: ['Printable seating chart', 'Seating chart as a PDF for the venue', 'Drag guests between seating chart tables', 'Seating chart with dietary icons'],
  music: ['Song requests from guests for the DJ', 'Share our playlist with the DJ', 'Do-not-play list for the DJ', 'DJ timings for the first dance song'],
};
const AXIS = { sms: 0, seating: 1, music: 2 } as const;
type Topic = keyof typeof TITLES;

/** Four requests per topic, interleaved (as votes would order them), plus two that resemble nothing. */
function board(seed = 7): { candidates: ThemeCandidate[]; topics: (Topic | null)[] } {
  const next = random(seed);
  const candidates: ThemeCandidate[] = [];
  const topics: (Topic | null)[] = [];
  for (let i = 0; i < 4; i++) {
    for (const topic of ['sms', 'seating', 'music'] as const) {
      candidates.push({ title: TITLES[topic][i]!, embedding: vector(next, AXIS[topic]) });
      topics.push(topic);
    }
  }
  for (const title of ['Dark mode', 'Invoices in Japanese yen']) {
    candidates.push({ title, embedding: vector(next, null) });
    topics.push(null);
  }
  return { candidates, topics };
}

const topicsOf = (members: number[], topics: (Topic | null)[]) => [...new Set(members.map((i) => topics[i]))];

describe('pain-point themes', () => {
  it('groups requests that point the same way, leaves the outliers out, and names each theme', async () => {
    const { candidates, topics } = board();
    const result = await painPointThemes(candidates);
    expect(result.themes).toHaveLength(3);
    expect(result.themes.map((t) => topicsOf(t.members, topics))).toEqual([['sms'], ['seating'], ['music']]);
    expect(result.themes.every((t) => t.members.length === 4)).toBe(true);
    expect({ considered: result.considered, unthemed: result.unthemed }).toEqual({ considered: 14, unthemed: 2 });
    for (const theme of result.themes) expect(theme.cohesion).toBeGreaterThan(0.8);
    // Named as people write (issue #16): the title of the request nearest the theme's centre; its distinctive words beside it.
    expect(result.themes.map((t) => t.terms[0])).toEqual(['sms', 'seating', 'dj']);
    for (const [k, topic] of (['sms', 'seating', 'music'] as const).entries()) {
      const theme = result.themes[k]!;
      const centre = theme.members.map((i) => candidates[i]!.embedding).reduce((sum, v) => sum.map((x, d) => x + v[d]!), new Array<number>(DIMENSIONS).fill(0));
      const closeness = (i: number) => candidates[i]!.embedding.reduce((s, x, d) => s + x * centre[d]!, 0);
      const nearest = [...theme.members].sort((a, b) => closeness(b) - closeness(a))[0]!;
      expect(TITLES[topic]).toContain(theme.label);
      expect(theme.label).toBe(candidates[nearest]!.title);
    }
  });

  it('is deterministic, and the same themes come out whatever the order', async () => {
    const { candidates, topics } = board();
    expect(await painPointThemes(candidates)).toEqual(await painPointThemes(candidates));
    const reversed = [...candidates].reverse();
    const again = await painPointThemes(reversed);
    const asTopics = (themes: { members: number[] }[], order: (Topic | null)[]) => themes.map((t) => topicsOf(t.members, order).join()).sort();
    expect(asTopics(again.themes, [...topics].reverse())).toEqual(asTopics((await painPointThemes(candidates)).themes, topics));
  });

  it('does not let an unlucky visiting order split one topic into two halves', async () => {
    // Four requests on one topic with the cosines measured between real ones (USE-lite): the first two
    // visited are alike, the third is not alike enough to the first (0.52) and starts a group that the
    // fourth joins. Each half stays put on its own; merging the alike halves makes one theme of four.
    const cosines = [
      [1, 0.68, 0.52, 0.52],
      [0.68, 1, 0.72, 0.69],
      [0.52, 0.72, 1, 0.71],
      [0.52, 0.69, 0.71, 1],
    ];
    // Vectors with exactly these cosines: the rows of the Cholesky factor of the matrix.
    const rows: number[][] = cosines.map(() => [0, 0, 0, 0]);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j <= i; j++) {
        const dot = rows[i]!.reduce((sum, x, k) => (k < j ? sum + x * rows[j]![k]! : sum), 0);
        rows[i]![j] = i === j ? Math.sqrt(cosines[i]![i]! - dot) : (cosines[i]![j]! - dot) / rows[j]![j]!;
      }
    }
    const candidates = rows.map((row, i) => ({ title: `Supplier deposit reminders ${i}`, embedding: Float32Array.from(row) }));
    const result = await painPointThemes(candidates);
    expect(result.themes.map((t) => t.members)).toEqual([[0, 1, 2, 3]]);
  });

  it('considers only the first maxRequests candidates', async () => {
    const { candidates } = board();
    const result = await painPointThemes(candidates, { settings: { ...THEME_SETTINGS, maxRequests: 9 } });
    expect(result.considered).toBe(9);
    // Three of each topic among the first nine: still themes, of three.
    expect(result.themes.map((t) => t.members.length)).toEqual([3, 3, 3]);
    expect(result.themes.flatMap((t) => t.members).every((i) => i < 9)).toBe(true);
  });

  it('keeps at most maxGroups groups at once, and does not call a pair a theme', async () => {
    const { candidates, topics } = board();
    const capped = await painPointThemes(candidates, { settings: { ...THEME_SETTINGS, maxGroups: 2 } });
    expect(capped.themes.map((t) => topicsOf(t.members, topics))).toEqual([['sms'], ['seating']]);
    expect(capped.unthemed).toBe(6);
    const pairs = await painPointThemes(candidates.slice(0, 6));
    expect(pairs.themes).toEqual([]);
    expect(pairs.unthemed).toBe(6);
  });

  it('lets the caller pause between slices of work, and pausing changes nothing', async () => {
    // 1 500 requests that resemble nothing: the slowest case, well over one 10 ms slice.
    const next = random(11);
    const noise = Array.from({ length: 1500 }, (_, i) => ({ title: `Request ${i}`, embedding: unit(Array.from({ length: 256 }, next)) }));
    let pauses = 0;
    const paused = await painPointThemes(noise, { pause: async () => void (pauses += 1) });
    expect(pauses).toBeGreaterThan(0);
    expect(paused).toEqual(await painPointThemes(noise));
  });
});

describe('theme terms', () => {
  const titles = [
    'Printable seating chart for guests',
    'Seating chart PDF for guests',
    'Print the seating chart',
    'Guests upload photos',
    'Guests choose songs',
    'Guests RSVP online',
  ];

  it('prefers words the theme shares and the rest of the board does not', () => {
    const [terms] = themeTerms(titles, [[0, 1, 2]]);
    // "guests" is in two of the theme's titles but all over the board; "printable"/"PDF" in one title only.
    expect(terms!.slice(0, 2)).toEqual(['seating', 'chart']);
    expect(terms).not.toContain('pdf');
    expect(terms!.indexOf('guests')).toBeGreaterThan(terms!.indexOf('chart'));
  });

  it('shows a stemmed or synonym term as the word the theme’s titles use most', () => {
    const [terms] = themeTerms(['Text the guests', 'SMS invitations', 'Reply by SMS', 'Tables and seating'], [[0, 1, 2]]);
    expect(terms![0]).toBe('SMS'.toLowerCase());
  });

  it('falls back to single-title words, in title order, when the titles share none', () => {
    expect(themeTerms(['Dark mode', 'Yen invoices'], [[0, 1]])[0]).toEqual(['dark', 'mode', 'yen', 'invoices']);
  });
});
