// The escalation engine: Alertmanager's notifications open, de-duplicate and resolve incidents;
// each incident escalates through its policy's steps on timers kept in the database (a job per step,
// run at the step's due time), notifying the on-call person of each step's team — whoever is awake,
// following the sun — by webhook and email, each delivery its own retried job. Acknowledging or
// resolving stops the escalation. Every step is audited.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { incidentNotifications, incidents, incidentSteps } from '../db/schema.js';
import {
  DEMO_ONCALL_SCHEDULE,
  normaliseSeverity,
  OnCallScheduleSchema,
  pickOnCall,
  policyFor,
  stepDueAt,
  unknownTimeZones,
  type OnCallSchedule,
} from '../domain/escalation.js';
import { DELIVER_INCIDENT_NOTIFICATION, ESCALATE_INCIDENT, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { recordAudit } from './audit.js';
import type { Call, ProcessCaches, Services } from './context.js';
import { conflict, notFound } from './errors.js';
import { postWebhook, renderIncidentMessage, sendEmail, sendPagerDutyEvent } from './incident-channels.js';
import { emitWebhookEvent } from './webhooks.js';

type Incident = typeof incidents.$inferSelect;
const SYSTEM = { actor: null } as const;

// ---------------------------------------------------------------------------------------------
// The on-call roster

/** Rosters read from ONCALL_SCHEDULE_FILE, by path (one per service context). */
export type OnCallRosters = Map<string, OnCallSchedule>;

/** The roster from ONCALL_SCHEDULE_FILE (read once per path), or the built-in demo roster. */
export function onCallSchedule(s: { config: Pick<Config, 'oncallScheduleFile'>; caches: Pick<ProcessCaches, 'onCallRosters'> }): {
  schedule: OnCallSchedule;
  source: string;
} {
  const file = s.config.oncallScheduleFile;
  const rosters = s.caches.onCallRosters;
  if (!file) return { schedule: DEMO_ONCALL_SCHEDULE, source: 'built-in demo roster' };
  let schedule = rosters.get(file);
  if (!schedule) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`ONCALL_SCHEDULE_FILE ${file}: ${(err as Error).message}`, { cause: err });
    }
    const problems = [...Value.Errors(OnCallScheduleSchema, raw)].map((e) => `${e.path || '/'}: ${e.message}`);
    if (problems.length > 0) throw new Error(`ONCALL_SCHEDULE_FILE ${file} is not a valid roster: ${problems.slice(0, 5).join('; ')}`);
    schedule = raw as OnCallSchedule;
    const badZones = unknownTimeZones(schedule);
    if (badZones.length > 0) throw new Error(`ONCALL_SCHEDULE_FILE ${file}: unknown time zones ${badZones.join(', ')}`);
    rosters.set(file, schedule);
  }
  return { schedule, source: file };
}

// ---------------------------------------------------------------------------------------------
// Alertmanager → incidents

export interface AlertmanagerAlert {
  status: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  fingerprint?: string;
}

export interface AlertmanagerPayload {
  version?: string;
  groupKey?: string;
  status?: string;
  receiver?: string;
  alerts: AlertmanagerAlert[];
}

export interface WebhookOutcome {
  opened: string[];
  repeated: string[];
  resolved: string[];
  ignored: number;
}

/** Alertmanager always sends a fingerprint; anything else gets one from its sorted labels. */
function fingerprintOf(alert: AlertmanagerAlert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const labels = Object.keys(alert.labels)
    .sort()
    .map((k) => `${k}=${alert.labels[k]}`)
    .join(',');
  return `labels:${createHash('sha256').update(labels).digest('hex').slice(0, 16)}`;
}

function validDate(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-')) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export async function receiveAlertmanagerWebhook(s: Services, payload: AlertmanagerPayload, requestId?: string): Promise<WebhookOutcome> {
  const outcome: WebhookOutcome = { opened: [], repeated: [], resolved: [], ignored: 0 };
  for (const alert of payload.alerts) {
    if (alert.status === 'firing') {
      const { id, kind } = await openOrRepeat(s, alert, requestId);
      outcome[kind].push(id);
    } else if (alert.status === 'resolved') {
      const id = await resolveFromAlertmanager(s, fingerprintOf(alert), requestId);
      if (id) outcome.resolved.push(id);
      else outcome.ignored += 1;
    } else outcome.ignored += 1;
  }
  return outcome;
}

