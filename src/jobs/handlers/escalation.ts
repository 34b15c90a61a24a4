// notification_sending, escalation engine: `escalate_incident` runs an incident's next step at its
// due time (the timer is the job's run_at, in the database); `deliver_incident_notification` sends
// one webhook or email, retried with back-off by the queue and dead-lettered when it keeps failing.
// Both are idempotent: a step runs once per (incident, step), a delivery is sent once it succeeded.
import { DELIVER_INCIDENT_NOTIFICATION, ESCALATE_INCIDENT } from '../../queue/contracts.js';
import { deliverIncidentNotification, runEscalationStep } from '../../services/incidents.js';
import { handle } from '../worker.js';

export const escalateIncident = handle(ESCALATE_INCIDENT, async (job, s) => {
  await runEscalationStep(s, job.payload.incidentId, job.payload.step);
});

export const deliverIncidentNotificationJob = handle(DELIVER_INCIDENT_NOTIFICATION, async (job, s) => {
  await deliverIncidentNotification(s, job.payload.notificationId, job.attempts >= job.maxAttempts);
});
