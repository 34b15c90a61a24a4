// Outgoing webhooks end to end: the product team registers endpoints through the API, changes made
// through the API reach a real local receiver that verifies every Standard Webhooks signature with
// the `standardwebhooks` package, a failing receiver sees retries of the same message, an endpoint
// that keeps failing is disabled, the delivery log tells what happened, and the SSRF guard refuses
// loopback, private and link-local targets that are not on the allow-list.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, webhookDeliveries, webhookEndpoints } from '../../../src/db/schema.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { checkedAddress, postWebhookGuarded, WebhookTargetRefused } from '../../../src/services/outbound-webhook.js';
import { reencryptAll } from '../../../src/services/key-rotation.js';
import { newWebhookSecret } from '../../../src/security/webhook-signing.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { NEXT_YEAR, alertmanagerAlert, alertmanagerWebhook } from '../../helpers/fixtures.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const ALERTMANAGER_TOKEN = 'alertmanager-test-token-0123456789';
const ESCALATION_SECRET = newWebhookSecret();

const newRequest = (title: string) => ({
  title,
  description: 'Let us print the seating chart with small icons for vegetarian, vegan and allergy guests for the caterer.',
  category: 'seating',
  urgency: 'medium',
  painPoints: ['caterer asks for a separate list'],
  weddingContext: { weddingDate: `${NEXT_YEAR}-06-19`, guestCount: 110, country: 'GB', timeZone: 'Europe/London' },
});

