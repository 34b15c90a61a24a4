// AI insights for the product team: pain-point themes across the board, and a way to ask for fresh ones.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { latestPainPointThemes, queuePainPointThemes } from '../../../services/pain-point-themes.js';
import { responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { PainPointsReply, RefreshReply } from './schemas.js';

const insights: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/ai/insights/pain-points', {
    config: { access: { anyOf: ['ai_insights:read'] } },
    schema: {
      tags: ['insights'],
      summary: 'Pain-point themes of the latest analysis: what many couples and suppliers ask for, most-voted first',
      description: '`snapshot` is null until the first run has found requests with embeddings.',
      response: responses({ 200: PainPointsReply }),
    },
    handler: async () => latestPainPointThemes(services),
  });

  app.post('/api/ai/insights/pain-points/refresh', {
    // The AI service account generates insights; the product team, who read them, may ask for fresh ones.
    config: { access: { anyOf: ['insights:generate', 'ai_insights:read'] } },
    schema: {
      tags: ['insights'],
      summary: 'Queue a pain-point analysis now (a run already waiting is brought forward, not doubled)',
      response: responses({ 202: RefreshReply }),
    },
    handler: async (request, reply) => reply.code(202).send(await queuePainPointThemes(services, { requestedBy: call(request).actor.id })),
  });
};

export default insights;
