// Two of the brief's compliance events (setupComplianceAuditing) that record processing rather than a
// change: `ai_analysis_performed` (AI governance, kept 3 years) each time the AI analyses a request,
// and `wedding_context_processed` (wedding data protection, kept 1 year) each time a wedding context
// is processed for a purpose. Neither holds personal data: scores and model names; an anonymised
// context (src/domain/wedding-context.ts), with neither the request nor the couple it came from.
import type { Database } from '../db/client.js';
import { anonymiseWeddingContext } from '../domain/wedding-context.js';
import { recordAudit, type AuditEntry, type AuditWriter } from './audit.js';

/** Candidates whose scores the event keeps: the ones triage shows first. */
const RECORDED_CANDIDATES = 5;

export interface AiAnalysis {
  /** The combiner that scored the candidates (semantic + lexical, or lexical alone). */
  modelVersion: string;
  /** The sentence encoder that embedded the request; null when it was down. */
  embeddingModel: string | null;
  /** Candidates best first, as stored for triage. */
  candidates: readonly { id: string; score: number; likelyDuplicate: boolean }[];
}

/**
 * What the AI concluded about a request: the model that scored it and its top candidates' scores.
 * Written by the duplicate-detection job in the transaction that stores the analysis; nothing is
 * recorded when nothing was analysed (unchanged since the last run, no consent, request gone).
 */
export function aiAnalysisPerformed(requestId: string, analysis: AiAnalysis): AuditEntry {
  return {
    action: 'ai_analysis_performed',
    targetType: 'feature_request',
    targetId: requestId,
    details: {
      request_id: requestId,
      model_version: analysis.modelVersion,
      embedding_model: analysis.embeddingModel,
      confidence_scores: analysis.candidates
        .slice(0, RECORDED_CANDIDATES)
        .map((c) => ({ candidate_id: c.id, score: c.score, likely_duplicate: c.likelyDuplicate })),
    },
  };
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
  s: AuditWriter,
  db: Database,
  processor: { actor: { id: string; role: string } | null; requestId?: string },
  context: { weddingDate?: string | null; guestCount?: number | null; country?: string | null },
  purpose: WeddingContextPurpose,
): Promise<void> {
  await recordAudit(s, db, processor, {
    action: 'wedding_context_processed',
    targetType: 'wedding_context',
    details: { anonymized_context: anonymiseWeddingContext(context), processing_purpose: purpose },
  });
}
