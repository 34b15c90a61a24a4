// Jobs are written in the same transaction as the change that causes them: when a submission fails
// at the very last moment (its commit), neither the request nor its duplicate check exists.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

describe.each(DATABASE_MODES)('jobs commit with their change (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  const count = async (query: ReturnType<typeof sql>) => rows<{ n: number }>(await t.database.db.execute(query))[0]!.n;
  const allJobs = () => count(sql`select count(*)::int as n from jobs`);

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    // A deferred constraint trigger fails the commit itself: everything the submission wrote before —
    // the request, its audit record, its queued duplicate check — must go with it.
    await t.database.db.execute(
      sql.raw(`
      create function refuse_doomed_request() returns trigger language plpgsql as $$
      begin
        if new.title like 'Doomed%' then raise exception 'commit refused for this test'; end if;
        return new;
      end $$`),
    );
    await t.database.db.execute(
      sql.raw(`
      create constraint trigger refuse_doomed_request after insert on feature_requests
        deferrable initially deferred for each row execute function refuse_doomed_request()`),
    );
  });
  afterAll(() => t?.close());

  it('a submission whose commit fails leaves no request and no queued job', async () => {
    const jobsBefore = await allJobs();
    const doomed = await t.request(couple, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title: 'Doomed request for the seating plan' }),
    });
    expect(doomed.statusCode).toBe(500);
    expect(doomed.json().error.code).toBe('internal_error');
    expect(await count(sql`select count(*)::int as n from feature_requests where title like 'Doomed%'`)).toBe(0);
    expect(await allJobs()).toBe(jobsBefore);
  });

  it('the same submission without the failure commits the request and its duplicate check together', async () => {
    const kept = await t.request(couple, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title: 'Kept request for the seating plan' }),
    });
    expect(kept.statusCode).toBe(201);
    expect(await count(sql`select count(*)::int as n from jobs where type = 'detect_duplicates' and payload->>'requestId' = ${kept.json().id}`)).toBe(1);
  });
});
