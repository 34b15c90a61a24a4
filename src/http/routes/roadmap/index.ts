// The public roadmap, grouped by status.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROADMAP_STATUSES } from '../../../domain/feature-requests.js';
import * as requests from '../../../services/feature-requests.js';
import { DateTime, responses } from '../../schemas.js';
import { BoardItem } from '../feature-requests/schemas.js';
import type { RouteDeps } from '../index.js';

const RoadmapReply = Type.Object({
  generatedAt: DateTime,
  statuses: Type.Array(Type.String(), { description: 'Column order' }),
  columns: Type.Object(Object.fromEntries(ROADMAP_STATUSES.map((s) => [s, Type.Array(BoardItem)]))),
});

const roadmap: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services }) => {
  app.get('/api/roadmap', {
    config: { access: 'board' },
    schema: {
      tags: ['roadmap'],
      summary: 'Requests under review, planned, in progress and shipped, most wanted first',
      querystring: Type.Object({ perStatus: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
      response: responses({ 200: RoadmapReply }),
    },
    handler: async (request) => requests.roadmap(services, request.query.perStatus ?? 50),
  });
};

export default roadmap;
