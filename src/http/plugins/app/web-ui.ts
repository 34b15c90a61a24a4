// The web UI: the React app built by `npm run build:web` into web/dist, served from the API's own
// origin so the session cookie and CSRF token work as they do for any same-origin client.
//
// - /assets/* are content-hashed by Vite: cached for a year, immutable. Pre-compressed .br/.gz
//   copies written by the build are sent to browsers that accept them.
// - Any other GET outside /api is the single-page app: index.html, never cached, so a new release
//   is picked up on the next navigation. It carries the deployment's categories so the filters and
//   the form offer exactly what the API accepts.
// - Without a build the server still starts: it logs a warning and every page says how to build.
//
// Our authorization plugin refuses routes without `config.access`, so @fastify/static only lends
// `reply.sendFile` (serve: false) and the routes are declared here.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Services } from '../../../services/context.js';

export interface WebUiOptions {
  /** Gives the page the deployment's categories and board visibility. */
  services?: Services;
  /** Where the built app lives; defaults to `web/dist` at the repository root. */
  distDir?: string;
}

// src/http/plugins/app/web-ui.ts and dist/http/plugins/app/web-ui.js are both four levels below the root.
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

const ONE_YEAR_SECONDS = 31_536_000;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>WedSync Feature Requests: web UI not built</title></head>
<body>
<h1>The web UI has not been built</h1>
<p>The API is running (see <a href="/api/openapi.json">/api/openapi.json</a>), but there is no web UI build to serve.</p>
<p>Run <code>npm run build:web</code> in the project folder, then reload this page. <code>npm start</code> builds it for you.</p>
</body></html>
`;

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  return pathname === '/api' || pathname.startsWith('/api/');
}

export default fp(
  async function webUi(app: FastifyInstance, opts: WebUiOptions) {
    const root = path.resolve(opts.distDir ?? DEFAULT_DIST_DIR);
    const indexPath = path.join(root, 'index.html');

    if (!existsSync(indexPath)) {
      app.log.warn({ distDir: root }, 'web UI is not built: pages will say to run `npm run build:web`');
    }

    // Encapsulated: nothing here (the sendFile decorator included) leaks into the API's scope.
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        serve: false,
        preCompressed: true,
        // Vite's build manifest (.vite/) is for the build scripts, not for visitors.
        dotfiles: 'ignore',
        // Files are revalidated unless a route says otherwise.
        cacheControl: true,
        maxAge: 0,
      });

      const snippet = opts.services
        ? `<meta name="wedsync-config" content="${escapeAttribute(
            JSON.stringify({ categories: opts.services.config.categories, boardVisibility: opts.services.config.boardVisibility }),
          )}">`
        : '';

      // index.html read once per build (its mtime), with the deployment's settings written in.
      let cached: { mtimeMs: number; html: string } | null = null;
      async function indexHtml(): Promise<string | null> {
        const info = await stat(indexPath).catch(() => null);
        if (!info) return null;
        if (cached?.mtimeMs !== info.mtimeMs) {
          const html = await readFile(indexPath, 'utf8');
          cached = { mtimeMs: info.mtimeMs, html: snippet ? html.replace('</head>', `${snippet}</head>`) : html };
        }
        return cached.html;
      }

      async function sendApp(_request: FastifyRequest, reply: FastifyReply) {
        const html = await indexHtml();
        // Security headers (CSP: scripts and styles from 'self' only) come from the helmet plugin.
        reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8');
        if (html === null) return reply.status(503).send(NOT_BUILT_PAGE);
        return reply.send(html);
      }

      const route = { config: { access: 'public' as const }, schema: { hide: true } };

      scope.get('/', route, sendApp);

      scope.get('/assets/*', route, async (request, reply) => {
        const file = (request.params as { '*': string })['*'];
        // .br/.gz copies are chosen by Accept-Encoding: shared caches must key on it.
        reply.header('Vary', 'Accept-Encoding');
        return reply.sendFile(`assets/${file}`, { maxAge: ONE_YEAR_SECONDS * 1000, immutable: true });
      });

      scope.get('/*', route, async (request, reply) => {
        // Unknown API paths keep the API's JSON 404, never the app's HTML.
        if (isApiPath(request.url)) {
          reply.callNotFound();
          // An async handler returns the reply when the answer is sent elsewhere, or Fastify answers empty.
          return reply;
        }
        const wanted = (request.params as { '*': string })['*'];
        const last = wanted.split('/').pop() ?? '';
        if (wanted === 'index.html') return sendApp(request, reply);
        // Browsers ask for /favicon.ico on pages without an icon link (the status page, a JSON answer).
        if (wanted === 'favicon.ico') return reply.type('image/svg+xml').sendFile('favicon.svg', { maxAge: 3_600_000 });
        // A file name (favicon.svg, robots.txt) is a file or a 404; anything else is a page of the app.
        if (last.includes('.')) return reply.sendFile(wanted, { maxAge: 3_600_000 });
        return sendApp(request, reply);
      });
    });
  },
  { name: 'web-ui', dependencies: ['authorization'] },
);
