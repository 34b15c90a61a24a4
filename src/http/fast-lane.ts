// The fast lane: an anonymous GET or HEAD of a board or roadmap page that this process's response
// cache holds fresh is answered straight from the HTTP server's request event, before Fastify builds
// its request, reply and logger and runs routing and hooks — about a quarter of the CPU of the same
// hit through Fastify. The reply is the one the Fastify path gives (security headers,
// X-Wedding-Season, X-Request-Id, the edge caching headers, ETag/304, X-Cache) and is counted in the
// same metrics; it is not logged, like a hit through Fastify. Everything else, including every
// miss, goes to Fastify unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../ops/metrics.js';
import { publicHit, publicRoute, type HttpCaches } from './plugins/app/response-cache.js';

export interface FastLaneDeps {
  caches: HttpCaches;
  securityHeaders: Readonly<Record<string, string>>;
  requestId: (req: IncomingMessage) => string;
  metrics: () => Metrics | undefined;
}

/** Answers the request and returns true, or returns false for Fastify to handle it. */
export function boardFastLane({ caches, securityHeaders, requestId, metrics }: FastLaneDeps) {
  // Every header but the request's own, as the flat list writeHead takes, once per entry and season
  // (a hit's headers object is built once per both): copying a twenty-key object per request cost
  // more than answering the rest of it.
  const flat = new WeakMap<Readonly<Record<string, string>>, string[]>();
  const flatHeaders = (headers: Readonly<Record<string, string>>) => {
    let list = flat.get(headers);
    if (!list) {
      list = Object.entries({ ...securityHeaders, ...headers, 'x-wedding-season': caches.season() }).flat();
      flat.set(headers, list);
    }
    return list;
  };
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    const started = performance.now();
    const hit = publicHit(caches, req.method, url, req.headers);
    if (!hit) return false;
    const headers = flatHeaders(hit.headers).slice();
    headers.push('x-request-id', requestId(req), 'content-length', String(hit.body.length));
    res.writeHead(hit.statusCode, headers);
    res.end(req.method === 'HEAD' ? undefined : hit.body);
    metrics()?.observeRequest(
      { method: req.method!, route: publicRoute(url)!.route, status: hit.statusCode, region: 'unknown', userTier: 'anonymous' },
      performance.now() - started,
    );
    return true;
  };
}
