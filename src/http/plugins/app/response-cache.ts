// The response cache over HTTP (src/services/response-cache.ts holds the stores): the brief's cached
// routes answer from it with edge caching headers — Cache-Control (public with s-maxage and
// stale-while-revalidate, or private, no-store when personalised), Vary, a strong ETag with 304 for
// GET and HEAD, Surrogate-Key/Cache-Tag naming the purge tags — and X-Cache saying where the answer
// came from (hit, revalidating, miss, or stale with a Warning while the database fails).
//
// An anonymous hit tells a caller nothing every other visitor is not shown, and costs less than
// checking cookies, credentials, limits or scraping, so it is answered before all of those: over
// HTTP by the fast lane (src/http/fast-lane.ts) before Fastify routes the request, and here, as the
// first hook after the security headers, for anything that reaches Fastify directly (inject).
// See docs/decisions/0013-threat-protection.md and 0022-shared-response-cache.md.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CACHE_POLICIES, cacheControl, STALE_WARNING, tagHeaders, type CachePolicy } from '../../../domain/response-cache.js';
import { seasonStatus } from '../../../domain/seasons.js';
import type { Services } from '../../../services/context.js';
import { createResponseCache, type CachedEntry, type CacheState, type ResponseCache } from '../../../services/response-cache.js';
import { sessionTokenIn } from './authentication.js';

const PUBLIC_ROUTES: ReadonlyMap<string, CachePolicy> = new Map<string, CachePolicy>([
  [CACHE_POLICIES.board.route, CACHE_POLICIES.board],
  [CACHE_POLICIES.roadmap.route, CACHE_POLICIES.roadmap],
]);
// Public copies are for callers without credentials; a CDN must not hand them to one with.
const VARY = 'Authorization, Cookie';
const EMPTY = Buffer.alloc(0);

declare module 'fastify' {
  interface FastifyRequest {
    /** Answered from the cache before routing: nothing after the cache hook ran for it. */
    cacheHit: boolean;
  }
}

export interface HttpCaches {
  /** Board and roadmap pages (cache_type "response"). */
  responses: ResponseCache;
  /** POST /api/ai/analyze answers (cache_type "ai_analysis"). */
  analyses: ResponseCache;
  /** SEASON_REGION's season now ("peak" | "off"). */
  season: () => string;
  /** A members-only board answers anonymous callers 401: nothing public to share. */
  publicBoard: boolean;
  staleIfErrorSeconds: number;
  /** A hit's headers, built once per entry and season: a fast-lane hit then allocates almost nothing. */
  hitHeaders: WeakMap<CachedEntry, { season: string; headers: Record<string, string> }>;
  close(): void;
}

export function createHttpCaches(services: Services, season: () => string): HttpCaches {
  const options = { shared: services.shared, config: services.config, now: services.now };
  // Bounded: a crawler cycling query strings cannot grow them without limit.
  const responses = createResponseCache({ ...options, type: 'response', max: 1_000 });
  const analyses = createResponseCache({ ...options, type: 'ai_analysis', max: 5_000 });
  return {
    responses,
    analyses,
    season,
    publicBoard: services.config.boardVisibility === 'public',
    staleIfErrorSeconds: services.config.responseCacheStaleIfErrorSeconds,
    hitHeaders: new WeakMap(),
    close() {
      responses.close();
      analyses.close();
    },
  };
}

/** The route pattern a public cached URL belongs to, or undefined. */
export function publicRoute(url: string): CachePolicy | undefined {
  const query = url.indexOf('?');
  return PUBLIC_ROUTES.get(query === -1 ? url : url.slice(0, query));
}

/** An anonymous view's key: its vary keys (user type "anonymous", wedding context: the deployment's season) and its URL. */
export const anonymousKey = (season: string, url: string) => `anonymous:${season}:${url}`;

/** A signed-in view's shared part: their user type (or segment) and wedding context (their region's season). */
export function viewerKey(request: FastifyRequest, now: Date): string {
  const p = request.principal!;
  return `${p.role}:${seasonStatus(now, p.region, p.timeZone).season}:${request.url}`;
}

