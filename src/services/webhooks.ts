// Outgoing webhooks: endpoints the product team registers with the events they want; each event is
// a delivery row and a job, both written in the transaction of the change that caused it, so a
// rolled-back change sends nothing and a committed one is never lost. Deliveries are signed the
// Standard Webhooks way, retried by the queue with back-off, logged attempt by attempt, and an
// endpoint that keeps failing is disabled. The signing secret is sealed with the data key and shown
// only when it is created or rotated.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from '../db/schema.js';
import { TEST_EVENT, type WebhookEvent } from '../domain/webhooks.js';
import { DELIVER_WEBHOOK, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import type { Keyring } from '../security/keyring.js';
import { newMessageId, newWebhookSecret, signedHeaders } from '../security/webhook-signing.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { badRequest, conflict, notFound } from './errors.js';
import { checkedAddress, postWebhookGuarded, WebhookTargetRefused } from './outbound-webhook.js';

const SYSTEM = { actor: null } as const;
const secretAt = (id: string) => ({ table: 'webhook_endpoints', column: 'secret', rowId: id });

const publicColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  disabledReason: webhookEndpoints.disabledReason,
  consecutiveFailures: webhookEndpoints.consecutiveFailures,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** Refuses at registration what the delivery-time guard would refuse anyway: the caller hears it now. */
async function checkTarget(s: Services, raw: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('invalid_webhook_url', 'The webhook URL is not a valid absolute URL', { field: 'url' });
  }
  if (url.username || url.password)
    throw badRequest('invalid_webhook_url', 'Put no credentials in the webhook URL; receivers verify the signature instead', { field: 'url' });
  try {
    await checkedAddress(url, s.config.webhookAllowedHosts);
  } catch (err) {
    if (err instanceof WebhookTargetRefused) throw badRequest('webhook_target_refused', err.message, { field: 'url' });
    throw badRequest('webhook_url_unresolvable', `${url.hostname} does not resolve`, { field: 'url' });
  }
  return raw; // as typed: it reads back as sent, and every delivery parses and checks it again
}

async function sealSecret(keyring: Keyring, db: Database, id: string, secret: string) {
  const keyVersion = await keyring.currentVersion(db);
  return { secret: await keyring.sealShared(keyVersion, secretAt(id), secret), keyVersion };
}

export async function listWebhookEndpoints(s: Services) {
  return { items: await s.db.select(publicColumns).from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)) };
}

async function endpointById(db: Database, id: string) {
  const [row] = await db.select(publicColumns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

export async function createWebhookEndpoint(s: Services, call: Call, input: { url: string; description?: string; events: WebhookEvent[] }) {
  const url = await checkTarget(s, input.url);
  const secret = newWebhookSecret();
  const id = randomUUID();
  const now = s.now();
  const endpoint = await s.db.transaction(async (tx) => {
    await tx.insert(webhookEndpoints).values({
      id,
      url,
      description: input.description?.trim() ?? '',
      events: [...new Set(input.events)],
      ...(await sealSecret(s.keyring, tx, id, secret)),
      createdBy: call.actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(s, tx, call, {
      action: 'webhook_endpoint_created',
      targetType: 'webhook_endpoint',
      targetId: id,
      details: { url, events: input.events },
    });
    return endpointById(tx, id);
  });
  return { ...endpoint, secret };
}

export async function updateWebhookEndpoint(
  s: Services,
  call: Call,
  id: string,
  patch: { url?: string; description?: string; events?: WebhookEvent[]; enabled?: boolean },
) {
  const url = patch.url === undefined ? undefined : await checkTarget(s, patch.url);
  return s.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...(url !== undefined && { url }),
        ...(patch.description !== undefined && { description: patch.description.trim() }),
        ...(patch.events !== undefined && { events: [...new Set(patch.events)] }),
        // Enabling again starts a fresh count: the operator says the receiver is fixed.
        ...(patch.enabled !== undefined && {
          enabled: patch.enabled,
          disabledReason: patch.enabled ? null : 'disabled by the product team',
          consecutiveFailures: 0,
        }),
        updatedAt: s.now(),
      })
      .where(eq(webhookEndpoints.id, id))
      .returning({ id: webhookEndpoints.id });
    if (!updated) throw notFound('Webhook endpoint');
    await recordAudit(s, tx, call, {
      action: 'webhook_endpoint_updated',
      targetType: 'webhook_endpoint',
      targetId: id,
      details: { ...patch, ...(url !== undefined && { url }) },
    });
    return endpointById(tx, id);
  });
}

export async function deleteWebhookEndpoint(s: Services, call: Call, id: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    const [gone] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ url: webhookEndpoints.url });
    if (!gone) throw notFound('Webhook endpoint');
    await recordAudit(s, tx, call, { action: 'webhook_endpoint_deleted', targetType: 'webhook_endpoint', targetId: id, details: { url: gone.url } });
  });
}

/** A new secret, effective for every delivery attempted from now on (retries of older messages included). */
export async function rotateWebhookSecret(s: Services, call: Call, id: string) {
  const secret = newWebhookSecret();
  await s.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ ...(await sealSecret(s.keyring, tx, id, secret)), updatedAt: s.now() })
      .where(eq(webhookEndpoints.id, id))
      .returning({ id: webhookEndpoints.id });
    if (!row) throw notFound('Webhook endpoint');
    await recordAudit(s, tx, call, { action: 'webhook_secret_rotated', targetType: 'webhook_endpoint', targetId: id });
  });
  return { ...(await endpointById(s.db, id)), secret };
}

