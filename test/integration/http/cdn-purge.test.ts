// The optional CDN purge hook, against a local HTTP server standing in for the CDN's purge API: a
// change enqueues one purge job (a burst collapses into it), the worker POSTs {tags} with the bearer
// token (read from a *_FILE secret), and a failing CDN is logged and retried without the token in
// any log line — while the change itself succeeded at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { createTestApp, eventually, type Caller, type TestApp } from '../../helpers/app.js';
import { weddingRequest } from '../../helpers/fixtures.js';

const TOKEN = 'cdn-purge-token-for-tests-0123456789';

describe('CDN purge hook (pglite)', () => {
  let t: TestApp;
  let cdn: Server;
  let couple: Caller;
  const received: { method: string; authorization: string | undefined; body: unknown }[] = [];
  let answer = 204;
  const logged: string[] = [];
  // What pino would write: the fields, the error's message and the line's message.
  const record = (...args: unknown[]) => {
    const [fields, message] = args as [{ err?: Error }, string];
    logged.push(`${JSON.stringify(fields)} ${fields.err?.message} ${message}`);
  };
  const log = { debug: () => undefined, info: () => undefined, warn: record, error: record } as unknown as Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Runs every purge job that is due now. */
  const drain = async () => {
    const w = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: ['maintenance'], concurrency: 1, log });
    while ((await w.runDue()) > 0);
  };
  const pendingPurges = async () =>
    rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from jobs where type = 'purge_cdn' and state = 'pending'`))[0]!.n;

  beforeAll(async () => {
    cdn = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push({ method: req.method!, authorization: req.headers.authorization, body: JSON.parse(text) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), 'wsfr-cdn-')), 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const url = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/purge`;
    t = await createTestApp('pglite', { env: { CDN_PURGE_URL: url, CDN_PURGE_TOKEN_FILE: tokenFile } });
    couple = await t.login('couple@demo.test');
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => cdn?.close(r));
  });

  it('purges the changed tags at the CDN once per burst, with the bearer token', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json().id);
    for (const id of ids) expect((await t.request(couple, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
    // Enqueued after each change's commit, without the change waiting for it.
    await eventually(pendingPurges, (n) => n >= 2);
    expect(await pendingPurges()).toBe(2); // one per tag set: the submissions' and the votes'
    await drain();
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r.method).toBe('POST');
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(received.map((r) => r.body)).toEqual(
      expect.arrayContaining([{ tags: ['ai-analysis', 'feature-requests', 'roadmap'] }, { tags: ['feature-requests', 'roadmap'] }]),
    );
  });

  it('logs a failing CDN and retries later, never logging the token', async () => {
    answer = 503;
    received.length = 0;
    const { id } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() })).json();
    expect(id).toEqual(expect.any(String));
    await eventually(pendingPurges, (n) => n >= 1);
    await drain();
    expect(received).toHaveLength(1);
    expect(logged.some((line) => line.includes('CDN purge answered 503'))).toBe(true);
    expect(logged.join('\n')).not.toContain(TOKEN);
    // Back off and try again (pending with a later run_at), not lost.
    const left = rows<{ attempts: number }>(await t.database.db.execute(sql`select attempts from jobs where type = 'purge_cdn' and state = 'pending'`));
    expect(left).toEqual([{ attempts: 1 }]);
  });
});
