// Request bodies that pass validation, so a test changes only what it is about.
let sequence = 0;

/**
 * Next year, for wedding dates a new request gives: a request's wedding must still be to come, so a
 * fixed year would make these tests fail once the calendar passes it.
 */
export const NEXT_YEAR = new Date().getUTCFullYear() + 1;

export function weddingRequest(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    title: `Let guests choose their meal when they RSVP (${sequence})`,
    description: 'Our caterer needs each guest’s meal choice; collecting it with the RSVP saves weeks of chasing.',
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['chasing meal choices by phone'],
    weddingContext: { weddingDate: `${NEXT_YEAR}-06-12`, guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
    ...overrides,
  };
}

export function coupleSignup(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    email: `couple-${sequence}-${Date.now()}@example.test`,
    password: 'correct horse battery staple',
    displayName: `Test couple ${sequence}`,
    role: 'couple',
    country: 'GB',
    timeZone: 'Europe/London',
    ...overrides,
  };
}

/** One alert as Alertmanager's webhook (v4) carries it. */
export function alertmanagerAlert(
  status: 'firing' | 'resolved',
  name: string,
  fingerprint: string,
  options: { labels?: Record<string, string>; annotations?: Record<string, string>; startsAt?: Date } = {},
) {
  return {
    status,
    labels: { alertname: name, severity: 'critical', team: 'on-call-engineer', ...options.labels },
    annotations: { summary: `${name} summary`, wedding_impact: 'Couples cannot submit feedback', ...options.annotations },
    startsAt: (options.startsAt ?? new Date()).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.local/graph',
    fingerprint,
  };
}

/** Alertmanager's webhook body around some alerts. */
export function alertmanagerWebhook(alerts: unknown[], status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status,
    receiver: 'escalation-critical',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts,
  };
}
