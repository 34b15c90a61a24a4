// purge_expired_audit_events: the retention classes enforced (7 / 3 / 1 years), each chain's
// expired prefix replaced by a signed checkpoint so `audit verify` still proves what remains; and
// checkpoint_audit_chains: every lane's head signed every few minutes, so a cut tail is caught.
import { CHECKPOINT_AUDIT_CHAINS, PURGE_EXPIRED_AUDIT_EVENTS } from '../../queue/contracts.js';
import { checkpointAuditChains, purgeExpiredAuditEvents } from '../../services/audit.js';
import { auditSigningKey } from '../../services/audit-signing-key.js';
import { handle } from '../worker.js';

export const purgeExpiredAuditEventsJob = handle(PURGE_EXPIRED_AUDIT_EVENTS, async (_job, s) => {
  await purgeExpiredAuditEvents(s.db, auditSigningKey(s.config).key, s.now());
});

export const checkpointAuditChainsJob = handle(CHECKPOINT_AUDIT_CHAINS, async (_job, s) => {
  await checkpointAuditChains(s.db, auditSigningKey(s.config).key, s.now());
});
