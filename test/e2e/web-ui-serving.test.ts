// How the server serves the web UI (no browser needed): the app's pages and their caching, hashed
// assets, unknown API paths, the deployment's settings in the page, and a server without a build.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webUi, { DEFAULT_DIST_DIR } from '../../src/http/plugins/app/web-ui.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('the web UI as the server sends it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { CATEGORIES: 'rsvp,seating,florals' } });
  });
  afterAll(() => t?.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

  it('answers the app’s own addresses with index.html, never cached, carrying the deployment’s categories', async () => {
    for (const url of [
      '/',
      '/requests/3f1e2d4c-0000-4000-8000-000000000000',
      '/submit',
      '/login?next=%2F',
      '/signup',
      '/roadmap?view=kanban',
      '/triage',
      '/ops',
      '/index.html',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.body, url).toContain('<div id="root">');
    }
    const meta = /<meta name="wedsync-config" content="([^"]+)">/.exec((await get('/')).body);
    expect(meta).not.toBeNull();
    const config = JSON.parse(meta![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    expect(config).toEqual({ categories: ['rsvp', 'seating', 'florals'], boardVisibility: 'public' });
  });

  it('serves hashed assets for a year, pre-compressed for browsers that accept it', async () => {
    const assets = readdirSync(path.join(DEFAULT_DIST_DIR, 'assets'));
    const script = assets.find((f) => /^index-.*\.js$/.test(f))!;
    const plain = await get(`/assets/${script}`);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(readFileSync(path.join(DEFAULT_DIST_DIR, 'assets', script), 'utf8'));

    const brotli = await get(`/assets/${script}`, { 'accept-encoding': 'br, gzip' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(Number(brotli.headers['content-length'])).toBeLessThan(plain.body.length / 2);
  });

  it('keeps 404s for what does not exist: unknown assets and files, and unknown API paths stay JSON', async () => {
    expect((await get('/assets/index-nothere.js')).statusCode).toBe(404);
    expect((await get('/nothing-here.png')).statusCode).toBe(404);
    expect((await get('/.vite/manifest.json')).statusCode).toBe(404);
    const api = await get('/api/wedding-cakes');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'route_not_found', message: expect.any(String) } });
    expect(api.body).not.toContain('wedding-cakes'); // the path is not echoed back
    expect((await get('/assets/../../package.json')).statusCode).not.toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/submit' })).statusCode).toBe(404);
  });

  it('serves the favicon, and leaves the API and probes alone', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    // Browsers ask for /favicon.ico on pages without an icon link: the same icon, not a 404 (issue #16).
    const ico = await get('/favicon.ico');
    expect(ico.statusCode).toBe(200);
    expect(ico.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(ico.body).toBe(icon.body);
    expect((await get('/status')).body).toContain('<link rel="icon" href="/favicon.svg"');
    expect((await get('/health')).json()).toMatchObject({ status: 'ok' });
    expect((await get('/api/feature-requests?limit=1')).json().items).toHaveLength(1);
  });
});

describe('a server without a web UI build', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'wsfr-no-web-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('starts, warns in its log, and tells visitors how to build the UI', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } } });
    // Stand-in for the real authorization plugin, which web-ui declares as a dependency.
    await app.register(fp(async () => undefined, { name: 'authorization' }));
    await app.register(webUi, { distDir: path.join(empty, 'dist') });
    await app.ready();

    expect(lines.some((l) => /web UI is not built/.test(l))).toBe(true);
    for (const url of ['/', '/requests/abc']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(503);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('npm run build:web');
    }
    await app.close();
  });
});
