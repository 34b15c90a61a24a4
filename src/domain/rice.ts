// RICE prioritisation: Reach × Impact × Confidence / Effort, with every factor predicted from what
// the platform knows about a request (its votes, who cast them, urgency, category, pain points,
// workflow status) until the product team overrides it. Pure: the job, the seed and the tests share it.
// The model and its defaults are explained in docs/decisions/0011-rice-model.md.
import type { Status, Urgency } from './feature-requests.js';

export const RICE_FACTORS = ['reach', 'impact', 'confidence', 'effort'] as const;
export type RiceFactor = (typeof RICE_FACTORS)[number];
export type RiceFactors = Record<RiceFactor, number>;
export type RiceOverrides = Record<RiceFactor, number | null>;

/** Intercom's impact scale: minimal, low, medium, high, massive. */
export const IMPACT_SCALE = [0.25, 0.5, 1, 2, 3] as const;

/** Customer demand behind a request: only couples' and suppliers' votes (the product team's are internal). */
export interface Demand {
  /** Distinct customer voters. */
  voters: number;
  /** Their summed vote weight (suppliers weigh more). */
  weight: number;
  /** The part of `weight` cast by wedding suppliers. */
  supplierWeight: number;
  /** Distinct customer types among the voters (couples, suppliers): 0–2. */
  userTypes: number;
  /** Distinct wedding-season regions among the voters. */
  regions: number;
}

export interface RiceEvidence {
  category: string;
  urgency: Urgency;
  status: Status;
  painPointCount: number;
  demand: Demand;
}

/**
 * One weighted vote stands for this many people with the same need who never vote: Reach is an
 * estimate of people reached in the quarter after shipping, the unit `actual reach` is recorded in.
 */
export const PEOPLE_PER_WEIGHTED_VOTE = 10;

/** Categories a wedding day depends on directly: a gap there hurts more than elsewhere. */
const WEDDING_DAY_CATEGORIES: ReadonlySet<string> = new Set(['guest_management', 'rsvp', 'seating', 'timeline_planning', 'budget_payments']);

/** Person-months a typical request in each category takes (integrations and apps are the big builds). */
const CATEGORY_EFFORT: Record<string, number> = {
  guest_management: 1,
  rsvp: 1,
  seating: 1.5,
  budget_payments: 2.5,
  vendor_management: 1.5,
  timeline_planning: 1.5,
  communication: 1.5,
  website_invitations: 1.5,
  mobile_app: 3,
  integrations: 3,
  reporting_analytics: 2,
  accessibility_localization: 2,
  contracts_documents: 2,
  photos_media: 2,
};
const DEFAULT_EFFORT = 2;

const URGENCY_IMPACT_STEP: Record<Urgency, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** The product team has looked at it and put it on the roadmap: more is known than at submission. */
const VALIDATED_STATUSES: readonly Status[] = ['planned', 'in_progress', 'shipped'];

const roundTo = (value: number, step: number) => Math.round(value / step) * step;

export function predictReach(demand: Demand): number {
  // A request nobody voted for yet still speaks for its author.
  const weight = Math.max(1, demand.weight);
  // Wanted by couples and suppliers alike, and across regions: it reaches further than the votes say.
  const breadth = 1 + 0.25 * Math.max(0, demand.userTypes - 1) + 0.1 * Math.min(4, Math.max(0, demand.regions - 1));
  return Math.round(PEOPLE_PER_WEIGHTED_VOTE * weight * breadth);
}

export function predictImpact(e: RiceEvidence): number {
  let step = URGENCY_IMPACT_STEP[e.urgency];
  if (WEDDING_DAY_CATEGORIES.has(e.category)) step += 1;
  // Suppliers run their business on the platform: when they carry most of the demand, it matters more.
  if (e.demand.weight > 0 && e.demand.supplierWeight / e.demand.weight >= 0.5) step += 1;
  return IMPACT_SCALE[Math.min(step, IMPACT_SCALE.length - 1)]!;
}

export function predictConfidence(e: RiceEvidence): number {
  let confidence = 0.5;
  if (e.painPointCount > 0) confidence += 0.1;
  if (e.demand.voters >= 5) confidence += 0.1;
  if (e.demand.voters >= 20) confidence += 0.1;
  if (e.demand.userTypes >= 2) confidence += 0.1;
  if (VALIDATED_STATUSES.includes(e.status)) confidence += 0.1;
  return Math.round(Math.min(1, confidence) * 100) / 100;
}

export function predictEffort(e: Pick<RiceEvidence, 'category' | 'painPointCount'>): number {
  const base = CATEGORY_EFFORT[e.category] ?? DEFAULT_EFFORT;
  // Each pain point beyond the first widens the scope a little.
  return Math.max(0.25, roundTo(base * (1 + 0.15 * Math.max(0, e.painPointCount - 1)), 0.25));
}

export function predictRice(e: RiceEvidence): RiceFactors {
  return { reach: predictReach(e.demand), impact: predictImpact(e), confidence: predictConfidence(e), effort: predictEffort(e) };
}

/** What counts: each factor's override where the product team set one, the prediction otherwise. */
export function effectiveRice(predicted: RiceFactors, overrides: RiceOverrides): RiceFactors {
  return Object.fromEntries(RICE_FACTORS.map((f) => [f, overrides[f] ?? predicted[f]])) as RiceFactors;
}

/** R × I × C / E. The database computes the same expression for the stored, indexed score. */
export function riceScore(f: RiceFactors): number {
  return f.effort > 0 ? (f.reach * f.impact * f.confidence) / f.effort : 0;
}

/** The factors an outcome can be measured on once a request has shipped (confidence has no actual). */
export const OUTCOME_FACTORS = ['reach', 'impact', 'effort'] as const satisfies readonly RiceFactor[];
export type OutcomeFactor = (typeof OUTCOME_FACTORS)[number];

/** 1 when prediction and outcome agree, falling towards 0 as their ratio grows (symmetric: ×2 and ÷2 score alike). */
export function factorAccuracy(predicted: number, actual: number): number {
  if (predicted === actual) return 1;
  if (predicted <= 0 || actual <= 0) return 0;
  return Math.min(predicted, actual) / Math.max(predicted, actual);
}

/** Mean accuracy over the factors whose outcome was recorded; null when none was. */
export function predictionAccuracy(predicted: Record<OutcomeFactor, number>, actual: Partial<Record<OutcomeFactor, number | null>>): number | null {
  const measured = OUTCOME_FACTORS.filter((f) => actual[f] !== undefined && actual[f] !== null);
  if (measured.length === 0) return null;
  return measured.reduce((sum, f) => sum + factorAccuracy(predicted[f], actual[f]!), 0) / measured.length;
}
