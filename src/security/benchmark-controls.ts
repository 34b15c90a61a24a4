// Security controls that the security-under-load benchmark (bench/security.ts) switches off, to
// measure what field encryption, the audit trail and rate limiting cost. This is deliberately not
// configuration: no environment variable, file or CLI verb reaches it — only the benchmark's own
// server entry (bench/security-server.ts) calls switchOffForBenchmark — and it refuses to switch
// anything off in a process running with NODE_ENV=production, so no deployment can be weakened by it.
export interface SecurityControls {
  /** AES-256-GCM sealing and opening of fields, personal-key unwrapping (blind indexes stay). */
  encryption: boolean;
  /** Hash-chained audit events. */
  audit: boolean;
  /** Per-role rate limits and the scraping guard. */
  rateLimits: boolean;
}

const ALL_ON: Readonly<SecurityControls> = Object.freeze({ encryption: true, audit: true, rateLimits: true });
let current: Readonly<SecurityControls> = ALL_ON;

export function securityControls(): Readonly<SecurityControls> {
  return current;
}

/** Switches the given controls off and the others on (`{}`: everything on again). */
export function switchOffForBenchmark(off: Partial<Record<keyof SecurityControls, false>>, nodeEnv = process.env.NODE_ENV): void {
  if (nodeEnv === 'production') throw new Error('security controls cannot be switched off with NODE_ENV=production');
  current = Object.freeze({ ...ALL_ON, ...off });
}
