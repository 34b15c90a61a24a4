// Security headers on every response. The web UI's pages and files get helmet's full set, through
// @fastify/helmet: a Content-Security-Policy that fits the React app this server serves from its own
// origin (its scripts, styles, fonts and API calls all come from 'self'; no inline scripts or <style>
// blocks: React's `style` props go through the CSSOM, which CSP does not restrict; images may also be
// data: URIs; no other site may frame it) and the headers that only matter to a document. The API's
// answers (JSON, errors, probes, metrics) are never documents that run anything, so they get the five
// headers the OWASP REST Security Cheat Sheet gives for APIs, with a stricter policy: nothing may load
// and nobody may frame them. Those are constants, set without running helmet, because the cached board
// page answers thousands of times a second and the fast lane (src/http/fast-lane.ts) sends the same set.
import type { FastifyInstance } from 'fastify';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import fp from 'fastify-plugin';

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

/** A year, for browsers that honour it only over HTTPS: behind a TLS proxy it pins the site to HTTPS. */
const HSTS = { maxAge: 31_536_000, includeSubDomains: true } as const;

/** helmet's options for the web UI (X-Powered-By is removed; Fastify sends none anyway). */
const PAGE_OPTIONS: FastifyHelmetOptions = {
  // Only our directives: helmet's defaults would add upgrade-insecure-requests, which breaks a
  // plain-HTTP install on a LAN (HSTS covers HTTPS deployments instead).
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  strictTransportSecurity: HSTS,
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // Matches frame-ancestors 'none' for browsers that only know the older header.
  xFrameOptions: { action: 'deny' },
};

/** The headers of an API answer: HSTS, no sniffing, no framing, same-origin readers, nothing to load. */
export function apiSecurityHeaders(): Readonly<Record<string, string>> {
  return Object.freeze({
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': `max-age=${HSTS.maxAge}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  });
}

const API_PROBES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** Whether a request is for the API (or a probe) rather than the web UI. */
export function isApiRequest(url: string): boolean {
  if (url.startsWith('/api/')) return true;
  const query = url.indexOf('?');
  return API_PROBES.has(query === -1 ? url : url.slice(0, query));
}

export default fp(
  async function securityHeadersPlugin(app: FastifyInstance) {
    // global: false, so helmet runs only where this hook asks it to (the web UI), not per API answer.
    await app.register(fastifyHelmet, { ...PAGE_OPTIONS, global: false });
    const api = apiSecurityHeaders();
    // onRequest, so that replies sent by any later hook or handler — errors included — carry them.
    app.addHook('onRequest', (request, reply, done) => {
      if (isApiRequest(request.url)) reply.headers(api);
      else reply.helmet();
      done();
    });
  },
  { name: 'security-headers' },
);
