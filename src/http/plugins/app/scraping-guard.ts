// Scraping / bulk-access detection on the board's records (rules in
// src/domain/scraping.ts): past a burst of reads a client is slowed down, then refused
// with `429 bulk_access_blocked` for a cool-off. Starting a block is audited and counted; so is the
// first slow-down of a window. Counted per deployment (services.state.readers: Redis when configured),
// so N replicas behind a balancer give a harvester one budget, not N; while Redis is unreachable each
// replica counts on its own.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { addressBucket } from '../../../domain/login-throttle.js';
import { assessRead, type ReadVerdict } from '../../../domain/scraping.js';
import { recordAudit } from '../../../services/audit.js';
import type { Services } from '../../../services/context.js';
import { ServiceError } from '../../../services/errors.js';

/** The routes that hand out the board's records, one page or one record at a time. */
const BULK_READ_ROUTES: ReadonlySet<string> = new Set([
  '/api/feature-requests',
  '/api/feature-requests/:id',
  '/api/feature-requests/:id/comments',
  '/api/roadmap',
]);

function readerOf(request: FastifyRequest): string {
  return request.principal ? `user:${request.principal.id}` : `addr:${addressBucket(request.ip)}`;
}

export default fp(
  async function scrapingGuard(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;
    const policy = services.config.scrapingPolicy;

    app.addHook('onRequest', async (request) => {
      if (request.method !== 'GET' || !BULK_READ_ROUTES.has(request.routeOptions.url ?? '')) return;
      if (request.principal && policy.exemptRoles.includes(request.principal.role)) return;
      const reader = readerOf(request);
      const page = typeof (request.query as { cursor?: unknown }).cursor === 'string';
      const now = services.now().getTime();
      let verdict = { action: 'allow' } as ReadVerdict;
      await services.state.readers.record(reader, (current) => {
        const assessed = assessRead(policy, current, now, page);
        verdict = assessed.verdict;
        return assessed.state;
      });
      if (verdict.action === 'allow') return;
      if (verdict.action === 'delay') {
        if (verdict.firstInWindow) {
          services.threatMetrics.bulkAccess.inc({ action: 'slowed' });
          request.log.warn({ reader: request.principal ? reader : 'anonymous', delayMs: verdict.delayMs }, 'bulk reading: slowing this client down');
        }
        await sleep(verdict.delayMs);
        return;
      }
      services.threatMetrics.bulkAccess.inc({ action: verdict.started ? 'blocked' : 'refused' });
      if (verdict.started) {
        await recordAudit(
          services,
          services.db,
          { actor: request.principal, requestId: request.id },
          {
            action: 'bulk_access_blocked',
            targetType: 'client',
            targetId: reader,
            details: {
              reads: verdict.reads,
              pages: verdict.pages,
              windowSeconds: policy.windowSeconds,
              coolOffSeconds: policy.coolOffSeconds,
              route: request.routeOptions.url,
            },
          },
        );
      }
      throw new ServiceError(
        429,
        'bulk_access_blocked',
        'Too many records read too quickly; bulk access is paused for this client. Ask the WedSync team for an export instead.',
        { coolOffSeconds: policy.coolOffSeconds },
        verdict.retryAfterSeconds,
      );
    });
  },
  { name: 'scraping-guard', dependencies: ['authentication'] },
);
