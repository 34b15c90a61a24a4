// The error budget of the availability objective, and that the app and the Prometheus rules hold
// the same objectives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AVAILABILITY_OBJECTIVES, errorBudget } from '../../../src/domain/slo.js';
import { ROOT } from '../../helpers/ops-tools.js';

describe('availability error budget', () => {
  it('allows 43.2 minutes of downtime in 30 days off season and 21.6 in peak season', () => {
    expect(errorBudget('off', 0)).toMatchObject({ objective: 0.999, windowDays: 30, allowedDowntimeSeconds: 2592, downtimeSeconds: 0, left: 1 });
    expect(errorBudget('peak', 0)).toMatchObject({ objective: 0.9995, allowedDowntimeSeconds: 1296, left: 1 });
  });

  it('is spent by downtime, the same minutes weighing twice as much in peak season', () => {
    expect(errorBudget('off', 648_000).left).toBeCloseTo(0.75, 9);
    expect(errorBudget('peak', 648_000).left).toBeCloseTo(0.5, 9);
    expect(errorBudget('off', 2_592_000).left).toBeCloseTo(0, 9);
    expect(errorBudget('peak', 2_592_000).left).toBeCloseTo(-1, 9);
  });

  it('matches the objectives of the Prometheus recording rule', () => {
    const doc = parse(readFileSync(join(ROOT, 'deploy/prometheus/wedsync-slo.yml'), 'utf8')) as { groups: { rules: { record?: string; expr: string }[] }[] };
    const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.record === 'wedsync:slo_availability:objective');
    const [peak, off] = [...(rule?.expr ?? '').matchAll(/vector\(([\d.]+)\)/g)].map((m) => Number(m[1]));
    expect({ peak, off }).toEqual({ peak: AVAILABILITY_OBJECTIVES.peak, off: AVAILABILITY_OBJECTIVES.off });
  });
});
