import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

/** The policy for a same-origin React app: nothing inline, nothing from other sites, no framing. */
const REQUIRED_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
};

function csp(res: LightMyRequestResponse): Record<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(typeof header, 'Content-Security-Policy header').toBe('string');
  const directives: Record<string, string[]> = {};
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = sources;
  }
  return directives;
}

function expectHardened(res: LightMyRequestResponse, referrerPolicies = ['strict-origin-when-cross-origin']) {
  const directives = csp(res);
  for (const [name, sources] of Object.entries(REQUIRED_CSP)) {
    expect(directives[name], name).toBeDefined();
    expect([...directives[name]!].sort(), name).toEqual([...sources].sort());
  }
  expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(res.headers['strict-transport-security']).toMatch(/^max-age=(\d+); includeSubDomains/);
  expect(Number(/max-age=(\d+)/.exec(String(res.headers['strict-transport-security']))![1])).toBeGreaterThanOrEqual(15_552_000);
  expect(referrerPolicies).toContain(res.headers['referrer-policy']);
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

/** An API answer is never a document: nothing may load in it, nobody may frame it, only this origin may read it. */
function expectApiHardened(res: LightMyRequestResponse) {
  const directives = csp(res);
  expect(directives['default-src'], 'default-src').toEqual(["'none'"]);
  expect(directives['frame-ancestors'], 'frame-ancestors').toEqual(["'none'"]);
  expect(Object.keys(directives).sort()).toEqual(['default-src', 'frame-ancestors']);
  expect(res.headers['strict-transport-security']).toMatch(/^max-age=(\d+); includeSubDomains/);
  expect(Number(/max-age=(\d+)/.exec(String(res.headers['strict-transport-security']))![1])).toBeGreaterThanOrEqual(15_552_000);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe.each(DATABASE_MODES)('security headers (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(() => t?.close());

  it('protects the web UI’s page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    // The page may be stricter about referrers (same-origin), never looser.
    expectHardened(res, ['strict-origin-when-cross-origin', 'same-origin']);
  });

  it('sends the API’s set with its JSON, the OpenAPI document and the probes, cached or not', async () => {
    for (const url of ['/api/feature-requests', '/api/feature-requests', '/api/openapi.json', '/health', '/ready']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expectApiHardened(res);
    }
  });

  it('and with errors: 404, 401, 400 and a throttled login', async () => {
    const notFound = await t.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(notFound.statusCode).toBe(404);
    expectApiHardened(notFound);
    const unauthenticated = await t.app.inject({ method: 'GET', url: '/api/user/context' });
    expect(unauthenticated.statusCode).toBe(401);
    expectApiHardened(unauthenticated);
    const invalid = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expectApiHardened(invalid);
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 6; i++) {
      last = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'headers@example.test', password: 'wrong' },
        remoteAddress: '192.0.2.99',
      });
    }
    expect(last!.statusCode).toBe(429);
    expectApiHardened(last!);
  });
});