async function openOrRepeat(s: Services, alert: AlertmanagerAlert, requestId?: string): Promise<{ id: string; kind: 'opened' | 'repeated' }> {
  const now = s.now();
  const fingerprint = fingerprintOf(alert);
  return s.db.transaction(async (tx) => {
    const repeat = async () => {
      const [row] = await tx
        .update(incidents)
        .set({ occurrences: sql`${incidents.occurrences} + 1`, lastSeenAt: now })
        .where(and(eq(incidents.fingerprint, fingerprint), ne(incidents.status, 'resolved')))
        .returning({ id: incidents.id });
      return row ? { id: row.id, kind: 'repeated' as const } : null;
    };
    const repeated = await repeat();
    if (repeated) return repeated;

    const annotations = alert.annotations ?? {};
    const alertName = alert.labels.alertname ?? 'UnnamedAlert';
    const severity = normaliseSeverity(alert.labels.severity);
    const policy = policyFor({ name: alertName, severity, labels: alert.labels, annotations });
    const [incident] = await tx
      .insert(incidents)
      .values({
        fingerprint,
        alertName,
        severity,
        summary: (annotations.summary ?? annotations.description ?? alertName).slice(0, 500),
        labels: alert.labels,
        annotations,
        policy: { ...policy, steps: policy.steps.map((st) => ({ afterMinutes: st.afterMinutes, teams: [...st.teams] })) },
        alertStartsAt: validDate(alert.startsAt),
        openedAt: now,
        lastSeenAt: now,
      })
      .onConflictDoNothing({ target: incidents.fingerprint, where: sql`${incidents.status} <> 'resolved'` })
      .returning();
    if (!incident) {
      // Another replica opened it a moment ago: this is a repeat.
      const again = await repeat();
      if (again) return again;
      throw new Error(`incident for fingerprint ${fingerprint} neither inserted nor found`);
    }

    await tx.insert(incidentSteps).values(policy.steps.map((st, step) => ({ incidentId: incident.id, step, teams: [...st.teams], dueAt: stepDueAt(now, st) })));
    // Every later step is a job due at its time: the timers live in the jobs table and survive restarts.
    for (const [step, st] of policy.steps.entries()) {
      if (step === 0) continue;
      await enqueue(
        tx,
        jobSpec(ESCALATE_INCIDENT, { incidentId: incident.id, step }, { runAt: stepDueAt(now, st), priority: severity === 'critical' ? 20 : 10 }),
        now,
      );
    }
    await emitWebhookEvent(tx, s, 'incident.opened', { id: incident.id, alertName, severity, summary: incident.summary, openedAt: now.toISOString() });
    await recordAudit(
      s,
      tx,
      { ...SYSTEM, requestId },
      {
        action: 'incident_opened',
        targetType: 'incident',
        targetId: incident.id,
        details: { alertName, severity, fingerprint, policy: policy.source },
      },
    );
    // The immediate step runs in the same transaction: nobody waits for a worker poll to be paged.
    await startStep(tx, s, incident, 0, requestId);
    return { id: incident.id, kind: 'opened' as const };
  });
}

async function resolveFromAlertmanager(s: Services, fingerprint: string, requestId?: string): Promise<string | null> {
  return s.db.transaction(async (tx) => {
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(and(eq(incidents.fingerprint, fingerprint), ne(incidents.status, 'resolved')))
      .for('update');
    if (!incident) return null;
    await closeIncident(tx, s, incident, { status: 'resolved', by: null, note: 'Resolved by Alertmanager (the alert stopped firing)' });
    await emitWebhookEvent(tx, s, 'incident.resolved', {
      id: incident.id,
      alertName: incident.alertName,
      severity: incident.severity,
      resolvedBy: 'alertmanager',
      resolvedAt: s.now().toISOString(),
    });
    await recordAudit(
      s,
      tx,
      { ...SYSTEM, requestId },
      { action: 'incident_resolved', targetType: 'incident', targetId: incident.id, details: { by: 'alertmanager' } },
    );
    return incident.id;
  });
}

// ---------------------------------------------------------------------------------------------
// Escalation steps and deliveries

/**
 * Runs one step: picks each team's on-call person and creates its deliveries. Runs at most once per
 * (incident, step) — the step row flips from `scheduled` to `notified` — so a re-run job notifies
 * nobody twice. Returns false when the step had already run or was cancelled.
 */
