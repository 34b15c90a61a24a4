// Every suite that touches the database runs on PGlite and, when TEST_DATABASE_URL is set, on a
// real PostgreSQL server — each run in a database of its own, created here and dropped after.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle, type QueryObserver } from '../../src/db/client.js';

export type DatabaseMode = 'pglite' | 'postgres';

export const DATABASE_MODES: DatabaseMode[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends DatabaseHandle {
  url?: string;
}

/** `migrate: false` leaves it empty (for tests of migrations themselves). */
export async function freshDatabase(mode: DatabaseMode, observe?: QueryObserver, { migrate = true } = {}): Promise<TestDatabase> {
  if (mode === 'pglite') {
    const handle = await openDatabase({ kind: 'embedded', dataDir: null }, observe);
    if (migrate) await handle.migrate();
    return handle;
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `wsfr_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'server', url: url.toString(), poolSize: 5 }, observe);
  if (migrate) await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
