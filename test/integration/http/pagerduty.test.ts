// The PagerDuty Events v2 channel of the escalation engine, against a local receiver standing in for
// events.pagerduty.com: an opened incident triggers one PagerDuty alert (routing key, dedup key,
// summary, severity, source), a failed send is retried, and resolving the incident resolves it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { alertmanagerAlert, alertmanagerWebhook } from '../../helpers/fixtures.js';

const TOKEN = 'alertmanager-test-token-0123456789';
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

interface PagerDutyEvent {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; severity: string; source: string; component?: string };
}

describe.each(DATABASE_MODES)('PagerDuty channel (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let receiver: Server;
  let worker: ReturnType<typeof createWorker>;
  const events: PagerDutyEvent[] = [];
  let failNext = 0;
  const am = { headers: { authorization: `Bearer ${TOKEN}` } };
  const drain = async () => {
    while ((await worker.runDue()) > 0);
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(429).end('{"status":"throttle event"}');
          return;
        }
        events.push(JSON.parse(body));
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
      });
    });
    const port = await new Promise<number>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as AddressInfo).port)));
    t = await createTestApp(mode, {
      env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: `http://127.0.0.1:${port}/v2/enqueue` },
    });
    product = await t.login('product@demo.test');
    worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: ['notification_sending'], concurrency: 4, log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('triggers one PagerDuty alert per incident, retries a throttled send, and resolves it with the same dedup key', async () => {
    failNext = 1;
    const firing = alertmanagerWebhook([
      alertmanagerAlert('firing', 'HighFeatureRequestErrorRate', 'fp-pd', { annotations: { summary: 'Submissions failing' } }),
    ]);
    const incidentId = (await t.request(am, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: firing })).json().opened[0];
    // A repeat of the same alert pages nobody again.
    await t.request(am, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: firing });
    await drain();
    expect(events).toEqual([]); // the first send was throttled: retried after the back-off
    t.clock.advance(30_000);
    await drain();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `wedsync-incident-${incidentId}`,
      payload: { severity: 'critical', source: 'wedsync-feature-requests', component: 'HighFeatureRequestErrorRate' },
    });
    expect(events[0]!.payload!.summary).toContain('HighFeatureRequestErrorRate');

    const resolved = await t.request(product, {
      method: 'POST',
      url: `/api/ops/incidents/${incidentId}/resolve`,
      payload: { note: 'Fixed the submission path' },
    });
    expect(resolved.statusCode).toBe(200);
    await drain();
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: `wedsync-incident-${incidentId}` });
    const detail = resolved.json();
    const pd = (await t.request(product, { method: 'GET', url: `/api/ops/incidents/${incidentId}` }))
      .json()
      .steps[0].notifications.filter((n: { channel: string }) => n.channel.startsWith('pagerduty'));
    expect(detail.status).toBe('resolved');
    expect(pd.map((n: { channel: string; state: string }) => [n.channel, n.state]).sort()).toEqual([
      ['pagerduty', 'sent'],
      ['pagerduty_resolve', 'sent'],
    ]);
  });
});
