// The product team's review of votes flagged for manipulation: list them with their reasons, and
// release or reject them with a justification (src/services/vote-reviews.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { decideVotes, listVoteReviews, type ReviewDecision } from '../../../services/vote-reviews.js';
import { BODY_LIMITS, Page, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { DecisionBody, DecisionReply, ReviewQuery, VoteReview } from './schemas.js';

const tags = ['vote reviews'];
/** Covered by the product team's `feature_requests:*` and by nothing any other role holds. */
const REVIEWERS = { anyOf: ['feature_requests:review_votes'] } as const;

const SUMMARIES: Record<ReviewDecision, string> = {
  release: 'Release votes (held, down-weighted or rejected): they count in full; counters and RICE follow',
  reject: 'Reject votes (held or down-weighted): they stay on record and count nowhere',
};

const voteReviews: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/vote-reviews', {
    config: { access: REVIEWERS },
    schema: {
      tags,
      summary: 'Votes flagged for manipulation, newest first, with each reason explained and the signals behind it',
      querystring: ReviewQuery,
      response: responses({ 200: Page(VoteReview) }),
    },
    handler: async (request) => listVoteReviews(services, { ...request.query, limit: request.query.limit ?? 50 }),
  });

  for (const decision of ['release', 'reject'] as const) {
    app.post(`/api/vote-reviews/${decision}`, {
      bodyLimit: BODY_LIMITS.text,
      config: { access: REVIEWERS },
      schema: { tags, summary: SUMMARIES[decision], body: DecisionBody, response: responses({ 200: DecisionReply }) },
      handler: async (request) => decideVotes(services, call(request), decision, request.body),
    });
  }
};

export default voteReviews;
