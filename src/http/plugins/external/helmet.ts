// Security headers on every response (the UI's pages, the API's JSON, errors, probes) through
// @fastify/helmet. The Content-Security-Policy fits the React app this server serves from its own
// origin: its scripts, styles, fonts and API calls all come from 'self' (no inline scripts or
// <style> blocks: React's `style` props go through the CSSOM, which CSP does not restrict), images
// may also be data: URIs, and no other site may frame it.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
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

export default fp(
  async function securityHeaders(app: FastifyInstance) {
    await app.register(helmet, {
      global: true,
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
      // X-Powered-By is removed (helmet's default; Fastify sends none anyway).
    });
  },
  { name: 'security-headers' },
);
