// What the use cases remember between calls, kept per deployment rather than per process, so that
// N replicas behave like one: failed sign-ins, bulk readers' counts (in Redis when the deployment
// has one, see db/shared-records.ts) and the credential cache (per replica, evicted on every replica
// through the deployment's broadcast). Built once where the services are (main.ts, the tests' app).
import type { Configuration } from 'openid-client';
import type { Config } from '../config.js';
import { sharedRecords, type SharedRecords } from '../db/shared-records.js';
import type { SharedState } from '../db/shared-state.js';
import type { AttemptRecord } from '../domain/login-throttle.js';
import type { ReaderState } from '../domain/scraping.js';
import { CredentialCache } from './credential-cache.js';

export interface DeploymentState {
  /** Failed sign-ins per account and per address (services/login-throttle.ts). */
  loginAttempts: SharedRecords<AttemptRecord>;
  /** Reads of the board's records per client (the scraping guard). */
  readers: SharedRecords<ReaderState>;
  credentials: CredentialCache;
  /** The OpenID Connect provider's discovered metadata and keys (per replica; a failed discovery is retried). */
  oidcProvider: { discovered?: Promise<Configuration> };
}

export function deploymentState(shared: SharedState, now: () => Date, config: Pick<Config, 'scrapingPolicy'>): DeploymentState {
  const clock = () => now().getTime();
  const windowMs = config.scrapingPolicy.windowSeconds * 1000;
  return {
    loginAttempts: sharedRecords<AttemptRecord>(shared, { name: 'login-attempts', now: clock, expiresAt: (r) => r.expiresAt }),
    // A reader's count matters until its window (which a block moves past the cool-off) is over.
    readers: sharedRecords<ReaderState>(shared, { name: 'readers', now: clock, expiresAt: (r) => Math.max(r.blockedUntil, r.windowStart + windowMs) }),
    credentials: new CredentialCache(shared),
    oidcProvider: {},
  };
}