function replyHeaders(caches: HttpCaches, policy: CachePolicy, entry: CachedEntry, state: CacheState, personal: boolean): Record<string, string> {
  const common = { 'cache-control': cacheControl(policy, caches.season(), caches.staleIfErrorSeconds, personal), vary: VARY, 'x-cache': state };
  return personal ? common : { ...common, etag: entry.etag, ...tagHeaders(policy.tags) };
}

export interface CachedReply {
  statusCode: 200 | 304;
  headers: Record<string, string>;
  body: Buffer;
}

/** An anonymous GET or HEAD of a public cached route answered from this process's memory, or null. Raw headers: nothing parsed yet. */
export function publicHit(caches: HttpCaches, method: string | undefined, url: string, headers: IncomingHttpHeaders): CachedReply | null {
  if (!caches.publicBoard || !caches.responses.enabled || (method !== 'GET' && method !== 'HEAD')) return null;
  // Any session cookie, even one authentication will not accept, takes the signed-in path: a
  // mismatch may only ever cost a cache hit, never serve or store one caller's view for another.
  if (headers.authorization !== undefined || sessionTokenIn(headers.cookie) !== undefined) return null;
  const policy = publicRoute(url);
  if (!policy) return null;
  const season = caches.season();
  const entry = caches.responses.peek(anonymousKey(season, url));
  if (!entry) return null;
  let built = caches.hitHeaders.get(entry);
  if (built?.season !== season) {
    built = { season, headers: { ...replyHeaders(caches, policy, entry, 'hit', false), 'content-type': entry.contentType } };
    caches.hitHeaders.set(entry, built);
  }
  if (headers['if-none-match'] === entry.etag) return { statusCode: 304, headers: built.headers, body: EMPTY };
  return { statusCode: 200, headers: built.headers, body: entry.body };
}

export interface CachedRoute<T> {
  cache: ResponseCache;
  policy: CachePolicy;
  key: string;
  /** The shared answer (the same for everyone under `key`), serialised by the route's response schema. */
  load: () => Promise<T>;
  /** Signed-in callers: the shared answer made theirs (e.g. their own vote flags), per request. */
  personalise?: (shared: T) => Promise<unknown>;
}

/** Answers from the cache (loading on a miss) with the edge caching headers. */
export async function sendCached<T>(caches: HttpCaches, request: FastifyRequest, reply: FastifyReply, route: CachedRoute<T>) {
  const personal = request.principal !== null;
  const { entry, state } = await route.cache.lookup(route.key, route.policy.tags, route.policy.ttlSeconds * 1000, async () => ({
    body: reply.serialize(await route.load()) as string,
    contentType: 'application/json; charset=utf-8',
  }));
  reply.headers(replyHeaders(caches, route.policy, entry, state, personal));
  if (state === 'stale') reply.header('warning', STALE_WARNING);
  if (personal && route.personalise) {
    const shared = JSON.parse(entry.body.toString()) as T;
    // While the database fails the viewer's own part cannot be read: the stale page without it.
    return state === 'stale' ? route.personalise(shared).catch(() => shared) : route.personalise(shared);
  }
  if (!personal && request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
  return reply.type(entry.contentType).send(entry.body);
}

export default fp(
  async function responseCachePlugin(app: FastifyInstance, opts: { caches: HttpCaches }) {
    const { caches } = opts;
    app.decorateRequest('cacheHit', false);
    app.addHook('onClose', async () => caches.close());
    app.addHook('onRequest', (request, reply, done) => {
      const hit = publicHit(caches, request.method, request.url, request.headers);
      if (!hit) {
        done();
        return;
      }
      request.cacheHit = true;
      // Sent without calling done(): the remaining hooks and the handler are skipped.
      reply
        .code(hit.statusCode)
        .headers(hit.headers)
        .send(hit.statusCode === 304 ? undefined : hit.body);
    });
  },
  { name: 'response-cache', dependencies: ['security-headers'] },
);
