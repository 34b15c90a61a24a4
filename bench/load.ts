// Driving load with autocannon and waiting for the server to drain: shared by `npm run bench` and
// the security-under-load benchmark.
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Samples } from './report.js';

let activeLoad: autocannon.Instance | undefined;

/** Ctrl-C: stop the load running now, if any. */
export function stopActiveLoad(): void {
  activeLoad?.stop();
}

export function runLoad(url: string, options: Omit<autocannon.Options, 'url'>, connections: number, durationS: number): Promise<Samples> {
  return new Promise((resolve, reject) => {
    const samples: Samples = { latenciesMs: [], statusCounts: new Map(), socketErrors: 0, timeouts: 0, durationS: 0 };
    const instance = autocannon({ ...options, url, connections, duration: durationS, timeout: 10 }, (err, result) => {
      activeLoad = undefined;
      if (err) {
        reject(err);
        return;
      }
      samples.durationS = result.duration;
      samples.socketErrors = result.errors; // includes timeouts
      samples.timeouts = result.timeouts;
      resolve(samples);
    });
    activeLoad = instance;
    // Our own record of every response: autocannon's histogram has no p95.
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      samples.latenciesMs.push(responseTimeMs);
      samples.statusCounts.set(statusCode, (samples.statusCounts.get(statusCode) ?? 0) + 1);
    });
  });
}

/**
 * Waits until the server has worked off requests autocannon abandoned when it stopped: /ready
 * queries the database, so it queues behind them; once it answers quickly the queue is empty.
 * Otherwise one scenario's backlog would slow the next, and stopping the server would cut those
 * requests off mid-query.
 */
export async function settle(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const started = Date.now();
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(15_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && Date.now() - started < 50) return;
    await sleep(50);
  }
}
