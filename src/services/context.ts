// What every use case is called with: the database, the configuration, a clock (tests control
// time), the keyring, what the process and the deployment remember between calls, and who is acting.
// Built in one place (service-context.ts); no module keeps state of its own (test/unit/project/module-state.test.ts).
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { SharedState } from '../db/shared-state.js';
import type { Actor } from '../domain/access-control.js';
import type { BusinessSize, UserRole } from '../domain/feature-requests.js';
import type { EmbeddingModel } from '../ai/embedding-model.js';
import type { ThreatMetrics } from '../ops/threat-metrics.js';
import type { SecurityControls } from '../security/benchmark-controls.js';
import type { Keyring } from '../security/keyring.js';
import type { AuditLanes } from './audit.js';
import type { DeploymentState } from './deployment-state.js';
import type { DuplicateDetectionCaches } from './duplicate-detection.js';
import type { MailTransports } from './incident-channels.js';
import type { OnCallRosters } from './incidents.js';
import type { ProbeCredential } from './probes.js';

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
  /** Where this process left each audit chain's lanes, and which requests appended an event (services/audit.ts). */
  auditLanes: AuditLanes;
  /** The sentence encoder of duplicate detection and pain-point themes (loaded on first use). */
  embeddingModel: EmbeddingModel;
  /** Threat-protection counters (rate limits, scraping, insider access, vote manipulation), exported by this process's /metrics. */
  threatMetrics: ThreatMetrics;
  /** What this process keeps between calls: derived data, connections, the probe's token. */
  caches: ProcessCaches;
  /**
   * The security controls the security benchmark switched off (bench/security-server.ts only;
   * refused under NODE_ENV=production). Absent in every deployment: everything on.
   */
  benchmarkControls?: Readonly<SecurityControls>;
}

/** What this process keeps between use cases besides the audit lanes: each is only ever a shortcut. */
export interface ProcessCaches {
  /** Duplicate detection's derived data (services/duplicate-detection.ts). */
  duplicates: DuplicateDetectionCaches;
  /** The synthetic probe's API token, renewed daily (services/probes.ts). */
  probeCredential: ProbeCredential | undefined;
  /** One SMTP connection pool per escalation mail server (services/incident-channels.ts). */
  mailTransports: MailTransports;
  /** ONCALL_SCHEDULE_FILE, read once per path (services/incidents.ts). */
  onCallRosters: OnCallRosters;
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
