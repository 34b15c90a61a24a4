// All route folders, registered with what they need. Routes stay thin: parse, authorise (declared
// in config.access), call a service, shape the reply.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DatabaseHandle } from '../../db/client.js';
import type { Metrics } from '../../ops/metrics.js';
import type { HttpCaches } from '../plugins/app/response-cache.js';
import type { Call, Services } from '../../services/context.js';
import { ServiceError } from '../../services/errors.js';
import ai from './ai/index.js';
import analytics from './analytics/index.js';
import auth from './auth/index.js';
import featureRequests from './feature-requests/index.js';
import health from './health/index.js';
import insights from './insights/index.js';
import notifications from './notifications/index.js';
import ops from './ops/index.js';
import platform from './platform/index.js';
import privacy from './privacy/index.js';
import staff from './staff/index.js';
import status from './status/index.js';
import transfer from './transfer/index.js';
import roadmap from './roadmap/index.js';
import user from './user/index.js';
import voteReviews from './vote-reviews/index.js';
import webhooks from './webhooks/index.js';

export interface RouteDeps {
  services: Services;
  database: DatabaseHandle;
  metrics: Metrics;
  /** The response caches of the brief's cached routes (board, roadmap, AI analysis). */
  caches: HttpCaches;
  /** The acting user of a request whose route requires sign-in. */
  call: (request: FastifyRequest) => Call;
}

function call(request: FastifyRequest): Call {
  if (!request.principal) throw new ServiceError(401, 'unauthenticated', 'Sign in first');
  return { actor: request.principal, requestId: request.id };
}

export async function registerRoutes(app: FastifyInstance, deps: Omit<RouteDeps, 'call'>) {
  const opts = { ...deps, call };
  for (const routes of [
    health,
    auth,
    featureRequests,
    voteReviews,
    ai,
    insights,
    roadmap,
    user,
    analytics,
    notifications,
    platform,
    privacy,
    ops,
    webhooks,
    transfer,
    staff,
    status,
  ])
    await app.register(routes, opts);
}