async function startStep(tx: Database, s: Services, incident: Incident, step: number, requestId?: string): Promise<boolean> {
  const now = s.now();
  const policyStep = incident.policy.steps[step];
  if (!policyStep) return false;
  const { schedule } = onCallSchedule(s);
  const picks = policyStep.teams.map((team) => pickOnCall(schedule, team, incident.severity, now));
  const pickDetails = picks.map((p) => ({
    team: p.team,
    member: p.member?.name ?? null,
    timeZone: p.member?.timeZone ?? null,
    reason: p.reason,
    notifyAt: p.notifyAt.toISOString(),
  }));
  const [started] = await tx
    .update(incidentSteps)
    .set({ state: 'notified', startedAt: now, picks: pickDetails })
    .where(and(eq(incidentSteps.incidentId, incident.id), eq(incidentSteps.step, step), eq(incidentSteps.state, 'scheduled')))
    .returning({ id: incidentSteps.id });
  if (!started) return false;

  for (const pick of picks) {
    const channels: { channel: 'webhook' | 'email'; recipient: string }[] = [];
    if (s.config.escalationWebhookUrl) channels.push({ channel: 'webhook', recipient: 'webhook' });
    if (s.config.smtpUrl && pick.member?.email) channels.push({ channel: 'email', recipient: pick.member.email });
    for (const { channel, recipient } of channels) {
      const [n] = await tx
        .insert(incidentNotifications)
        .values({
          incidentId: incident.id,
          step,
          team: pick.team,
          member: pick.member?.name ?? null,
          memberTimeZone: pick.member?.timeZone ?? null,
          reason: pick.reason,
          channel,
          recipient,
          notifyAt: pick.notifyAt,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: incidentNotifications.id });
      if (!n) continue;
      await enqueue(
        tx,
        jobSpec(DELIVER_INCIDENT_NOTIFICATION, { notificationId: n.id }, { runAt: pick.notifyAt, priority: incident.severity === 'critical' ? 20 : 10 }),
        now,
      );
    }
  }
  // PagerDuty runs its own schedules and escalation: it hears once, when the incident opens, at once.
  if (step === 0 && s.config.pagerdutyRoutingKey) {
    await addPagerDutyDelivery(tx, s, incident, 'pagerduty', policyStep.teams[0] ?? 'pagerduty', 'paged_through_pagerduty');
  }
  await recordAudit(
    s,
    tx,
    { ...SYSTEM, requestId },
    {
      action: 'incident_escalated',
      targetType: 'incident',
      targetId: incident.id,
      details: { step, afterMinutes: policyStep.afterMinutes, teams: policyStep.teams, picks: pickDetails },
    },
  );
  return true;
}

async function addPagerDutyDelivery(tx: Database, s: Services, incident: Incident, channel: 'pagerduty' | 'pagerduty_resolve', team: string, reason: string) {
  const now = s.now();
  const [n] = await tx
    .insert(incidentNotifications)
    .values({ incidentId: incident.id, step: 0, team, reason, channel, recipient: 'pagerduty', notifyAt: now, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: incidentNotifications.id });
  if (n) await enqueue(tx, jobSpec(DELIVER_INCIDENT_NOTIFICATION, { notificationId: n.id }, { priority: incident.severity === 'critical' ? 20 : 10 }), now);
}

/** The `escalate_incident` job: runs a step when it falls due, unless the incident was acknowledged or resolved. */
export async function runEscalationStep(s: Services, incidentId: string, step: number): Promise<boolean> {
  return s.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId)).for('update');
    if (!incident) return false;
    if (incident.status !== 'open') {
      await tx
        .update(incidentSteps)
        .set({ state: 'cancelled' })
        .where(and(eq(incidentSteps.incidentId, incidentId), eq(incidentSteps.step, step), eq(incidentSteps.state, 'scheduled')));
      return false;
    }
    return startStep(tx, s, incident, step);
  });
}

/**
 * The `deliver_incident_notification` job: one attempt at one delivery. Throws on failure so the
 * queue retries with back-off; `lastAttempt` marks the row failed when the queue will give up.
 */
