// One writer per embedded data directory. PGlite has no postmaster: two processes opening one
// DATA_DIR each run their own PostgreSQL on the same files, and one's writes are lost. The process
// that opens PGlite holds DATA_DIR/wedsync.lock, saying who it is and where it takes operator
// commands. The lock is a file created exclusively; one left by a killed process (kill -9, power
// loss) is recognised by its process being gone and taken over, so a restart always comes back.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'wedsync.lock';

export interface DataDirHolder {
  pid: number;
  hostname: string;
  /** The holder's start in clock ticks since boot (Linux): tells a reused pid from the holder. */
  processStart: string | null;
  startedAt: string;
  /** What it runs (`start`, `serve`, `rotate-keys`…). */
  verb: string;
  /** Where it takes operator commands (a Unix socket), when it does. */
  operatorSocket: string | null;
}

export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(`DATA_DIR ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} (${holder.verb}, since ${holder.startedAt})`);
  }
}

export interface DataDirLock {
  readonly holder: DataDirHolder;
  release(): void;
}

function processStartOf(pid: number | 'self'): string | null {
  try {
    // Field 22 of /proc/PID/stat; the command name (field 2) may contain spaces, so count from its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.setTimeout(2_000);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('timeout', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Whether the process that wrote `holder` still runs (a kill -9 leaves a lock behind). */
export async function holderAlive(holder: DataDirHolder): Promise<boolean> {
  if (holder.hostname !== hostname()) {
    // Another host or container sharing the volume: its pid means nothing here, its socket does.
    return holder.operatorSocket !== null && (await socketAnswers(holder.operatorSocket));
  }
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false; // kill(0) would signal our own group
  if (holder.pid === process.pid) return holder.processStart !== null && holder.processStart === processStartOf('self');
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid runs; after a container restart it may be another program's. /proc tells them apart.
  const now = processStartOf(holder.pid);
  return holder.processStart === null || now === null || now === holder.processStart;
}

function readHolder(file: string): DataDirHolder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DataDirHolder;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Half-written by a process killed while creating it: nobody holds it.
    if (err instanceof SyntaxError) return { pid: 0, hostname: hostname(), processStart: null, startedAt: '', verb: 'unknown', operatorSocket: null };
    throw err;
  }
}

/** Creates `file` holding `content`; false when it already exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file); // an empty lock (disk full) would only confuse the next start
    throw err;
  }
  closeSync(fd);
  return true;
}

/** Who holds `dataDir` now, or null when nobody alive does. */
export async function dataDirHolder(dataDir: string): Promise<DataDirHolder | null> {
  const holder = readHolder(path.join(dataDir, LOCK_FILE));
  return holder && (await holderAlive(holder)) ? holder : null;
}

/**
 * Takes the data directory for this process or throws DataDirInUse naming who has it. A stale lock
 * is taken over under a second, short-lived lock file, so two processes restarting at once cannot
 * both replace it.
 */
export async function lockDataDir(dataDir: string, about: { verb: string; operatorSocket?: string }): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const holder: DataDirHolder = {
    pid: process.pid,
    hostname: hostname(),
    processStart: processStartOf('self'),
    startedAt: new Date().toISOString(),
    verb: about.verb,
    operatorSocket: about.operatorSocket ?? null,
  };
  const content = `${JSON.stringify(holder, null, 2)}\n`;
  const lock: DataDirLock = {
    holder,
    release() {
      // Only our own lock: never one a later process took over.
      const now = readHolder(file);
      if (now?.pid === holder.pid && now.startedAt === holder.startedAt) unlinkSync(file);
    },
  };
  if (createExclusive(file, content)) return lock;

  const seen = readHolder(file);
  if (seen && (await holderAlive(seen))) throw new DataDirInUse(dataDir, seen);
  const takeover = `${file}.takeover`;
  if (!createExclusive(takeover, content)) {
    const other = readHolder(takeover);
    if (other && (await holderAlive(other))) throw new DataDirInUse(dataDir, other);
    unlinkSync(takeover); // left by a process killed during its own takeover
    return lockDataDir(dataDir, about);
  }
  try {
    const again = readHolder(file);
    if (again && JSON.stringify(again) !== JSON.stringify(seen)) {
      if (await holderAlive(again)) throw new DataDirInUse(dataDir, again);
    }
    // Renamed rather than deleted: the stale lock stays readable for whoever investigates the crash.
    if (again) renameSync(file, `${file}.stale`);
    if (!createExclusive(file, content)) {
      const winner = readHolder(file);
      throw new DataDirInUse(dataDir, winner ?? seen!);
    }
    return lock;
  } finally {
    unlinkSync(takeover);
  }
}
