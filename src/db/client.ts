// The one place that knows how we reach PostgreSQL: in-process (PGlite, embedded default) or a
// server (postgres.js, which follows a failover through a multi-host URL with
// target_session_attrs=primary). Everything else sees the same Drizzle database.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Arbitrary but fixed: serialises migrations when several replicas start at once. */
const MIGRATION_LOCK_KEY = 7_237_000_001;

export interface DatabaseHandle {
  db: Database;
  kind: 'embedded' | 'server';
  migrate(): Promise<void>;
  /** True when every migration this build ships has been applied. */
  isMigrated(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Embedded with a data directory: `verb` and `operatorSocket` are recorded in its lock (see
 * data-dir-lock.ts) for a second process to find. Without one (tests) PGlite lives in memory.
 */
export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string | null; verb?: string; operatorSocket?: string }
  | { kind: 'server'; url: string; poolSize: number };

/** The embedded data directory cannot be used: names the path and the cause. */
export class DataDirUnusable extends Error {}

/** What a file-system failure means to an operator (Node's codes, and PGlite's WASI errnos). */
const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  '51': 'the disk is full',
  EROFS: 'the file system is read-only',
  '69': 'the file system is read-only',
  EACCES: 'permission denied (check the owner and mode of the directory)',
  EPERM: 'permission denied (check the owner and mode of the directory)',
  '2': 'permission denied (check the owner and mode of the directory)',
  '63': 'permission denied (check the owner and mode of the directory)',
  ENOTDIR: 'a path component is a file, not a directory',
  '54': 'a path component is a file, not a directory',
  EIO: 'input/output error (failing disk?)',
  '29': 'input/output error (failing disk?)',
};

function unusable(dir: string, doing: string, err: unknown): DataDirUnusable {
  const { code, errno } = err as { code?: string; errno?: number };
  const cause = CAUSES[code ?? ''] ?? CAUSES[String(errno)] ?? (err instanceof Error ? err.message : String(err));
  return new DataDirUnusable(`DATA_DIR ${dir}: cannot ${doing}: ${cause}`, { cause: err });
}

/** Told the text and duration of each statement (each transaction, as a whole, on the server). */
export type QueryObserver = (text: string, ms: number) => void;

export async function openDatabase(target: DatabaseTarget, observe?: QueryObserver): Promise<DatabaseHandle> {
  return target.kind === 'embedded' ? openEmbedded(target, observe) : openServer(target.url, target.poolSize, observe);
}

/** Wraps a driver method so each call's duration is reported, whether it succeeds or fails. */
function timed<A extends unknown[], R>(call: (...args: A) => Promise<R>, describe: (...args: A) => string, observe: QueryObserver) {
  return async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      return await call(...args);
    } finally {
      observe(describe(...args), performance.now() - started);
    }
  };
}

async function openEmbedded(target: Extract<DatabaseTarget, { kind: 'embedded' }>, observe?: QueryObserver): Promise<DatabaseHandle> {
  const { dataDir } = target;
  let pgDir: string | undefined;
  let lock: DataDirLock | undefined;
  if (dataDir) {
    pgDir = path.join(dataDir, 'pgdata');
    try {
      mkdirSync(pgDir, { recursive: true });
    } catch (err) {
      throw unusable(dataDir, 'create pgdata', err);
    }
    try {
      // Throws DataDirInUse when another live process has the directory: PGlite is never opened twice.
      lock = await lockDataDir(dataDir, { verb: target.verb ?? 'unknown', operatorSocket: target.operatorSocket });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw unusable(dataDir, 'write its lock file', err);
      throw err;
    }
  }
  let client: PGlite;
  try {
    // pgvector serves the duplicate detector's nearest-neighbour search (migrations/0008).
    client = await PGlite.create(pgDir, { extensions: { vector } });
  } catch (err) {
    lock?.release();
    throw dataDir ? unusable(dataDir, 'open the embedded database in pgdata', err) : err;
  }
  if (observe) {
    client.query = timed(client.query.bind(client), (text) => text, observe) as typeof client.query;
    client.transaction = timed(client.transaction.bind(client) as (...a: unknown[]) => Promise<unknown>, () => 'transaction', observe) as typeof client.transaction;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'embedded',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    isMigrated: () => isMigrated(db),
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openServer(url: string, poolSize: number, observe?: QueryObserver): Promise<DatabaseHandle> {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    // JIT compilation pays off for long analytical scans, not for our short queries: it costs tens of
    // milliseconds per statement whose row estimate crosses jit_above_cost (duplicate search did).
    connection: { application_name: 'wedsync-feature-requests', jit: 'off' },
  });
  if (observe) instrumentPostgres(client, observe);
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'server',
    async migrate() {
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        lock.release();
      }
    },
    isMigrated: () => isMigrated(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * postgres.js queries are lazy promises that Drizzle configures (`.values()`) before awaiting, so the
 * timing hooks into the query's own `then` rather than wrapping the call.
 */
function instrumentPostgres(client: postgres.Sql, observe: QueryObserver) {
  const unsafe = client.unsafe.bind(client);
  client.unsafe = ((text: string, ...rest: unknown[]) => {
    const query = (unsafe as (...a: unknown[]) => Promise<unknown>)(text, ...rest);
    const started = performance.now();
    const then = query.then.bind(query);
    query.then = ((ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) =>
      then(
        (value) => {
          observe(text, performance.now() - started);
          return ok ? ok(value) : value;
        },
        (err: unknown) => {
          observe(text, performance.now() - started);
          if (fail) return fail(err);
          throw err;
        },
      )) as typeof query.then;
    return query;
  }) as typeof client.unsafe;
  client.begin = timed(client.begin.bind(client) as (...a: unknown[]) => Promise<unknown>, () => 'transaction', observe) as typeof client.begin;
}

function latestShippedMigration(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((e) => e.when));
}

/** False for a database never migrated; throws when the database cannot be reached. */
async function isMigrated(db: Database): Promise<boolean> {
  const [table] = rows<{ present: boolean }>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`));
  if (!table?.present) return false;
  const [applied] = rows<{ latest: string | null }>(await db.execute(sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`));
  return Number(applied?.latest ?? 0) >= latestShippedMigration();
}

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite. */
export function rows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/**
 * A point in time inside a raw `sql` fragment. Drizzle maps Dates for typed columns, but in raw
 * fragments postgres.js would receive a bare Date (PGlite copes, the server driver does not).
 */
export const timestamptz = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/**
 * A PostgreSQL array literal (`{a,b}`) for `= any(…::uuid[])` or `unnest(…::int[])` in a raw fragment:
 * one text parameter that both drivers pass the same way. For ids and numbers only (no quoting).
 */
export const arrayLiteral = (values: readonly (string | number)[]) => `{${values.join(',')}}`;

/**
 * A statement built once per database and reused. Assembling a query in Drizzle costs ~0.4 ms of
 * CPU, several times what PostgreSQL spends answering the hot ones (board page, vote), so those are
 * prepared with placeholders. Keyed by database so tests with many databases stay separate.
 */
export function preparedPerDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const statements = new WeakMap<Database, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = build(db);
      statements.set(db, statement);
    }
    return statement;
  };
}
