// What every use case is called with: the database, the configuration, a clock (tests control
// time), the keyring, and who is acting.
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { SharedState } from '../db/shared-state.js';
import type { Actor } from '../domain/access-control.js';
import type { BusinessSize, UserRole } from '../domain/feature-requests.js';
import type { Keyring } from '../security/keyring.js';
import type { DeploymentState } from './deployment-state.js';

export interface Services {
  db: Database;
  config: Config;
  now: () => Date;
  /** Field encryption and blind indexes: services seal and open through src/security/records.ts. */
  keyring: Keyring;
  /** What the deployment's replicas share: Redis and its broadcasts, or this process's memory when embedded. */
  shared: SharedState;
  /** What use cases remember per deployment: sign-in attempts, readers' counts, the credential cache. */
  state: DeploymentState;
}

/** A signed-in user as the services see them: enough to decide access without another query. */
export interface Principal extends Actor {
  role: UserRole;
  displayName: string;
  businessSize: BusinessSize | null;
  region: string;
  timeZone: string;
  /** When the account was created: vote-manipulation rules treat young accounts differently. */
  accountCreatedAt: Date;
  /** How they authenticated: only cookie sessions need CSRF protection. */
  via: 'session' | 'token';
  sessionId?: string;
  /** The synthetic probes' service account: its calls are the platform checking itself. */
  synthetic?: boolean;
}

/** Who did it and under which HTTP request, for the audit trail. */
export interface Call {
  actor: Principal;
  requestId?: string;
}
