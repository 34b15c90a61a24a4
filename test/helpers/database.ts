// Every suite that touches the database runs on PGlite and, when TEST_DATABASE_URL is set, on a
// real PostgreSQL server — each run in a database of its own, created here and dropped after. A
// migrated one is a copy of the run's template (database-templates.ts), made by the real migrations.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle, type QueryObserver } from '../../src/db/client.js';

export type DatabaseMode = 'pglite' | 'postgres';

export const DATABASE_MODES: DatabaseMode[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends DatabaseHandle {
  url?: string;
}

let pgliteImage: Promise<Blob> | undefined;

/** `migrate: false` leaves it empty (for tests of migrations themselves). */
export async function freshDatabase(mode: DatabaseMode, observe?: QueryObserver, { migrate = true } = {}): Promise<TestDatabase> {
  if (mode === 'pglite') {
    pgliteImage ??= readFile(inject('pgliteImage')).then((bytes) => new Blob([bytes]));
    return openDatabase({ kind: 'embedded', dataDir: null, image: migrate ? await pgliteImage : undefined }, observe);
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `wsfr_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = migrate ? inject('postgresTemplate') : null;
  await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'server', url: url.toString(), poolSize: 5 }, observe);
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
