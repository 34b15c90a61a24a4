// The platform's health for the product team's ops dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { platformHealth } from '../../../ops/platform-health.js';
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
};

export default platform;
