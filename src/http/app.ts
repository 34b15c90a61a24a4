// The HTTP application: Fastify with our plugins and routes. Built the same way by `serve`, the
// tests and the benchmarks.
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DatabaseHandle } from '../db/client.js';
import { createMetrics, type Metrics } from '../ops/metrics.js';
import type { Services } from '../services/context.js';
import authentication from './plugins/app/authentication.js';
import authorization from './plugins/app/authorization.js';
import boardCache from './plugins/app/board-cache.js';
import errors from './plugins/app/errors.js';
import metricsEndpoint from './plugins/app/metrics.js';
import webUi from './plugins/app/web-ui.js';
import weddingSeason from './plugins/app/wedding-season.js';
import helmet from './plugins/external/helmet.js';
import openapi from './plugins/external/swagger.js';
import { registerRoutes } from './routes/index.js';
import { ErrorResponse } from './schemas.js';

export interface AppOptions {
  services: Services;
  database: DatabaseHandle;
  logger: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** Pass the instance whose observer the database reports to; one is made otherwise. */
  metrics?: Metrics;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

export async function buildApp({ services, database, logger, metrics }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger && typeof (logger as { child?: unknown }).child === 'function'
      ? { loggerInstance: logger as FastifyServerOptions['loggerInstance'] }
      : { logger: logger as FastifyServerOptions['logger'] }),
    bodyLimit: services.config.bodyLimitBytes,
    trustProxy: services.config.trustProxy,
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes hit these every few seconds; logging them would bury the lines that matter.
      disableRequestLogging: (req) => PROBE_PATHS.has((req as unknown as { url: string }).url),
    }),
    // Accept a caller's request id only when it looks like one, so logs cannot be forged.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorResponse);
  await app.register(errors);
  await app.register(helmet);
  await app.register(openapi);
  await app.register(cookie);
  await app.register(authentication, { services });
  await app.register(authorization, { services });
  await app.register(boardCache, { services });
  await app.register(weddingSeason, { services });
  const appMetrics = metrics ?? createMetrics(services, () => database.isMigrated());
  await app.register(metricsEndpoint, { services, metrics: appMetrics });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  await registerRoutes(app, { services, database, metrics: appMetrics });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(webUi, { services });
  return app;
}
