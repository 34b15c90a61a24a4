// Security headers on every response, from helmet. The web UI's pages and files get the full set:
// a Content-Security-Policy that fits the React app this server serves from its own origin (its
// scripts, styles, fonts and API calls all come from 'self'; no inline scripts or <style> blocks:
// React's `style` props go through the CSSOM, which CSP does not restrict; images may also be data:
// URIs; no other site may frame it) and the headers that only matter to a document. The API's
// answers (JSON, errors, probes, metrics) are never documents that run anything, so they get the
// set the OWASP REST Security Cheat Sheet gives for APIs, with a stricter policy: nothing may load
// and nobody may frame them. Half the headers is also most of the cost of a cached board page.
//
// helmet's headers depend only on its options, so they are computed once at start-up and copied
// onto each reply: running helmet's middleware per request (re-serialising the policy every time)
// cost about a tenth of the anonymous board's CPU.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

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

/** The headers helmet sets with our options (X-Powered-By is removed; Fastify sends none anyway). */
export function securityHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    // Only our directives: helmet's defaults would add upgrade-insecure-requests, which breaks a
    // plain-HTTP install on a LAN (HSTS covers HTTPS deployments instead).
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // Browsers honour it only over HTTPS; behind a TLS proxy it pins the site to HTTPS for a year.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // Matches frame-ancestors 'none' for browsers that only know the older header.
    xFrameOptions: { action: 'deny' },
    // Helmet is driven once, at start-up, with a recorder instead of a real request and response.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- helmet reports its own option errors here
    if (err) throw err;
  });
  return Object.freeze(headers);
}

/** The headers of an API answer: HSTS, no sniffing, no framing, same-origin readers, nothing to load. */
export function apiSecurityHeaders(): Readonly<Record<string, string>> {
  const page = securityHeaders();
  return Object.freeze({
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': page['strict-transport-security']!,
    'x-content-type-options': page['x-content-type-options']!,
    'x-frame-options': page['x-frame-options']!,
    'cross-origin-resource-policy': page['cross-origin-resource-policy']!,
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
    const page = securityHeaders();
    const api = apiSecurityHeaders();
    // onRequest, so that replies sent by any later hook or handler — errors included — carry them.
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(isApiRequest(request.url) ? api : page);
      done();
    });
  },
  { name: 'security-headers' },
);
