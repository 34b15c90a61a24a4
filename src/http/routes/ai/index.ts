// Duplicate detection for people: suggestions while a request is drafted, and the likely duplicates
// the background check linked, for the product team's triage.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CACHE_POLICIES } from '../../../domain/response-cache.js';
import { analyzeDraft, draftContentHash } from '../../../services/draft-analysis.js';
import { requireFeatureRequest } from '../../../services/feature-requests.js';
import { detectDuplicates, dismissDuplicate, likelyDuplicatesOf } from '../../../services/duplicate-detection.js';
import { sendCached } from '../../plugins/app/response-cache.js';
import { IdParams, Nullable, responses, Status, Uuid } from '../../schemas.js';
import type { RouteDeps } from '../index.js';

const DuplicateSuggestion = Type.Object({
  id: Uuid,
  title: Type.String(),
  summary: Nullable(Type.String({ description: 'Its public summary (null: none written)' })),
  status: Status,
  votes: Type.Integer(),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Probability that this is the same request' }),
  likelyDuplicate: Type.Boolean({ description: 'Score at or above the shipped threshold' }),
  reasons: Type.Array(Type.String(), { description: 'Shared phrases, semantic similarity' }),
});

const DetectDuplicatesBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 10_000, default: '' }),
    limit: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  },
  { additionalProperties: false },
);

const AnalyzeBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 10_000, default: '' }),
    category: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'The category the author chose, if any' })),
  },
  { additionalProperties: false },
);

const DraftAnalysis = Type.Object({
  duplicates: Type.Array(DuplicateSuggestion, { description: 'Existing requests this draft may duplicate, best first' }),
  category: Type.Union(
    [
      Type.Object({
        suggested: Type.String(),
        confidence: Type.Number({ minimum: 0, maximum: 1, description: 'Share of the similar requests’ weight under this category' }),
        matchesDraft: Type.Union([Type.Boolean(), Type.Null()], { description: 'Whether the draft’s own category is the suggested one (null: it gave none)' }),
      }),
      Type.Null(),
    ],
    { description: 'The category similar requests are filed under; null without similar requests' },
  ),
  painPoints: Type.Array(
    Type.Object({ label: Type.String(), terms: Type.Array(Type.String()), requests: Type.Integer(), matchedTerms: Type.Array(Type.String()) }),
    { description: 'Pain-point themes (latest insight snapshot) the draft’s words belong to' },
  ),
  model: Type.String(),
});

const ai: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call, caches }) => {
  app.post('/api/ai/analyze', {
    config: { access: { anyOf: ['feature_requests:create', 'similarity:calculate'] }, idempotency: false }, // an analysis: changes nothing
    schema: {
      tags: ['ai'],
      summary: 'The AI’s analysis of a draft: likely duplicates, a category suggestion and its pain points',
      description: 'Cached for an hour by the draft’s content (X-Cache). With the AI model unavailable: 503 with Retry-After.',
      body: AnalyzeBody,
      response: responses({ 200: DraftAnalysis }),
    },
    handler: async (request, reply) => {
      const draft = request.body;
      if (!caches.analyses.enabled) return analyzeDraft(services, draft);
      return sendCached(caches, request, reply, {
        cache: caches.analyses,
        policy: CACHE_POLICIES.analysis,
        key: draftContentHash(draft),
        load: () => analyzeDraft(services, draft),
      });
    },
  });

  app.post('/api/ai/detect-duplicates', {
    config: { access: { anyOf: ['feature_requests:create', 'similarity:calculate'] }, idempotency: false }, // a search: changes nothing
    schema: {
      tags: ['ai'],
      summary: 'Existing requests similar to a draft, best first',
      description: 'With the AI model unavailable the check runs on wording alone and `available` is false.',
      body: DetectDuplicatesBody,
      response: responses({
        200: Type.Object({ matches: Type.Array(DuplicateSuggestion), model: Type.String(), available: Type.Boolean() }),
      }),
    },
    handler: async (request) => detectDuplicates(services, request.body),
  });

  app.get('/api/feature-requests/:id/duplicates', {
    config: { access: { anyOf: ['ai_insights:read'] } },
    schema: {
      tags: ['ai'],
      summary: 'Likely duplicates the background check linked to this request',
      params: IdParams,
      response: responses({ 200: Type.Object({ items: Type.Array(DuplicateSuggestion) }) }),
    },
    handler: async (request) => {
      await requireFeatureRequest(services, request.params.id);
      return { items: await likelyDuplicatesOf(services, request.params.id) };
    },
  });

  app.post('/api/feature-requests/:id/duplicates/:candidateId/dismiss', {
    config: { access: { anyOf: ['feature_requests:merge'] } },
    schema: {
      tags: ['ai'],
      summary: 'Not a duplicate: removes the link from triage (and counts against the detector’s precision)',
      params: Type.Object({ id: Uuid, candidateId: Uuid }),
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await dismissDuplicate(services, call(request), request.params.id, request.params.candidateId);
      return reply.code(204).send(null);
    },
  });
};

export default ai;
