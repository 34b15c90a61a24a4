// The public roadmap, grouped by status.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROADMAP_STATUSES } from '../../../domain/feature-requests.js';
import { CACHE_POLICIES } from '../../../domain/response-cache.js';
import * as requests from '../../../services/feature-requests.js';
import { anonymousKey, sendCached } from '../../plugins/app/response-cache.js';
import { DateTime, responses } from '../../schemas.js';
import { BoardItem } from '../feature-requests/schemas.js';
import type { RouteDeps } from '../index.js';

const RoadmapItem = Type.Composite([
  BoardItem,
  Type.Object({
    statusSince: Type.Unsafe<Date>({
      type: 'string',
      format: 'date-time',
      description: 'When the request entered its current column (from its status history)',
    }),
  }),
]);

const RoadmapReply = Type.Object({
  generatedAt: DateTime,
  statuses: Type.Array(Type.String(), { description: 'Column order' }),
  columns: Type.Object(Object.fromEntries(ROADMAP_STATUSES.map((s) => [s, Type.Array(RoadmapItem)]))),
});

const roadmap: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, caches }) => {
  app.get('/api/roadmap', {
    config: { access: 'board' },
    schema: {
      tags: ['roadmap'],
      summary: 'Requests under review, planned, in progress and shipped, most wanted first',
      querystring: Type.Object({ perStatus: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
      response: responses({ 200: RoadmapReply }),
    },
    handler: async (request, reply) => {
      const load = () => requests.roadmap(services, request.query.perStatus ?? 50);
      if (!caches.responses.enabled) return load();
      // The brief's vary key is the user segment: signed-in callers by role (the content is the same; their copy is private).
      const p = request.principal;
      const key = p ? `${p.role}:${request.url}` : anonymousKey(caches.season(), request.url);
      return sendCached(caches, request, reply, { cache: caches.responses, policy: CACHE_POLICIES.roadmap, key, load });
    },
  });
};

export default roadmap;
