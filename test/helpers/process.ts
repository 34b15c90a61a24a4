// The product as a real process (`node src/main.ts start` through tsx), for tests that need what
// only a process shows: exit codes, logs, restarts, a real port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const MAIN = ['--import', 'tsx', 'src/main.ts'];

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  base: string;
  log: () => string;
  stop(): Promise<number | null>;
}

/** `readyWithinMs`: a first start loads the demo data, which takes minutes on a busy machine. */
export async function start(env: Record<string, string>, { readyWithinMs = 180_000 } = {}): Promise<Running> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...MAIN, 'start'], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  // Generous by default: a first start (migrations, demo data, key generation) on a busy machine can take minutes.
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`start exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`no /health within ${readyWithinMs / 1000} s: ${output}`);
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    base,
    log: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