async function addDelivery(tx: Database, s: Services, endpointId: string, type: string, data: Record<string, unknown>): Promise<string> {
  const now = s.now();
  const [delivery] = await tx
    .insert(webhookDeliveries)
    .values({ endpointId, messageId: newMessageId(), eventType: type, body: JSON.stringify({ type, timestamp: now.toISOString(), data }), createdAt: now })
    .returning({ id: webhookDeliveries.id });
  await enqueue(tx, jobSpec(DELIVER_WEBHOOK, { deliveryId: delivery!.id }), now);
  return delivery!.id;
}

/**
 * Called inside the transaction of the change: one delivery and one job per enabled endpoint that
 * subscribed to `type`. Payloads are thin (ids, titles, statuses): no personal or sealed content
 * leaves through a webhook; receivers fetch more through the API with their own token.
 */
export async function emitWebhookEvent(tx: Database, s: Services, type: WebhookEvent, data: Record<string, unknown>): Promise<void> {
  const subscribed = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), sql`${webhookEndpoints.events} @> ${JSON.stringify([type])}::jsonb`));
  for (const endpoint of subscribed) await addDelivery(tx, s, endpoint.id, type, data);
}

/** The "send test event" button: a `webhook.test` message to this endpoint only, whatever it subscribed to. */
export async function sendTestEvent(s: Services, call: Call, id: string) {
  return s.db.transaction(async (tx) => {
    const endpoint = await endpointById(tx, id);
    if (!endpoint.enabled) throw conflict('webhook_endpoint_disabled', 'Enable the endpoint before sending it a test event');
    const deliveryId = await addDelivery(tx, s, id, TEST_EVENT, { endpointId: id, message: 'A test event from WedSync Feature Requests' });
    await recordAudit(s, tx, call, { action: 'webhook_test_sent', targetType: 'webhook_endpoint', targetId: id, details: { deliveryId } });
    return { deliveryId };
  });
}

/** The delivery log of one endpoint: newest deliveries first, each with its attempts. */
export async function listWebhookDeliveries(s: Services, id: string, limit: number) {
  await endpointById(s.db, id);
  const deliveries = await s.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, id))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  const attempts = deliveries.length
    ? await s.db
        .select()
        .from(webhookDeliveryAttempts)
        .where(
          inArray(
            webhookDeliveryAttempts.deliveryId,
            deliveries.map((d) => d.id),
          ),
        )
        .orderBy(webhookDeliveryAttempts.attempt)
    : [];
  return {
    items: deliveries.map((d) => ({
      id: d.id,
      messageId: d.messageId,
      eventType: d.eventType,
      state: d.state,
      attempts: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, attemptedAt: a.attemptedAt })),
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
    })),
  };
}

/**
 * The `deliver_webhook` job: one signed attempt, logged. Throws on failure so the queue retries;
 * `lastAttempt` marks the delivery failed when the queue gives up. After
 * WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row the endpoint is disabled (audited) and its
 * pending deliveries are abandoned rather than retried.
 */
export async function deliverWebhook(s: Services, deliveryId: string, lastAttempt: boolean): Promise<'delivered' | 'skipped' | 'disabled'> {
  const [row] = await s.db
    .select({ d: webhookDeliveries, e: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row || row.d.state !== 'pending') return 'skipped';
  const { d, e } = row;
  if (!e.enabled) {
    await s.db
      .update(webhookDeliveries)
      .set({ state: 'abandoned' })
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.state, 'pending')));
    return 'skipped';
  }
  const secret = await s.keyring.openShared(e.secret, secretAt(e.id));
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    statusCode = (await postWebhookGuarded(e.url, d.body, signedHeaders(secret, d.messageId, s.now(), d.body), s.config.webhookAllowedHosts)).statusCode;
    if (statusCode < 200 || statusCode >= 300) error = `answered ${statusCode}`;
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  }
  const durationMs = Math.round(performance.now() - started);
  const now = s.now();
  const disabled = await s.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        state: error === null ? 'delivered' : lastAttempt ? 'failed' : 'pending',
        deliveredAt: error === null ? now : null,
      })
      .where(eq(webhookDeliveries.id, d.id))
      .returning({ attempts: webhookDeliveries.attempts });
    await tx.insert(webhookDeliveryAttempts).values({ deliveryId: d.id, attempt: updated!.attempts, statusCode, durationMs, error, attemptedAt: now });
    if (error === null) {
      await tx.update(webhookEndpoints).set({ consecutiveFailures: 0 }).where(eq(webhookEndpoints.id, e.id));
      return false;
    }
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, e.id))
      .returning({ failures: webhookEndpoints.consecutiveFailures, enabled: webhookEndpoints.enabled });
    if (!endpoint || !endpoint.enabled || endpoint.failures < s.config.webhookDisableAfterFailures) return false;
    const reason = `disabled after ${endpoint.failures} failed attempts in a row (last: ${error})`;
    await tx.update(webhookEndpoints).set({ enabled: false, disabledReason: reason, updatedAt: now }).where(eq(webhookEndpoints.id, e.id));
    await tx
      .update(webhookDeliveries)
      .set({ state: 'abandoned' })
      .where(and(eq(webhookDeliveries.endpointId, e.id), eq(webhookDeliveries.state, 'pending')));
    await recordAudit(s, tx, SYSTEM, {
      action: 'webhook_endpoint_disabled',
      targetType: 'webhook_endpoint',
      targetId: e.id,
      details: { failures: endpoint.failures, lastError: error },
    });
    return true;
  });
  if (disabled) return 'disabled';
  if (error !== null) throw new Error(`webhook delivery to ${e.url}: ${error}`);
  return 'delivered';
}
