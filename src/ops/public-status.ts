// The public status page's facts: which parts work, what is wrong now, what went wrong lately.
// It must keep answering when the database does not: the last state read successfully is kept in
// memory and served, marked stale, alongside the live component checks.
import { desc, inArray, isNotNull } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client.js';
import { incidents } from '../db/schema.js';
import type { Services } from '../services/context.js';
import type { Metrics } from './metrics.js';
import { platformHealth, type ComponentStatus } from './platform-health.js';

/** The brief's wedding_day_outage communication template. */
export const WEDDING_DAY_MESSAGE =
  'We are experiencing technical difficulties and are working urgently to restore service. Your wedding day is our priority.';

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

const incidentColumns = {
  summary: incidents.summary,
  severity: incidents.severity,
  status: incidents.status,
  openedAt: incidents.openedAt,
  resolvedAt: incidents.resolvedAt,
};

export function createPublicStatus(services: Services, database: DatabaseHandle, metrics: Metrics) {
  let known: { asOf: Date; open: PublicIncident[]; recent: PublicIncident[] } | null = null;

  async function readIncidents() {
    const [open, recent] = await Promise.all([
      services.db.select(incidentColumns).from(incidents).where(inArray(incidents.status, ['open', 'acknowledged'])).orderBy(desc(incidents.openedAt)).limit(20),
      services.db.select(incidentColumns).from(incidents).where(isNotNull(incidents.resolvedAt)).orderBy(desc(incidents.resolvedAt)).limit(10),
    ]);
    known = { asOf: services.now(), open, recent };
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
      message: troubled ? WEDDING_DAY_MESSAGE : null,
      components: health.components.map((c) => ({ name: PUBLIC_COMPONENT_NAMES[c.name] ?? c.name, status: c.status })),
      openIncidents,
      recentIncidents: shown?.recent ?? [],
    };
  };
}
