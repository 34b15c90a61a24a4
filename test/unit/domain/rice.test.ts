import { describe, expect, it } from 'vitest';
import {
  effectiveRice,
  factorAccuracy,
  predictConfidence,
  predictEffort,
  predictImpact,
  predictionAccuracy,
  predictReach,
  predictRice,
  riceScore,
  type Demand,
  type RiceEvidence,
} from '../../../src/domain/rice.js';

const noDemand: Demand = { voters: 0, weight: 0, supplierWeight: 0, userTypes: 0, regions: 0 };
const evidence = (over: Partial<RiceEvidence> = {}): RiceEvidence => ({
  category: 'communication',
  urgency: 'medium',
  status: 'open',
  painPointCount: 1,
  demand: noDemand,
  ...over,
});

describe('RICE prediction', () => {
  it('reach: ten people per weighted vote, the author counting when nobody voted, broader across segments and regions', () => {
    expect(predictReach(noDemand)).toBe(10);
    expect(predictReach({ voters: 4, weight: 4, supplierWeight: 0, userTypes: 1, regions: 1 })).toBe(40);
    // Same weight, wanted by couples and suppliers alike in three regions: ×(1 + 0.25 + 0.2).
    expect(predictReach({ voters: 3, weight: 4, supplierWeight: 2, userTypes: 2, regions: 3 })).toBe(58);
    // Regions beyond five add nothing more.
    expect(predictReach({ voters: 9, weight: 9, supplierWeight: 0, userTypes: 1, regions: 9 })).toBe(
      predictReach({ voters: 9, weight: 9, supplierWeight: 0, userTypes: 1, regions: 5 }),
    );
  });

  it('impact: from urgency on the 0.25–3 scale, a step up for wedding-day categories and for supplier-led demand, capped at 3', () => {
    expect(predictImpact(evidence({ urgency: 'low' }))).toBe(0.5);
    expect(predictImpact(evidence({ urgency: 'medium' }))).toBe(1);
    expect(predictImpact(evidence({ urgency: 'high' }))).toBe(2);
    expect(predictImpact(evidence({ urgency: 'medium', category: 'rsvp' }))).toBe(2);
    const supplierLed = { voters: 2, weight: 4, supplierWeight: 3, userTypes: 2, regions: 1 };
    expect(predictImpact(evidence({ urgency: 'medium', demand: supplierLed }))).toBe(2);
    expect(predictImpact(evidence({ urgency: 'critical', category: 'seating', demand: supplierLed }))).toBe(3);
  });

  it('confidence: 50 % plus evidence — pain points, many voters, both segments, the team planning it — up to 100 %', () => {
    expect(predictConfidence(evidence({ painPointCount: 0 }))).toBe(0.5);
    expect(predictConfidence(evidence({ painPointCount: 2 }))).toBe(0.6);
    const broad = { voters: 25, weight: 30, supplierWeight: 10, userTypes: 2, regions: 3 };
    expect(predictConfidence(evidence({ demand: broad }))).toBe(0.9);
    expect(predictConfidence(evidence({ demand: broad, status: 'planned' }))).toBe(1);
  });

  it('effort: person-months by category, wider with more pain points, on a quarter-month grid', () => {
    expect(predictEffort({ category: 'rsvp', painPointCount: 1 })).toBe(1);
    expect(predictEffort({ category: 'integrations', painPointCount: 1 })).toBe(3);
    expect(predictEffort({ category: 'integrations', painPointCount: 3 })).toBe(4); // 3 × 1.3 = 3.9 → 4
    expect(predictEffort({ category: 'a_custom_category', painPointCount: 0 })).toBe(2);
  });

  it('score is R × I × C / E, and overrides replace single factors', () => {
    const predicted = predictRice(evidence({ demand: { voters: 5, weight: 6, supplierWeight: 2, userTypes: 2, regions: 2 } }));
    expect(predicted).toEqual({ reach: 81, impact: 1, confidence: 0.8, effort: 1.5 });
    expect(riceScore(predicted)).toBeCloseTo((81 * 1 * 0.8) / 1.5);
    const effective = effectiveRice(predicted, { reach: null, impact: 3, confidence: null, effort: 0.5 });
    expect(effective).toEqual({ reach: 81, impact: 3, confidence: 0.8, effort: 0.5 });
    expect(riceScore(effective)).toBeCloseTo(388.8);
    expect(riceScore({ ...effective, effort: 0 })).toBe(0);
  });
});

describe('RICE prediction accuracy', () => {
  it('is the symmetric ratio of prediction and outcome', () => {
    expect(factorAccuracy(100, 100)).toBe(1);
    expect(factorAccuracy(100, 50)).toBe(0.5);
    expect(factorAccuracy(50, 100)).toBe(0.5);
    expect(factorAccuracy(0, 10)).toBe(0);
  });

  it('averages the factors whose outcome was recorded, and is null when none was', () => {
    const predicted = { reach: 100, impact: 2, effort: 2 };
    expect(predictionAccuracy(predicted, { reach: 80 })).toBeCloseTo(0.8);
    expect(predictionAccuracy(predicted, { reach: 80, impact: 1, effort: null })).toBeCloseTo((0.8 + 0.5) / 2);
    expect(predictionAccuracy(predicted, { reach: 100, impact: 2, effort: 2 })).toBe(1);
    expect(predictionAccuracy(predicted, { effort: null })).toBeNull();
  });
});
