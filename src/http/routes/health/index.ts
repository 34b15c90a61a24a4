// Liveness (/health: the process answers) and readiness (/ready: it can serve, the database is
// reachable and fully migrated). Kubernetes probes and load balancers use these.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RouteDeps } from '../index.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

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
      summary: 'Readiness: database reachable and migrated',
      response: { '2xx': Type.Object({ status: Type.String(), checks: Type.Object({ database: Check }) }), 503: Type.Object({ status: Type.String(), checks: Type.Object({ database: Check }) }) },
    },
    handler: async (_request, reply) => {
      const database_ = await database
        .isMigrated()
        .then((migrated) => (migrated ? { ok: true } : { ok: false, detail: 'migrations pending: run `migrate`' }))
        .catch((err: Error) => ({ ok: false, detail: `unreachable: ${err.message}` }));
      return reply.status(database_.ok ? 200 : 503).send({ status: database_.ok ? 'ready' : 'not_ready', checks: { database: database_ } });
    },
  });
};

export default health;
