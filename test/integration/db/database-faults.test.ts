// Database faults on a real PostgreSQL server of the test's own: killed connections, a crash and a
// restart. During the outage every request is a prompt 503 database_unavailable with Retry-After
// (never a 500, never a hang); once the server is back the next requests succeed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from '../../../src/db/client.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { weddingRequest } from '../../helpers/fixtures.js';
import { canRunOwnPostgres, ownPostgres, type OwnPostgres } from '../../helpers/own-postgres.js';
import { freePort } from '../../helpers/process.js';

/** Bounded, not tight: a loaded machine may be slow, but an outage must never cost ~10+ s a request. */
const OUTAGE_ANSWER_MS = 8000;

describe.skipIf(!canRunOwnPostgres())('database faults on a PostgreSQL server', () => {
  let pg: OwnPostgres;
  let t: TestApp;
  let couple: Caller;
  const submit = () => t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() });
  const mine = () => t.request(couple, { method: 'GET', url: '/api/notifications' });

  beforeAll(async () => {
    pg = await ownPostgres();
    pg.psql('create database wedsync');
    const database = await openDatabase({ kind: 'server', url: pg.url('wedsync'), poolSize: 4 });
    await database.migrate();
    t = await createTestApp('postgres', { database });
    couple = await t.login('couple@demo.test');
  }, 120_000);

  afterAll(async () => {
    await t?.close().catch(() => {});
    pg?.destroy();
  });

  it('sets the timeouts on every connection', async () => {
    const [row] = (await t.database.db.execute(
      "select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle",
    )) as unknown as { statement: string; idle: string }[];
    expect(row).toEqual({ statement: '5s', idle: '10s' });
  });

  it('follows a multi-host URL to the host that takes writes (target_session_attrs=read-write)', async () => {
    const nobody = await freePort();
    const url = `postgres://postgres@127.0.0.1:${nobody},127.0.0.1:${pg.port}/wedsync?target_session_attrs=read-write`;
    const database = await openDatabase({ kind: 'server', url, poolSize: 1 });
    try {
      const [row] = rows<{ port: number; readOnly: string }>(
        await database.db.execute(sql`select inet_server_port() as port, current_setting('transaction_read_only') as "readOnly"`),
      );
      expect(row).toEqual({ port: pg.port, readOnly: 'off' });
    } finally {
      await database.close();
    }
  });

  it('is not ready, and answers writes 503, while the database refuses writes', async () => {
    const ready = () => t.request({ headers: {} }, { method: 'GET', url: '/ready' });
    expect((await ready()).statusCode).toBe(200);
    // A read-only primary (as during a demotion): reads work, every write fails with 25006.
    pg.psql('alter system set default_transaction_read_only = on');
    pg.psql('select pg_reload_conf()');
    try {
      const refused = await submit();
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.json().error).toMatchObject({ code: 'database_unavailable', details: { reason: 'read_only' } });
      expect(refused.headers['retry-after']).toBeDefined();
      expect((await mine()).statusCode).toBe(200);
      // The write probe is cached for a few seconds: wait for the next one.
      let res = await ready();
      for (const deadline = Date.now() + 20_000; res.statusCode === 200 && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 250));
        res = await ready();
      }
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not_ready', checks: { serving: { ok: true }, database: { ok: true }, writes: { ok: false } } });
    } finally {
      pg.psql('alter system reset default_transaction_read_only');
      pg.psql('select pg_reload_conf()');
    }
    let res = await ready();
    for (const deadline = Date.now() + 20_000; res.statusCode !== 200 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 250));
      res = await ready();
    }
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.writes).toEqual({ ok: true });
  }, 60_000);

  it('recovers at once when its pooled connections are terminated', async () => {
    expect((await submit()).statusCode).toBe(201);
    // psql blocks this process meanwhile: the app's next queries are written on sockets the server
    // has already closed, before the driver has read the goodbye — the harshest order of events.
    const killed = pg.psql("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'wedsync-feature-requests'");
    expect(Number(killed)).toBeGreaterThan(0);
    const after = await submit();
    expect(after.statusCode, after.body).toBe(201);
    expect((await mine()).statusCode).toBe(200);
  });

  it('answers 503 database_unavailable with Retry-After while the server is down, and serves again after restart', async () => {
    // What a retrying client does: the same request with the same Idempotency-Key until it succeeds.
    const body = weddingRequest();
    const retried = () => t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: body, headers: { 'idempotency-key': 'outage-retry-1' } });
    pg.stop('immediate');
    for (const call of [submit, mine, retried]) {
      const started = performance.now();
      const res = await call();
      const took = performance.now() - started;
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'database_unavailable', message: expect.any(String) } });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(took).toBeLessThan(OUTAGE_ANSWER_MS);
    }
    const ready = await t.request({ headers: {} }, { method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);

    pg.start();
    const back = performance.now();
    let res = await submit();
    // The pool reconnects with at most ~1 s of backoff: the first tries after the restart succeed.
    while (res.statusCode === 503 && performance.now() - back < 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      res = await submit();
    }
    expect(res.statusCode, res.body).toBe(201);
    expect((await mine()).statusCode).toBe(200);
    const first = await retried();
    expect(first.statusCode, first.body).toBe(201);
    const again = await retried();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
  }, 60_000);
});
