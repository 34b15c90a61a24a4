// Rate limits per role and route class (@fastify/rate-limit), counted in Redis when REDIS_URL is
// set, so that N replicas share one budget, and in this process's memory otherwise. The budget is
// per caller: the account when signed in, else the address (an IPv6 client by its /64). Probes,
// the metrics scraper and Alertmanager are not limited; the anonymous board's cached pages never
// reach this point (see response-cache.ts). A refusal is `429 rate_limited` with Retry-After.
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { addressBucket } from '../../../domain/login-throttle.js';
import { limitedRole, RATE_LIMIT_WINDOW_MS, routeClassOf, type LimitedRole, type RouteClass } from '../../../domain/rate-limits.js';
import type { Services } from '../../../services/context.js';
import { ServiceError } from '../../../services/errors.js';

const UNLIMITED_PATHS: ReadonlySet<string> = new Set(['/health', '/ready']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's budget, decided once per request: role, route class and who. */
    rateBudget: { role: LimitedRole; routeClass: RouteClass; key: string } | null;
  }
}

function budgetOf(request: FastifyRequest) {
  if (request.rateBudget) return request.rateBudget;
  const role = limitedRole(request.principal?.role);
  const query = request.query as { q?: unknown } | undefined;
  const routeClass = routeClassOf(request.method, request.routeOptions.url ?? request.url, typeof query?.q === 'string' && query.q !== '');
  const who = request.principal ? `user:${request.principal.id}` : `addr:${addressBucket(request.ip)}`;
  // Hashed: the counters may live in Redis, which should not become a list of clients' addresses.
  request.rateBudget = { role, routeClass, key: `${role}:${routeClass}:${createHash('sha256').update(who).digest('base64url')}` };
  return request.rateBudget;
}

export default fp(
  async function rateLimits(app: FastifyInstance, opts: { services: Services }) {
    const { config } = opts.services;
    app.decorateRequest('rateBudget', null);
    await app.register(rateLimit, {
      global: true,
      // Route-level onRequest hooks run after the application's: the caller is known by then.
      hook: 'onRequest',
      timeWindow: RATE_LIMIT_WINDOW_MS,
      ...(opts.services.shared.redis ? { redis: opts.services.shared.redis, nameSpace: `${opts.services.shared.keyPrefix}rate-limit:` } : {}),
      // Redis down: serve rather than refuse everyone (the outage is logged and /ready says so).
      skipOnError: true,
      allowList: (request) => {
        const access = request.routeOptions.config.access;
        return access === 'metrics_scraper' || access === 'alertmanager' || UNLIMITED_PATHS.has(request.url);
      },
      keyGenerator: (request) => budgetOf(request).key,
      max: (request) => {
        const { role, routeClass } = budgetOf(request);
        return config.rateLimits[role][routeClass];
      },
      onExceeded: (request) => {
        const { role, routeClass } = budgetOf(request);
        opts.services.threatMetrics.rateLimited.inc({ role, route_class: routeClass });
      },
      errorResponseBuilder: (request, context) => {
        const { role, routeClass } = budgetOf(request);
        const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
        return new ServiceError(
          429,
          'rate_limited',
          `Too many ${routeClass} requests: try again in ${retryAfter} s`,
          { role, routeClass, limit: context.max, windowSeconds: RATE_LIMIT_WINDOW_MS / 1000 },
          retryAfter,
        );
      },
    });
  },
  { name: 'rate-limits', dependencies: ['authentication'] },
);
