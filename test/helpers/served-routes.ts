// Every route a built app serves, read from Fastify's own route tree (`printRoutes`), so a test
// that walks them covers routes added later — the ones the OpenAPI document hides included.
import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  /** Fastify's pattern: `/api/feature-requests/:id`. */
  url: string;
}

/** `/api/x/:id` → `/api/x/{id}`, the OpenAPI document's spelling. */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/**
 * Parses the tree printed with `commonPrefix: false`: each line is a segment (appended to its
 * parent's path) and, where routes end, their methods in parentheses. HEAD is left out: Fastify
 * answers it with the GET route.
 */
export function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const routes: ServedRoute[] = [];
  const pathAt: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth > 0 ? pathAt[depth - 1]! : '') + match[2]!;
    pathAt[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD') routes.push({ method, url: path });
    }
  }
  return routes;
}
