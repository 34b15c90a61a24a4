// The public board as most visitors see it — anonymous, the first pages — is the same bytes for
// everyone until something changes. Those responses are kept for a short time and thrown away by
// any successful change to feature requests in this process; other replicas' changes show after
// at most BOARD_CACHE_TTL_MS. Signed-in views (which carry the viewer's own votes) are never cached.
//
// A hit is answered by the first onRequest hook after the security headers, before cookies are
// parsed, credentials looked up, limits counted or scraping assessed: it costs less than any of
// those, and it tells a caller nothing that every other visitor is not being shown (see
// docs/decisions/0013-threat-protection.md). Each entry carries an ETag, so a revalidating
// browser or proxy gets a bodiless 304.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Services } from '../../../services/context.js';
import { SESSION_COOKIE } from './authentication.js';

const CACHEABLE_PATHS = new Set(['/api/feature-requests', '/api/roadmap']);
const CHANGES_BOARD = /^\/api\/feature-requests(\/|$)/;
const SESSION_COOKIE_PREFIX = `${SESSION_COOKIE}=`;

declare module 'fastify' {
  interface FastifyRequest {
    boardCacheKey: string | null;
    /** Answered from the board cache: nothing after the cache ran for it. */
    boardCacheHit: boolean;
  }
}

interface Entry {
  body: string;
  contentType: string;
  etag: string;
  storedAt: number;
  generation: number;
}

/** Read from the raw headers: the cookie parser has not run yet, and need not for a hit. */
function isAnonymous(request: FastifyRequest): boolean {
  return request.headers.authorization === undefined && !request.headers.cookie?.includes(SESSION_COOKIE_PREFIX);
}

function cacheablePath(url: string): boolean {
  const query = url.indexOf('?');
  return CACHEABLE_PATHS.has(query === -1 ? url : url.slice(0, query));
}

export default fp(
  async function boardCache(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;
    const ttl = services.config.boardCacheTtlMs;
    app.decorateRequest('boardCacheKey', null);
    app.decorateRequest('boardCacheHit', false);
    // A members-only board answers anonymous callers 401, so there is nothing to share.
    if (ttl === 0 || services.config.boardVisibility !== 'public') return;
    // Bounded: a crawler cycling query strings cannot grow it without limit.
    const entries = new LRUCache<string, Entry>({ max: 1_000 });
    let generation = 0;

    app.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET' || !cacheablePath(request.url) || !isAnonymous(request)) return done();
      const entry = entries.get(request.url);
      if (entry && entry.generation === generation && services.now().getTime() - entry.storedAt < ttl) {
        request.boardCacheHit = true;
        reply.header('etag', entry.etag).header('x-cache', 'hit');
        // Sent without calling done(): the remaining hooks and the handler are skipped.
        if (request.headers['if-none-match'] === entry.etag) reply.code(304).send();
        else reply.header('content-type', entry.contentType).send(entry.body);
        return;
      }
      request.boardCacheKey = request.url;
      done();
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (request.boardCacheKey === null || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`;
      entries.set(request.boardCacheKey, { body: payload, contentType: String(reply.getHeader('content-type')), etag, storedAt: services.now().getTime(), generation });
      reply.header('etag', etag).header('x-cache', 'miss');
      return payload;
    });

    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && CHANGES_BOARD.test(request.url)) generation += 1;
    });
  },
  { name: 'board-cache', dependencies: ['security-headers'] },
);
