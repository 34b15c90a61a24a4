// What `info` logs (issue #16: 935 lines in 14 minutes of clicking): one line per member's request,
// while the synthetic probes' own calls — every minute, forever — go to debug unless they fail.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../src/ops/logger.js';
import { runProbe } from '../../../src/services/probes.js';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';

describe('request log at info', () => {
  let t: TestApp;
  const lines: Array<{ level: number; msg: string; req?: { method: string; path: string } }> = [];

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => done(void lines.push(JSON.parse(String(chunk)))) });
    t = await createTestApp('pglite', { logger: pino(loggerOptions('info'), sink) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  const requestLines = () => lines.filter((l) => l.msg === 'request completed');

  it('logs a member request once, and a synthetic probe run not at all', async () => {
    const live = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const services = { ...t.services, config: { ...t.config, probeBaseUrl: live } };
    expect(await runProbe(services, 'feature_request_submission')).toMatchObject({ ok: true });
    expect(await runProbe(services, 'voting_system')).toMatchObject({ ok: true });
    expect(requestLines()).toEqual([]);

    const couple = await t.login('couple@demo.test');
    expect((await t.request(couple, { method: 'GET', url: '/api/notifications' })).statusCode).toBe(200);
    expect(requestLines().map((l) => l.req)).toEqual([
      { method: 'POST', path: '/api/auth/login' },
      { method: 'GET', path: '/api/notifications' },
    ]);
  });

  it('still logs what failed, whoever called', async () => {
    lines.length = 0;
    expect((await t.request(anonymous, { method: 'GET', url: '/api/ops/incidents' })).statusCode).toBe(401);
    expect(requestLines()).toHaveLength(1);
    expect(requestLines()[0]).toMatchObject({ level: 30, req: { path: '/api/ops/incidents' } });
  });
});
