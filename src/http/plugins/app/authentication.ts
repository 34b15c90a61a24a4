// Who is calling: a Bearer API token (programs, the ai_system account) or the session cookie (the
// web UI). Cookie-authenticated writes must carry the CSRF token; Bearer requests need none,
// because a browser never attaches them on its own.
import { parseCookie } from 'cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateApiToken, authenticateSession, csrfTokenMatches, type SessionGrant } from '../../../services/accounts.js';
import type { Principal, Services } from '../../../services/context.js';
import { errorBody } from './errors.js';

export const SESSION_COOKIE = 'wsfr_session';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session token a raw Cookie header carries, read by the parser @fastify/cookie fills
 * `request.cookies` with (it trims `wsfr_session =…`, unquotes, keeps the first of two): whatever
 * looks at the cookie before Fastify parses it (the response cache, the fast lane) must see the
 * session exactly where authentication will (issue #14 finding 7). Cookie names are not decoded, so
 * a header that does not contain the name cannot carry it — the common anonymous case skips parsing.
 */
export function sessionTokenIn(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined || !cookieHeader.includes(SESSION_COOKIE)) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** false for routes that create a session (login, sign-up): there is no session to forge yet. */
    csrf?: boolean;
  }
  interface FastifyReply {
    startSession(grant: SessionGrant): FastifyReply;
    endSession(): FastifyReply;
  }
}

export default fp(
  async function authentication(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;
    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: services.config.cookieSecure,
      path: '/',
    };

    app.decorateRequest('principal', null);
    app.decorateReply('startSession', function (this: FastifyReply, grant: SessionGrant) {
      return this.setCookie(SESSION_COOKIE, grant.sessionToken, { ...cookieOptions, expires: grant.expiresAt });
    });
    app.decorateReply('endSession', function (this: FastifyReply) {
      return this.clearCookie(SESSION_COOKIE, cookieOptions);
    });

    app.addHook('onRequest', async (request, reply) => {
      // The scraper's Bearer token is METRICS_TOKEN, Alertmanager's ALERTMANAGER_WEBHOOK_TOKEN: not an account's API token.
      const access = request.routeOptions.config.access;
      if (access === 'metrics_scraper' || access === 'alertmanager') return;
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const [scheme, token] = authorization.split(' ');
        const principal = scheme?.toLowerCase() === 'bearer' && token ? await authenticateApiToken(services, token) : null;
        if (!principal) return reply.status(401).send(errorBody('invalid_token', 'The API token is invalid, expired or revoked'));
        request.principal = principal;
        return;
      }
      const sessionToken = request.cookies[SESSION_COOKIE];
      if (!sessionToken) return;
      const principal = await authenticateSession(services, sessionToken);
      if (!principal) return; // expired or signed out elsewhere: carry on as anonymous
      if (!SAFE_METHODS.has(request.method) && request.routeOptions.config.csrf !== false) {
        const presented = request.headers['x-csrf-token'];
        if (!csrfTokenMatches(sessionToken, typeof presented === 'string' ? presented : undefined)) {
          return reply.status(403).send(errorBody('csrf_token_invalid', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated change'));
        }
      }
      request.principal = principal;
    });
  },
  { name: 'authentication', dependencies: ['@fastify/cookie'] },
);
