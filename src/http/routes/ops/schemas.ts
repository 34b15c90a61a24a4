// Request and response shapes of the escalation engine's routes.
import { Type } from '@sinclair/typebox';
import { DateTime, literals, Nullable, Text, Uuid } from '../../schemas.js';

const StringMap = Type.Record(Type.String(), Type.String());

/** Alertmanager's webhook payload (version 4). Unknown top-level fields are tolerated: Alertmanager adds some. */
export const AlertmanagerWebhook = Type.Object(
  {
    version: Type.Optional(Type.String()),
    groupKey: Type.Optional(Type.String()),
    truncatedAlerts: Type.Optional(Type.Integer()),
    status: Type.Optional(Type.String()),
    receiver: Type.Optional(Type.String()),
    groupLabels: Type.Optional(StringMap),
    commonLabels: Type.Optional(StringMap),
    commonAnnotations: Type.Optional(StringMap),
    externalURL: Type.Optional(Type.String()),
    alerts: Type.Array(
      Type.Object(
        {
          status: Type.String({ description: 'firing | resolved' }),
          labels: StringMap,
          annotations: Type.Optional(StringMap),
          startsAt: Type.Optional(Type.String()),
          endsAt: Type.Optional(Type.String()),
          generatorURL: Type.Optional(Type.String()),
          fingerprint: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: true },
      ),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: true },
);

export const WebhookOutcome = Type.Object({
  opened: Type.Array(Uuid),
  repeated: Type.Array(Uuid),
  resolved: Type.Array(Uuid),
  ignored: Type.Integer(),
});

const Severity = literals(['critical', 'warning', 'info'] as const);
const IncidentStatus = literals(['open', 'acknowledged', 'resolved'] as const);

export const IncidentSummary = Type.Object({
  id: Uuid,
  alertName: Type.String(),
  severity: Severity,
  status: IncidentStatus,
  summary: Type.String(),
  fingerprint: Type.String(),
  occurrences: Type.Integer({ description: 'Alertmanager notifications received while unresolved (repeats de-duplicated)' }),
  openedAt: DateTime,
  lastSeenAt: DateTime,
  acknowledgedAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
});

const Delivery = Type.Object({
  id: Uuid,
  team: Type.String(),
  member: Nullable(Type.String()),
  memberTimeZone: Nullable(Type.String()),
  reason: Type.String({ description: 'awake | critical_wakes_primary | waits_for_morning | no_roster' }),
  channel: literals(['webhook', 'email', 'pagerduty', 'pagerduty_resolve'] as const),
  recipient: Type.String(),
  notifyAt: DateTime,
  state: literals(['pending', 'sent', 'failed', 'cancelled'] as const),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  sentAt: Nullable(DateTime),
});

export const IncidentDetail = Type.Object({
  ...IncidentSummary.properties,
  labels: StringMap,
  annotations: StringMap,
  alertStartsAt: Nullable(DateTime),
  acknowledgedBy: Nullable(Uuid),
  resolvedBy: Nullable(Uuid),
  resolutionNote: Nullable(Type.String()),
  policySource: Type.String({ description: 'alert:<name> (the brief), annotation, or default:<severity>' }),
  communication: Nullable(Type.String()),
  steps: Type.Array(
    Type.Object({
      step: Type.Integer(),
      afterMinutes: Type.Integer(),
      teams: Type.Array(Type.String()),
      dueAt: DateTime,
      state: literals(['scheduled', 'notified', 'cancelled'] as const),
      startedAt: Nullable(DateTime),
      picks: Type.Array(Type.Record(Type.String(), Type.Unknown())),
      notifications: Type.Array(Delivery),
    }),
  ),
});

export const IncidentQuery = Type.Object({
  status: Type.Optional(literals(['open', 'acknowledged', 'resolved', 'unresolved'] as const)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const ResolveBody = Type.Object({ note: Text(3, 2000) }, { additionalProperties: false });
