// Every job type, declared once: its name, queue, default priority and attempts, and the shape of its
// payload (TypeBox). Services enqueue through these contracts (never through a handler module), the
// worker checks a payload against its contract before the handler sees it, and src/jobs/index.ts
// pairs each contract with its handler.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ACCOUNT_EMAIL_KINDS } from '../domain/account-emails.js';
import type { JobSpec, QueueName } from './queue.js';

export interface JobContract<P extends TSchema = TSchema> {
  type: string;
  queue: QueueName;
  /** Higher runs first. */
  priority: number;
  maxAttempts: number;
  payload: P;
  /** While a job with this key is pending or running, enqueueing another is a no-op. */
  dedupeKey?(payload: Static<P>): string;
}

export type PayloadOf<C extends JobContract> = Static<C['payload']>;

export function defineJob<P extends TSchema>(
  contract: Omit<JobContract<P>, 'priority' | 'maxAttempts'> & Partial<Pick<JobContract<P>, 'priority' | 'maxAttempts'>>,
): JobContract<P> {
  return { priority: 0, maxAttempts: 5, ...contract };
}

/** What `enqueue` writes for one job of this type; options override the contract's defaults. */
export function jobSpec<C extends JobContract>(contract: C, payload: PayloadOf<C>, options: { runAt?: Date; priority?: number } = {}): JobSpec {
  return {
    queue: contract.queue,
    type: contract.type,
    payload: payload as Record<string, unknown>,
    priority: options.priority ?? contract.priority,
    maxAttempts: contract.maxAttempts,
    runAt: options.runAt,
    dedupeKey: contract.dedupeKey?.(payload),
  };
}

/** The first reason a payload does not fit its contract, or null when it does. */
export function payloadProblem(contract: JobContract, payload: unknown): string | null {
  const first = Value.Errors(contract.payload, payload).First();
  return first ? `payload${first.path.replaceAll('/', '.')}: ${first.message}` : null;
}

const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const Nothing = Type.Object({});

// --- duplicate_detection -------------------------------------------------------------------------

/** The background check after a request is submitted or edited: a burst of edits collapses into one job. */
export const DETECT_DUPLICATES = defineJob({
  type: 'detect_duplicates',
  queue: 'duplicate_detection',
  payload: Type.Object({ requestId: Uuid }),
  dedupeKey: (p) => `detect_duplicates:${p.requestId}`,
});

/** The sweep that indexes requests missed while the model was down (or imported). */
export const CATCH_UP_DUPLICATE_DETECTION = defineJob({ type: 'catch_up_duplicate_detection', queue: 'duplicate_detection', payload: Nothing, priority: -1 });

// --- ai_analysis ---------------------------------------------------------------------------------

/** Pain-point themes; scheduled and follow-up runs wait behind other AI work (-1), a person's refresh does not. */
export const GENERATE_PAIN_POINT_THEMES = defineJob({
  type: 'generate_pain_point_themes',
  queue: 'ai_analysis',
  payload: Type.Object({ requestedBy: Type.Optional(Uuid) }),
});

// --- notification_sending ------------------------------------------------------------------------

export const STATUS_CHANGED = defineJob({ type: 'status_changed', queue: 'notification_sending', payload: Type.Object({ requestId: Uuid, historyId: Uuid }) });

export const REQUEST_MERGED = defineJob({ type: 'request_merged', queue: 'notification_sending', payload: Type.Object({ mergeId: Uuid }) });

/** A comment on a request: the people following its discussion are told. */
export const COMMENT_POSTED = defineJob({ type: 'comment_posted', queue: 'notification_sending', payload: Type.Object({ commentId: Uuid }) });

/** One notification by email, for a member who wants email at once; sent once however often it runs. */
export const EMAIL_NOTIFICATION = defineJob({
  type: 'email_notification',
  queue: 'notification_sending',
  payload: Type.Object({ notificationId: Uuid }),
  dedupeKey: (p) => `email_notification:${p.notificationId}`,
});

/**
 * One account email (verification, password reset, email change). The job mints the link's secret
 * when it runs, so the secret is never stored anywhere but as a hash (src/services/account-links.ts).
 */
export const SEND_ACCOUNT_EMAIL = defineJob({
  type: 'send_account_email',
  queue: 'notification_sending',
  payload: Type.Object({ linkId: Uuid, kind: Type.Union(ACCOUNT_EMAIL_KINDS.map((k) => Type.Literal(k))) }),
  priority: 5,
  dedupeKey: (p) => `account_email:${p.linkId}:${p.kind}`,
});

/**
 * "I forgot my password" for whatever address was typed, known or not: the request only queues this
 * (the same work either way); the job looks the address up by its blind index and issues the link.
 */
export const START_PASSWORD_RESET = defineJob({
  type: 'start_password_reset',
  queue: 'notification_sending',
  payload: Type.Object({ emailIndex: Type.String({ minLength: 1, maxLength: 200 }), requestId: Type.Optional(Type.String({ maxLength: 200 })) }),
  priority: 5,
});

/** Hourly: a digest job for every member whose daily or weekly digest is due. */
export const QUEUE_NOTIFICATION_DIGESTS = defineJob({ type: 'queue_notification_digests', queue: 'notification_sending', payload: Nothing, priority: -1 });

