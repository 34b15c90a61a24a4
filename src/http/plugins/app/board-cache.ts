// The public board as most visitors see it — anonymous, the first pages — is the same bytes for
// everyone until something changes. Those responses are kept for a short time and thrown away by
// any successful change to feature requests in this process; other replicas' changes show after
// at most BOARD_CACHE_TTL_MS. Signed-in views (which carry the viewer's own votes) are never cached.
//
// A hit tells a caller nothing that every other visitor is not being shown, and costs less than
// checking cookies, credentials, limits or scraping, so it is answered before all of those: over
// HTTP by the fast lane (src/http/fast-lane.ts) before Fastify routes the request, and here, as the
// first hook after the security headers, for anything that reaches Fastify directly (inject).
// See docs/decisions/0013-threat-protection.md. Each entry carries an ETag for bodiless 304s.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Services } from '../../../services/context.js';
import { SESSION_COOKIE } from './authentication.js';

const CACHEABLE_PATHS = new Set(['/api/feature-requests', '/api/roadmap']);
const CHANGES_BOARD = /^\/api\/feature-requests(\/|$)/;
const SESSION_COOKIE_PREFIX = `${SESSION_COOKIE}=`;
const EMPTY = Buffer.alloc(0);

declare module 'fastify' {
  interface FastifyRequest {
    boardCacheKey: string | null;
    /** Answered from the board cache: nothing after the cache ran for it. */
    boardCacheHit: boolean;
  }
}

interface Entry {
  /** Encoded once, so a hit writes bytes without converting a string each time. */
  body: Buffer;
  contentType: string;
  etag: string;
  storedAt: number;
  generation: number;
}

/** What a hit answers: 304 when the caller already holds these bytes. */
export interface CachedReply {
  statusCode: 200 | 304;
  headers: Record<string, string>;
  body: Buffer;
}

/** The route pattern a cacheable URL belongs to (its path), or null. */
export function cacheableRoute(url: string): string | null {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return CACHEABLE_PATHS.has(path) ? path : null;
}

export type BoardCache = ReturnType<typeof createBoardCache>;

export function createBoardCache(services: Services) {
  const ttl = services.config.boardCacheTtlMs;
  // A members-only board answers anonymous callers 401, so there is nothing to share.
  const enabled = ttl > 0 && services.config.boardVisibility === 'public';
  // Bounded: a crawler cycling query strings cannot grow it without limit.
  const entries = new LRUCache<string, Entry>({ max: 1_000 });
  let generation = 0;

  return {
    enabled,
    /** Whether this request may share the cached bytes: an anonymous GET of a cacheable path. Raw headers: nothing parsed yet. */
    shareable(method: string | undefined, url: string, headers: IncomingHttpHeaders): boolean {
      return (
        enabled &&
        method === 'GET' &&
        cacheableRoute(url) !== null &&
        headers.authorization === undefined &&
        !headers.cookie?.includes(SESSION_COOKIE_PREFIX)
      );
    },
    hit(url: string, headers: IncomingHttpHeaders): CachedReply | null {
      const entry = entries.get(url);
      if (!entry || entry.generation !== generation || services.now().getTime() - entry.storedAt >= ttl) return null;
      const common = { etag: entry.etag, 'x-cache': 'hit' };
      if (headers['if-none-match'] === entry.etag) return { statusCode: 304, headers: common, body: EMPTY };
      return { statusCode: 200, headers: { ...common, 'content-type': entry.contentType }, body: entry.body };
    },
    store(url: string, body: string, contentType: string): string {
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      entries.set(url, { body: Buffer.from(body), contentType, etag, storedAt: services.now().getTime(), generation });
      return etag;
    },
    /** Any successful change to feature requests in this process. */
    invalidate() {
      generation += 1;
    },
  };
}

export default fp(
  async function boardCachePlugin(app: FastifyInstance, opts: { cache: BoardCache }) {
    const { cache } = opts;
    app.decorateRequest('boardCacheKey', null);
    app.decorateRequest('boardCacheHit', false);
    if (!cache.enabled) return;

    app.addHook('onRequest', (request, reply, done) => {
      if (!cache.shareable(request.method, request.url, request.headers)) return done();
      const hit = cache.hit(request.url, request.headers);
      if (!hit) {
        request.boardCacheKey = request.url;
        return done();
      }
      request.boardCacheHit = true;
      // Sent without calling done(): the remaining hooks and the handler are skipped.
      reply.code(hit.statusCode).headers(hit.headers).send(hit.statusCode === 304 ? undefined : hit.body);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (request.boardCacheKey === null || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      const etag = cache.store(request.boardCacheKey, payload, String(reply.getHeader('content-type')));
      reply.header('etag', etag).header('x-cache', 'miss');
      return payload;
    });

    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && CHANGES_BOARD.test(request.url)) cache.invalidate();
    });
  },
  { name: 'board-cache', dependencies: ['security-headers'] },
);
