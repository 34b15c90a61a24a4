// What a backup must bring back, measured by SQL: each table's row count and a checksum of its
// rows, and the schema version. The same statements run on the live database (inside the backup's
// snapshot) and on the scratch database a verification restores into, on PGlite and PostgreSQL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from '../../db/client.js';

/** Runs one statement and answers its rows, whatever the connection (Drizzle, PGlite, postgres.js). */
export type RunQuery = <T>(text: string) => Promise<T[]>;

export interface TableChecksum {
  /** schema.table */
  table: string;
  rows: number;
  /** md5 over the md5 of every row's text form, sorted: independent of physical order and collation. */
  checksum: string;
}

export interface SchemaVersion {
  /** Latest applied migration (its journal tag), null for a database never migrated. */
  tag: string | null;
  when: number | null;
}

/** The schemas a backup covers: the product's tables and Drizzle's migration record. */
const SCHEMAS = ['public', 'drizzle'];

/**
 * A row's text form depends on session settings (time zone, date and float formats): these pin
 * them, so a checksum taken by the server and one taken after a restore agree.
 */
export function canonicalOutputStatements(scope: 'local' | 'session'): string[] {
  const set = scope === 'local' ? 'set local' : 'set';
  return [
    `${set} timezone = 'UTC'`,
    `${set} datestyle = 'ISO, YMD'`,
    `${set} intervalstyle = 'postgres'`,
    `${set} extra_float_digits = 1`,
    `${set} bytea_output = 'hex'`,
  ];
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function tableChecksums(query: RunQuery): Promise<TableChecksum[]> {
  const tables = await query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and n.nspname in (${SCHEMAS.map((s) => `'${s}'`).join(', ')}) order by 1, 2`,
  );
  const result: TableChecksum[] = [];
  for (const t of tables) {
    const [row] = await query<{ rows: string | number; checksum: string }>(
      `select count(*)::text as rows, md5(coalesce(string_agg(h, '' order by h collate "C"), '')) as checksum
       from (select md5(t::text) as h from ${ident(t.schema)}.${ident(t.name)} t) hashed`,
    );
    result.push({ table: `${t.schema}.${t.name}`, rows: Number(row?.rows ?? 0), checksum: row?.checksum ?? '' });
  }
  return result;
}

function migrationTags(): Map<number, string> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number; tag: string }[] };
  return new Map(journal.entries.map((e) => [e.when, e.tag]));
}

export async function schemaVersion(query: RunQuery): Promise<SchemaVersion> {
  const [present] = await query<{ present: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!present?.present) return { tag: null, when: null };
  const [applied] = await query<{ latest: string | null }>(`select max(created_at)::text as latest from drizzle.__drizzle_migrations`);
  const when = applied?.latest == null ? null : Number(applied.latest);
  return { tag: when == null ? null : (migrationTags().get(when) ?? null), when };
}
