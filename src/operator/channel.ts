// The operator channel of an embedded server: a Unix socket in DATA_DIR, mode 0600, so only the OS
// user that owns the data can use it (the same user that could read the files). A command line run
// while the server holds the data directory sends its command here and the server runs it on its
// own services, so the change is made once, in the one process that owns the database.
// Protocol, JSON lines: `{argv, env, notAfter}` in; `{"accepted":true}` when the server takes it on,
// then an OperatorResult, then the server closes. A server that does not accept in time (stuck,
// stopped) never runs it later: it refuses requests past their `notAfter`.
import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { findCommand, runOperatorCommand, type OperatorContext, type OperatorResult } from './commands.js';

export const OPERATOR_SOCKET = 'operator.sock';

export const operatorSocketPath = (dataDir: string) => path.join(dataDir, OPERATOR_SOCKET);

/** Commands are a few words and an email or two; anything longer is not one of ours. */
const MAX_REQUEST_BYTES = 64 * 1024;

interface OperatorRequest {
  argv: string[];
  env: Record<string, string>;
  /** Epoch ms: after this the caller has given up and said so; the command must not run. */
  notAfter: number;
}

/**
 * How long a caller waits for the server to accept; then the grace during which its answer may still
 * arrive. Generous: a busy server's event loop (duplicate detection, a backlog) can stall for seconds.
 */
const ACCEPT_WITHIN_MS = 60_000;
const ACCEPT_GRACE_MS = 5_000;

function isRequest(value: unknown): value is OperatorRequest {
  // Every field is checked: the socket may send anything.
  const r = value as { argv?: unknown; env?: unknown; notAfter?: unknown } | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Array.isArray(r.argv) &&
    r.argv.every((a) => typeof a === 'string') &&
    typeof r.env === 'object' &&
    r.env !== null &&
    Object.values(r.env).every((v) => typeof v === 'string') &&
    typeof r.notAfter === 'number'
  );
}

/** Reads one newline-terminated line (at most `limit` bytes); null when the peer closes first. */
function readLine(socket: Socket, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        socket.off('data', onData);
        resolve(buffered.slice(0, end));
      } else if (buffered.length > limit) {
        socket.off('data', onData);
        reject(new Error(`request longer than ${limit} bytes`));
      }
    };
    socket.on('data', onData);
    socket.once('end', () => resolve(null));
    socket.once('error', reject);
  });
}

export interface OperatorChannel {
  socketPath: string;
  close(): Promise<void>;
}

/** Listens on `socketPath` (this process holds the data directory, so a socket file there is stale). */
export async function listenForOperators(socketPath: string, context: OperatorContext, log: Logger): Promise<OperatorChannel> {
  const handle = async (socket: Socket) => {
    const reply = (result: OperatorResult) => socket.end(`${JSON.stringify(result)}\n`);
    let request: unknown;
    try {
      const line = await readLine(socket, MAX_REQUEST_BYTES);
      if (line === null) return socket.destroy();
      request = JSON.parse(line);
    } catch (err) {
      return reply({ exitCode: 1, error: `operator channel: unreadable request (${(err as Error).message})` });
    }
    if (!isRequest(request)) return reply({ exitCode: 1, error: 'operator channel: a request is {"argv": [...], "env": {...}}' });
    if (Date.now() > request.notAfter) return reply({ exitCode: 75, error: 'operator channel: the request arrived after its caller gave up; not run' });
    const found = findCommand(request.argv);
    if (!found) return reply({ exitCode: 64, error: `operator channel: no operator command "${request.argv.join(' ')}"` });
    socket.write(`${JSON.stringify({ accepted: true })}\n`);
    const started = performance.now();
    try {
      const result = await runOperatorCommand(context, found.command, found.args, request.env);
      // The command's name only: its arguments may name a member.
      log.info({ command: found.command.name, exitCode: result.exitCode, ms: Math.round(performance.now() - started) }, 'operator command run');
      reply(result);
    } catch (err) {
      log.error({ err, command: found.command.name }, 'operator command failed');
      reply({ exitCode: 1, error: `${found.command.name} failed in the running server: ${(err as Error).message}` });
    }
  };
  const server = createServer((socket) => {
    socket.on('error', () => {}); // a client gone mid-reply is its own business
    void handle(socket);
  });
  try {
    unlinkSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The umask already keeps others from connecting (no write permission); 0600 says so outright.
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        // Commands already running finish; the socket file goes at once so nobody new connects.
        server.close(() => resolve());
        try {
          unlinkSync(socketPath);
        } catch {
          // already gone
        }
      }),
  };
}

/** The server's socket does not answer (not yet listening, stuck, or gone). */
export class ChannelUnreachable extends Error {}

/**
 * Runs a command in the server behind `socketPath`. A server that does not accept it in time has
 * not run it and never will (ChannelUnreachable); a reply that never comes after it accepted (the
 * server stopped mid-command) is reported as unknown, never as success.
 */
export function forwardToServer(socketPath: string, argv: string[], env: Record<string, string>): Promise<OperatorResult> {
  return new Promise((resolve, reject) => {
    const request: OperatorRequest = { argv, env, notAfter: Date.now() + ACCEPT_WITHIN_MS };
    const socket = connect(socketPath);
    let accepted = false;
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(
        new ChannelUnreachable(`${socketPath}: connected, but the server did not take the command on within ${ACCEPT_WITHIN_MS / 1000} s (it will not run it)`),
      );
    }, ACCEPT_WITHIN_MS + ACCEPT_GRACE_MS);
    socket.once('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (!accepted && answer.includes('\n')) {
        const first = answer.slice(0, answer.indexOf('\n'));
        accepted = first === JSON.stringify({ accepted: true });
        if (accepted) {
          clearTimeout(giveUp);
          answer = answer.slice(first.length + 1);
        }
      }
    });
    socket.once('error', (err) => {
      if (!accepted && answer === '') {
        clearTimeout(giveUp);
        reject(new ChannelUnreachable(`${socketPath}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      }
    });
    socket.once('close', () => {
      clearTimeout(giveUp);
      try {
        resolve(JSON.parse(answer) as OperatorResult);
      } catch {
        if (!accepted) reject(new ChannelUnreachable(`${socketPath}: closed without taking the command on`));
        else
          resolve({
            exitCode: 1,
            error: 'the server closed the operator channel before answering: whether the command took effect is unknown; check before running it again',
          });
      }
    });
  });
}
