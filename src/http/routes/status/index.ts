// The public status page (/status, HTML) and its data (/api/status, JSON): open to everyone,
// whatever BOARD_VISIBILITY says, because it is where people look when something is wrong.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createPublicStatus } from '../../../ops/public-status.js';
import { DateTime, literals, Nullable } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { renderStatusPage, STATUS_CSS } from './page.js';

const Health = literals(['operational', 'degraded', 'down'] as const);
const Incident = Type.Object({ summary: Type.String(), severity: Type.String(), status: Type.String(), openedAt: DateTime, resolvedAt: Nullable(DateTime) });
const StatusReply = Type.Object({
  status: Health,
  checkedAt: DateTime,
  incidentsAsOf: Nullable(DateTime),
  stale: Type.Boolean({ description: 'True when incidents come from the last successful read (database unavailable)' }),
  message: Nullable(Type.String()),
  components: Type.Array(Type.Object({ name: Type.String(), status: Health })),
  openIncidents: Type.Array(Incident),
  recentIncidents: Type.Array(Incident),
});

const status: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, database, metrics }) => {
  const currentStatus = createPublicStatus(services, database, metrics);

  app.get('/api/status', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Public service status: components, open and recent incidents', response: { 200: StatusReply } },
    handler: async () => currentStatus(),
  });

  app.get('/status', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(renderStatusPage(await currentStatus())),
  });

  app.get('/status.css', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STATUS_CSS),
  });
};

export default status;
