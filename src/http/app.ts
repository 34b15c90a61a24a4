// The HTTP application: Fastify with our plugins and routes. Built the same way by `serve`, the
// tests and the benchmarks.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DatabaseHandle } from '../db/client.js';
import { createMetrics, type Metrics } from '../ops/metrics.js';
import type { Services } from '../services/context.js';
import authentication from './plugins/app/authentication.js';
import authorization from './plugins/app/authorization.js';
import { boardFastLane } from './fast-lane.js';
import errors, { frameworkErrors } from './plugins/app/errors.js';
import idempotency from './plugins/app/idempotency.js';
import metricsEndpoint from './plugins/app/metrics.js';
import responseCache, { createHttpCaches } from './plugins/app/response-cache.js';
import scrapingGuard from './plugins/app/scraping-guard.js';
import storableText from './plugins/app/storable-text.js';
import webUi from './plugins/app/web-ui.js';
import weddingSeason, { weddingSeasonHeader } from './plugins/app/wedding-season.js';
import helmet, { apiSecurityHeaders } from './plugins/external/helmet.js';
import rateLimits from './plugins/external/rate-limit.js';
import openapi from './plugins/external/swagger.js';
import { registerRoutes } from './routes/index.js';
import { ErrorResponse } from './schemas.js';
import { createShutdown, passesWhileDraining, refuseWhileDraining, type Shutdown } from './shutdown.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Draining on SIGTERM (src/http/shutdown.ts): begun by serve() in src/main.ts. */
    shutdown: Shutdown;
  }
}

export interface AppOptions {
  services: Services;
  database: DatabaseHandle;
  logger: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** Pass the instance whose observer the database reports to; one is made otherwise. */
  metrics?: Metrics;
  /** Called for every request the server receives (the embedded worker's pacing counts them). */
  onRequest?: () => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** Accept a caller's request id only when it looks like one, so logs cannot be forged. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const trustNearest = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Query strings, path parameters and headers arrive as text, so their validator coerces ("5" → 5).
 * JSON bodies carry their types, so theirs does not: {"granted": null} or {"title": 12345678} is a
 * 400, not a silent false or "12345678". Unknown body fields are rejected, not dropped.
 */
const AJV = { removeAdditional: false, coerceTypes: 'array', allErrors: false } as const;
function buildValidator(): ValidatorFactory {
  const fromPool = AjvCompiler();
  return (externalSchemas) => {
    const text = fromPool(externalSchemas, { customOptions: AJV });
    const json = fromPool(externalSchemas, { customOptions: { ...AJV, coerceTypes: false } });
    return (route) => (route.httpPart === 'body' ? json : text)(route);
  };
}

export async function buildApp({ services, database, logger, metrics, onRequest }: AppOptions): Promise<FastifyInstance> {
  const season = weddingSeasonHeader(services);
  // Built once per app and passed explicitly: the fast lane, the cache hook and the cached routes share them.
  const caches = createHttpCaches(services, season);
  let appMetrics: Metrics | undefined = metrics;
  // What the fast lane and the draining refusal answer: API answers, both.
  const headers = apiSecurityHeaders();
  const fastLane = boardFastLane({ caches, securityHeaders: headers, requestId: requestIdOf, metrics: () => appMetrics });
  const shutdown = createShutdown();
  const app = Fastify({
    // Cached anonymous board pages are answered before Fastify sees them (src/http/fast-lane.ts);
    // while shutting down, everything but the probes is refused before both (src/http/shutdown.ts).
    serverFactory: (handler, options) => {
      // The refusal and a fast-lane hit end their response before returning: only what Fastify
      // answers is tracked as in flight, and a hit adds no listener.
      const server = createServer((req, res) => {
        onRequest?.();
        if (shutdown.draining && !passesWhileDraining(req, PROBE_PATHS)) {
          refuseWhileDraining(res, { ...headers, 'x-request-id': requestIdOf(req) });
          return;
        }
        if (fastLane(req, res)) return;
        shutdown.track(res);
        handler(req, res);
      });
      // What Fastify does to a server it creates itself (its processed options carry the defaults).
      const timeouts = options as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      server.keepAliveTimeout = timeouts.keepAliveTimeout;
      server.requestTimeout = timeouts.requestTimeout;
      server.setTimeout(timeouts.connectionTimeout);
      return server;
    },
    ...(logger && typeof (logger as { child?: unknown }).child === 'function'
      ? { loggerInstance: logger as FastifyServerOptions['loggerInstance'] }
      : { logger: logger }),
    bodyLimit: services.config.bodyLimitBytes,
    // A hop count N trusts the nearest N proxies (proxy-addr's rule, spelled out for Fastify's types).
    trustProxy: typeof services.config.trustProxy === 'number' ? trustNearest(services.config.trustProxy) : services.config.trustProxy,
    requestIdHeader: false,
    // One completion line per request (below) instead of Fastify's two.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    genReqId: requestIdOf,
    schemaController: { compilersFactory: { buildValidator: buildValidator() } },
    routerOptions: { maxParamLength: 200 },
    // frameworkErrors returns the reply it sends, as route handlers do; the option is typed as returning void.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('shutdown', shutdown);
  app.addSchema(ErrorResponse);
  await app.register(errors);
  await app.register(helmet);
  await app.register(responseCache, { caches });
  await app.register(openapi);
  await app.register(cookie);
  await app.register(authentication, { services });
  await app.register(authorization, { services });
  if (services.benchmarkControls?.rateLimits !== false) {
    await app.register(rateLimits, { services });
    await app.register(scrapingGuard, { services });
  }
  await app.register(storableText);
  await app.register(idempotency, { services });
  await app.register(weddingSeason, { season });
  appMetrics ??= createMetrics(services, () => database.isMigrated());
  for (const cache of [caches.responses, caches.analyses]) appMetrics.trackCache(cache.type, cache.stats);
  await app.register(metricsEndpoint, { services, metrics: appMetrics });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    // A keep-alive client is told to reconnect (to another replica) once this one drains.
    if (shutdown.draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  // Probes hit their paths every few seconds, the synthetic probes submit and vote every minute, and
  // response cache hits are the same bytes for everyone: at info they would bury the lines that
  // matter (935 lines in 14 minutes of clicking, issue #16), so they go to debug unless they failed.
  // Metrics still count them all.
  app.addHook('onResponse', (request, reply, done) => {
    const routine = request.cacheHit || PROBE_PATHS.has(request.url) || request.principal?.synthetic === true;
    const level = reply.statusCode >= 400 || !routine ? 'info' : 'debug';
    request.log[level]({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });

  await registerRoutes(app, { services, database, metrics: appMetrics, caches });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(webUi, { services });
  return app;
}
