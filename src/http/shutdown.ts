// Graceful shutdown of the HTTP side: once draining begins (SIGTERM, see serve() in src/main.ts)
// /ready answers 503 so load balancers stop sending, every new request — including those the board
// fast lane would answer — gets `503 shutting_down` with Retry-After and `Connection: close`, and the
// requests already in flight are counted down so the process exits as soon as they are answered.
// The listener stays open meanwhile: a refused connection tells a client nothing, a 503 says "retry".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './plugins/app/errors.js';

/** Seconds a client should wait before retrying elsewhere: another replica is usually ready at once. */
export const SHUTTING_DOWN_RETRY_AFTER_SECONDS = 2;

export interface Shutdown {
  readonly draining: boolean;
  /** Stop taking new requests (readiness false from now on). */
  begin(): void;
  /** Counts a request until its response has finished or its connection closed. */
  track(res: ServerResponse): void;
  /** Resolves true once no request is in flight, or false when `timeoutMs` passed first. */
  drained(timeoutMs: number): Promise<boolean>;
}

export function createShutdown(): Shutdown {
  let draining = false;
  let inFlight = 0;
  const waiters = new Set<() => void>();
  const settle = () => {
    if (inFlight === 0) for (const wake of waiters) wake();
  };
  return {
    get draining() {
      return draining;
    },
    begin() {
      draining = true;
    },
    track(res) {
      inFlight += 1;
      res.once('close', () => {
        inFlight -= 1;
        settle();
      });
    },
    drained(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve(true);
        };
        waiters.add(done);
      });
    },
  };
}

/** The answer to a request that arrives while draining, written straight on the Node response. */
export function refuseWhileDraining(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  const body = JSON.stringify(errorBody('shutting_down', 'This server is shutting down; retry and another one will answer'));
  res.writeHead(503, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(SHUTTING_DOWN_RETRY_AFTER_SECONDS),
    connection: 'close',
  });
  res.end(body);
}

/** Probes keep their answers while draining: /ready says "not ready", /health "alive", /metrics counts. */
export const passesWhileDraining = (req: IncomingMessage, probePaths: ReadonlySet<string>) => probePaths.has((req.url ?? '').split('?')[0]!);
