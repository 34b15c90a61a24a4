// Every job type the product runs, paired with its contract (src/queue/contracts.ts), and the
// housekeeping schedule: one place to look.
import {
  CATCH_UP_DUPLICATE_DETECTION,
  CHECKPOINT_AUDIT_CHAINS,
  GENERATE_PAIN_POINT_THEMES,
  jobSpec,
  PURGE_EXPIRED_AUDIT_EVENTS,
  PURGE_EXPIRED_IDEMPOTENCY_KEYS,
  PURGE_EXPIRED_SESSIONS,
  PURGE_FINISHED_JOBS,
  QUEUE_NOTIFICATION_DIGESTS,
  ROTATE_ENCRYPTION_KEYS,
  RUN_BACKUP_SCHEDULE,
} from '../queue/contracts.js';
import { checkpointAuditChainsJob, purgeExpiredAuditEventsJob } from './handlers/audit-retention.js';
import { purgeCdn } from './handlers/cdn-purge.js';
import { catchUpDuplicateDetection, detectDuplicates } from './handlers/duplicate-detection.js';
import { finishErasuresJob } from './handlers/erasures.js';
import { deliverIncidentNotificationJob, escalateIncident } from './handlers/escalation.js';
import { rotateEncryptionKeys } from './handlers/key-rotation.js';
import { BACKUP_SCHEDULE_CHECK_MS, runBackupScheduleJob } from './handlers/backups.js';
import { purgeExpiredIdempotencyKeysJob, purgeExpiredSessions, purgeFinishedJobs } from './handlers/maintenance.js';
import { notifyRequestMerged } from './handlers/merges.js';
import {
  emailNotificationJob,
  notifyCommentPosted,
  notifyStatusChanged,
  queueNotificationDigests,
  sendAccountEmailJob,
  sendNotificationDigest,
  startPasswordResetJob,
} from './handlers/notifications.js';
import { generatePainPointThemesJob } from './handlers/pain-point-themes.js';
import { PROBE_SCHEDULES, runSyntheticProbe } from './handlers/probes.js';
import { recomputeRiceJob } from './handlers/rice.js';
import type { Config } from '../config.js';
import { deliverWebhookJob } from './handlers/webhooks.js';
import { handlerTable, type Schedule } from './worker.js';

export const JOB_HANDLERS = handlerTable(
  notifyStatusChanged,
  notifyCommentPosted,
  emailNotificationJob,
  sendAccountEmailJob,
  startPasswordResetJob,
  queueNotificationDigests,
  sendNotificationDigest,
  purgeExpiredSessions,
  purgeFinishedJobs,
  purgeExpiredIdempotencyKeysJob,
  purgeExpiredAuditEventsJob,
  checkpointAuditChainsJob,
  escalateIncident,
  deliverIncidentNotificationJob,
  runSyntheticProbe,
  detectDuplicates,
  catchUpDuplicateDetection,
  rotateEncryptionKeys,
  recomputeRiceJob,
  notifyRequestMerged,
  generatePainPointThemesJob,
  runBackupScheduleJob,
  purgeCdn,
  finishErasuresJob,
  deliverWebhookJob,
);

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The housekeeping schedule; the audit checkpoint's interval is configured (AUDIT_CHECKPOINT_INTERVAL_SECONDS). */
export const schedules = (config: Pick<Config, 'auditCheckpointIntervalMs'>): readonly Schedule[] => [
  { name: PURGE_EXPIRED_SESSIONS.type, everyMs: HOUR, job: jobSpec(PURGE_EXPIRED_SESSIONS, {}) },
  { name: PURGE_FINISHED_JOBS.type, everyMs: DAY, job: jobSpec(PURGE_FINISHED_JOBS, {}) },
  { name: PURGE_EXPIRED_IDEMPOTENCY_KEYS.type, everyMs: HOUR, job: jobSpec(PURGE_EXPIRED_IDEMPOTENCY_KEYS, {}) },
  // Checked daily; rotates when the current data key is KEY_ROTATION_DAYS (90) old, and destroys
  // member KEK versions superseded longer than BACKUP_RETENTION_DAYS ago.
  { name: ROTATE_ENCRYPTION_KEYS.type, everyMs: DAY, job: jobSpec(ROTATE_ENCRYPTION_KEYS, {}) },
  { name: PURGE_EXPIRED_AUDIT_EVENTS.type, everyMs: DAY, job: jobSpec(PURGE_EXPIRED_AUDIT_EVENTS, {}) },
  { name: CHECKPOINT_AUDIT_CHAINS.type, everyMs: config.auditCheckpointIntervalMs, job: jobSpec(CHECKPOINT_AUDIT_CHAINS, {}) },
  // feature_request_submission every 30 s, voting_system every minute (the brief's health_checks).
  ...PROBE_SCHEDULES,
  { name: CATCH_UP_DUPLICATE_DETECTION.type, everyMs: 60_000, job: jobSpec(CATCH_UP_DUPLICATE_DETECTION, {}) },
  // Pain-point themes for the product team's insights screen; a refresh there queues one at once.
  { name: GENERATE_PAIN_POINT_THEMES.type, everyMs: HOUR, job: jobSpec(GENERATE_PAIN_POINT_THEMES, {}, { priority: -1 }) },
  // Members' daily and weekly digest emails, each sent when that member's period is up.
  { name: QUEUE_NOTIFICATION_DIGESTS.type, everyMs: HOUR, job: jobSpec(QUEUE_NOTIFICATION_DIGESTS, {}) },
  // Backups as the schedule in src/domain/backup-schedule.ts says, each verified, then pruning.
  { name: RUN_BACKUP_SCHEDULE.type, everyMs: BACKUP_SCHEDULE_CHECK_MS, job: jobSpec(RUN_BACKUP_SCHEDULE, {}) },
];
