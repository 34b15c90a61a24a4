// Status page incident mode: an operator declares an incident with one of the brief's communication
// templates and the public status page shows it until it is resolved. It is an incident like those
// Alertmanager opens (same table, same page, same history) with no escalation steps: the operator
// declaring it is already handling it. At most one is open at a time; opening again updates it.
import { and, eq, ne, sql } from 'drizzle-orm';
import { incidents } from '../db/schema.js';
import { ANNOUNCEMENT_MAX_LENGTH, announcementText, STATUS_INCIDENT_FINGERPRINT, type StatusTemplate } from '../domain/status-announcements.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { badRequest, conflict } from './errors.js';

/** Operators act from the command line, without an account. */
const OPERATOR = { actor: null } as const;

export interface StatusIncident {
  id: string;
  template: string;
  text: string;
  openedAt: Date;
}

export async function openStatusIncident(s: Services, input: { template: StatusTemplate; update?: string }): Promise<StatusIncident & { updated: boolean }> {
  const text = announcementText(input.template, input.update);
  if (text.length > ANNOUNCEMENT_MAX_LENGTH) {
    throw badRequest('announcement_too_long', `The announcement is ${text.length} characters; the status page shows at most ${ANNOUNCEMENT_MAX_LENGTH}`);
  }
  const now = s.now();
  return s.db.transaction(async (tx) => {
    const [open] = await tx
      .update(incidents)
      .set({ alertName: input.template, summary: text, lastSeenAt: now, occurrences: sql`${incidents.occurrences} + 1` })
      .where(and(eq(incidents.fingerprint, STATUS_INCIDENT_FINGERPRINT), ne(incidents.status, 'resolved')))
      .returning();
    const incident =
      open ??
      (
        await tx
          .insert(incidents)
          .values({
            fingerprint: STATUS_INCIDENT_FINGERPRINT,
            alertName: input.template,
            severity: 'critical',
            summary: text,
            labels: { source: 'operator', template: input.template },
            policy: { source: 'declared by an operator (no escalation)', steps: [] },
            openedAt: now,
            lastSeenAt: now,
          })
          .returning()
      )[0]!;
    await recordAudit(s, tx, OPERATOR, {
      action: open ? 'status_incident_updated' : 'status_incident_opened',
      targetType: 'incident',
      targetId: incident.id,
      details: { template: input.template, text, via: 'cli' },
    });
    return { id: incident.id, template: input.template, text, openedAt: incident.openedAt, updated: Boolean(open) };
  });
}

export async function resolveStatusIncident(s: Services, note?: string): Promise<StatusIncident> {
  const now = s.now();
  return s.db.transaction(async (tx) => {
    const [resolved] = await tx
      .update(incidents)
      .set({ status: 'resolved', resolvedAt: now, resolutionNote: note?.trim() || 'Resolved by an operator' })
      .where(and(eq(incidents.fingerprint, STATUS_INCIDENT_FINGERPRINT), ne(incidents.status, 'resolved')))
      .returning();
    if (!resolved) throw conflict('no_status_incident', 'No status page incident is open');
    await recordAudit(s, tx, OPERATOR, {
      action: 'status_incident_resolved',
      targetType: 'incident',
      targetId: resolved.id,
      details: { template: resolved.alertName, via: 'cli' },
    });
    return { id: resolved.id, template: resolved.alertName, text: resolved.summary, openedAt: resolved.openedAt };
  });
}
