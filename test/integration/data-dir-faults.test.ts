// `start` on a DATA_DIR it cannot use (under a file, full, read-only) stops with a non-zero exit and a
// message that names the path and the cause, never PGlite's bare `ErrnoError { errno: 51 }`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN } from '../helpers/process.js';

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [...MAIN, 'start'], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });

/** Runs a setup command as root, or says it cannot (then that case is skipped). */
function may(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'wsfr-datadir-'));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('start on a DATA_DIR it cannot use', () => {
  it('names the path and ENOTDIR when DATA_DIR lies under a regular file', () => {
    const file = path.join(scratch, 'not-a-directory');
    writeFileSync(file, 'x');
    const dataDir = path.join(file, 'data');
    const result = run({ DATA_DIR: dataDir });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`DATA_DIR ${dataDir} is not a directory`);
    expect(result.stderr).toContain('ENOTDIR');
    expect(result.stderr).not.toMatch(/ErrnoError|\n\s+at /);
  });

  const full = path.join(scratch, 'full');
  mkdirSync(full);
  const mounted = may('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', full]);
  if (mounted) cleanups.push(() => may('umount', [full]));
  it.skipIf(!mounted)('names the path and "no space left on device" when DATA_DIR is full', () => {
    const dataDir = path.join(full, 'data');
    const result = run({ DATA_DIR: dataDir });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`DATA_DIR ${dataDir} is full (ENOSPC: no space left on device)`);
    expect(result.stderr).not.toMatch(/ErrnoError|\n\s+at /);
  });

  const frozen = path.join(scratch, 'frozen');
  mkdirSync(frozen);
  const immutable = may('chattr', ['+i', frozen]);
  if (immutable) cleanups.push(() => may('chattr', ['-i', frozen]));
  it.skipIf(!immutable)('names the path and the cause when DATA_DIR cannot be written (immutable, as root)', () => {
    const result = run({ DATA_DIR: frozen });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`DATA_DIR ${frozen} is not writable (EPERM: operation not permitted)`);
  });
});
