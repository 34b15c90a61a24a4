// A PostgreSQL server run from its own data directory with PostgreSQL's own tools (initdb, pg_ctl):
// the temporary server a point-in-time restore recovers in, and the throwaway clusters of the
// restore drill and its tests. PostgreSQL refuses to run as root, so when we are root every server
// command runs as the `postgres` user (`runuser -u postgres --`) and the directories it needs are
// given to that user.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const execFileAsync = promisify(execFile);

const SERVER_USER = 'postgres';

/** Where the server binaries are: Debian keeps them out of PATH, in /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((d) => /^\d+$/.test(d) && existsSync(path.join(debian, d, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return path.join(debian, majors[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

export function postgresTool(name: string): string {
  const dir = postgresBinDir();
  if (!dir) throw new Error(`PostgreSQL server binaries not found (${name}): install postgresql (Debian: /usr/lib/postgresql/<major>/bin)`);
  return path.join(dir, name);
}

const asRoot = () => process.getuid?.() === 0;

/** argv that runs `command` as the server's user (unchanged when we are not root). */
export function asServerUser(command: string, args: string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', SERVER_USER, '--', command, ...args]] : [command, args];
}

async function serverUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', SERVER_USER]), execFileAsync('id', ['-g', SERVER_USER])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Gives `paths` (recursively) to the server's user when we are root; a no-op otherwise. */
export async function giveToServerUser(...paths: string[]): Promise<void> {
  if (!asRoot()) return;
  const { uid, gid } = await serverUserIds();
  for (const p of paths) {
    await execFileAsync('chown', ['-R', `${uid}:${gid}`, p]);
    await chown(p, uid, gid);
  }
}

async function runServerTool(name: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const [command, argv] = asServerUser(postgresTool(name), args);
  try {
    const { stdout, stderr } = await execFileAsync(command, argv, { env: env ?? process.env, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${name} failed: ${(e.stderr || e.stdout || e.message).trim()}`, { cause: err });
  }
}

export interface LocalServer {
  dataDir: string;
  port: number;
  /** postgres:// URL of the `postgres` database on 127.0.0.1 (trust or the cluster's own rules). */
  url: string;
  logFile: string;
}

export function localUrl(port: number, database = 'postgres'): string {
  return `postgres://${SERVER_USER}@127.0.0.1:${port}/${database}`;
}

/**
 * A new cluster in `dataDir` (which must not exist or be empty): trust authentication on loopback
 * only, including replication connections (pg_basebackup), no Unix socket, and `settings` appended
 * to its postgresql.conf. For drills and tests: never for data anyone keeps.
 */
export async function initCluster(dataDir: string, port: number, settings: Record<string, string | number> = {}): Promise<LocalServer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await giveToServerUser(dataDir);
  await runServerTool('initdb', ['-D', dataDir, '-U', SERVER_USER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const lines = Object.entries({ listen_addresses: '127.0.0.1', port, unix_socket_directories: '', fsync: 'off', ...settings }).map(
    ([name, value]) => `${name} = ${typeof value === 'number' ? value : `'${value.replaceAll("'", "''")}'`}`,
  );
  await appendFile(path.join(dataDir, 'postgresql.conf'), `\n# throwaway cluster (restore drill / tests)\n${lines.join('\n')}\n`);
  return { dataDir, port, url: localUrl(port), logFile: `${dataDir}.log` };
}

/**
 * Starts the server on `dataDir` and returns once the postmaster is up (pg_ctl -w; a server in
 * recovery is "up" once it accepts read-only connections). `options` go to the postgres command line.
 */
export async function startServer(server: LocalServer, options: string[] = []): Promise<void> {
  // The server gets a bare environment: its archive and restore commands name everything they
  // need, so no secret of ours ends up in the postmaster's environment.
  if (!existsSync(server.logFile)) {
    await appendFile(server.logFile, '');
    await giveToServerUser(server.logFile);
  }
  const postmasterOptions = ['-p', String(server.port), ...options].join(' ');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' };
  await runServerTool('pg_ctl', ['-D', server.dataDir, '-l', server.logFile, '-w', '-t', '300', '-o', postmasterOptions, 'start'], env).catch(
    async (err: Error) => {
      throw new Error(`${err.message}\n${await tail(server.logFile)}`);
    },
  );
}

/** Stops the server (fast shutdown: clients are disconnected, the shutdown checkpoint is written). */
export async function stopServer(server: Pick<LocalServer, 'dataDir'>, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  if (!existsSync(path.join(server.dataDir, 'postmaster.pid'))) return;
  await runServerTool('pg_ctl', ['-D', server.dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
}

/** The last lines of a server log, for error messages. */
export async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** One short-lived connection for a few administrative statements. */
export async function withConnection<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  // No array-type lookup on connect: these short connections read scalars only, and that lookup's
  // failure when the server goes away mid-connect (a recovery that stops) escaped as an unhandled rejection.
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, fetch_types: false });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
