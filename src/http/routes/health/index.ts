// Liveness (/health: the process answers) and readiness (/ready: it can serve — not shutting down,
// the database reachable, fully migrated and taking writes). Kubernetes probes and load balancers use these.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redisCheck } from '../../../db/shared-state.js';
import type { RouteDeps } from '../index.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.String(),
  checks: Type.Object({ serving: Check, database: Check, writes: Type.Optional(Check), redis: Type.Optional(Check) }),
});
type CheckResult = { ok: boolean; detail?: string };

/**
 * A write is proven at most this often per replica: probes arrive every few seconds from several
 * balancers, and the answer of the last probe is as good as a new one for this long.
 */
export const WRITE_PROBE_INTERVAL_MS = 5000;

const health: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { database, services }) => {
  let lastWrite: { at: number; result: Promise<CheckResult> } | undefined;
  // Shared by concurrent probes and cached: one heartbeat write per interval, whatever the probe rate.
  const writes = (): Promise<CheckResult> => {
    if (!lastWrite || performance.now() - lastWrite.at > WRITE_PROBE_INTERVAL_MS) {
      const result = database
        .probeWrite()
        .then(() => ({ ok: true }))
        .catch((err: Error) => ({ ok: false, detail: `writes fail: ${err.message}` }));
      lastWrite = { at: performance.now(), result };
    }
    return lastWrite.result;
  };

  app.get('/health', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() }) } },
    handler: async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  });

  app.get('/ready', {
    config: { access: 'public' },
    schema: {
      tags: ['operations'],
      summary: 'Readiness: not shutting down; database reachable, migrated and taking writes; Redis reachable when configured',
      response: { '2xx': Readiness, 503: Readiness },
    },
    handler: async (_request, reply) => {
      const serving: CheckResult = app.shutdown.draining ? { ok: false, detail: 'shutting down' } : { ok: true };
      const [database_, redis] = await Promise.all([
        database
          .isMigrated()
          .then((migrated): CheckResult => (migrated ? { ok: true } : { ok: false, detail: 'migrations pending: run `migrate`' }))
          .catch((err: Error): CheckResult => ({ ok: false, detail: `unreachable: ${err.message}` })),
        services.shared.redis ? redisCheck(services.shared.redis) : undefined,
      ]);
      // Only a reachable, migrated database is asked to write (the heartbeat table comes with migration 0017).
      const writes_ = database_.ok ? await writes() : undefined;
      const ready = serving.ok && database_.ok && (writes_?.ok ?? false);
      // Without Redis the replica still serves (rate limits fail open), so it stays in the balancer: degraded, not unready.
      const status = !ready ? 'not_ready' : redis && !redis.ok ? 'degraded' : 'ready';
      const checks = { serving, database: database_, ...(writes_ ? { writes: writes_ } : {}), ...(redis ? { redis } : {}) };
      return reply.status(ready ? 200 : 503).send({ status, checks });
    },
  });
};

export default health;
