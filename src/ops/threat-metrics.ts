// Threat-protection counters. Created with the service context (services.threatMetrics) and added to
// its metrics registry (src/ops/metrics.ts), so that services without access to the HTTP layer —
// recordPiiAccess, the vote checks — count through the context they already have.
import { Counter, type Registry } from 'prom-client';

export type ThreatMetrics = ReturnType<typeof createThreatMetrics>;

export const createThreatMetrics = () => ({
  rateLimited: new Counter({
    name: 'http_requests_rate_limited_total',
    help: 'Requests refused with 429 by the per-role, per-route-class rate limits',
    labelNames: ['role', 'route_class'],
    registers: [],
  }),
  bulkAccess: new Counter({
    name: 'bulk_access_detections_total',
    help: 'Scraping / bulk-access detections: clients slowed down (once per window), blocked (once per cool-off), and reads refused while blocked',
    labelNames: ['action'],
    registers: [],
  }),
  insiderAccess: new Counter({
    name: 'insider_access_anomalies_total',
    help: 'Staff access to personal data outside working hours or in bulk',
    labelNames: ['kind'],
    registers: [],
  }),
  voteManipulation: new Counter({
    name: 'vote_manipulation_detections_total',
    help: 'Votes held for review (action=held) or counted at reduced weight (action=down_weighted), per reason that flagged them (one vote can have several)',
    labelNames: ['action', 'reason'],
    registers: [],
  }),
});

export function registerThreatMetrics(registry: Registry, metrics: ThreatMetrics): void {
  for (const metric of Object.values(metrics) as Counter[]) registry.registerMetric(metric);
}
