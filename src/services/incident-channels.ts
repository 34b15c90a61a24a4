// The escalation engine's outbound channels: a Slack-compatible webhook (`{text, blocks}`) and email
// over SMTP (nodemailer). Each call is one attempt; the job queue retries and dead-letters. With
// ESCALATION_WEBHOOK_SECRET the webhook is signed like the outgoing webhooks (Standard Webhooks).
import nodemailer from 'nodemailer';
import { signedHeaders } from '../security/webhook-signing.js';
import type { Transporter } from 'nodemailer';

export interface IncidentMessage {
  subject: string;
  text: string;
  blocks: Record<string, unknown>[];
}

export interface MessageInput {
  incident: { id: string; alertName: string; severity: string; summary: string; annotations: Record<string, string>; occurrences: number; openedAt: Date };
  step: number;
  afterMinutes: number;
  team: string;
  member: string | null;
  memberTimeZone: string | null;
  reason: string;
  communication?: string;
}

const REASONS: Record<string, string> = {
  awake: 'on call and within working hours',
  critical_wakes_primary: 'nobody is awake: critical, so the primary is woken',
  waits_for_morning: 'nobody was awake: held until their working hours began',
  no_roster: 'the team has no on-call roster',
};

export function renderIncidentMessage(m: MessageInput): IncidentMessage {
  const { incident } = m;
  const when =
    m.afterMinutes === 0 ? 'immediate' : `after ${m.afterMinutes >= 60 && m.afterMinutes % 60 === 0 ? `${m.afterMinutes / 60}h` : `${m.afterMinutes}m`}`;
  const who = m.member ? `${m.member} (${m.team}, ${m.memberTimeZone})` : m.team;
  const subject = `[${incident.severity.toUpperCase()}] ${incident.alertName}: ${incident.summary}`;
  const lines = [
    subject,
    `Escalation step ${m.step + 1} (${when}) → ${who}: ${REASONS[m.reason] ?? m.reason}.`,
    incident.annotations.wedding_impact ? `Wedding impact: ${incident.annotations.wedding_impact}` : null,
    incident.annotations.runbook_url ? `Runbook: ${incident.annotations.runbook_url}` : null,
    m.communication ? `Communication protocol: ${m.communication}` : null,
    `Incident ${incident.id}, open since ${incident.openedAt.toISOString()} (${incident.occurrences} alert${incident.occurrences === 1 ? '' : 's'}).`,
    `Acknowledge to stop escalation: POST /api/ops/incidents/${incident.id}/acknowledge`,
  ].filter((l): l is string => l !== null);
  const text = lines.join('\n');
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: subject.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.slice(1, -2).join('\n') } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: lines.slice(-2).join('\n') }] },
  ];
  return { subject, text, blocks };
}

/**
 * Posts Slack-compatible JSON; anything but a 2xx answer is a failure (retried by the queue). Signed
 * when `signing` is given: `messageId` is the delivery's, the same on every retry.
 */
export async function postWebhook(url: string, message: IncidentMessage, signing?: { secret: string; messageId: string; at: Date }): Promise<void> {
  const body = JSON.stringify({ text: message.text, blocks: message.blocks });
  const signature = signing ? signedHeaders(signing.secret, signing.messageId, signing.at, body) : {};
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signature },
    body,
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  await res.body?.cancel().catch(() => {});
  if (!res.ok) throw new Error(`escalation webhook answered ${res.status}`);
}

/** PagerDuty's severities; ours (critical | warning | info) map onto them as they are. */
const PAGERDUTY_SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

export interface PagerDutyIncident {
  id: string;
  alertName: string;
  severity: string;
  summary: string;
  annotations: Record<string, string>;
  openedAt: Date;
}

/**
 * One PagerDuty Events API v2 event. The dedup key is the incident's id, so a retried trigger opens
 * one PagerDuty alert and the resolve closes that alert. PagerDuty answers 202; anything else fails
 * (retried by the queue; 429 and 5xx are what PagerDuty asks clients to retry).
 */
export async function sendPagerDutyEvent(eventsUrl: string, routingKey: string, action: 'trigger' | 'resolve', incident: PagerDutyIncident): Promise<void> {
  const event = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: `wedsync-incident-${incident.id}`,
    ...(action === 'trigger' && {
      payload: {
        summary: `[${incident.severity.toUpperCase()}] ${incident.alertName}: ${incident.summary}`.slice(0, 1024),
        severity: PAGERDUTY_SEVERITY[incident.severity] ?? 'error',
        source: 'wedsync-feature-requests',
        component: incident.alertName,
        timestamp: incident.openedAt.toISOString(),
        custom_details: { incident_id: incident.id, wedding_impact: incident.annotations.wedding_impact ?? null },
      },
      ...(incident.annotations.runbook_url && { links: [{ href: incident.annotations.runbook_url, text: 'Runbook' }] }),
    }),
  };
  const res = await fetch(eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  await res.body?.cancel().catch(() => {});
  if (!res.ok) throw new Error(`PagerDuty answered ${res.status}`);
}

/** One SMTP connection pool per mail server URL (one map per service context). */
export type MailTransports = Map<string, Transporter>;

export async function sendEmail(transports: MailTransports, smtpUrl: string, from: string, to: string, message: IncidentMessage): Promise<void> {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
    transports.set(smtpUrl, transport);
  }
  await transport.sendMail({ from, to, subject: message.subject, text: message.text });
}