export async function deliverIncidentNotification(s: Services, notificationId: string, lastAttempt: boolean): Promise<'sent' | 'skipped'> {
  const [row] = await s.db
    .select({ n: incidentNotifications, incident: incidents })
    .from(incidentNotifications)
    .innerJoin(incidents, eq(incidents.id, incidentNotifications.incidentId))
    .where(eq(incidentNotifications.id, notificationId));
  if (!row || row.n.state === 'sent' || row.n.state === 'cancelled') return 'skipped';
  const { n, incident } = row;
  // A PagerDuty resolve is sent because the incident closed; everything else stops when it does.
  if (incident.status !== 'open' && n.channel !== 'pagerduty_resolve') {
    await s.db
      .update(incidentNotifications)
      .set({ state: 'cancelled' })
      .where(and(eq(incidentNotifications.id, n.id), eq(incidentNotifications.state, 'pending')));
    return 'skipped';
  }
  const policyStep = incident.policy.steps[n.step];
  const message = renderIncidentMessage({
    incident,
    step: n.step,
    afterMinutes: policyStep?.afterMinutes ?? 0,
    team: n.team,
    member: n.member,
    memberTimeZone: n.memberTimeZone,
    reason: n.reason,
    communication: incident.policy.communication,
  });
  try {
    if (n.channel === 'pagerduty' || n.channel === 'pagerduty_resolve') {
      if (!s.config.pagerdutyRoutingKey) throw new Error('PAGERDUTY_ROUTING_KEY is no longer set');
      await sendPagerDutyEvent(s.config.pagerdutyEventsUrl, s.config.pagerdutyRoutingKey, n.channel === 'pagerduty' ? 'trigger' : 'resolve', incident);
    } else if (n.channel === 'webhook') {
      if (!s.config.escalationWebhookUrl) throw new Error('ESCALATION_WEBHOOK_URL is no longer set');
      const { escalationWebhookSecret: secret } = s.config;
      await postWebhook(s.config.escalationWebhookUrl, message, secret ? { secret, messageId: `msg_${n.id}`, at: s.now() } : undefined);
    } else {
      if (!s.config.smtpUrl) throw new Error('SMTP_URL is no longer set');
      await sendEmail(s.caches.mailTransports, s.config.smtpUrl, s.config.escalationEmailFrom, n.recipient, message);
    }
  } catch (err) {
    await s.db
      .update(incidentNotifications)
      .set({
        attempts: sql`${incidentNotifications.attempts} + 1`,
        lastError: (err instanceof Error ? err.message : String(err)).slice(0, 500),
        state: lastAttempt ? 'failed' : 'pending',
      })
      .where(eq(incidentNotifications.id, n.id));
    throw err;
  }
  await s.db.transaction(async (tx) => {
    await tx
      .update(incidentNotifications)
      .set({ state: 'sent', sentAt: s.now(), attempts: sql`${incidentNotifications.attempts} + 1`, lastError: null })
      .where(eq(incidentNotifications.id, n.id));
    await recordAudit(s, tx, SYSTEM, {
      action: 'notification_sent',
      targetType: 'incident',
      targetId: incident.id,
      details: { notificationId: n.id, step: n.step, team: n.team, member: n.member, channel: n.channel, reason: n.reason },
    });
  });
  return 'sent';
}

// ---------------------------------------------------------------------------------------------
// Operators' API

type CloseAs = { status: 'acknowledged'; by: string } | { status: 'resolved'; by: string | null; note: string };

/** Stops the escalation: later steps and undelivered notifications are cancelled. */
async function closeIncident(tx: Database, s: Services, incident: Incident, as: CloseAs) {
  const now = s.now();
  await tx
    .update(incidents)
    .set(
      as.status === 'acknowledged'
        ? { status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: as.by }
        : { status: 'resolved', resolvedAt: now, resolvedBy: as.by, resolutionNote: as.note },
    )
    .where(eq(incidents.id, incident.id));
  await tx
    .update(incidentSteps)
    .set({ state: 'cancelled' })
    .where(and(eq(incidentSteps.incidentId, incident.id), eq(incidentSteps.state, 'scheduled')));
  await tx
    .update(incidentNotifications)
    .set({ state: 'cancelled' })
    .where(and(eq(incidentNotifications.incidentId, incident.id), eq(incidentNotifications.state, 'pending')));
  if (as.status === 'resolved' && s.config.pagerdutyRoutingKey) {
    // Whether or not the trigger went out (it may be in flight right now): resolving an unknown
    // dedup key is a no-op at PagerDuty, a PagerDuty alert left open pages someone for nothing.
    const [paged] = await tx
      .select({ team: incidentNotifications.team })
      .from(incidentNotifications)
      .where(and(eq(incidentNotifications.incidentId, incident.id), eq(incidentNotifications.channel, 'pagerduty')))
      .limit(1);
    if (paged) await addPagerDutyDelivery(tx, s, incident, 'pagerduty_resolve', paged.team, 'resolved');
  }
}

