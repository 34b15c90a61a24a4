// The last few minutes of traffic in this process, for the in-product health page: request count,
// share of 5xx and an approximate p95, kept in one bucket per second (fixed memory, no sorting).

const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 200, 350, 500, 750, 1000, 2000, 5000, Infinity];

interface Second {
  at: number;
  requests: number;
  errors: number;
  latency: number[];
}

export class RequestWindow {
  private readonly seconds: Second[];

  constructor(private readonly spanSeconds = 300) {
    this.seconds = Array.from({ length: spanSeconds }, () => ({ at: -1, requests: 0, errors: 0, latency: LATENCY_BOUNDS_MS.map(() => 0) }));
  }

  record(nowMs: number, status: number, ms: number) {
    const at = Math.floor(nowMs / 1000);
    const slot = this.seconds[at % this.spanSeconds]!;
    if (slot.at !== at) {
      slot.at = at;
      slot.requests = 0;
      slot.errors = 0;
      slot.latency.fill(0);
    }
    slot.requests += 1;
    if (status >= 500) slot.errors += 1;
    slot.latency[LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound)]! += 1;
  }

  /** Requests, 5xx share and p95 (upper bound of the bucket holding it) over the last `seconds`. */
  summary(nowMs: number, seconds = this.spanSeconds) {
    const now = Math.floor(nowMs / 1000);
    const latency = LATENCY_BOUNDS_MS.map(() => 0);
    let requests = 0;
    let errors = 0;
    for (const slot of this.seconds) {
      if (slot.at <= now - seconds || slot.at > now) continue;
      requests += slot.requests;
      errors += slot.errors;
      slot.latency.forEach((n, i) => (latency[i]! += n));
    }
    let seen = 0;
    const p95Index = latency.findIndex((n) => (seen += n) >= requests * 0.95);
    const p95 = requests === 0 ? null : LATENCY_BOUNDS_MS[p95Index]!;
    return { windowSeconds: seconds, requests, errorRate: requests === 0 ? 0 : errors / requests, p95Ms: p95 === Infinity ? 5000 : p95 };
  }
}
