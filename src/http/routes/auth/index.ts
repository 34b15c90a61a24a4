// Sign-up, sign-in, sign-out and API tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import * as accounts from '../../../services/accounts.js';
import { csrfTokenFor } from '../../../services/accounts.js';
import { SESSION_COOKIE } from '../../plugins/app/authentication.js';
import { BODY_LIMITS, IdParams, responses } from '../../schemas.js';
import { ApiToken, CreatedApiToken, LoginBody, SessionReply, SignUpBody, TokenBody } from './schemas.js';
import type { RouteDeps } from '../index.js';

const auth: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.post('/api/auth/signup', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Create a couple or wedding-supplier account and sign in',
      body: SignUpBody,
      response: responses({ 201: SessionReply }),
    },
    handler: async (request, reply) => {
      const grant = await accounts.signUp(services, request.body, request.id, request.cookies[SESSION_COOKIE]);
      return reply.startSession(grant).status(201).send({ user: grant.user, csrfToken: grant.csrfToken });
    },
  });

  app.post('/api/auth/login', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary:
        'Sign in; sets the session cookie and returns the CSRF token. Repeated failures (per account or address) get 429 too_many_attempts with Retry-After',
      body: LoginBody,
      response: responses({ 200: SessionReply }),
    },
    handler: async (request, reply) => {
      const grant = await accounts.logIn(services, request.body.email, request.body.password, request.id, request.ip, request.cookies[SESSION_COOKIE]);
      return reply.startSession(grant).send({ user: grant.user, csrfToken: grant.csrfToken });
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'public', idempotency: false },
    schema: { tags: ['auth'], summary: 'Sign out of this session', response: responses({ 204: Type.Null() }) },
    handler: async (request, reply) => {
      if (request.principal?.sessionId) await accounts.logOut(services, request.principal.sessionId);
      return reply.endSession().status(204).send(null);
    },
  });

  // Public: "nobody is signed in" is an answer, not an error. As a 401 every anonymous page load
  // printed a failed request in the browser console (issue #16), and no client can silence that.
  app.get('/api/auth/session', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'The signed-in account (null when nobody is) and, for cookie sessions, its CSRF token',
      response: responses({
        200: Type.Object({ user: Type.Union([SessionReply.properties.user, Type.Null()]), csrfToken: Type.Union([Type.String(), Type.Null()]) }),
      }),
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      if (!request.principal) return { user: null, csrfToken: null };
      const cookie = request.cookies[SESSION_COOKIE];
      const user = await accounts.getAccount(services, call(request).actor.id);
      return { user, csrfToken: request.principal.via === 'session' && cookie ? csrfTokenFor(cookie) : null };
    },
  });

  app.post('/api/auth/tokens', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'signed_in', idempotency: false }, // the reply holds the token's secret: never stored
    schema: { tags: ['auth'], summary: 'Create an API token for the signed-in account', body: TokenBody, response: responses({ 201: CreatedApiToken }) },
    handler: async (request, reply) => reply.status(201).send(await accounts.createApiToken(services, call(request), request.body)),
  });

  app.get('/api/auth/tokens', {
    config: { access: 'signed_in' },
    schema: {
      tags: ['auth'],
      summary: 'List your API tokens (never their secrets)',
      response: responses({ 200: Type.Object({ items: Type.Array(ApiToken) }) }),
    },
    handler: async (request) => ({ items: await accounts.listApiTokens(services, call(request)) }),
  });

  app.delete('/api/auth/tokens/:id', {
    config: { access: 'signed_in' },
    schema: { tags: ['auth'], summary: 'Revoke one of your API tokens', params: IdParams, response: responses({ 204: Type.Null() }) },
    handler: async (request, reply) => {
      await accounts.revokeApiToken(services, call(request), request.params.id);
      return reply.status(204).send(null);
    },
  });
};

export default auth;