const summaryColumns = {
  id: incidents.id,
  alertName: incidents.alertName,
  severity: incidents.severity,
  status: incidents.status,
  summary: incidents.summary,
  fingerprint: incidents.fingerprint,
  occurrences: incidents.occurrences,
  openedAt: incidents.openedAt,
  lastSeenAt: incidents.lastSeenAt,
  acknowledgedAt: incidents.acknowledgedAt,
  resolvedAt: incidents.resolvedAt,
};

export async function listIncidents(s: Services, query: { status?: 'open' | 'acknowledged' | 'resolved' | 'unresolved'; limit: number }) {
  const where =
    query.status === 'unresolved' ? inArray(incidents.status, ['open', 'acknowledged']) : query.status ? eq(incidents.status, query.status) : undefined;
  const items = await s.db.select(summaryColumns).from(incidents).where(where).orderBy(desc(incidents.openedAt), desc(incidents.id)).limit(query.limit);
  return { items };
}

export async function getIncident(s: Services, id: string) {
  const [incident] = await s.db.select().from(incidents).where(eq(incidents.id, id));
  if (!incident) throw notFound('Incident');
  const [steps, deliveries] = await Promise.all([
    s.db.select().from(incidentSteps).where(eq(incidentSteps.incidentId, id)).orderBy(asc(incidentSteps.step)),
    s.db
      .select()
      .from(incidentNotifications)
      .where(eq(incidentNotifications.incidentId, id))
      .orderBy(asc(incidentNotifications.step), asc(incidentNotifications.createdAt)),
  ]);
  return {
    ...incident,
    policySource: incident.policy.source,
    communication: incident.policy.communication ?? null,
    steps: steps.map((st) => ({
      step: st.step,
      afterMinutes: incident.policy.steps[st.step]?.afterMinutes ?? 0,
      teams: st.teams,
      dueAt: st.dueAt,
      state: st.state,
      startedAt: st.startedAt,
      picks: st.picks,
      notifications: deliveries
        .filter((d) => d.step === st.step)
        .map((d) => ({
          id: d.id,
          team: d.team,
          member: d.member,
          memberTimeZone: d.memberTimeZone,
          reason: d.reason,
          channel: d.channel,
          recipient: d.recipient,
          notifyAt: d.notifyAt,
          state: d.state,
          attempts: d.attempts,
          lastError: d.lastError,
          sentAt: d.sentAt,
        })),
    })),
  };
}

export async function acknowledgeIncident(s: Services, call: Call, id: string) {
  await s.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
    if (!incident) throw notFound('Incident');
    if (incident.status === 'resolved') throw conflict('incident_resolved', 'The incident is already resolved');
    if (incident.status === 'acknowledged') return; // idempotent: the first acknowledgement stands
    await closeIncident(tx, s, incident, { status: 'acknowledged', by: call.actor.id });
    await recordAudit(s, tx, call, { action: 'incident_acknowledged', targetType: 'incident', targetId: id, details: { alertName: incident.alertName } });
  });
  return getIncident(s, id);
}

export async function resolveIncident(s: Services, call: Call, id: string, note: string) {
  await s.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
    if (!incident) throw notFound('Incident');
    if (incident.status === 'resolved') throw conflict('incident_resolved', 'The incident is already resolved');
    await closeIncident(tx, s, incident, { status: 'resolved', by: call.actor.id, note });
    await emitWebhookEvent(tx, s, 'incident.resolved', {
      id,
      alertName: incident.alertName,
      severity: incident.severity,
      resolvedBy: 'product_team',
      note,
      resolvedAt: s.now().toISOString(),
    });
    await recordAudit(s, tx, call, { action: 'incident_resolved', targetType: 'incident', targetId: id, details: { alertName: incident.alertName, note } });
  });
  return getIncident(s, id);
}
