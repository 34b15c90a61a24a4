// Sign-up (with email verification), sign-in, sign-out, password reset and change, email change, API tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import * as accounts from '../../../services/accounts.js';
import { csrfTokenFor } from '../../../services/accounts.js';
import { ServiceError } from '../../../services/errors.js';
import { beginOidcSignIn, finishOidcSignIn, OIDC_FLOW_TTL_SECONDS, signInOptions } from '../../../services/oidc-sign-in.js';
import { SESSION_COOKIE } from '../../plugins/app/authentication.js';
import { BODY_LIMITS, IdParams, responses } from '../../schemas.js';
import {
  Accepted,
  ApiToken,
  CreatedApiToken,
  EmailBody,
  EmailChangeBody,
  LinkBody,
  LoginBody,
  OidcCallbackQuery,
  OidcStartQuery,
  PasswordChangeBody,
  PasswordResetBody,
  SessionReply,
  SignInOptions,
  SignUpBody,
  SignUpReply,
  TokenBody,
} from './schemas.js';
import type { RouteDeps } from '../index.js';

/** Carries the single sign-on flow's secret from the start to the callback (see services/oidc-sign-in.ts). */
const OIDC_FLOW_COOKIE = 'wsfr_oidc_flow';

const auth: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation, which Lax lets through.
  const flowCookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: services.config.cookieSecure,
    path: '/api/auth/oidc',
  };

  app.get('/api/auth/sign-in-options', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'How one may sign in here: single sign-on through an OpenID Connect provider (when configured) and password sign-in for staff',
      response: responses({ 200: SignInOptions }),
    },
    handler: async () => signInOptions(services),
  });

  app.get('/api/auth/oidc/start', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Start single sign-on: redirects to the OpenID Connect provider (404 sso_not_configured when there is none)',
      querystring: OidcStartQuery,
      response: responses({ 302: Type.Null() }),
    },
    handler: async (request, reply) => {
      const started = await beginOidcSignIn(services, request.query.returnTo);
      reply.setCookie(OIDC_FLOW_COOKIE, started.flowCookie, { ...flowCookieOptions, maxAge: OIDC_FLOW_TTL_SECONDS });
      return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl, 302);
    },
  });

  app.get('/api/auth/oidc/callback', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary:
        'Where the OpenID Connect provider sends the browser back: signs in and redirects to where sign-in started. A refused sign-in redirects to /login?ssoError=<code>; an unreachable provider is 503 with Retry-After',
      querystring: OidcCallbackQuery,
      response: responses({ 303: Type.Null() }),
    },
    handler: async (request, reply) => {
      const flowCookie = request.cookies[OIDC_FLOW_COOKIE];
      // One use only: whatever happens next, the browser must start again for another attempt.
      reply.clearCookie(OIDC_FLOW_COOKIE, flowCookieOptions).header('cache-control', 'no-store');
      let signedIn;
      try {
        signedIn = await finishOidcSignIn(services, {
          query: request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
          flowCookie,
          requestId: request.id,
          replacing: request.cookies[SESSION_COOKIE],
        });
      } catch (err) {
        // The person is in a browser: a refusal goes back to the sign-in page, which explains it.
        if (err instanceof ServiceError && err.statusCode < 500) return reply.redirect(`/login?ssoError=${encodeURIComponent(err.code)}`, 303);
        throw err;
      }
      return reply.startSession(signedIn.grant).redirect(signedIn.returnTo, 303);
    },
  });

  app.post('/api/auth/signup', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary:
        'Create a couple or wedding-supplier account. Signs nobody in: the address gets a link to confirm it (or, when it already has an account, an email telling its owner) and the answer is the same either way',
      body: SignUpBody,
      response: responses({ 200: SignUpReply }),
    },
    handler: async (request, reply) => {
      await accounts.signUp(services, request.body, request.id);
      return reply.status(200).send({ status: 'check_your_email', emailVerification: services.config.emailVerification });
    },
  });

  app.post('/api/auth/verify-email', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Follow the sign-up link: confirms the address and signs in. The link works once; 400 link_invalid when used, expired or unknown',
      body: LinkBody,
      response: responses({ 200: SessionReply }),
    },
    handler: async (request, reply) => {
      const grant = await accounts.verifyEmail(services, request.body.token, request.id, request.cookies[SESSION_COOKIE]);
      return reply.startSession(grant).send({ user: grant.user, csrfToken: grant.csrfToken });
    },
  });

  app.post('/api/auth/verification', {
    config: { access: 'signed_in', idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Send the signed-in member a new sign-up link (at most 3 an hour: 429 too_many_emails with Retry-After)',
      response: responses({ 202: Accepted }),
    },
    handler: async (request, reply) => {
      await accounts.resendVerification(services, call(request));
      return reply.status(202).send({ status: 'check_your_email' });
    },
  });

  app.post('/api/auth/password-reset', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Email a password-reset link (30 minutes, once) to the account with this address, if any; the same answer for every address',
      body: EmailBody,
      response: responses({ 202: Accepted }),
    },
    handler: async (request, reply) => {
      await accounts.requestPasswordReset(services, request.body.email, request.id);
      return reply.status(202).send({ status: 'check_your_email' });
    },
  });

  app.post('/api/auth/password-reset/confirm', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Follow a reset link: sets the new password and ends every session of the account (sign in again); cancels a pending email change',
      body: PasswordResetBody,
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await accounts.resetPassword(services, request.body.token, request.body.password, request.id);
      return reply.endSession().status(204).send(null);
    },
  });

  app.put('/api/auth/password', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'signed_in', idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Change your password (needs the current one); your other sessions end',
      body: PasswordChangeBody,
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await accounts.changePassword(services, call(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/auth/email', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'signed_in', idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Move your account to another address (needs your password): a link to the new address confirms it, the old one is told',
      body: EmailChangeBody,
      response: responses({ 202: Accepted }),
    },
    handler: async (request, reply) => {
      await accounts.requestEmailChange(services, call(request), request.body.password, request.body.newEmail);
      return reply.status(202).send({ status: 'check_your_email' });
    },
  });

  app.post('/api/auth/email/confirm', {
    bodyLimit: BODY_LIMITS.auth,
    config: { access: 'public', csrf: false, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Follow the link sent to a new address: the account uses it from now on',
      body: LinkBody,
      response: responses({ 204: Type.Null() }),
    },
    handler: async (request, reply) => {
      await accounts.confirmEmailChange(services, request.body.token, request.id);
      return reply.status(204).send(null);
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
