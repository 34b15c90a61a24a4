// The schema itself, on both databases: migrations, and the SQL that carries domain rules.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../../src/db/client.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';

describe.each(DATABASE_MODES)('schema (%s)', (mode) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase(mode);
  });
  afterAll(() => database?.close());

  it('reports itself migrated, and migrating again changes nothing', async () => {
    expect(await database.isMigrated()).toBe(true);
    await database.migrate();
    const applied = rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
    expect(applied).toBeGreaterThanOrEqual(3);
    await database.migrate();
    expect(rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n).toBe(applied);
  });

  it('trending: recent beats old at equal votes, more votes beat fewer at equal age, 10× votes ≈ 12.5 hours', async () => {
    const score = async (weight: number, at: string) =>
      rows<{ s: number }>(await database.db.execute(sql`select trending_score(${weight}::float8, ${at}::timestamptz) as s`))[0]!.s;
    const old = '2027-01-01T00:00:00Z';
    expect(await score(10, '2027-01-03T00:00:00Z')).toBeGreaterThan(await score(10, old));
    expect(await score(100, old)).toBeGreaterThan(await score(10, old));
    expect(await score(100, old)).toBeCloseTo(await score(10, '2027-01-01T12:30:00Z'), 6);
    expect(await score(0, old)).toBe(await score(1, old));
    // Independent of the session's time zone, as a generated column must be.
    await database.db.execute(sql`set time zone 'Asia/Kolkata'`);
    expect(await score(10, old)).toBe(await score(10, '2027-01-01T05:30:00+05:30'));
    await database.db.execute(sql`set time zone 'UTC'`);
  });
});

describe('readiness before migration', () => {
  it('an empty database is not ready until migrated', async () => {
    const handle = await openDatabase({ kind: 'embedded', dataDir: null });
    expect(await handle.isMigrated()).toBe(false);
    await handle.migrate();
    expect(await handle.isMigrated()).toBe(true);
    await handle.close();
  });
});

describe('readiness when the database is gone', () => {
  it('reports unreachable rather than unmigrated', async () => {
    const handle = await openDatabase({ kind: 'embedded', dataDir: null });
    await handle.migrate();
    await handle.close();
    await expect(handle.isMigrated()).rejects.toThrow();
  });
});
