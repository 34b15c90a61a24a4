// One writer per embedded data directory: a live holder keeps it, a lock left by a killed process
// (or half-written) is taken over, and a process only ever removes its own lock.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUse, dataDirHolder, LOCK_FILE, lockDataDir, type DataDirHolder } from '../../../src/db/data-dir-lock.js';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'wsfr-lock-'));

/** The pid of a process that has exited (and so holds nothing). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const lockOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as DataDirHolder;

describe('data directory lock', () => {
  it('records who holds it and how to reach it, and keeps a second opener out', async () => {
    const dir = freshDir();
    const lock = await lockDataDir(dir, { verb: 'start', operatorSocket: path.join(dir, 'operator.sock') });
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, hostname: hostname(), verb: 'start', operatorSocket: path.join(dir, 'operator.sock') });
    await expect(lockDataDir(dir, { verb: 'verify-supplier' })).rejects.toBeInstanceOf(DataDirInUse);
    await expect(lockDataDir(dir, { verb: 'verify-supplier' })).rejects.toThrow(`DATA_DIR ${dir} is in use by process ${process.pid}`);
    expect(await dataDirHolder(dir)).toMatchObject({ pid: process.pid, verb: 'start' });
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(await dataDirHolder(dir)).toBeNull();
    (await lockDataDir(dir, { verb: 'migrate' })).release();
  });

  it('takes over a lock left by a process that was killed, keeping it aside for inspection', async () => {
    const dir = freshDir();
    const stale: DataDirHolder = {
      pid: deadPid(),
      hostname: hostname(),
      processStart: '1',
      startedAt: '2026-12-06T02:00:00.000Z',
      verb: 'start',
      operatorSocket: null,
    };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(stale));
    expect(await dataDirHolder(dir)).toBeNull();
    const lock = await lockDataDir(dir, { verb: 'start' });
    expect(lockOf(dir).pid).toBe(process.pid);
    expect(JSON.parse(readFileSync(path.join(dir, `${LOCK_FILE}.stale`), 'utf8'))).toEqual(stale);
    lock.release();
  });

  it('does not mistake a reused pid for the holder', async () => {
    // After a container restart the pid in the lock can belong to another program: its start differs.
    const dir = freshDir();
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, hostname: hostname(), processStart: '0', startedAt: '', verb: 'start', operatorSocket: null }),
    );
    const lock = await lockDataDir(dir, { verb: 'start' });
    expect(lockOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a half-written lock', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
    const lock = await lockDataDir(dir, { verb: 'start' });
    expect(lockOf(dir).verb).toBe('start');
    lock.release();
  });

  it('never removes a lock another process has since taken', async () => {
    const dir = freshDir();
    const lock = await lockDataDir(dir, { verb: 'start' });
    const successor: DataDirHolder = { ...lock.holder, pid: process.ppid, startedAt: new Date(Date.now() + 1000).toISOString() };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(successor));
    lock.release();
    expect(lockOf(dir)).toEqual(successor);
  });
});
