// A PostgreSQL server of the test's own (own data directory, own loopback port), for tests that stop,
// crash or restart the database: the shared server on 5432 must never be touched.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './process.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface OwnPostgres {
  port: number;
  url(database?: string): string;
  /** `immediate` is a crash: every connection is cut without a goodbye. */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  psql(sql: string, database?: string): string;
  destroy(): void;
}

/** Whether initdb/pg_ctl are installed and we may run them as the postgres user (root can). */
export function canRunOwnPostgres(): boolean {
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-pg-'));
  chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const data = path.join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/${cmd}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const conf = `port = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\nshared_buffers = 32MB\nmax_connections = 40\n`;
  writeFileSync(path.join(data, 'postgresql.auto.conf'), conf);
  chownSync(path.join(data, 'postgresql.auto.conf'), uidOf('postgres'), gidOf('postgres'));
  const start = () => void asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', 'start']);
  start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: (mode = 'fast') => void asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start,
    psql: (sql, database = 'postgres') =>
      execFileSync(`${BIN}/psql`, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, '-Atc', sql], { encoding: 'utf8' }),
    destroy() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
