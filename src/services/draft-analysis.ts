// POST /api/ai/analyze: what the AI makes of a draft before it is submitted — the existing requests it
// may duplicate (the duplicate detector), the category those requests are filed under (a score-weighted
// vote of the candidates), and the pain-point themes of the latest insight snapshot that its words
// belong to. No model of its own: the detector's and the themes' results, combined. Cached by content
// hash for the brief's hour (tag ai-analysis), purged when the catalogue it compares against changes.
import { createHash } from 'node:crypto';
import { desc, eq, inArray } from 'drizzle-orm';
import { aiInsightSnapshots, featureRequests } from '../db/schema.js';
import { term, wordTerms } from '../ai/text-features.js';
import type { Services } from './context.js';
import { detectDuplicates, type DuplicateSuggestion } from './duplicate-detection.js';
import { badRequest, ServiceError } from './errors.js';
import { THEMES_KIND } from './pain-point-themes.js';

export interface Draft {
  title: string;
  description: string;
  category?: string;
}

/** How many candidates and themes an analysis names. */
const CANDIDATES = 5;
const THEMES = 3;
/** When the model is down: try again after this long (the detector reloads it on its own). */
const AI_RETRY_AFTER_SECONDS = 30;

/** The cache key: the draft's content, normalised as the detector reads it. */
export function draftContentHash(draft: Draft): string {
  const normalised = JSON.stringify([draft.title.trim(), draft.description.trim(), draft.category ?? null]);
  return createHash('sha256').update(normalised).digest('base64url');
}

export interface DraftAnalysis {
  duplicates: DuplicateSuggestion[];
  category: { suggested: string; confidence: number; matchesDraft: boolean | null } | null;
  painPoints: { label: string; terms: string[]; requests: number; matchedTerms: string[] }[];
  model: string;
}

export async function analyzeDraft(s: Services, draft: Draft): Promise<DraftAnalysis> {
  if (draft.category !== undefined && !s.config.categories.includes(draft.category)) {
    throw badRequest('unknown_category', `Unknown category "${draft.category}"`, { allowed: s.config.categories });
  }
  const report = await detectDuplicates(s, { title: draft.title, description: draft.description, limit: CANDIDATES });
  // Words alone would be an analysis of lesser quality under the same cache key for an hour.
  if (!report.available)
    throw new ServiceError(503, 'ai_unavailable', 'The AI analysis is unavailable right now; try again shortly', undefined, AI_RETRY_AFTER_SECONDS);
  const [category, painPoints] = await Promise.all([suggestCategory(s, report.matches, draft.category), matchingThemes(s, draft)]);
  return { duplicates: report.matches, category, painPoints, model: report.model };
}

/** The category the similar requests are filed under, weighted by how similar each is. */
async function suggestCategory(s: Services, matches: readonly DuplicateSuggestion[], given: string | undefined): Promise<DraftAnalysis['category']> {
  if (matches.length === 0) return null;
  const filed = await s.db
    .select({ id: featureRequests.id, category: featureRequests.category })
    .from(featureRequests)
    .where(
      inArray(
        featureRequests.id,
        matches.map((m) => m.id),
      ),
    );
  const weights = new Map<string, number>();
  for (const m of matches) {
    const category = filed.find((f) => f.id === m.id)?.category;
    if (category) weights.set(category, (weights.get(category) ?? 0) + m.score);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const [best] = [...weights.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!best || total === 0) return null;
  return { suggested: best[0], confidence: Math.round((best[1] / total) * 1000) / 1000, matchesDraft: given === undefined ? null : given === best[0] };
}

/** Themes of the latest pain-point snapshot that share words with the draft, most shared first. */
async function matchingThemes(s: Services, draft: Draft): Promise<DraftAnalysis['painPoints']> {
  const [snapshot] = await s.db
    .select({ themes: aiInsightSnapshots.themes })
    .from(aiInsightSnapshots)
    .where(eq(aiInsightSnapshots.kind, THEMES_KIND))
    .orderBy(desc(aiInsightSnapshots.generatedAt))
    .limit(1);
  if (!snapshot) return [];
  const words = new Set(wordTerms(`${draft.title}\n${draft.description}`));
  return snapshot.themes
    .map((theme) => ({ theme, matchedTerms: theme.terms.filter((t) => words.has(term(t) ?? t)) }))
    .filter((m) => m.matchedTerms.length > 0)
    .sort((a, b) => b.matchedTerms.length - a.matchedTerms.length || b.theme.voteWeight - a.theme.voteWeight)
    .slice(0, THEMES)
    .map(({ theme, matchedTerms }) => ({ label: theme.label, terms: theme.terms, requests: theme.requests, matchedTerms }));
}
