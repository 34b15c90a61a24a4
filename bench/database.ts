// A throw-away database for the in-process benchmarks: PGlite in memory, or a fresh database on the
// PostgreSQL server at BENCH_DATABASE_URL (its `postgres` database by default), dropped by `drop()`.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';

export async function openBenchDatabase(mode: 'embedded' | 'server'): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (mode === 'embedded') return { handle: await openDatabase({ kind: 'embedded', dataDir: null }), drop: async () => {} };
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wsfr_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    handle: await openDatabase({ kind: 'server', url: url.toString(), poolSize: 4 }),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
