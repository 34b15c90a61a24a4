// Category trends for suppliers ('analytics:read:category_trends') and the product team.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { categoryTrends } from '../../../services/analytics.js';
import { DateTime, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';

const TrendsReply = Type.Object({
  since: DateTime,
  weeks: Type.Integer(),
  items: Type.Array(
    Type.Object({ category: Type.String(), requests: Type.Integer(), newRequests: Type.Integer(), newVotes: Type.Integer(), voteWeight: Type.Number() }),
  ),
});

const analytics: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services }) => {
  app.get('/api/analytics/category-trends', {
    config: { access: { anyOf: ['analytics:read:category_trends'] } },
    schema: {
      tags: ['analytics'],
      summary: 'Requests and votes per category over recent weeks, busiest first',
      querystring: Type.Object({ weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 104 })) }),
      response: responses({ 200: TrendsReply }),
    },
    handler: async (request) => categoryTrends(services, request.query.weeks ?? 8),
  });
};

export default analytics;
