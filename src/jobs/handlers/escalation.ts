// notification_sending, escalation engine: `escalate_incident` runs an incident's next step at its
// due time (the timer is the job's run_at, in the database); `deliver_incident_notification` sends
// one webhook or email, retried with back-off by the queue and dead-lettered when it keeps failing.
// Both are idempotent: a step runs once per (incident, step), a delivery is sent once it succeeded.
import { deliverIncidentNotification, runEscalationStep } from '../../services/incidents.js';
import type { Services } from '../../services/context.js';
import type { Job } from '../queue.js';
import { PermanentJobError, type JobHandler } from '../worker.js';

export { DELIVER_INCIDENT_NOTIFICATION, ESCALATE_INCIDENT } from '../../services/incidents.js';

export const escalateIncident: JobHandler = async (job: Job, s: Services) => {
  const { incidentId, step } = job.payload;
  if (typeof incidentId !== 'string' || typeof step !== 'number') throw new PermanentJobError('payload.incidentId or payload.step missing');
  await runEscalationStep(s, incidentId, step);
};

export const deliverIncidentNotificationJob: JobHandler = async (job: Job, s: Services) => {
  const { notificationId } = job.payload;
  if (typeof notificationId !== 'string') throw new PermanentJobError('payload.notificationId missing');
  await deliverIncidentNotification(s, notificationId, job.attempts >= job.maxAttempts);
};
