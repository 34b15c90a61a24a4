// Sanity checks on the seed-demo catalogue: the shape and bounds the seed relies on, plus the twelve
// near-duplicate pairs that give the duplicate detector something to find in a demo.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commentFitsRequest, demoComments, demoCommentsFor, demoRequests } from '../../../src/demo/demo-catalog.js';
import { DEFAULT_CATEGORIES, URGENCIES } from '../../../src/domain/feature-requests.js';

const sentences = (text: string): number => text.match(/[.!?]+(?=\s|$)/g)?.length ?? 0;
const share = (n: number): number => n / demoRequests.length;
const FORBIDDEN = [
  { what: 'URL', pattern: /https?:|www\.|\.(com|org|net|io)\b/i },
  { what: 'email address', pattern: /\S@\S/ },
  { what: 'phone number', pattern: /\+?\d[\d ()-]{7,}\d/ },
  { what: 'non-ASCII character', pattern: /[^\x20-\x7e]/ },
];

describe('demoRequests', () => {
  it('has exactly 200 entries', () => {
    expect(demoRequests).toHaveLength(200);
  });

  it('has unique titles, compared case-insensitively', () => {
    const seen = new Map<string, number>();
    const clashes: string[] = [];
    demoRequests.forEach((r, i) => {
      const key = r.title.trim().toLowerCase();
      if (seen.has(key)) clashes.push(`${seen.get(key)} and ${i}: ${r.title}`);
      seen.set(key, i);
    });
    expect(clashes).toEqual([]);
  });

  it('uses only known categories, and every category at least 8 times', () => {
    const counts = new Map<string, number>(DEFAULT_CATEGORIES.map((c) => [c, 0]));
    for (const r of demoRequests) {
      expect(DEFAULT_CATEGORIES as readonly string[], r.title).toContain(r.category);
      counts.set(r.category, (counts.get(r.category) ?? 0) + 1);
    }
    for (const category of DEFAULT_CATEGORIES) {
      expect(counts.get(category), category).toBeGreaterThanOrEqual(8);
    }
  });

  it('keeps titles, descriptions and pain points within bounds', () => {
    for (const r of demoRequests) {
      expect(r.title.length, r.title).toBeGreaterThanOrEqual(8);
      expect(r.title.length, r.title).toBeLessThanOrEqual(90);
      expect(r.title, 'no stray whitespace').toBe(r.title.trim());
      expect(r.description.length, r.title).toBeGreaterThanOrEqual(120);
      expect(r.description.length, r.title).toBeLessThanOrEqual(600);
      expect(sentences(r.description), `sentences in: ${r.title}`).toBeGreaterThanOrEqual(2);
      expect(sentences(r.description), `sentences in: ${r.title}`).toBeLessThanOrEqual(4);
      expect(r.painPoints.length, r.title).toBeGreaterThanOrEqual(1);
      expect(r.painPoints.length, r.title).toBeLessThanOrEqual(3);
      for (const p of r.painPoints) {
        expect(p.length, `pain point "${p}"`).toBeGreaterThanOrEqual(5);
        expect(p.length, `pain point "${p}"`).toBeLessThanOrEqual(80);
      }
    }
  });

  it('has valid urgencies, mostly medium or low, with some high and a few critical', () => {
    const count = (u: string) => demoRequests.filter((r) => r.urgency === u).length;
    for (const r of demoRequests) expect(URGENCIES, r.title).toContain(r.urgency);
    for (const u of URGENCIES) expect(count(u), u).toBeGreaterThan(0);
    expect(share(count('low') + count('medium'))).toBeGreaterThanOrEqual(0.6);
    expect(share(count('high'))).toBeGreaterThanOrEqual(0.1);
    expect(share(count('critical'))).toBeLessThanOrEqual(0.08);
  });

  it('has roughly 55% couples and 45% suppliers, each writing from their own viewpoint', () => {
    for (const r of demoRequests) expect(['couple', 'wedding_supplier'], r.title).toContain(r.authorType);
    const couples = demoRequests.filter((r) => r.authorType === 'couple').length;
    expect(share(couples)).toBeGreaterThanOrEqual(0.5);
    expect(share(couples)).toBeLessThanOrEqual(0.6);
    for (const r of demoRequests) {
      const tradeVoice = /^As an? /.test(r.description);
      expect(tradeVoice, `${r.authorType}: ${r.title}`).toBe(r.authorType === 'wedding_supplier');
    }
  });

  it('has plausible wedding contexts with time zones Intl accepts', () => {
    for (const { title, weddingContext: w } of demoRequests) {
      expect(Number.isInteger(w.guestCount), title).toBe(true);
      expect(w.guestCount, title).toBeGreaterThanOrEqual(20);
      expect(w.guestCount, title).toBeLessThanOrEqual(600);
      expect(w.country, title).toMatch(/^[A-Z]{2}$/);
      expect(w.timeZone, title).toMatch(/^[A-Z][A-Za-z_]+\/[A-Za-z_/]+$/);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: w.timeZone }), `${title}: ${w.timeZone}`).not.toThrow();
    }
    expect(new Set(demoRequests.map((r) => r.weddingContext.country)).size).toBeGreaterThanOrEqual(15);
  });

  it('contains no URLs, email addresses, phone numbers or non-ASCII characters', () => {
    for (const r of demoRequests) {
      for (const text of [r.title, r.description, ...r.painPoints]) {
        for (const { what, pattern } of FORBIDDEN) expect(pattern.test(text), `${what} in: ${text}`).toBe(false);
      }
    }
  });

  it('marks exactly 12 near-duplicate pairs, placed far apart', () => {
    const source = readFileSync(new URL('../../../src/demo/demo-catalog.ts', import.meta.url), 'utf8');
    const body = source.slice(source.indexOf('export const demoRequests'), source.indexOf('export const demoComments'));
    const titles = demoRequests.map((r) => r.title);
    const markers = [...body.matchAll(/^[ \t]*\/\/ near-duplicate of: (.+)$/gm)];
    expect(markers).toHaveLength(12);

    const pairs = markers.map((m) => {
      // Each entry has exactly one `title:` line, so the titles before the marker give the next entry's index.
      const second = body.slice(0, m.index).match(/^\s*title:/gm)?.length ?? 0;
      const first = titles.indexOf(m[1]!.trim());
      return { first, second, text: m[1] };
    });
    for (const { first, second, text } of pairs) {
      expect(first, `marked original "${text}" must be a title`).toBeGreaterThanOrEqual(0);
      expect(second - first, `pair "${text}" should be far apart`).toBeGreaterThanOrEqual(50);
      expect(demoRequests[second]!.title.toLowerCase()).not.toBe(titles[first]!.toLowerCase());
    }
    const involved = pairs.flatMap((p) => [p.first, p.second]);
    expect(new Set(involved).size, 'each request belongs to at most one pair').toBe(24);
  });
});

