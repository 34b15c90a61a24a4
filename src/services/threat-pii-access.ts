// recordPiiAccess: call it wherever personal data is shown or exported to a person (full request
// records with wedding context, account details, GDPR exports). Every call is audited as the
// brief's `user_data_accessed`; staff access that is off-hours or bulk is also recorded as
// `insider_access_anomaly` and counted (insider_access_anomalies_total → InsiderAccessAnomaly).
// It writes with the caller's database handle, so inside a transaction it commits with the access.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { auditEvents } from '../db/schema.js';
import { insiderAnomalies, type InsiderAnomaly } from '../security/threats/insider.js';
import { threatMetrics } from '../security/threats/metrics.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';

export interface PiiAccess {
  /** Who looked: a signed-in person (their time zone decides what "off-hours" means). */
  actor: { id: string; role: string; timeZone: string };
  requestId?: string;
  kind: 'read' | 'export';
  /** What kind of record, and which (ids or, for large exports, just how many). */
  subjectType: string;
  subjectIds?: string[];
  records?: number;
  /** The personal fields shown, e.g. ['weddingContext.coupleNames', 'email']. */
  fields: string[];
  purpose: string;
  justification?: string;
}

export async function recordPiiAccess(s: Services, access: PiiAccess, db: Database = s.db): Promise<{ anomalies: InsiderAnomaly[] }> {
  const records = access.records ?? access.subjectIds?.length ?? 1;
  const policy = s.config.insiderAccessPolicy;
  const now = s.now();
  const call = { actor: access.actor, requestId: access.requestId };
  const staff = policy.staffRoles.includes(access.actor.role);
  const recentRecords = staff ? await recordsReadWithin(db, access.actor.id, policy.bulkWindowMinutes) : 0;

  await recordAudit(db, call, {
    action: 'user_data_accessed',
    targetType: access.subjectType,
    targetId: access.subjectIds?.length === 1 ? access.subjectIds[0] : undefined,
    details: { kind: access.kind, records, fields: access.fields, purpose: access.purpose, ...(access.justification ? { justification: access.justification } : {}) },
  });
  if (!staff) return { anomalies: [] };

  const anomalies = insiderAnomalies(policy, { at: now, timeZone: access.actor.timeZone, kind: access.kind, records, recentRecords });
  if (anomalies.length > 0) {
    await recordAudit(db, call, {
      action: 'insider_access_anomaly',
      targetType: access.subjectType,
      details: { anomalies, kind: access.kind, records, recentRecords, purpose: access.purpose, at: now.toISOString(), timeZone: access.actor.timeZone },
    });
    for (const kind of anomalies) threatMetrics.insiderAccess.inc({ kind });
  }
  return { anomalies };
}

/**
 * PII records this person accessed in the last `minutes`, summed from their audit trail (the same
 * on every replica). The database's clock, since it stamped the events.
 */
async function recordsReadWithin(db: Database, actorId: string, minutes: number): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum((${auditEvents.details}->>'records')::int), 0)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, 'user_data_accessed'), gt(auditEvents.createdAt, sql`now() - make_interval(mins => ${minutes})`)));
  return Number(row?.total ?? 0);
}
