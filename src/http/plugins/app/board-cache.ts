// The public board as most visitors see it — anonymous, the first pages — is the same bytes for
// everyone until something changes. Those responses are kept for a short time and thrown away by
// any successful change to feature requests in this process; other replicas' changes show after
// at most BOARD_CACHE_TTL_MS. Signed-in views (which carry the viewer's own votes) are never cached.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Services } from '../../../services/context.js';
import { SESSION_COOKIE } from './authentication.js';

const CACHEABLE_PATHS = new Set(['/api/feature-requests', '/api/roadmap']);
const CHANGES_BOARD = /^\/api\/feature-requests(\/|$)/;

declare module 'fastify' {
  interface FastifyRequest {
    boardCacheKey: string | null;
  }
}

interface Entry {
  body: string;
  contentType: string;
  storedAt: number;
  generation: number;
}

function isAnonymous(request: FastifyRequest): boolean {
  return request.headers.authorization === undefined && request.cookies[SESSION_COOKIE] === undefined;
}

export default fp(
  async function boardCache(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;
    const ttl = services.config.boardCacheTtlMs;
    if (ttl === 0) return;
    // Bounded: a crawler cycling query strings cannot grow it without limit.
    const entries = new LRUCache<string, Entry>({ max: 1_000 });
    let generation = 0;

    app.decorateRequest('boardCacheKey', null);

    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || !CACHEABLE_PATHS.has(request.url.split('?')[0]!) || !isAnonymous(request)) return;
      const entry = entries.get(request.url);
      if (entry && entry.generation === generation && services.now().getTime() - entry.storedAt < ttl) {
        return reply.header('content-type', entry.contentType).header('x-cache', 'hit').send(entry.body);
      }
      request.boardCacheKey = request.url;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (request.boardCacheKey === null || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
      entries.set(request.boardCacheKey, { body: payload, contentType: String(reply.getHeader('content-type')), storedAt: services.now().getTime(), generation });
      reply.header('x-cache', 'miss');
      return payload;
    });

    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && CHANGES_BOARD.test(request.url)) generation += 1;
    });
  },
  { name: 'board-cache', dependencies: ['@fastify/cookie'] },
);
