// Feature requests, their votes, comments and status workflow.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { searchScope } from '../../../domain/access-control.js';
import { CACHE_POLICIES } from '../../../domain/response-cache.js';
import * as comments from '../../../services/comments.js';
import * as follows from '../../../services/follows.js';
import * as requests from '../../../services/feature-requests.js';
import * as merges from '../../../services/merges.js';
import * as rice from '../../../services/rice.js';
import * as votes from '../../../services/votes.js';
import { anonymousKey, sendCached, viewerKey } from '../../plugins/app/response-cache.js';
import { BODY_LIMITS, IdParams, Page, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import {
  BoardItem,
  Comment,
  CommentBody,
  CommentParams,
  CommentsQuery,
  HideCommentBody,
  FeatureRequest,
  FollowReply,
  ListQuery,
  MergeBody,
  MergeReply,
  Outcome,
  OutcomeBody,
  Revisions,
  RiceOverrideBody,
  StatusBody,
  SubmitBody,
  UnmergeBody,
  UnmergeReply,
  UpdateBody,
  VoteHeaders,
  VoteReply,
} from './schemas.js';

const tags = ['feature requests'];

const featureRequests: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call, caches }) => {
  app.get('/api/feature-requests', {
    config: { access: 'board' },
    schema: {
      tags,
      summary: 'The board: filter, search, sort and page through requests',
      querystring: ListQuery,
      response: responses({ 200: Page(BoardItem) }),
    },
    handler: async (request, reply) => {
      const { sort = 'top', limit = 20, ...filters } = request.query;
      const query = { ...filters, sort, limit };
      const viewer = request.principal;
      // "Mine" is one person's list, and a signed-in search looks in what that viewer may read (a
      // couple's own descriptions, or everyone's for suppliers and staff): nothing to share. The
      // shared page is loaded as anonymous, whose search looks in titles only.
      const personalSearch = Boolean(query.q) && searchScope(viewer) !== 'title';
      if (query.mine || personalSearch || !caches.responses.enabled) {
        if (viewer) reply.header('cache-control', 'private, no-store');
        return requests.listFeatureRequests(services, viewer, query);
      }
      // The page is the same for everyone under its vary keys; a signed-in viewer's own vote flags are added per request.
      return sendCached(caches, request, reply, {
        cache: caches.responses,
        policy: CACHE_POLICIES.board,
        key: viewer ? viewerKey(request, services.now()) : anonymousKey(caches.season(), request.url),
        load: () => requests.listFeatureRequests(services, null, query),
        personalise: async (page) => requests.withViewerVotes(services, viewer!, page),
      });
    },
  });

  app.post('/api/feature-requests', {
    bodyLimit: BODY_LIMITS.featureRequest,
    config: { access: { anyOf: ['feature_requests:create'] } },
    schema: { tags, summary: 'Submit a feature request', body: SubmitBody, response: responses({ 201: FeatureRequest }) },
    handler: async (request, reply) => {
      const created = await requests.submitFeatureRequest(services, call(request), { painPoints: [], ...request.body });
      return reply.status(201).header('Location', `/api/feature-requests/${created.id}`).send(created);
    },
  });

  app.get('/api/feature-requests/:id', {
    config: { access: 'board' },
    schema: {
      tags,
      summary: 'One request: full record for those allowed, public projection otherwise',
      params: IdParams,
      response: responses({ 200: FeatureRequest }),
    },
    handler: async (request) => requests.getFeatureRequest(services, request.principal, request.params.id, request.id),
  });

  app.patch('/api/feature-requests/:id', {
    bodyLimit: BODY_LIMITS.featureRequest,
    config: { access: { anyOf: ['feature_requests:create', 'feature_requests:update'] } },
    schema: {
      tags,
      summary: 'Edit a request (its author while open, or the product team)',
      params: IdParams,
      body: UpdateBody,
      response: responses({ 200: FeatureRequest }),
    },
    handler: async (request) => requests.updateFeatureRequest(services, call(request), request.params.id, request.body),
  });

  app.get('/api/feature-requests/:id/revisions', {
    config: { access: { anyOf: ['feature_requests:update'] } },
    schema: {
      tags,
      summary: "Every edit of a request's title, summary and description, with a word diff against the one before (product team)",
      params: IdParams,
      response: responses({ 200: Revisions }),
    },
    handler: async (request, reply) => {
      // Revisions hold the confidential description: never kept by a shared cache.
      reply.header('cache-control', 'private, no-store');
      return requests.listRevisions(services, request.params.id);
    },
  });

  app.post('/api/feature-requests/:id/status', {
    bodyLimit: BODY_LIMITS.text,
    config: { access: { anyOf: ['feature_requests:update_status'] } },
    schema: {
      tags,
      summary: 'Move a request through the workflow (product team; justification required)',
      params: IdParams,
      body: StatusBody,
      response: responses({ 200: FeatureRequest }),
    },
    handler: async (request) => requests.changeStatus(services, call(request), request.params.id, request.body),
  });

  app.post('/api/feature-requests/:id/merge', {
    config: { access: { anyOf: ['feature_requests:merge'] } },
    schema: {
      tags,
      summary: 'Merge a duplicate into the request it duplicates: votes (one per person, higher weight wins) and comments move, voters are told',
      params: IdParams,
      body: MergeBody,
      response: responses({ 200: MergeReply }),
    },
    handler: async (request) => merges.mergeRequest(services, call(request), request.params.id, request.body),
  });

  app.post('/api/feature-requests/:id/unmerge', {
    config: { access: { anyOf: ['feature_requests:merge'] } },
    schema: {
      tags,
      summary: 'Undo a merge exactly: votes, comments, counters and status as they were',
      params: IdParams,
      body: UnmergeBody,
      response: responses({ 200: UnmergeReply }),
    },
    handler: async (request) => merges.unmergeRequest(services, call(request), request.params.id, request.body),
  });

  app.put('/api/feature-requests/:id/rice', {
    config: { access: { anyOf: ['feature_requests:prioritize'] } },
    schema: {
      tags,
      summary: 'Override RICE factors (a number sets, null clears; product team)',
      params: IdParams,
      body: RiceOverrideBody,
      response: responses({ 200: FeatureRequest }),
    },
    handler: async (request) => {
      await rice.overrideRice(services, call(request), request.params.id, request.body);
      return requests.getFeatureRequest(services, request.principal, request.params.id, request.id);
    },
  });

  app.put('/api/feature-requests/:id/outcome', {
    config: { access: { anyOf: ['feature_requests:prioritize'] } },
    schema: {
      tags,
      summary: 'Record what a shipped request achieved, compared with its RICE prediction (feeds rice_score_prediction_accuracy)',
      params: IdParams,
      body: OutcomeBody,
      response: responses({ 200: Outcome }),
    },
    handler: async (request) => rice.recordOutcome(services, call(request), request.params.id, request.body),
  });

  app.put('/api/feature-requests/:id/vote', {
    config: { access: { anyOf: ['feature_requests:vote'] } },
    schema: {
      tags,
      summary: 'Vote for a request (once per person); a vote that looks coordinated is held for review or counted at a reduced weight',
      params: IdParams,
      headers: VoteHeaders,
      response: responses({ 201: VoteReply }),
    },
    handler: async (request, reply) => {
      // request.ip honours TRUST_PROXY; only keyed hashes of the network and device are stored.
      const origin = {
        ip: request.ip,
        deviceId: request.headers['x-device-id'],
        userAgent: request.headers['user-agent'],
        acceptLanguage: request.headers['accept-language'],
      };
      return reply.status(201).send(await votes.castVote(services, call(request), request.params.id, origin));
    },
  });

  app.delete('/api/feature-requests/:id/vote', {
    config: { access: { anyOf: ['feature_requests:vote'] } },
    schema: {
      tags,
      summary: 'Withdraw your vote (a rejected vote stays on record: 409 vote_rejected)',
      params: IdParams,
      response: responses({ 200: VoteReply }),
    },
    handler: async (request) => votes.withdrawVote(services, call(request), request.params.id),
  });

  // Anyone signed in may follow what they can see; submitting, voting and commenting follow on their own.
  app.get('/api/feature-requests/:id/follow', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Whether you follow a request (after a vote or comment, which follow it unless you unfollowed it)',
      params: IdParams,
      response: responses({ 200: FollowReply }),
    },
    handler: async (request) => follows.followingState(services, call(request), request.params.id),
  });

  app.put('/api/feature-requests/:id/follow', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Follow a request: hear of its status changes, merges and new comments (in the inbox and by email, as you prefer)',
      params: IdParams,
      response: responses({ 200: FollowReply }),
    },
    handler: async (request) => follows.setFollowing(services, call(request), request.params.id, true),
  });

  app.delete('/api/feature-requests/:id/follow', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Unfollow a request; it stays unfollowed even if you vote or comment on it later',
      params: IdParams,
      response: responses({ 200: FollowReply }),
    },
    handler: async (request) => follows.setFollowing(services, call(request), request.params.id, false),
  });

  app.get('/api/feature-requests/:id/comments', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'The discussion on a request, oldest first',
      params: IdParams,
      querystring: CommentsQuery,
      response: responses({ 200: Page(Comment) }),
    },
    handler: async (request) =>
      comments.listComments(services, call(request).actor, request.params.id, { cursor: request.query.cursor, limit: request.query.limit ?? 50 }),
  });

  app.post('/api/feature-requests/:id/comments', {
    bodyLimit: BODY_LIMITS.text,
    // The product team answers requests too: editing rights over requests include replying to them.
    config: { access: { anyOf: ['comments:create', 'feature_requests:update'] } },
    schema: {
      tags,
      summary: 'Comment on a request (verified suppliers comment as experts)',
      params: IdParams,
      body: CommentBody,
      response: responses({ 201: Comment }),
    },
    handler: async (request, reply) => reply.status(201).send(await comments.addComment(services, call(request), request.params.id, request.body)),
  });

  app.patch('/api/feature-requests/:id/comments/:commentId', {
    bodyLimit: BODY_LIMITS.text,
    config: { access: { anyOf: ['comments:create', 'feature_requests:update'] } },
    schema: {
      tags,
      summary: 'Edit your own comment, within COMMENT_EDIT_WINDOW_MINUTES of posting it',
      params: CommentParams,
      body: CommentBody,
      response: responses({ 200: Comment }),
    },
    handler: async (request) => comments.editComment(services, call(request), request.params.id, request.params.commentId, request.body),
  });

  app.delete('/api/feature-requests/:id/comments/:commentId', {
    config: { access: { anyOf: ['comments:create', 'feature_requests:update'] } },
    schema: {
      tags,
      summary: 'Delete your own comment, within COMMENT_EDIT_WINDOW_MINUTES of posting it (the thread keeps a placeholder)',
      params: CommentParams,
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await comments.deleteComment(services, call(request), request.params.id, request.params.commentId);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/feature-requests/:id/comments/:commentId/hide', {
    bodyLimit: BODY_LIMITS.text,
    config: { access: { anyOf: ['feature_requests:update'] } },
    schema: {
      tags,
      summary: 'Hide a comment from members, with a reason (product team; audited)',
      params: CommentParams,
      body: HideCommentBody,
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await comments.hideComment(services, call(request), request.params.id, request.params.commentId, request.body);
      return reply.status(204).send(null);
    },
  });
};

export default featureRequests;