describe.each(DATABASE_MODES)('outgoing webhooks (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;
  let receiver: Server;
  let base: string;
  let worker: ReturnType<typeof createWorker>;
  const received: Received[] = [];
  /** Per path: how many more requests answer 500 (Infinity: always). */
  const failing = new Map<string, number>();

  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };
  const at = (path: string) => received.filter((r) => r.path === path);
  /** Verifies with the reference library (which also checks the timestamp is within 5 minutes). */
  const verified = (secret: string, r: Received) =>
    new Webhook(secret).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    }) as {
      type: string;
      data: Record<string, unknown>;
    };
  const register = async (path: string, events: string[]) => {
    const res = await t.request(product, { method: 'POST', url: '/api/webhooks', payload: { url: `${base}${path}`, description: `receiver ${path}`, events } });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; secret: string; enabled: boolean };
  };
  const deliveries = async (id: string) => (await t.request(product, { method: 'GET', url: `/api/webhooks/${id}/deliveries` })).json().items;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, body });
        const left = failing.get(path) ?? 0;
        if (left > 0) {
          failing.set(path, left - 1);
          res.writeHead(500).end('receiver down');
        } else res.writeHead(204).end();
      });
    });
    const port = await new Promise<number>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as AddressInfo).port)));
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp(mode, {
      env: {
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_DISABLE_AFTER_FAILURES: '3',
        ALERTMANAGER_WEBHOOK_TOKEN: ALERTMANAGER_TOKEN,
        ESCALATION_WEBHOOK_URL: `${base}/escalation`,
        ESCALATION_WEBHOOK_SECRET: ESCALATION_SECRET,
      },
    });
    product = await t.login('product@demo.test');
    couple = await t.login('couple@demo.test');
    worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: ['notification_sending'], concurrency: 4, log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('registers an endpoint: the secret is shown once and stored sealed', async () => {
    const endpoint = await register('/sealed', ['comment.created']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = (await t.request(product, { method: 'GET', url: '/api/webhooks' })).json().items;
    expect(listed.find((e: { id: string }) => e.id === endpoint.id)).toMatchObject({ url: `${base}/sealed`, events: ['comment.created'], enabled: true });
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret);
    const [row] = await t.database.db.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.secret).not.toContain(endpoint.secret.slice(6));
    expect((await t.request(product, { method: 'DELETE', url: `/api/webhooks/${endpoint.id}` })).statusCode).toBe(204);
  });

  it('refuses an unknown event and a non-http URL with 400, and customers with 403', async () => {
    const bad = await t.request(product, { method: 'POST', url: '/api/webhooks', payload: { url: `${base}/x`, events: ['changelog.published'] } });
    expect(bad.statusCode).toBe(400);
    expect(
      (await t.request(product, { method: 'POST', url: '/api/webhooks', payload: { url: 'file:///etc/passwd', events: ['comment.created'] } })).statusCode,
    ).toBe(400);
    expect((await t.request(couple, { method: 'POST', url: '/api/webhooks', payload: { url: `${base}/x`, events: ['comment.created'] } })).statusCode).toBe(
      403,
    );
  });

  it('delivers the subscribed events of API changes, signed, with thin payloads; unsubscribed events are not sent', async () => {
    const endpoint = await register('/board', ['feature_request.created', 'feature_request.status_changed', 'comment.created']);
    const created = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: newRequest('Seating chart with dietary icons') });
    expect(created.statusCode).toBe(201);
    const requestId = created.json().id as string;
    expect(
      (
        await t.request(product, {
          method: 'POST',
          url: `/api/feature-requests/${requestId}/status`,
          payload: { status: 'under_review', justification: 'Triage: reviewing demand' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.request(couple, { method: 'POST', url: `/api/feature-requests/${requestId}/comments`, payload: { content: 'Our caterer would love this' } }))
        .statusCode,
    ).toBe(201);
    // A merge is not subscribed to: nothing for it.
    const other = (await t.request(product, { method: 'POST', url: '/api/feature-requests', payload: newRequest('Dietary icons on the seating plan') })).json()
      .id;
    expect((await t.request(product, { method: 'POST', url: `/api/feature-requests/${other}/merge`, payload: { targetId: requestId } })).statusCode).toBe(200);
    await drain();

    const messages = at('/board').map((r) => verified(endpoint.secret, r));
    expect(messages.map((m) => m.type).sort()).toEqual([
      'comment.created',
      'feature_request.created',
      'feature_request.created',
      'feature_request.status_changed',
    ]);
    const first = messages.find((m) => m.type === 'feature_request.created' && m.data.id === requestId)!;
    expect(first.data).toMatchObject({ id: requestId, title: 'Seating chart with dietary icons', category: 'seating', status: 'open' });
    expect(messages.find((m) => m.type === 'feature_request.status_changed')!.data).toMatchObject({ id: requestId, from: 'open', to: 'under_review' });
    expect(messages.find((m) => m.type === 'comment.created')!.data).toMatchObject({ requestId, authorRole: 'couple' });
    // No sealed content or personal data leaves through a webhook.
    const bodies = at('/board')
      .map((r) => r.body)
      .join('\n');
    expect(bodies).not.toContain('caterer');
    expect(bodies).not.toContain('demo.test');
    // A wrong secret does not verify.
    expect(() => verified(newWebhookSecret(), at('/board')[0]!)).toThrow();
  });

  it('writes nothing for a change that is refused (the delivery is part of the change)', async () => {
    const endpoint = await register('/refused', ['feature_request.status_changed']);
    const id = (await t.request(product, { method: 'POST', url: '/api/feature-requests', payload: newRequest('Guest list import from spreadsheets') })).json()
      .id;
    const refused = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'shipped', justification: 'Skipping ahead' },
    });
    expect(refused.statusCode).toBe(409);
    expect(await t.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id))).toEqual([]);
  });

  it('retries a failing receiver with back-off, the same message each time, and logs every attempt', async () => {
    const endpoint = await register('/flaky', ['comment.created']);
    failing.set('/flaky', 2);
    expect((await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` })).statusCode).toBe(202);
    await drain();
    expect(at('/flaky')).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      t.clock.advance(30_000); // past the back-off (about 2 s, then 4 s)
      await drain();
    }
    const attempts = at('/flaky');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of attempts) expect(verified(endpoint.secret, r).type).toBe('webhook.test');
    const [log] = await deliveries(endpoint.id);
    expect(log).toMatchObject({ eventType: 'webhook.test', state: 'delivered' });
    expect(log.attempts.map((a: { attempt: number; statusCode: number; error: string | null }) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'answered 500'],
      [2, 500, 'answered 500'],
      [3, 204, null],
    ]);
    expect(log.attempts.every((a: { durationMs: number }) => a.durationMs >= 0)).toBe(true);
  });

  it('disables an endpoint after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row, audited; enabling again resets it', async () => {
    const endpoint = await register('/down', ['comment.created']);
    failing.set('/down', Infinity);
    await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` });
    await drain();
    for (let i = 0; i < 4; i++) {
      t.clock.advance(30_000);
      await drain();
    }
    expect(at('/down')).toHaveLength(3);
    const listed = (await t.request(product, { method: 'GET', url: '/api/webhooks' })).json().items.find((e: { id: string }) => e.id === endpoint.id);
    expect(listed).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(listed.disabledReason).toMatch(/after 3 failed attempts/);
    expect((await deliveries(endpoint.id))[0].state).toBe('abandoned');
    const audits = await t.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, endpoint.id));
    expect(audits.map((a) => a.action)).toContain('webhook_endpoint_disabled');
    // A disabled endpoint gets no events and no test.
    expect((await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` })).statusCode).toBe(409);

    failing.delete('/down');
    const enabled = await t.request(product, { method: 'PATCH', url: `/api/webhooks/${endpoint.id}`, payload: { enabled: true } });
    expect(enabled.json()).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    expect((await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` })).statusCode).toBe(202);
    await drain();
    expect(at('/down')).toHaveLength(4);
  });

  it('rotates the secret: the new one verifies, the old one no longer does', async () => {
    const endpoint = await register('/rotated', ['comment.created']);
    const rotated = (await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/rotate-secret` })).json();
    expect(rotated.secret).not.toBe(endpoint.secret);
    await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` });
    await drain();
    const [message] = at('/rotated');
    expect(verified(rotated.secret, message!).type).toBe('webhook.test');
    expect(() => verified(endpoint.secret, message!)).toThrow();
  });

  it('re-seals signing secrets when the data key rotates; the secret itself stays the same', async () => {
    const endpoint = await register('/key-rotation', ['comment.created']);
    const { to } = await t.services.keyring.addVersion();
    await reencryptAll(t.services);
    const [row] = await t.database.db.select({ keyVersion: webhookEndpoints.keyVersion }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.keyVersion).toBe(to);
    await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` });
    await drain();
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ state: 'delivered' });
    expect(verified(endpoint.secret, at('/key-rotation')[0]!).type).toBe('webhook.test');
  });

  it('sends incident opened/resolved events, and signs the escalation webhook the same way', async () => {
    const endpoint = await register('/incidents', ['incident.opened', 'incident.resolved']);
    const am = { headers: { authorization: `Bearer ${ALERTMANAGER_TOKEN}` } };
    const firing = alertmanagerWebhook([alertmanagerAlert('firing', 'HighFeatureRequestErrorRate', 'fp-webhooks')]);
    const opened = await t.request(am, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: firing });
    const incidentId = opened.json().opened[0];
    await drain(); // the on-call page goes out before the resolve would cancel it
    const resolved = alertmanagerWebhook([alertmanagerAlert('resolved', 'HighFeatureRequestErrorRate', 'fp-webhooks')], 'resolved');
    await t.request(am, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: resolved });
    await drain();
    const messages = at('/incidents').map((r) => verified(endpoint.secret, r));
    expect(messages.map((m) => [m.type, m.data.id])).toEqual(
      expect.arrayContaining([
        ['incident.opened', incidentId],
        ['incident.resolved', incidentId],
      ]),
    );
    // The on-call page is signed with ESCALATION_WEBHOOK_SECRET.
    const escalations = at('/escalation');
    expect(escalations.length).toBeGreaterThan(0);
    for (const r of escalations) expect(verified(ESCALATION_SECRET, r)).toHaveProperty('text');
  });

  describe('SSRF guard', () => {
    const refusedTargets = [
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://localhost/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
    ];

    it.each(refusedTargets)('refuses %s without the allow-list, at delivery time', async (target) => {
      await expect(checkedAddress(new URL(target), [])).rejects.toBeInstanceOf(WebhookTargetRefused);
    });

    it('refuses to connect: the receiver on 127.0.0.1 is never reached without the allow-list, by address or by a name resolving to it', async () => {
      const before = received.length;
      const port = new URL(base).port;
      for (const target of [`http://127.0.0.1:${port}/ssrf`, `http://localhost:${port}/ssrf`]) {
        await expect(postWebhookGuarded(target, '{}', {}, [])).rejects.toBeInstanceOf(WebhookTargetRefused);
      }
      expect(received.length).toBe(before);
      // The allow-list is explicit per host: allowing 127.0.0.1 does not allow "localhost".
      await expect(postWebhookGuarded(`http://localhost:${port}/ssrf`, '{}', {}, ['127.0.0.1'])).rejects.toBeInstanceOf(WebhookTargetRefused);
      expect((await postWebhookGuarded(`http://localhost:${port}/ssrf`, '{}', {}, ['localhost'])).statusCode).toBe(204);
    });

    it('refuses private, link-local and loopback URLs at registration with 400 (127.0.0.1 alone is allowed here)', async () => {
      for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/', 'http://[::1]/hook', 'http://localhost/hook', 'http://192.168.1.10/hook']) {
        const res = await t.request(product, { method: 'POST', url: '/api/webhooks', payload: { url, events: ['comment.created'] } });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error.code).toBe('webhook_target_refused');
      }
    });

    it('checks again at delivery: an endpoint whose target became private is logged as refused, not contacted', async () => {
      const endpoint = await register('/moved', ['comment.created']);
      // As if its name now resolved to the cloud metadata address (a rebind after registration).
      await t.database.db.update(webhookEndpoints).set({ url: 'http://169.254.169.254/latest/meta-data/' }).where(eq(webhookEndpoints.id, endpoint.id));
      await t.request(product, { method: 'POST', url: `/api/webhooks/${endpoint.id}/test` });
      await drain();
      const [log] = await deliveries(endpoint.id);
      expect(log.state).toBe('pending');
      expect(log.attempts[0]).toMatchObject({ attempt: 1, statusCode: null });
      expect(log.attempts[0].error).toMatch(/169\.254\.169\.254 is a linkLocal address/);
    });
  });
});
