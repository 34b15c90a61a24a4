// recordPiiAccess: call it wherever personal data is shown or exported to a person other than the
// one it is about (full request records with wedding context or author, account details, exports
// for someone else) — once per showing. Every call is audited as the brief's `user_data_accessed`
// (accessor_id, data_type, justification); staff access that is off-hours or bulk is also recorded
// as `insider_access_anomaly` and counted (insider_access_anomalies_total → InsiderAccessAnomaly).
// It writes with the caller's database handle, so inside a transaction it commits with the access.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { auditEvents } from '../db/schema.js';
import { insiderAnomalies, type InsiderAnomaly } from '../domain/insider-access.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';

export interface PiiAccess {
  /**
   * Who looked: a signed-in person, or null for an operator at the command line — recorded, not
   * analysed: the CLI cannot tell who runs it. Off-hours are judged in the policy's working zone.
   */
  actor: { id: string; role: string } | null;
  requestId?: string;
  kind: 'read' | 'export';
  /** The brief's data_type: 'account', 'personal_data_export', 'feature_request' … */
  dataType: string;
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
  const { actor } = access;
  const call = { actor, requestId: access.requestId };
  const staff = actor !== null && policy.staffRoles.includes(actor.role);
  // The access and its anomaly are one record: both land or neither.
  const anomalies = await db.transaction(async (tx): Promise<InsiderAnomaly[]> => {
    const recentRecords = staff ? await recordsReadWithin(tx, actor.id, policy.bulkWindowMinutes) : 0;
    await recordAudit(s, tx, call, {
      action: 'user_data_accessed',
      targetType: access.subjectType,
      targetId: access.subjectIds?.length === 1 ? access.subjectIds[0] : undefined,
      details: {
        accessor_id: actor?.id ?? null,
        data_type: access.dataType,
        kind: access.kind,
        records,
        fields: access.fields,
        purpose: access.purpose,
        ...(access.justification ? { justification: access.justification } : {}),
      },
    });
    if (!staff) return [];
    const found = insiderAnomalies(policy, { at: now, kind: access.kind, records, recentRecords });
    if (found.length > 0) {
      await recordAudit(s, tx, call, {
        action: 'insider_access_anomaly',
        targetType: access.subjectType,
        details: {
          anomalies: found,
          kind: access.kind,
          records,
          recentRecords,
          purpose: access.purpose,
          at: now.toISOString(),
          timeZone: policy.workingTimeZone,
        },
      });
    }
    return found;
  });
  for (const kind of anomalies) s.threatMetrics.insiderAccess.inc({ kind });
  return { anomalies };
}

/**
 * A staff member changed their own time zone: flagged like an anomalous access (it is what dodged
 * off-hours detection when that followed the profile zone), inside `tx` with the change.
 */
export async function recordStaffTimeZoneChange(
  s: Services,
  tx: Database,
  call: { actor: { id: string; role: string }; requestId?: string },
  from: string,
  to: string,
) {
  if (!s.config.insiderAccessPolicy.staffRoles.includes(call.actor.role) || from === to) return false;
  await recordAudit(s, tx, call, {
    action: 'insider_access_anomaly',
    targetType: 'user',
    targetId: call.actor.id,
    details: { anomalies: ['time_zone_changed'], from, to, at: s.now().toISOString() },
  });
  return true;
}

/**
 * PII records this person accessed in the last `minutes`, summed from their audit trail (the same
 * on every replica). The database's clock, since it stamped the events.
 */
async function recordsReadWithin(db: Database, actorId: string, minutes: number): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum((${auditEvents.details}->>'records')::int), 0)::int` })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.actorId, actorId),
        eq(auditEvents.action, 'user_data_accessed'),
        gt(auditEvents.createdAt, sql`now() - make_interval(mins => ${minutes})`),
      ),
    );
  return Number(row?.total ?? 0);
}
