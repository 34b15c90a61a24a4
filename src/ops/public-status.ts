// The public status page's facts: which parts work, what is wrong now, what went wrong lately.
// It must keep answering when the database does not: the last state read successfully is kept in
// memory and served, marked stale, alongside the live component checks.
import { and, desc, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client.js';
import { incidents } from '../db/schema.js';
import { INTERNAL_ALERT_LABEL, STATUS_INCIDENT_FINGERPRINT, STATUS_TEMPLATES } from '../domain/status-announcements.js';
import type { Services } from '../services/context.js';
import type { Metrics } from './metrics.js';
import { platformHealth, type ComponentStatus } from './platform-health.js';

/** Said whenever something is wrong and no operator has declared what to say. */
export const WEDDING_DAY_MESSAGE = STATUS_TEMPLATES.wedding_day_outage;

const PUBLIC_COMPONENT_NAMES: Record<string, string> = {
  api: 'Feature request board and API',
  database: 'Data storage',
  background_jobs: 'Notifications and background processing',
};

export interface PublicIncident {
  summary: string;
  severity: string;
  status: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface PublicStatus {
  status: ComponentStatus;
  checkedAt: Date;
  /** When the incident lists were last read from the database. */
  incidentsAsOf: Date | null;
  stale: boolean;
  message: string | null;
  components: { name: string; status: ComponentStatus }[];
  openIncidents: PublicIncident[];
  recentIncidents: PublicIncident[];
}

/** Security detections stay internal (see INTERNAL_ALERT_LABEL). */
const publicIncident = sql`coalesce(${incidents.labels} ->> ${INTERNAL_ALERT_LABEL.name}, '') <> ${INTERNAL_ALERT_LABEL.value}`;

const incidentColumns = {
  summary: incidents.summary,
  severity: incidents.severity,
  status: incidents.status,
  openedAt: incidents.openedAt,
  resolvedAt: incidents.resolvedAt,
};

export function createPublicStatus(services: Services, database: DatabaseHandle, metrics: Metrics) {
  let known: { asOf: Date; open: PublicIncident[]; recent: PublicIncident[]; announcement: string | null } | null = null;

  async function readIncidents() {
    const [open, recent] = await Promise.all([
      services.db
        .select({ ...incidentColumns, fingerprint: incidents.fingerprint })
        .from(incidents)
        .where(and(inArray(incidents.status, ['open', 'acknowledged']), publicIncident))
        .orderBy(desc(incidents.openedAt))
        .limit(20),
      services.db
        .select(incidentColumns)
        .from(incidents)
        .where(and(isNotNull(incidents.resolvedAt), publicIncident))
        .orderBy(desc(incidents.resolvedAt))
        .limit(10),
    ]);
    // An incident an operator declared (`status incident open`) says what the page says.
    const announcement = open.find((i) => i.fingerprint === STATUS_INCIDENT_FINGERPRINT)?.summary ?? null;
    known = { asOf: services.now(), open: open.map(({ fingerprint: _internal, ...shown }) => shown), recent, announcement };
    return known;
  }

  return async function currentStatus(): Promise<PublicStatus> {
    const health = await platformHealth(services, database, metrics);
    const incidentsNow = health.components.find((c) => c.name === 'database')?.status === 'down' ? null : await readIncidents().catch(() => null);
    const shown = incidentsNow ?? known;
    const openIncidents = shown?.open ?? [];
    const troubled = health.status !== 'operational' || openIncidents.length > 0;
    return {
      status: health.status === 'operational' && openIncidents.some((i) => i.severity === 'critical') ? 'degraded' : health.status,
      checkedAt: health.checkedAt,
      incidentsAsOf: shown?.asOf ?? null,
      stale: incidentsNow === null,
      message: shown?.announcement ?? (troubled ? WEDDING_DAY_MESSAGE : null),
      components: health.components.map((c) => ({ name: PUBLIC_COMPONENT_NAMES[c.name] ?? c.name, status: c.status })),
      openIncidents,
      recentIncidents: shown?.recent ?? [],
    };
  };
}
