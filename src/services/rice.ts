// RICE scores: predicted by the recompute_rice job (analytics_processing) from a request and its
// votes, overridden per factor by the product team, and checked against what shipped requests
// actually achieved. The effective score is a generated column, so an override counts at once.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { timestamptz, type Database } from '../db/client.js';
import { featureRequests, requestOutcomes, users, votes } from '../db/schema.js';
import {
  effectiveRice,
  OUTCOME_FACTORS,
  predictionAccuracy,
  predictRice,
  RICE_FACTORS,
  type OutcomeFactor,
  type RiceFactor,
  type RiceOverrides,
} from '../domain/rice.js';
import { BOARD_TAGS } from '../domain/response-cache.js';
import { jobSpec, RECOMPUTE_RICE } from '../queue/contracts.js';
import type { JobSpec } from '../queue/queue.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { conflict, notFound } from './errors.js';
import { purgeResponseCache } from './response-cache.js';

const fr = featureRequests;

/** The job that brings a request's predicted factors up to date; enqueue it with the change that causes it. */
export const riceJob = (requestId: string): JobSpec => jobSpec(RECOMPUTE_RICE, { requestId });

const CUSTOMER_ROLES = sql`('couple', 'wedding_supplier')`;

/**
 * Recomputes the predicted factors of these requests from their current content and votes. True when
 * one of them is on the board (not a synthetic probe's): what the board shows changed.
 */
export async function recomputeRice(db: Database, requestIds: readonly string[], now: Date): Promise<boolean> {
  if (requestIds.length === 0) return false;
  const customer = sql`${users.role} in ${CUSTOMER_ROLES}`;
  const evidence = await db
    .select({
      id: fr.id,
      category: fr.category,
      urgency: fr.urgency,
      status: fr.status,
      synthetic: fr.synthetic,
      painPointCount: fr.painPointCount,
      voters: sql<number>`(count(${votes.userId}) filter (where ${customer}))::int`,
      weight: sql<number>`coalesce(sum(${votes.weight}) filter (where ${customer}), 0)::float8`,
      supplierWeight: sql<number>`coalesce(sum(${votes.weight}) filter (where ${users.role} = 'wedding_supplier'), 0)::float8`,
      userTypes: sql<number>`(count(distinct ${users.role}) filter (where ${customer}))::int`,
      regions: sql<number>`(count(distinct ${users.region}) filter (where ${customer}))::int`,
    })
    .from(fr)
    // Reach counts the demand that counts: votes held or rejected for manipulation are left out.
    .leftJoin(votes, and(eq(votes.requestId, fr.id), votes.counted))
    .leftJoin(users, eq(users.id, votes.userId))
    .where(inArray(fr.id, [...requestIds]))
    .groupBy(fr.id);
  if (evidence.length === 0) return false;
  const predicted = evidence.map((e) => ({
    id: e.id,
    ...predictRice({
      category: e.category,
      urgency: e.urgency,
      status: e.status,
      painPointCount: e.painPointCount,
      demand: { voters: e.voters, weight: e.weight, supplierWeight: e.supplierWeight, userTypes: e.userTypes, regions: e.regions },
    }),
  }));
  // One statement for the whole batch (the demo seed scores 200 requests at once).
  const values = sql.join(
    predicted.map((p) => sql`(${p.id}::uuid, ${p.reach}::float8, ${p.impact}::float8, ${p.confidence}::float8, ${p.effort}::float8)`),
    sql`, `,
  );
  await db.execute(sql`
    update ${fr} set rice_reach = v.reach, rice_impact = v.impact, rice_confidence = v.confidence, rice_effort = v.effort, rice_computed_at = ${timestamptz(now)}
    from (values ${values}) as v(id, reach, impact, confidence, effort)
    where ${fr.id} = v.id`);
  return evidence.some((e) => !e.synthetic);
}

/** The columns a request's `rice` answer is made from; part of every board and detail query. */
export const riceColumns = {
  riceScore: fr.riceScore,
  riceReach: fr.riceReach,
  riceImpact: fr.riceImpact,
  riceConfidence: fr.riceConfidence,
  riceEffort: fr.riceEffort,
  riceReachOverride: fr.riceReachOverride,
  riceImpactOverride: fr.riceImpactOverride,
  riceConfidenceOverride: fr.riceConfidenceOverride,
  riceEffortOverride: fr.riceEffortOverride,
  riceComputedAt: fr.riceComputedAt,
};
export type RiceRow = { [K in keyof typeof riceColumns]: (typeof fr.$inferSelect)[K] };

const PREDICTED: Record<RiceFactor, keyof RiceRow> = { reach: 'riceReach', impact: 'riceImpact', confidence: 'riceConfidence', effort: 'riceEffort' };
const OVERRIDE = {
  reach: 'riceReachOverride',
  impact: 'riceImpactOverride',
  confidence: 'riceConfidenceOverride',
  effort: 'riceEffortOverride',
} as const satisfies Record<RiceFactor, keyof RiceRow & keyof typeof fr.$inferInsert>;

const factorsOf = (row: RiceRow, columns: Record<RiceFactor, keyof RiceRow>) =>
  Object.fromEntries(RICE_FACTORS.map((f) => [f, row[columns[f]] as number | null])) as RiceOverrides;

