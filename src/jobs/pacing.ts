// The embedded default runs the job worker on the HTTP server's event loop, beside PGlite, whose
// queries run on that loop too: every millisecond a job spends embedding text or writing the index is
// a millisecond no visitor is answered. So there the worker runs at background priority: when the
// server gets busy it starts nothing new for `busyGapMs`; while it stays busy it runs one job at a
// time and rests between jobs for at least `busyGapMs` and long enough that jobs take no more than
// `busyShare` of the time (a 1 s job is followed by 19 s of rest at 5 %); when the server is quiet it
// runs at full concurrency. A backlog still drains under sustained
// load, slowly; a separate `worker` process (cluster mode) is not paced.

/** Requests seen by the server, as a rate over the last second (two half-second buckets). */
export class RequestActivity {
  private bucketStart = 0;
  private current = 0;
  private previous = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  record(): void {
    this.roll();
    this.current += 1;
  }

  /** Requests per second, over the last 0.5–1 s. */
  rate(): number {
    this.roll();
    const elapsed = this.now() - this.bucketStart;
    return ((this.previous + this.current) * 1000) / (BUCKET_MS + Math.max(elapsed, 1));
  }

  private roll() {
    const now = this.now();
    const buckets = Math.floor((now - this.bucketStart) / BUCKET_MS);
    if (buckets <= 0) return;
    this.previous = buckets === 1 ? this.current : 0;
    this.current = 0;
    this.bucketStart += buckets * BUCKET_MS;
  }
}

const BUCKET_MS = 500;

export interface Pacing {
  /** How many jobs may start now, given `free` slots and `running` jobs (0 means ask again later). */
  take(free: number, running: number): number;
  /** A job that take() let start has ended after `ms`. */
  finished(ms: number): void;
  /** When to ask again after take() gave 0. */
  retryInMs(): number;
}

export interface PacingOptions {
  /** From this many requests per second the server counts as busy. */
  busyRequestsPerSecond: number;
  /** While busy, the least rest between one job's end and the next one's start. */
  busyGapMs: number;
  /** While busy, the most of the time that jobs may take (0–1). */
  busyShare: number;
}

export const EMBEDDED_PACING: PacingOptions = { busyRequestsPerSecond: 20, busyGapMs: 10_000, busyShare: 0.05 };

/** Background priority behind the requests that `activity` counts. */
export function yieldToRequests(activity: RequestActivity, options: PacingOptions = EMBEDDED_PACING, now: () => number = () => performance.now()): Pacing {
  // When the next job may start while the server is busy.
  let restUntil = -Infinity;
  let wasBusy = false;
  const busy = () => activity.rate() >= options.busyRequestsPerSecond;
  return {
    take(free, running) {
      if (free <= 0) return 0;
      const busyNow = busy();
      // A rush has begun: the requests get the loop to themselves for a while first.
      if (busyNow && !wasBusy) restUntil = Math.max(restUntil, now() + options.busyGapMs);
      wasBusy = busyNow;
      if (!busyNow) return free;
      if (running > 0 || now() < restUntil) return 0;
      restUntil = Infinity; // until this job has finished
      return 1;
    },
    finished(ms) {
      restUntil = now() + Math.max(options.busyGapMs, (ms * (1 - options.busyShare)) / options.busyShare);
    },
    retryInMs: () => Math.max(50, Math.min(options.busyGapMs, restUntil - now())),
  };
}
