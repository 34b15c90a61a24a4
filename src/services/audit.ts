// Accountability: an audit event is written in the same transaction as the change it describes,
// so a change can never exist without its record.
import type { Database } from '../db/client.js';
import { auditEvents } from '../db/schema.js';
import type { Call } from './context.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Database, call: Pick<Call, 'requestId'> & { actor: { id: string; role: string } | null }, entry: AuditEntry) {
  await db.insert(auditEvents).values({
    actorId: call.actor?.id ?? null,
    actorRole: call.actor?.role ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
    requestId: call.requestId ?? null,
  });
}
