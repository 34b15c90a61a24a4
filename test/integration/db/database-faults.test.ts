// Database faults on a real PostgreSQL server of the test's own: killed connections, a crash and a
// restart. During the outage every request is a prompt 503 database_unavailable with Retry-After
// (never a 500, never a hang); once the server is back the next requests succeed.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { weddingRequest } from '../../helpers/fixtures.js';
import { canRunOwnPostgres, ownPostgres, type OwnPostgres } from '../../helpers/own-postgres.js';

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
      "select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle" as never,
    )) as unknown as { statement: string; idle: string }[];
    expect(row).toEqual({ statement: '5s', idle: '10s' });
  });

  it('recovers at once when its pooled connections are terminated', async () => {
    expect((await submit()).statusCode).toBe(201);
    // Through a connection of its own, asynchronously: the app's event loop keeps running meanwhile,
    // as it would in production (psql here would block it and hide nothing but the delivery delay).
    const admin = postgres(pg.url('wedsync'), { max: 1, onnotice: () => {} });
    const [row] = await admin<{ killed: number }[]>`select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity where application_name = 'wedsync-feature-requests'`;
    await admin.end();
    expect(row!.killed).toBeGreaterThan(0);
    const after = await submit();
    expect(after.statusCode, after.body).toBe(201);
    expect((await mine()).statusCode).toBe(200);
  });

  it('answers 503 database_unavailable with Retry-After while the server is down, and serves again after restart', async () => {
    pg.stop('immediate');
    for (const call of [submit, mine, submit]) {
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
  }, 60_000);
});
