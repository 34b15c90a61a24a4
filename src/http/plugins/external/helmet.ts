// Security headers on every response (the UI's pages, the API's JSON, errors, probes), from helmet.
// The Content-Security-Policy fits the React app this server serves from its own origin: its
// scripts, styles, fonts and API calls all come from 'self' (no inline scripts or <style> blocks:
// React's `style` props go through the CSSOM, which CSP does not restrict), images may also be
// data: URIs, and no other site may frame it.
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
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

export default fp(
  async function securityHeadersPlugin(app: FastifyInstance) {
    const headers = securityHeaders();
    // onRequest, so that replies sent by any later hook or handler — errors included — carry them.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'security-headers' },
);
