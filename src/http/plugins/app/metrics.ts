// Request metrics for every answered request, and the /metrics endpoint Prometheus scrapes. The
// endpoint is not public: with METRICS_TOKEN set it needs that Bearer token, without one it answers
// loopback clients only (a sidecar or a local agent).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../../../ops/metrics.js';
import { bearerMatches } from '../../../security/constant-time.js';
import type { Services } from '../../../services/context.js';
import { errorBody } from './errors.js';

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export default fp(
  async function metricsEndpoint(app: FastifyInstance, opts: { services: Services; metrics: Metrics }) {
    const { services, metrics } = opts;

    app.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest(
        {
          method: request.method,
          // The route pattern, never the raw URL: label values must stay few.
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          region: request.principal?.region ?? 'unknown',
          userTier: request.principal?.role ?? 'anonymous',
        },
        reply.elapsedTime,
      );
    });

    app.get('/metrics', {
      config: { access: 'metrics_scraper' },
      schema: { hide: true },
      handler: async (request, reply) => {
        const token = services.config.metricsToken;
        const allowed = token ? bearerMatches(request.headers.authorization, token) : LOOPBACK.has(request.socket.remoteAddress ?? '');
        if (!allowed) {
          return reply
            .status(token ? 401 : 403)
            .send(
              errorBody(
                token ? 'unauthenticated' : 'forbidden',
                token ? 'Bearer METRICS_TOKEN required' : 'Metrics are served to loopback clients only (set METRICS_TOKEN to scrape remotely)',
              ),
            );
        }
        return reply.type(metrics.registry.contentType).send(await metrics.scrape());
      },
    });
  },
  { name: 'metrics', dependencies: ['authentication'] },
);