/** One member's daily or weekly digest email. */
export const SEND_NOTIFICATION_DIGEST = defineJob({
  type: 'send_notification_digest',
  queue: 'notification_sending',
  payload: Type.Object({ userId: Uuid }),
  priority: -1,
  dedupeKey: (p) => `notification_digest:${p.userId}`,
});

/** An incident's next escalation step, due at its time (the timer is the job's run_at). */
export const ESCALATE_INCIDENT = defineJob({
  type: 'escalate_incident',
  queue: 'notification_sending',
  payload: Type.Object({ incidentId: Uuid, step: Type.Integer({ minimum: 0 }) }),
  priority: 10,
  dedupeKey: (p) => `escalate:${p.incidentId}:${p.step}`,
});

/** One webhook or email of an incident, retried with back-off and dead-lettered when it keeps failing. */
export const DELIVER_INCIDENT_NOTIFICATION = defineJob({
  type: 'deliver_incident_notification',
  queue: 'notification_sending',
  payload: Type.Object({ notificationId: Uuid }),
  priority: 10,
  dedupeKey: (p) => `incident-notification:${p.notificationId}`,
});

/**
 * One outgoing webhook message to one endpoint (src/services/webhooks.ts). Retried with the queue's
 * back-off (2 s doubling, capped at 15 min): twelve attempts span about an hour.
 */
export const DELIVER_WEBHOOK = defineJob({
  type: 'deliver_webhook',
  queue: 'notification_sending',
  payload: Type.Object({ deliveryId: Uuid }),
  maxAttempts: 12,
  dedupeKey: (p) => `webhook-delivery:${p.deliveryId}`,
});

// --- analytics_processing ------------------------------------------------------------------------

/** A request's predicted RICE factors brought up to date; below the default, people waiting for a notification go first. */
export const RECOMPUTE_RICE = defineJob({ type: 'recompute_rice', queue: 'analytics_processing', payload: Type.Object({ requestId: Uuid }), priority: -1 });

// --- maintenance ---------------------------------------------------------------------------------

export const PURGE_EXPIRED_SESSIONS = defineJob({ type: 'purge_expired_sessions', queue: 'maintenance', payload: Nothing, priority: -1 });
export const PURGE_FINISHED_JOBS = defineJob({ type: 'purge_finished_jobs', queue: 'maintenance', payload: Nothing, priority: -1 });
/** Idempotency keys past their 24 h (src/http/plugins/app/idempotency.ts). */
export const PURGE_EXPIRED_IDEMPOTENCY_KEYS = defineJob({ type: 'purge_expired_idempotency_keys', queue: 'maintenance', payload: Nothing, priority: -1 });
/** Checked daily; rotates when the current data key is KEY_ROTATION_DAYS (90) old. */
export const ROTATE_ENCRYPTION_KEYS = defineJob({ type: 'rotate_encryption_keys', queue: 'maintenance', payload: Nothing, priority: -1 });
export const PURGE_EXPIRED_AUDIT_EVENTS = defineJob({ type: 'purge_expired_audit_events', queue: 'maintenance', payload: Nothing, priority: -1 });
/** A signed checkpoint at every audit lane's head, every AUDIT_CHECKPOINT_INTERVAL_SECONDS: bounds the unsigned tail. */
export const CHECKPOINT_AUDIT_CHAINS = defineJob({ type: 'checkpoint_audit_chains', queue: 'maintenance', payload: Nothing });
/**
 * The CDN purge hook (CDN_PURGE_URL) after a tag purge. A burst of changes collapses into the one
 * pending job per tag set; retried with back-off, dead-lettered where operators see it.
 */
export const PURGE_CDN = defineJob({
  type: 'purge_cdn',
  queue: 'maintenance',
  payload: Type.Object({
    tags: Type.Array(Type.Union([Type.Literal('feature-requests'), Type.Literal('ai-analysis'), Type.Literal('roadmap')]), { minItems: 1, maxItems: 3 }),
  }),
  priority: 1,
  dedupeKey: (p) => `purge_cdn:${p.tags.join(',')}`,
});
/**
 * After an erasure (src/services/erasure-follow-up.ts): supersede the member KEK version that wrapped
 * the erased key (unless that happened already), rewrite the touched tables, destroy expired versions.
 * One job per wrapping version: erasures in a burst share it.
 */
export const FINISH_ERASURES = defineJob({
  type: 'finish_erasures',
  queue: 'maintenance',
  payload: Type.Object({ memberKeyVersion: Type.Integer({ minimum: 0 }) }),
  dedupeKey: (p) => `finish_erasures:${p.memberKeyVersion}`,
});
/** Every few minutes: take what the backup schedule says is due, verify it, prune (src/services/backups). */
export const RUN_BACKUP_SCHEDULE = defineJob({ type: 'run_backup_schedule', queue: 'maintenance', payload: Nothing });

// --- synthetic_probes (health lane) --------------------------------------------------------------

/**
 * One synthetic probe run (src/services/probes.ts checks the name). Not retried (maxAttempts 1): a late
 * probe result says nothing about now, and the next slot runs anyway.
 */
export const RUN_SYNTHETIC_PROBE = defineJob({
  type: 'run_synthetic_probe',
  queue: 'synthetic_probes',
  payload: Type.Object({ probe: Type.String({ minLength: 1 }) }),
  priority: -2,
  maxAttempts: 1,
});
