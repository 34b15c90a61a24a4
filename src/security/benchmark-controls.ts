// Security controls that the security-under-load benchmark (bench/security.ts) switches off, to
// measure what field encryption, the audit trail and rate limiting cost. This is deliberately not
// configuration: no environment variable, file or CLI verb reaches it — only the benchmark's own
// server entry (bench/security-server.ts) passes them to start-up, which puts them in the service
// context it builds — and they cannot be made for a process running with NODE_ENV=production, so no
// deployment can be weakened by them.
export interface SecurityControls {
  /** AES-256-GCM sealing and opening of fields, personal-key unwrapping (blind indexes stay). */
  encryption: boolean;
  /** Hash-chained audit events. */
  audit: boolean;
  /** Per-role rate limits and the scraping guard. */
  rateLimits: boolean;
}

const ALL_ON: Readonly<SecurityControls> = Object.freeze({ encryption: true, audit: true, rateLimits: true });

/** The given controls off and the others on (`{}`: everything on). */
export function switchedOffForBenchmark(off: Partial<Record<keyof SecurityControls, false>>, nodeEnv = process.env.NODE_ENV): Readonly<SecurityControls> {
  if (nodeEnv === 'production') throw new Error('security controls cannot be switched off with NODE_ENV=production');
  return Object.freeze({ ...ALL_ON, ...off });
}
