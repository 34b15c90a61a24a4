// The one place that knows how we reach PostgreSQL: in-process (PGlite, embedded default) or a
// server (postgres.js, which follows a failover through a multi-host URL with
// target_session_attrs=read-write or primary). Everything else sees the same Drizzle database.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
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
import { databaseFault, isConnectionLoss, mayRetryTransaction } from './faults.js';
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
  /** Rewrites the one heartbeat row: throws when the database cannot take writes (full, read-only). */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerTarget {
  kind: 'server';
  url: string;
  poolSize: number;
  /** Give up opening a connection after this long (postgres.js then tries the next host). */
  connectTimeoutSeconds?: number;
  /** PostgreSQL's statement_timeout on every connection (0: none). */
  statementTimeoutMs?: number;
}

/**
 * Embedded with a data directory: `verb` and `operatorSocket` are recorded in its lock (see
 * data-dir-lock.ts) for a second process to find. Without one (tests) PGlite lives in memory.
 * `image`: a data directory as PGlite's `dumpDataDir` wrote it, to start from instead of an empty
 * cluster (PGlite skips initdb, which is most of its start-up).
 */
export type DatabaseTarget = { kind: 'embedded'; dataDir: string | null; verb?: string; operatorSocket?: string; image?: Blob } | ServerTarget;

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 3;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;

/** Told the text and duration of each statement (each transaction, as a whole, on the server). */
export type QueryObserver = (text: string, ms: number) => void;

export async function openDatabase(target: DatabaseTarget, observe?: QueryObserver): Promise<DatabaseHandle> {
  return target.kind === 'embedded' ? openEmbedded(target, observe) : openServer(target, observe);
}

/** Retries of one transaction after a safe-to-retry failure, and the pause before each (jittered). */
const TRANSACTION_RETRIES = 2;
const RETRY_PAUSE_MS = 50;

/**
 * Runs a failed transaction again where that is safe (src/db/faults.ts, decision 0019): the work is
 * wrapped to learn whether the error came before COMMIT was sent (at BEGIN or inside the work) or
 * from COMMIT itself.
 */
function retryingTransactions(db: Database): Database {
  const transaction = db.transaction.bind(db) as (work: (tx: unknown) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  const retrying = async (work: (tx: unknown) => Promise<unknown>, config?: unknown) => {
    for (let attempt = 0; ; attempt++) {
      // Set once the work has finished: from then on the driver is sending COMMIT.
      let committing = false;
      try {
        return await transaction(async (tx) => {
          const result = await work(tx);
          committing = true;
          return result;
        }, config);
      } catch (err) {
        if (attempt >= TRANSACTION_RETRIES || !mayRetryTransaction(err, !committing)) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * (attempt + 1) * (0.5 + Math.random())));
      }
    }
  };
  db.transaction = retrying as typeof db.transaction;
  return db;
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

/** DATA_DIR cannot hold the embedded database: the message names the path and the cause. */
export class DataDirectoryError extends Error {
  constructor(dataDir: string, problem: string, code: string | undefined, detail: string) {
    super(`DATA_DIR ${dataDir} ${problem} (${code ? `${code}: ` : ''}${detail})`);
    this.name = 'DataDirectoryError';
  }
}

const DATA_DIR_PROBLEMS: Record<string, string> = {
  ENOSPC: 'is full',
  EDQUOT: 'is over its disk quota',
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable',
  EPERM: 'is not writable',
  ENOTDIR: 'is not a directory (a part of the path is a file)',
  EIO: 'cannot be read or written (input/output error)',
};

function dataDirectoryError(dataDir: string, err: unknown): DataDirectoryError {
  // Partial: what was thrown may not be an Error at all.
  const { code, message } = err as Partial<NodeJS.ErrnoException>;
  // Node's message is "CODE: description, syscall 'path'": the description is what an operator needs.
  const detail = /^[A-Z]+: ([^,]+)/.exec(message ?? '')?.[1] ?? message ?? String(err);
  return new DataDirectoryError(dataDir, DATA_DIR_PROBLEMS[code ?? ''] ?? 'cannot be used', code, detail);
}

