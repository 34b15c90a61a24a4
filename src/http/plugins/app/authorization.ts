// Every route declares who may call it (`config.access`); a route without a declaration cannot
// even be registered. Checked before the body is validated, so a forbidden caller learns nothing
// about what a valid request would look like.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { awaitsEmailVerification, can, grantedPermissions } from '../../../domain/access-control.js';
import { recordAudit } from '../../../services/audit.js';
import type { Services } from '../../../services/context.js';
import { errorBody } from './errors.js';

/**
 * - public: anyone, signed in or not
 * - board: the board's public projection — anyone when BOARD_VISIBILITY=public, members otherwise
 * - signed_in: any authenticated account
 * - { anyOf }: an account holding one of these permissions (see domain/access-control.ts)
 * - metrics_scraper: Prometheus, which the route itself checks (METRICS_TOKEN or loopback)
 * - alertmanager: Alertmanager's webhook, which the route itself checks (ALERTMANAGER_WEBHOOK_TOKEN)
 */
export type RouteAccess = 'public' | 'board' | 'signed_in' | 'metrics_scraper' | 'alertmanager' | { anyOf: readonly string[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export default fp(
  async function authorization(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;

    app.addHook('onRoute', (route) => {
      if (!route.config?.access) {
        throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no access rule`);
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      const access = request.routeOptions.config.access;
      if (!access || access === 'public' || access === 'metrics_scraper' || access === 'alertmanager') return;
      if (access === 'board' && services.config.boardVisibility === 'public') return;
      const principal = request.principal;
      if (!principal) return reply.status(401).send(errorBody('unauthenticated', 'Sign in first'));
      if (typeof access === 'string') return;
      if (access.anyOf.some((p) => can(principal, p))) return;
      if (access.anyOf.some((p) => awaitsEmailVerification(principal, p))) {
        return reply.status(403).send(errorBody('email_not_verified', 'Confirm your email address first: follow the link we emailed you when you signed up'));
      }
      if (principal.role === 'wedding_supplier' && grantedPermissions(principal).length === 0) {
        return reply.status(403).send(errorBody('supplier_not_verified', 'Your supplier account is waiting for verification by the WedSync team'));
      }
      return reply.status(403).send(errorBody('forbidden', `Your role (${principal.role}) may not do this`, { required: access.anyOf }));
    });

    // The brief's 'audit_all_actions' restriction: every product-team call is recorded, reads
    // included. A call that succeeded and recorded its own detailed event (a change, a PII access)
    // is covered by it; the others get this generic record — one commit fewer per product-team
    // change, the largest audit cost the security benchmark measured.
    app.addHook('onResponse', async (request, reply) => {
      const principal = request.principal;
      const recorded = services.auditLanes.takeRequestAudited(request.id);
      if (principal?.role !== 'product_team' || !request.routeOptions.url || (recorded && reply.statusCode < 400)) return;
      await recordAudit(
        services,
        services.db,
        { actor: principal, requestId: request.id },
        {
          action: 'api_call',
          targetType: 'route',
          targetId: `${request.method} ${request.routeOptions.url}`,
          details: { params: request.params, status: reply.statusCode },
        },
      ).catch((err: unknown) => request.log.error({ err }, 'could not record product-team audit event'));
    });
  },
  { name: 'authorization', dependencies: ['authentication'] },
);
