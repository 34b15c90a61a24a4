// Every job type the product runs, and the housekeeping schedule: one place to look.
import { PURGE_EXPIRED_AUDIT_EVENTS, purgeExpiredAuditEventsJob } from './handlers/audit-retention.js';
import { BACKUP_SCHEDULE_CHECK_MS, RUN_BACKUP_SCHEDULE, runBackupScheduleJob } from './handlers/backups.js';
import { CATCH_UP_DUPLICATE_DETECTION, catchUpDuplicateDetection, DETECT_DUPLICATES, detectDuplicates } from './handlers/duplicate-detection.js';
import { DELIVER_INCIDENT_NOTIFICATION, deliverIncidentNotificationJob, ESCALATE_INCIDENT, escalateIncident } from './handlers/escalation.js';
import { ROTATE_ENCRYPTION_KEYS, rotateEncryptionKeys } from './handlers/key-rotation.js';
import { purgeExpiredSessions, purgeFinishedJobs } from './handlers/maintenance.js';
import { notifyRequestMerged, REQUEST_MERGED } from './handlers/merges.js';
import { GENERATE_PAIN_POINT_THEMES, generatePainPointThemesJob, painPointThemesJob } from './handlers/pain-point-themes.js';
import { notifyStatusChanged, STATUS_CHANGED } from './handlers/notifications.js';
import { PROBE_SCHEDULES, RUN_SYNTHETIC_PROBE, runSyntheticProbe } from './handlers/probes.js';
import { RECOMPUTE_RICE, recomputeRiceJob } from './handlers/rice.js';
import type { JobHandler, Schedule } from './worker.js';

export const JOB_HANDLERS: Record<string, JobHandler> = {
  [STATUS_CHANGED]: notifyStatusChanged,
  purge_expired_sessions: purgeExpiredSessions,
  purge_finished_jobs: purgeFinishedJobs,
  [PURGE_EXPIRED_AUDIT_EVENTS]: purgeExpiredAuditEventsJob,
  [ESCALATE_INCIDENT]: escalateIncident,
  [DELIVER_INCIDENT_NOTIFICATION]: deliverIncidentNotificationJob,
  [RUN_SYNTHETIC_PROBE]: runSyntheticProbe,
  [DETECT_DUPLICATES]: detectDuplicates,
  [CATCH_UP_DUPLICATE_DETECTION]: catchUpDuplicateDetection,
  [ROTATE_ENCRYPTION_KEYS]: rotateEncryptionKeys,
  [RECOMPUTE_RICE]: recomputeRiceJob,
  [REQUEST_MERGED]: notifyRequestMerged,
  [GENERATE_PAIN_POINT_THEMES]: generatePainPointThemesJob,
  [RUN_BACKUP_SCHEDULE]: runBackupScheduleJob,
};

export const SCHEDULES: readonly Schedule[] = [
  { name: 'purge_expired_sessions', everyMs: 3_600_000, job: { queue: 'maintenance', type: 'purge_expired_sessions', priority: -1 } },
  { name: 'purge_finished_jobs', everyMs: 86_400_000, job: { queue: 'maintenance', type: 'purge_finished_jobs', priority: -1 } },
  // Checked daily; rotates when the current data key is KEY_ROTATION_DAYS (90) old.
  { name: ROTATE_ENCRYPTION_KEYS, everyMs: 86_400_000, job: { queue: 'maintenance', type: ROTATE_ENCRYPTION_KEYS, priority: -1 } },
  { name: PURGE_EXPIRED_AUDIT_EVENTS, everyMs: 86_400_000, job: { queue: 'maintenance', type: PURGE_EXPIRED_AUDIT_EVENTS, priority: -1 } },
  // feature_request_submission every 30 s, voting_system every minute (the brief's health_checks).
  ...PROBE_SCHEDULES,
  { name: CATCH_UP_DUPLICATE_DETECTION, everyMs: 60_000, job: { queue: 'duplicate_detection', type: CATCH_UP_DUPLICATE_DETECTION, priority: -1 } },
  // Pain-point themes for the product team's insights screen; a refresh there queues one at once.
  { name: GENERATE_PAIN_POINT_THEMES, everyMs: 3_600_000, job: painPointThemesJob({ priority: -1 }) },
  // Backups as the schedule in src/domain/backup-schedule.ts says, each verified, then pruning.
  { name: RUN_BACKUP_SCHEDULE, everyMs: BACKUP_SCHEDULE_CHECK_MS, job: { queue: 'maintenance', type: RUN_BACKUP_SCHEDULE, priority: 0 } },
];
