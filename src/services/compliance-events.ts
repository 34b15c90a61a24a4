// Two of the brief's compliance events (setupComplianceAuditing) that record processing rather than a
// change: `ai_analysis_performed` (AI governance, kept 3 years) each time the AI analyses a request,
// and `wedding_context_processed` (wedding data protection, kept 1 year) each time a wedding context
// is processed for a purpose. Neither holds personal data: scores and model names; an anonymised
// context (src/domain/wedding-context.ts), with neither the request nor the couple it came from.
import { and, asc, eq, lte } from 'drizzle-orm';
import { combinerFor } from '../ai/detector.js';
import type { Database } from '../db/client.js';
import { duplicateCandidates, requestEmbeddings } from '../db/schema.js';
import { anonymiseWeddingContext } from '../domain/wedding-context.js';
import { recordAudit } from './audit.js';
import type { IndexOutcome } from './duplicate-detection.js';

/** Candidates whose scores the event keeps: the ones triage shows first. */
const RECORDED_CANDIDATES = 5;

/**
 * After the duplicate-detection job: what the AI concluded about the request — the model that scored
 * it and its top candidates' scores. Nothing is recorded when nothing was analysed (unchanged since
 * the last run, no consent, request gone).
 */
export async function recordAiAnalysis(db: Database, requestId: string, outcome: IndexOutcome): Promise<void> {
  if (outcome !== 'indexed' && outcome !== 'model_unavailable') return;
  const [scores, [embedding]] = await Promise.all([
    db
      .select({ candidateId: duplicateCandidates.candidateId, score: duplicateCandidates.score, likely: duplicateCandidates.likely })
      .from(duplicateCandidates)
      .where(and(eq(duplicateCandidates.requestId, requestId), lte(duplicateCandidates.rank, RECORDED_CANDIDATES)))
      .orderBy(asc(duplicateCandidates.rank)),
    db.select({ model: requestEmbeddings.model }).from(requestEmbeddings).where(eq(requestEmbeddings.requestId, requestId)),
  ]);
  await recordAudit(db, { actor: null }, {
    action: 'ai_analysis_performed',
    targetType: 'feature_request',
    targetId: requestId,
    details: {
      request_id: requestId,
      model_version: combinerFor(outcome === 'indexed').name,
      embedding_model: outcome === 'indexed' ? (embedding?.model ?? null) : null,
      confidence_scores: scores.map((s) => ({ candidate_id: s.candidateId, score: s.score, likely_duplicate: s.likely })),
    },
  });
}

export type WeddingContextPurpose =
  /** Submission or edit: the country, season region and guest count kept in the clear for seasons and metrics. */
  | 'season_and_metrics_grouping'
  /** The AI pipeline's content-only view of a request. */
  | 'ai_content_projection';

/**
 * A wedding context was processed for `purpose`. `processor` is who did it when that is a service
 * (the AI account); a member's own submission is recorded without them, so the event cannot be
 * traced back to a wedding.
 */
export async function recordWeddingContextProcessed(
  db: Database,
  processor: { actor: { id: string; role: string } | null; requestId?: string },
  context: { weddingDate?: string | null; guestCount?: number | null; country?: string | null },
  purpose: WeddingContextPurpose,
): Promise<void> {
  await recordAudit(db, processor, {
    action: 'wedding_context_processed',
    targetType: 'wedding_context',
    details: { anonymized_context: anonymiseWeddingContext(context), processing_purpose: purpose },
  });
}
