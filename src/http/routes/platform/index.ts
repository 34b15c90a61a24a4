// The platform's health for the product team's ops dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { availabilityErrorBudget } from '../../../ops/error-budget.js';
import { platformHealth } from '../../../ops/platform-health.js';
import { recentProbeRuns } from '../../../services/probes.js';
import { DateTime, literals, Nullable, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';

const ComponentStatus = literals(['operational', 'degraded', 'down'] as const);

const PlatformHealth = Type.Object({
  status: ComponentStatus,
  checkedAt: DateTime,
  components: Type.Array(Type.Object({ name: Type.String(), status: ComponentStatus, detail: Type.String() })),
  season: Type.Object({ region: Type.String(), season: Type.String(), criticalHours: Type.Boolean(), multiplier: Type.Number() }),
  queues: Type.Array(
    Type.Object({ queue: Type.String(), pending: Type.Integer(), running: Type.Integer(), dead: Type.Integer(), oldestDueSeconds: Nullable(Type.Integer()) }),
  ),
  traffic: Type.Object({
    windowSeconds: Type.Integer(),
    requests: Type.Integer(),
    errorRate: Type.Number({ description: 'Share of 5xx responses' }),
    p95Ms: Nullable(Type.Number({ description: 'Approximate: upper bound of the latency bucket holding the 95th percentile' })),
  }),
});

const ErrorBudget = Type.Object({
  errorBudget: Nullable(
    Type.Object(
      {
        objective: Type.Number({ description: 'Availability objective in force: 0.999 off season, 0.9995 in peak wedding season' }),
        windowDays: Type.Integer(),
        allowedDowntimeSeconds: Type.Number({ description: '(1 − objective) × the window' }),
        downtimeSeconds: Type.Number({ description: 'Time the submission probe failed, or could not run or record a result' }),
        left: Type.Number({ description: 'Share of the budget not yet spent: 1 untouched, 0 spent, below 0 overspent' }),
        probe: Type.String(),
        measuredSince: DateTime,
      },
      { description: 'Null before the submission probe has run in the window' },
    ),
  ),
});

const ProbeHistory = Type.Object({
  since: DateTime,
  runs: Type.Array(Type.Object({ probe: Type.String(), ok: Type.Boolean(), durationMs: Type.Integer(), at: DateTime })),
});

const platform: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, database, metrics }) => {
  app.get('/api/platform/health', {
    // analytics:* (the product team) covers it; a supplier's category-trends grant does not.
    config: { access: { anyOf: ['analytics:platform_health'] } },
    schema: {
      tags: ['operations'],
      summary: "Components, wedding season, queue depths and this process's last 5 minutes of traffic",
      response: responses({ 200: PlatformHealth }),
    },
    handler: async () => platformHealth(services, database, metrics),
  });

  // Apart from the health page, which is polled every 10 s: this reads a month of probe runs.
  app.get('/api/platform/error-budget', {
    config: { access: { anyOf: ['analytics:platform_health'] } },
    schema: {
      tags: ['operations'],
      summary: 'Availability error budget left over the last 30 days, from the synthetic submission probe',
      response: responses({ 200: ErrorBudget }),
    },
    handler: async () => ({ errorBudget: await availabilityErrorBudget(services) }),
  });

  // Stored runs, so a freshly opened dashboard draws the last hour rather than only what it polls itself.
  app.get('/api/platform/probe-history', {
    config: { access: { anyOf: ['analytics:platform_health'] } },
    schema: {
      tags: ['operations'],
      summary: "The synthetic probes' runs of the last hour, oldest first: result and duration of each",
      response: responses({ 200: ProbeHistory }),
    },
    handler: async () => recentProbeRuns(services),
  });
};

export default platform;
