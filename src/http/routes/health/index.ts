// Liveness (/health: the process answers) and readiness (/ready: it can serve, the database is
// reachable and fully migrated). Kubernetes probes and load balancers use these.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redisCheck } from '../../plugins/external/redis.js';
import type { RouteDeps } from '../index.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Readiness = Type.Object({ status: Type.String(), checks: Type.Object({ database: Check, redis: Type.Optional(Check) }) });

const health: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { database }) => {
  app.get('/health', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() }) } },
    handler: async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  });

  app.get('/ready', {
    config: { access: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Readiness: database reachable and migrated; Redis reachable when configured',
      response: { '2xx': Readiness, 503: Readiness },
    },
    handler: async (_request, reply) => {
      const [database_, redis] = await Promise.all([
        database
          .isMigrated()
          .then((migrated) => (migrated ? { ok: true } : { ok: false, detail: 'migrations pending: run `migrate`' }))
          .catch((err: Error) => ({ ok: false, detail: `unreachable: ${err.message}` })),
        app.redis ? redisCheck(app.redis) : undefined,
      ]);
      // Without Redis the replica still serves (rate limits fail open), so it stays in the balancer: degraded, not unready.
      const status = !database_.ok ? 'not_ready' : redis && !redis.ok ? 'degraded' : 'ready';
      return reply.status(database_.ok ? 200 : 503).send({ status, checks: redis ? { database: database_, redis } : { database: database_ } });
    },
  });
};

export default health;