/** Enough free space that PGlite can start and take some writes; a probe of this size is written and removed. */
const DATA_DIR_PROBE_BYTES = 1024 * 1024;

/**
 * Checks that DATA_DIR can be read and written before PGlite opens it: PGlite's own failures on a
 * full or read-only file system are Emscripten errno numbers (`ErrnoError { errno: 51 }`) without
 * a path or cause.
 */
function prepareDataDir(dataDir: string): string {
  const pgDir = path.join(dataDir, 'pgdata');
  const probe = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(pgDir, { recursive: true });
    readdirSync(pgDir);
    const fd = openSync(probe, 'w');
    try {
      // writeFileSync on a descriptor repeats short writes, so a nearly full disk ends in ENOSPC.
      writeFileSync(fd, Buffer.alloc(DATA_DIR_PROBE_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
  } catch (err) {
    throw dataDirectoryError(dataDir, err);
  }
  return pgDir;
}

async function openEmbedded(target: Extract<DatabaseTarget, { kind: 'embedded' }>, observe?: QueryObserver): Promise<DatabaseHandle> {
  const { dataDir } = target;
  const pgDir = dataDir ? prepareDataDir(dataDir) : undefined;
  let lock: DataDirLock | undefined;
  if (dataDir) {
    try {
      // Throws DataDirInUse when another live process has the directory: PGlite is never opened twice.
      lock = await lockDataDir(dataDir, { verb: target.verb ?? 'unknown', operatorSocket: target.operatorSocket });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw dataDirectoryError(dataDir, err);
      throw err;
    }
  }
  let client: PGlite;
  try {
    // pgvector serves the duplicate detector's nearest-neighbour search (migrations/0008).
    client = await PGlite.create(pgDir, { extensions: { vector }, loadDataDir: target.image });
  } catch (err) {
    lock?.release();
    // The directory passed the probe but filled up or turned read-only while PGlite started.
    const fault = databaseFault(err);
    if (dataDir && fault && (fault.kind === 'disk_full' || fault.kind === 'read_only')) {
      const described = [...getSystemErrorMap().values()].find(([name]) => name === fault.cause)?.[1] ?? 'PGlite could not write its files';
      throw dataDirectoryError(dataDir, { code: fault.cause, message: `${fault.cause}: ${described}` });
    }
    throw err;
  }
  if (observe) {
    client.query = timed(client.query.bind(client), (text) => text, observe) as typeof client.query;
    client.transaction = timed(
      client.transaction.bind(client) as (...a: unknown[]) => Promise<unknown>,
      () => 'transaction',
      observe,
    ) as typeof client.transaction;
  }
  const db = retryingTransactions(drizzlePglite(client, { schema }));
  return {
    db,
    kind: 'embedded',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    isMigrated: () => isMigrated(db),
    probeWrite: () => probeWrite(db),
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * postgres.js options for a server. Why each bound: a dead or unreachable primary must cost a request
 * a few seconds at most (then 503), and the pool must come back as soon as the database does.
 */
export function serverOptions(target: ServerTarget): postgres.Options<Record<string, postgres.PostgresType>> {
  const statementTimeoutMs = target.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    max: target.poolSize,
    onnotice: () => {},
    connect_timeout: target.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS,
    // postgres.js waits min(3^n/100, 20) s before reconnecting after the n-th failure in a row: after
    // a minute-long outage the pool stayed away up to 20 s after PostgreSQL was back. At most 1 s here.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
    // Idle connections are closed (they may lead to a demoted primary); every connection is renewed
    // within 10–20 min so that a pool follows a failover or a DNS change even under steady load.
    idle_timeout: 60,
    max_lifetime: 60 * (10 + Math.random() * 10),
    // Dead peers (a host gone without a FIN) are noticed by TCP keepalive after 10 s of silence.
    keep_alive: 10,
    connection: {
      application_name: 'wedsync-feature-requests',
      // JIT compilation pays off for long analytical scans, not for our short queries: it costs tens of
      // milliseconds per statement whose row estimate crosses jit_above_cost (duplicate search did).
      jit: 'off',
      // Text, so that 0 (no limit) is sent too: postgres.js leaves out parameters that are falsy.
      statement_timeout: String(statementTimeoutMs),
      // A transaction left open (a stuck caller) must not hold its locks and connection for long.
      idle_in_transaction_session_timeout: String(statementTimeoutMs === 0 ? 0 : Math.max(10_000, 2 * statementTimeoutMs)),
    } as Record<string, string>,
  };
}

async function openServer(target: ServerTarget, observe?: QueryObserver): Promise<DatabaseHandle> {
  const client = postgres(target.url, serverOptions(target));
  retryingReads(client);
  if (observe) instrumentPostgres(client, observe);
  const db = retryingTransactions(drizzlePostgres(client, { schema }));
  return {
    db,
    kind: 'server',
    async migrate() {
      // Migrations (an index build on a large table) may rightly run past the request statement
      // timeout: they run on a connection of their own without one.
      const migrator = postgres(target.url, { ...serverOptions({ ...target, statementTimeoutMs: 0 }), max: 1 });
      try {
        await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await migrator.end({ timeout: 5 });
      }
    },
    isMigrated: () => isMigrated(db),
    probeWrite: () => probeWrite(db),
    close: () => client.end({ timeout: 5 }),
  };
}

/** A plain read (no row locks, no sequence): running it twice changes nothing. */
const PLAIN_READ = /^\s*select\b/i;
const NOT_PLAIN = /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b|\bnextval\s*\(|\bpg_advisory/i;

/**
 * A read sent on a pooled connection the server had just closed (terminated backend, restart) fails
 * with a connection error although the server may already be back: it runs once more, on a fresh
 * connection, instead of failing the request. Writes are not repeated here (their outcome is unknown);
 * transactions have their own rule (retryingTransactions).
 */
function retryingReads(client: postgres.Sql) {
  const unsafe = client.unsafe.bind(client) as (...args: unknown[]) => postgres.PendingQuery<postgres.Row[]>;
  client.unsafe = ((text: string, ...rest: unknown[]) => {
    const query = unsafe(text, ...rest);
    if (!PLAIN_READ.test(text) || NOT_PLAIN.test(text)) return query;
    const then = query.then.bind(query);
    query.then = ((ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) =>
      then(undefined, (err: unknown) => {
        if (!isConnectionLoss(err)) throw err;
        const again = unsafe(text, ...rest);
        // Drizzle asks for rows as arrays (`.values()`) before awaiting: the repeat must answer alike.
        (again as unknown as { isRaw: unknown }).isRaw = (query as unknown as { isRaw: unknown }).isRaw;
        return again;
      }).then(ok, fail)) as typeof query.then;
    return query;
  }) as typeof client.unsafe;
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

/**
 * The in-process PGlite behind an embedded database, or null on a server. Backups need it for
 * `dumpDataDir`, PGlite's consistent copy of its data directory; the job handlers only hold the
 * Drizzle database, whose `$client` it is.
 */
export function embeddedClient(db: Database): PGlite | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof PGlite ? client : null;
}

/**
 * Runs a maintenance statement that may rightly outlast the request statement timeout and cannot
 * run in a transaction (VACUUM FULL): on a server through a connection of its own without the
 * timeout, as migrations do; embedded (or without a URL) on the database itself.
 */
export async function runMaintenance(db: Database, databaseUrl: string | undefined, statement: string): Promise<void> {
  if (embeddedClient(db) || !databaseUrl) {
    await db.execute(sql.raw(statement));
    return;
  }
  const client = postgres(databaseUrl, { ...serverOptions({ kind: 'server', url: databaseUrl, poolSize: 1, statementTimeoutMs: 0 }), max: 1 });
  try {
    await client.unsafe(statement);
  } finally {
    await client.end({ timeout: 5 });
  }
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

async function probeWrite(db: Database): Promise<void> {
  await db.execute(sql`insert into write_heartbeat (id, beat_at) values (1, now()) on conflict (id) do update set beat_at = excluded.beat_at`);
}

/** `db.execute` answers an array on postgres.js and `{ rows }` on PGlite. */
export function rows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
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