/** `rice` as requests carry it in JSON: the effective factors and score, the predictions, and what was overridden. */
export function riceView(row: RiceRow) {
  const predicted = factorsOf(row, PREDICTED);
  const overrides = factorsOf(row, OVERRIDE);
  const effective = effectiveRice(predicted as Record<RiceFactor, number>, overrides) as RiceOverrides;
  return {
    score: row.riceScore,
    ...effective,
    predicted,
    overridden: RICE_FACTORS.filter((f) => overrides[f] !== null),
    computedAt: row.riceComputedAt,
  };
}

/** Splits a selected row into the request's own fields and its `rice` answer. */
export function withRice<T extends RiceRow>(row: T) {
  const rest: Record<string, unknown> = { ...row };
  for (const key of Object.keys(riceColumns)) delete rest[key];
  return { ...(rest as Omit<T, keyof RiceRow>), rice: riceView(row) };
}

async function lockForRice(db: Database, id: string) {
  const [row] = await db
    .select({ status: fr.status, mergedIntoId: fr.mergedIntoId, ...riceColumns })
    .from(fr)
    .where(eq(fr.id, id))
    .for('update');
  if (!row) throw notFound('Feature request');
  return row;
}

/** The product team sets (a number) or clears (null) its own value for any factor; audited. */
export async function overrideRice(s: Services, call: Call, id: string, patch: Partial<RiceOverrides>) {
  await s.db.transaction(async (tx) => {
    const current = await lockForRice(tx, id);
    if (current.status === 'merged') {
      throw conflict('request_merged', 'This request was merged into another; score that one instead', { mergedIntoId: current.mergedIntoId });
    }
    const factors = RICE_FACTORS.filter((f) => patch[f] !== undefined);
    await tx
      .update(fr)
      .set(Object.fromEntries(factors.map((f) => [OVERRIDE[f], patch[f]])))
      .where(eq(fr.id, id));
    await recordAudit(s, tx, call, {
      action: 'rice_overridden',
      targetType: 'feature_request',
      targetId: id,
      details: { changes: Object.fromEntries(factors.map((f) => [f, { from: current[OVERRIDE[f]], to: patch[f] }])) },
    });
  });
  purgeResponseCache(s, BOARD_TAGS);
}

export type OutcomeInput = Partial<Record<'actualReach' | 'actualImpact' | 'actualEffort', number | null>>;
const ACTUAL = { reach: 'actualReach', impact: 'actualImpact', effort: 'actualEffort' } as const satisfies Record<OutcomeFactor, keyof OutcomeInput>;

function outcomeView(row: typeof requestOutcomes.$inferSelect) {
  const predicted = { reach: row.predictedReach, impact: row.predictedImpact, effort: row.predictedEffort };
  const actual = Object.fromEntries(OUTCOME_FACTORS.map((f) => [f, row[ACTUAL[f]]])) as Record<OutcomeFactor, number | null>;
  return { requestId: row.requestId, predicted, actual, accuracy: predictionAccuracy(predicted, actual), recordedAt: row.recordedAt };
}

/**
 * What a shipped request achieved. The first record keeps the prediction of that moment (later
 * votes move Reach, but the prediction being judged is the one made before the outcome was known).
 */
export async function recordOutcome(s: Services, call: Call, id: string, input: OutcomeInput) {
  const outcome = await s.db.transaction(async (tx) => {
    let current = await lockForRice(tx, id);
    if (current.status !== 'shipped') {
      throw conflict('not_shipped', 'Outcomes are recorded once a request has shipped', { status: current.status });
    }
    const now = s.now();
    if (current.riceReach === null) {
      await recomputeRice(tx, [id], now);
      current = await lockForRice(tx, id);
    }
    // Fields left out arrive as undefined, whatever Object.entries' type says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [row] = await tx
      .insert(requestOutcomes)
      .values({
        requestId: id,
        ...given,
        predictedReach: current.riceReach!,
        predictedImpact: current.riceImpact!,
        predictedEffort: current.riceEffort!,
        recordedBy: call.actor.id,
        recordedAt: now,
      })
      .onConflictDoUpdate({ target: requestOutcomes.requestId, set: { ...given, recordedBy: call.actor.id, recordedAt: now } })
      .returning();
    await recordAudit(s, tx, call, { action: 'outcome_recorded', targetType: 'feature_request', targetId: id, details: { outcome: given } });
    return outcomeView(row!);
  });
  // It may have scored the request for the first time.
  purgeResponseCache(s, BOARD_TAGS);
  return outcome;
}

export async function getOutcome(s: Services, id: string) {
  const [row] = await s.db.select().from(requestOutcomes).where(eq(requestOutcomes.requestId, id));
  if (!row) throw notFound('Outcome');
  return outcomeView(row);
}

/** rice_score_prediction_accuracy: mean accuracy of the recorded outcomes per category and customer segment. */
export async function predictionAccuracyByGroup(db: Database) {
  const outcomes = await db
    .select({ category: fr.category, userSegment: fr.userType, outcome: requestOutcomes })
    .from(requestOutcomes)
    .innerJoin(fr, and(eq(fr.id, requestOutcomes.requestId), eq(fr.synthetic, false)));
  const groups = new Map<string, { category: string; userSegment: string; sum: number; n: number }>();
  for (const { category, userSegment, outcome } of outcomes) {
    const accuracy = outcomeView(outcome).accuracy;
    if (accuracy === null) continue;
    const key = `${category}\u0000${userSegment}`;
    const group = groups.get(key) ?? { category, userSegment, sum: 0, n: 0 };
    group.sum += accuracy;
    group.n += 1;
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ category: g.category, userSegment: g.userSegment, accuracy: g.sum / g.n, requests: g.n }));
}
