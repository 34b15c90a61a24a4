// purge_expired_audit_events: the retention classes enforced (7 / 3 / 1 years), each chain's
// expired prefix replaced by a signed checkpoint so `audit verify` still proves what remains.
import { purgeExpiredAuditEvents } from '../../services/audit.js';
import { auditSigningKey } from '../../services/audit-signing-key.js';
import type { Services } from '../../services/context.js';
import type { JobHandler } from '../worker.js';

export const PURGE_EXPIRED_AUDIT_EVENTS = 'purge_expired_audit_events';

export const purgeExpiredAuditEventsJob: JobHandler = async (_job, s: Services) => {
  await purgeExpiredAuditEvents(s.db, auditSigningKey(s.config).key, s.now());
};
