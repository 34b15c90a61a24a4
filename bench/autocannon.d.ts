// Just the part of autocannon's programmatic API the benchmark uses. The package ships no types
// and @types/autocannon is not a dependency; this keeps `tsc -p tsconfig.test.json` strict.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each send of this request; may return a changed copy. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      /** Called with every response to this request (header names as the server sent them). */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }

    /** One connection. `setupClient` receives it before its first request. */
    interface Client extends EventEmitter {
      setRequests(requests: Request[]): void;
      setHeaders(headers: Record<string, string>): void;
    }

    /** Paths go in `requests` (or the url): autocannon has no top-level `path` option. */
    interface Options {
      /** One server, or several: connection i goes to url[i % length]. */
      url: string | string[];
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Requests per second across all connections (a whole number ≥ 1; each connection gets its share). */
      overallRate?: number;
      /** Total requests to send; the run ends when they are answered (instead of after `duration`). */
      amount?: number;
      /** Milliseconds between its samples; a run with `amount` ends at the first sample after the last response (default 1000). */
      sampleInt?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      pipelining?: number;
      requests?: Request[];
      setupClient?: (client: Client) => void;
      title?: string;
    }

    /** hdr-histogram-percentiles-obj: p2_5, p50, p75, p90, p97_5, p99, p99_9… (no p95). */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      /** One server, or several: connection i goes to url[i % length]. */
      url: string | string[];
      connections: number;
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }

    interface Instance extends EventEmitter {
      stop(): void;
      on(event: 'response', listener: (client: Client, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  function autocannon(opts: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
