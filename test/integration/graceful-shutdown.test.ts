// Graceful shutdown of the embedded `start` process (API and worker in one): on SIGTERM readiness
// goes false, new requests — the board fast lane's too — get 503 shutting_down with Retry-After and
// Connection: close, a request already in flight completes normally, and the process exits 0.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weddingRequest } from '../helpers/fixtures.js';
import { start, type Running } from '../helpers/process.js';

/** A POST whose body arrives in two parts: the request is in flight between them. */
function slowPost(base: string, url: string, headers: Record<string, string>, body: string) {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  let response = '';
  socket.on('data', (d) => (response += d));
  const finished = new Promise<string>((resolve) => socket.on('close', () => resolve(response)));
  const half = Math.floor(body.length / 2);
  const head = [
    `POST ${url} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const started = new Promise<void>((resolve) =>
    socket.once('connect', () => socket.write(`${head.join('\r\n')}\r\n\r\n${body.slice(0, half)}`, () => resolve())),
  );
  return { started, finish: () => socket.end(body.slice(half)), finished };
}

describe('graceful shutdown (embedded start)', () => {
  let server: Running | undefined;
  afterAll(async () => {
    if (process.env.TEST_LOG && server) console.log(server.log());
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('answers new requests 503 while an in-flight request completes, then exits 0', async () => {
    server = await start({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-shutdown-')), SHUTDOWN_GRACE_SECONDS: '20', DEMO_PASSWORD: 'wedding-demo' });
    const { base } = server;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'supplier@demo.test', password: 'wedding-demo' }),
    });
    const session = {
      cookie: login.headers.getSetCookie()[0]!.split(';')[0]!,
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    };
    const token = (
      (await (await fetch(`${base}/api/auth/tokens`, { method: 'POST', headers: session, body: JSON.stringify({ name: 'shutdown test' }) })).json()) as {
        token: string;
      }
    ).token;
    // Warm the anonymous board cache so the next board read would come from the fast lane.
    expect((await fetch(`${base}/api/feature-requests`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    const inFlight = slowPost(base, '/api/feature-requests', { Authorization: `Bearer ${token}` }, JSON.stringify(weddingRequest()));
    await inFlight.started;
    // The server has the request line and headers; give its event loop a moment to take them in.
    await new Promise((r) => setTimeout(r, 500));
    const exited = new Promise<number | null>((resolve) => server!.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');

    // Readiness goes false first.
    let ready = await fetch(`${base}/ready`);
    for (let i = 0; ready.status === 200 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = await fetch(`${base}/ready`);
    }
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { serving: unknown } }).checks.serving).toEqual({ ok: false, detail: 'shutting down' });

    for (const url of ['/api/feature-requests', '/api/roadmap', '/api/notifications']) {
      const refused = await fetch(`${base}${url}`);
      expect(refused.status, url).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.headers.get('connection')).toBe('close');
      expect(await refused.json()).toMatchObject({ error: { code: 'shutting_down', message: expect.any(String) } });
    }

    inFlight.finish();
    const raw = await inFlight.finished;
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
    expect(raw).toMatch(/"id":"[0-9a-f-]{36}"/);
    expect(await exited).toBe(0);
    expect(server.log()).toContain('shut down');
  }, 300_000);
});
