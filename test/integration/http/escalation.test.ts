// The escalation engine end to end: Alertmanager's webhook opens an incident, the on-call person who
// is awake hears about it at once by webhook and email (local receivers only), repeats de-duplicate,
// the clock drives the escalation, acknowledging stops it, resolving closes it, the timers live in the
// database (a "restarted" app and worker carry on), and a failing receiver is retried then dead-lettered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, incidentNotifications, jobs } from '../../../src/db/schema.js';
import { buildApp } from '../../../src/http/app.js';
import { JOB_HANDLERS, schedules } from '../../../src/jobs/index.js';
import { QUEUES } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import type { Services } from '../../../src/services/context.js';
import { anonymous, createTestApp, testClock, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { alertmanagerAlert, alertmanagerWebhook } from '../../helpers/fixtures.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../helpers/smtp-sink.js';

const TOKEN = 'alertmanager-test-token-0123456789';
// 07:00 UTC: 02:00 in New York and Los Angeles' evening before, 12:30 in Mumbai.
const BASE = new Date('2030-01-15T07:00:00Z');

const ROSTER = {
  defaultWorkingHours: { start: '08:00', end: '20:00' },
  teams: {
    'on-call-engineer': {
      members: [
        { name: 'Sarah', email: 'sarah@oncall.test', timeZone: 'America/New_York' },
        { name: 'Priya', email: 'priya@oncall.test', timeZone: 'Asia/Kolkata' },
      ],
    },
    'platform-team-lead': {
      members: [
        { name: 'Hannah', email: 'hannah@oncall.test', timeZone: 'America/Los_Angeles' },
        { name: 'Arjun', email: 'arjun@oncall.test', timeZone: 'Asia/Kolkata' },
      ],
    },
    'database-team': { members: [{ name: 'Kavya', email: 'kavya@oncall.test', timeZone: 'Asia/Kolkata' }] },
    'platform-team': { members: [{ name: 'Marcus', email: 'marcus@oncall.test', timeZone: 'Asia/Kolkata' }] },
    'ai-team': { members: [{ name: 'Rohan', email: 'rohan@oncall.test', timeZone: 'Asia/Kolkata' }] },
  },
};

interface Hook {
  text: string;
  blocks?: unknown[];
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const alert = (
  status: 'firing' | 'resolved',
  name: string,
  fingerprint: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) => alertmanagerAlert(status, name, fingerprint, { labels, annotations, startsAt: BASE });
const webhook = alertmanagerWebhook;

describe.each(DATABASE_MODES)('escalation engine (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;
  let worker: ReturnType<typeof createWorker>;
  let hookServer: Server;
  let smtp: SmtpSink;
  const hooks: Hook[] = [];
  let mails: ReceivedMail[] = [];
  let hookFailing = false;
  let hookAttempts = 0;

  const am = { headers: { authorization: `Bearer ${TOKEN}` } };
  const send = (payload: unknown, caller: Caller = am) =>
    t.request(caller, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: payload as object });
  const incident = async (id: string) => (await t.request(product, { method: 'GET', url: `/api/ops/incidents/${id}` })).json();
  const drain = async (w = worker) => {
    while ((await w.runDue()) > 0);
  };
  const audits = async (id: string) =>
    (await t.database.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, id))).map((a) => a.action);

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hookAttempts += 1;
        if (hookFailing) {
          res.writeHead(500).end('down');
          return;
        }
        hooks.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    smtp = await startSmtpSink();
    mails = smtp.mails;
    const hookPort = await listen(hookServer);
    const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-oncall-'));
    const rosterFile = path.join(dir, 'schedule.json');
    writeFileSync(rosterFile, JSON.stringify(ROSTER));

    t = await createTestApp(mode, {
      clock: testClock(BASE),
      env: {
        ALERTMANAGER_WEBHOOK_TOKEN: TOKEN,
        ONCALL_SCHEDULE_FILE: rosterFile,
        ESCALATION_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hooks/escalation`,
        SMTP_URL: smtp.url,
        ESCALATION_EMAIL_FROM: 'WedSync alerts <alerts@wedsync.test>',
      },
    });
    product = await t.login('product@demo.test');
    couple = await t.login('couple@demo.test');
    worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      schedules: schedules(t.config),
      queues: QUEUES,
      concurrency: 8,
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => hookServer?.close(r));
    await smtp?.close();
  });

  it('refuses a missing or wrong token, and account API tokens, with 401 before reading the body', async () => {
    const payload = webhook([alert('firing', 'HighFeatureRequestErrorRate', 'fp-nope')]);
    expect((await send(payload, anonymous)).statusCode).toBe(401);
    expect((await send(payload, { headers: { authorization: 'Bearer wrong-token-wrong-token-00' } })).statusCode).toBe(401);
    expect((await send({ nonsense: true }, { headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
    expect((await send(payload, await t.bearer(product))).statusCode).toBe(401);
    expect((await t.request(product, { method: 'GET', url: '/api/ops/incidents' })).json().items).toEqual([]);
  });

  let firstId: string;

  it('opens an incident and notifies the awake on-call member at once, by webhook and email', async () => {
    const res = await send(webhook([alert('firing', 'HighFeatureRequestErrorRate', 'fp-errors')]));
    expect(res.statusCode).toBe(200);
    const { opened } = res.json();
    expect(opened).toHaveLength(1);
    firstId = opened[0];
    await drain();

    // 02:00 in New York: Sarah (primary) sleeps, Priya in Mumbai is awake — follow the sun.
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.text).toContain('HighFeatureRequestErrorRate');
    expect(hooks[0]!.text).toContain('Priya (on-call-engineer, Asia/Kolkata)');
    expect(hooks[0]!.blocks).toBeInstanceOf(Array);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['priya@oncall.test']);
    expect(mails[0]!.data).toMatch(/Subject: \[CRITICAL\] HighFeatureRequestErrorRate/);

    const detail = await incident(firstId);
    expect(detail).toMatchObject({ status: 'open', severity: 'critical', occurrences: 1, policySource: 'alert:HighFeatureRequestErrorRate' });
    expect(detail.steps.map((s: { afterMinutes: number; state: string }) => [s.afterMinutes, s.state])).toEqual([
      [0, 'notified'],
      [15, 'scheduled'],
      [30, 'scheduled'],
      [60, 'scheduled'],
    ]);
    expect(
      detail.steps[0].notifications
        .map((n: { channel: string; state: string; member: string; reason: string }) => [n.channel, n.state, n.member, n.reason])
        .sort(),
    ).toEqual([
      ['email', 'sent', 'Priya', 'awake'],
      ['webhook', 'sent', 'Priya', 'awake'],
    ]);
    expect(await audits(firstId)).toEqual(expect.arrayContaining(['incident_opened', 'incident_escalated', 'notification_sent']));
  });

  it('de-duplicates repeats of the same alert into the open incident', async () => {
    const res = await send(webhook([alert('firing', 'HighFeatureRequestErrorRate', 'fp-errors')]));
    expect(res.json()).toMatchObject({ opened: [], repeated: [firstId] });
    await drain();
    expect(hooks).toHaveLength(1);
    expect(mails).toHaveLength(1);
    expect((await incident(firstId)).occurrences).toBe(2);
    const list = (await t.request(product, { method: 'GET', url: '/api/ops/incidents?status=open' })).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([firstId]);
  });

  it('escalates to the 15-minute team when its time comes, not before', async () => {
    t.clock.advance(14 * 60_000);
    await drain();
    expect(hooks).toHaveLength(1);
    t.clock.advance(60_000);
    await drain();
    expect(hooks).toHaveLength(2);
    expect(hooks[1]!.text).toContain('Arjun (platform-team-lead, Asia/Kolkata)');
    expect(mails.map((m) => m.to[0])).toEqual(['priya@oncall.test', 'arjun@oncall.test']);
    const detail = await incident(firstId);
    expect(detail.steps[1].state).toBe('notified');
    expect(detail.steps[2].state).toBe('scheduled');
  });

  it('stops escalating once acknowledged (couples may not)', async () => {
    expect((await t.request(couple, { method: 'POST', url: `/api/ops/incidents/${firstId}/acknowledge` })).statusCode).toBe(403);
    const ack = await t.request(product, { method: 'POST', url: `/api/ops/incidents/${firstId}/acknowledge` });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().status).toBe('acknowledged');
    t.clock.advance(2 * 3_600_000);
    await drain();
    expect(hooks).toHaveLength(2);
    const detail = await incident(firstId);
    expect(detail.steps.map((s: { state: string }) => s.state)).toEqual(['notified', 'notified', 'cancelled', 'cancelled']);
    expect(await audits(firstId)).toContain('incident_acknowledged');
    // A repeat while acknowledged attaches to it and pages nobody.
    expect((await send(webhook([alert('firing', 'HighFeatureRequestErrorRate', 'fp-errors')]))).json().repeated).toEqual([firstId]);
    await drain();
    expect(hooks).toHaveLength(2);
  });

  it('resolves when Alertmanager says so; a new firing opens a new incident; operators resolve with a note', async () => {
    const res = await send(webhook([alert('resolved', 'HighFeatureRequestErrorRate', 'fp-errors')], 'resolved'));
    expect(res.json()).toMatchObject({ resolved: [firstId] });
    expect(await incident(firstId)).toMatchObject({ status: 'resolved', resolvedBy: null, resolutionNote: expect.stringContaining('Alertmanager') });
    expect(await audits(firstId)).toContain('incident_resolved');

    const again = (await send(webhook([alert('firing', 'HighFeatureRequestErrorRate', 'fp-errors')]))).json();
    expect(again.opened).toHaveLength(1);
    expect(again.opened[0]).not.toBe(firstId);
    const resolved = await t.request(product, {
      method: 'POST',
      url: `/api/ops/incidents/${again.opened[0]}/resolve`,
      payload: { note: 'Rolled back the bad release' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolutionNote: 'Rolled back the bad release' });
    expect((await t.request(product, { method: 'POST', url: `/api/ops/incidents/${again.opened[0]}/resolve`, payload: { note: 'twice' } })).statusCode).toBe(
      409,
    );
    expect((await t.request(product, { method: 'POST', url: `/api/ops/incidents/${again.opened[0]}/acknowledge` })).statusCode).toBe(409);
    await drain(); // its immediate deliveries were cancelled by the resolution
    const detail = await incident(again.opened[0]);
    expect(detail.steps[0].notifications.every((n: { state: string }) => n.state === 'cancelled')).toBe(true);
  });

  it('keeps its timers across a restart: a new app and worker on the same database carry on, once', async () => {
    t.clock.set(BASE);
    const before = hooks.length;
    const { opened } = (await send(webhook([alert('firing', 'DatabaseSlowQueries', 'fp-db', { severity: 'warning', team: 'database-team' })]))).json();
    await drain();
    expect(hooks.slice(before).map((h) => h.text)).toEqual([expect.stringContaining('Kavya (database-team')]);

    // "Restart": nothing in memory survives; a fresh app, services and worker on the same database.
    const clock = testClock(t.clock.now());
    const services: Services = { ...t.services, now: clock.now };
    const app2 = await buildApp({ services, database: t.database, metrics: createMetrics(services, () => t.database.isMigrated()), logger: false });
    await app2.ready();
    const worker2 = createWorker({ services, handlers: JOB_HANDLERS, queues: QUEUES, concurrency: 8, log: pino({ level: 'silent' }) });
    try {
      clock.advance(44 * 60_000);
      await drain(worker2);
      expect(hooks.length).toBe(before + 1);
      clock.advance(60_000);
      await drain(worker2);
      expect(hooks.slice(before + 1).map((h) => h.text)).toEqual([expect.stringContaining('Marcus (platform-team')]);
      // Re-running the step's job notifies nobody twice.
      const [stepJob] = await t.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.type, 'escalate_incident'), eq(jobs.dedupeKey, `escalate:${opened[0]}:1`)));
      await JOB_HANDLERS.escalate_incident!.run(stepJob!, services);
      await drain(worker2);
      expect(hooks.length).toBe(before + 2);
      const detail = (await app2.inject({ method: 'GET', url: `/api/ops/incidents/${opened[0]}`, headers: product.headers })).json();
      expect(detail.steps.map((s: { state: string }) => s.state)).toEqual(['notified', 'notified']);
    } finally {
      await app2.close();
    }
    await t.request(product, { method: 'POST', url: `/api/ops/incidents/${opened[0]}/resolve`, payload: { note: 'Index added' } });
    t.clock.set(clock.now());
  });

  it('retries a failing webhook receiver with back-off and finally dead-letters it (email still goes out)', async () => {
    hookFailing = true;
    hookAttempts = 0;
    const mailsBefore = mails.length;
    const { opened } = (await send(webhook([alert('firing', 'LowAIDuplicateAccuracy', 'fp-ai', { severity: 'warning', team: 'ai-team' })]))).json();
    await drain();
    expect(mails.slice(mailsBefore).map((m) => m.to[0])).toEqual(['rohan@oncall.test']);
    for (let i = 0; i < 6; i++) {
      t.clock.advance(60_000);
      await drain();
    }
    expect(hookAttempts).toBe(5);
    const [n] = await t.database.db
      .select()
      .from(incidentNotifications)
      .where(and(eq(incidentNotifications.incidentId, opened[0]), eq(incidentNotifications.channel, 'webhook')));
    expect(n).toMatchObject({ state: 'failed', attempts: 5, lastError: expect.stringContaining('500') });
    const [dead] = await t.database.db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `incident-notification:${n!.id}`));
    expect(dead).toMatchObject({ state: 'dead', attempts: 5 });
    hookFailing = false;
  });
});