describe('demoComments', () => {
  it('has exactly 60 entries of 40-300 characters', () => {
    expect(demoComments).toHaveLength(60);
    for (const c of demoComments) {
      expect(c.content.length, c.content).toBeGreaterThanOrEqual(40);
      expect(c.content.length, c.content).toBeLessThanOrEqual(300);
      expect(typeof c.expertAdvice).toBe('boolean');
      for (const { what, pattern } of FORBIDDEN) expect(pattern.test(c.content), `${what} in: ${c.content}`).toBe(false);
    }
  });

  it('has unique comments, about a third of them expert advice', () => {
    expect(new Set(demoComments.map((c) => c.content.toLowerCase())).size).toBe(60);
    const experts = demoComments.filter((c) => c.expertAdvice).length;
    expect(experts).toBeGreaterThanOrEqual(15);
    expect(experts).toBeLessThanOrEqual(25);
  });
});

// Issue #16.10: comments were dealt out by position, so a caterer's allergy advice could sit under a
// photo-gallery request. Each comment now names its subject and only goes where the request mentions it.
describe('demo comments fit their request', () => {
  const seeded = demoRequests.map((r, i) => ({ request: r, discussion: demoCommentsFor(r, i, 3) }));

  it('states each subject as plain lower-case words', () => {
    for (const c of demoComments) {
      expect(c.about.length, c.content).toBeGreaterThan(0);
      for (const subject of c.about) expect(subject, c.content).toMatch(/^[a-z0-9][a-z0-9 '-]*$/);
    }
  });

  it('attaches a comment only to a request that mentions its subject', () => {
    const misplaced = seeded.flatMap(({ request, discussion }) =>
      discussion
        .filter((c) => !c.about.some((subject) => `${request.title} ${request.description} ${request.painPoints.join(' ')}`.toLowerCase().includes(subject)))
        .map((c) => `${request.title} <- ${c.content}`),
    );
    expect(misplaced).toEqual([]);
  });

  it('does not attach the allergy advice to a request about photos', () => {
    const allergy = demoComments.find((c) => c.content.includes('allergies must never be optional'))!;
    const gallery = demoRequests.find((r) => r.title === 'Gallery downloads fail halfway')!;
    const allergyForm = demoRequests.find((r) => r.title === 'Structured allergy questions on the RSVP form')!;
    expect(commentFitsRequest(allergy, gallery)).toBe(false);
    expect(commentFitsRequest(allergy, allergyForm)).toBe(true);
  });

  it('still gives most requests a discussion and spreads the comments around', () => {
    const discussed = seeded.filter((s) => s.discussion.length > 0).length;
    expect(discussed).toBeGreaterThan(demoRequests.length * 0.8);
    const used = new Set(seeded.flatMap((s) => s.discussion.map((c) => c.content)));
    expect(used.size).toBeGreaterThan(demoComments.length * 0.9);
  });
});
