// Transactions run again after a conflict rollback the database reported (40001/40P01), at most
// twice more, and never after an ordinary error (decision 0019). Real errors raised by the database.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { writeHeartbeat } from '../../../src/db/schema.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';

const raise = (errcode: string) => sql.raw(`do $$ begin raise exception 'raised by the test' using errcode = '${errcode}'; end $$`);

describe.each(DATABASE_MODES)('transaction retries (%s)', (mode) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(mode);
  });
  afterAll(() => database?.close());

  it('runs a transaction again after a serialization failure, and its work commits once', async () => {
    let attempts = 0;
    await database.db.transaction(async (tx) => {
      attempts += 1;
      await tx.insert(writeHeartbeat).values({ id: 7, beatAt: new Date() });
      if (attempts === 1) await tx.execute(raise('serialization_failure'));
    });
    expect(attempts).toBe(2);
    const [row] = rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from write_heartbeat where id = 7`));
    expect(row!.n).toBe(1);
  });

  it('gives up after two retries of a conflict that keeps coming back', async () => {
    let attempts = 0;
    await expect(
      database.db.transaction(async (tx) => {
        attempts += 1;
        await tx.execute(raise('deadlock_detected'));
      }),
    ).rejects.toThrow();
    expect(attempts).toBe(3);
  });

  it('does not repeat a transaction that failed for its own reasons', async () => {
    let attempts = 0;
    await expect(
      database.db.transaction(async (tx) => {
        attempts += 1;
        await tx.execute(raise('unique_violation'));
      }),
    ).rejects.toThrow();
    expect(attempts).toBe(1);
  });
});
