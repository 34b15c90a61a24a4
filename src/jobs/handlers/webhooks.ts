// notification_sending: one attempt at one outgoing webhook delivery. Throws on failure so the queue
// retries with back-off; idempotent: a delivered, failed or abandoned delivery is not sent again.
import { DELIVER_WEBHOOK } from '../../queue/contracts.js';
import { deliverWebhook } from '../../services/webhooks.js';
import { handle } from '../worker.js';

export const deliverWebhookJob = handle(DELIVER_WEBHOOK, async (job, s) => {
  await deliverWebhook(s, job.payload.deliveryId, job.attempts >= job.maxAttempts);
});
