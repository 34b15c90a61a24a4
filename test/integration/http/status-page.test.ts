// The public status page: components and incidents for everyone, the brief's wedding-day message
// when something is wrong, and the last known incidents when the database is gone.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { STATUS_TEMPLATES } from '../../../src/domain/status-announcements.js';
import { findCommand, runOperatorCommand } from '../../../src/operator/commands.js';
import { WEDDING_DAY_MESSAGE } from '../../../src/ops/public-status.js';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { alertmanagerAlert, alertmanagerWebhook } from '../../helpers/fixtures.js';

const TOKEN = 'alertmanager-token-for-status-tests';

const webhook = (status: 'firing' | 'resolved', summary: string) =>
  alertmanagerWebhook([alertmanagerAlert(status, 'HighFeatureRequestErrorRate', 'status-page-test', { annotations: { summary } })], status);

describe.each(DATABASE_MODES)('public status page (%s)', (mode) => {
  let t: TestApp;
  const statusJson = async () => (await t.request(anonymous, { method: 'GET', url: '/api/status' })).json();
  const alertmanager = (body: unknown) =>
    t.request({ headers: { authorization: `Bearer ${TOKEN}` } }, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: body as object });

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, BOARD_VISIBILITY: 'members' } });
  });
  afterAll(async () => {
    await t?.app.close();
    await t?.database.close().catch(() => {});
  });

  it('is public and calm when all is well', async () => {
    const body = await statusJson();
    expect(body).toMatchObject({ status: 'operational', message: null, stale: false, openIncidents: [] });
    expect(body.components.map((c: { name: string }) => c.name)).toEqual([
      'Feature request board and API',
      'Data storage',
      'Notifications and background processing',
    ]);
    const page = await t.request(anonymous, { method: 'GET', url: '/status' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('All systems operational');
    expect(page.body).toContain('name="viewport"');
    expect((await t.request(anonymous, { method: 'GET', url: '/status.css' })).headers['content-type']).toMatch(/^text\/css/);
  });

  it('shows an open incident with the wedding-day message, escaping what it prints', async () => {
    expect((await alertmanager(webhook('firing', 'Submissions failing <script>alert(1)</script>'))).statusCode).toBeLessThan(300);
    const body = await statusJson();
    expect(body).toMatchObject({ status: 'degraded', message: WEDDING_DAY_MESSAGE });
    expect(body.openIncidents).toEqual([
      expect.objectContaining({ severity: 'critical', status: 'open', summary: expect.stringContaining('Submissions failing') }),
    ]);
    const page = (await t.request(anonymous, { method: 'GET', url: '/status' })).body;
    expect(page).toContain('Your wedding day is our priority.');
    expect(page).toContain('Submissions failing &#60;script&#62;');
    expect(page).not.toContain('<script>');
  });

  it('moves a resolved incident to the history', async () => {
    await alertmanager(webhook('resolved', 'Submissions failing'));
    const body = await statusJson();
    expect(body.openIncidents).toEqual([]);
    expect(body.recentIncidents[0]).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    expect(body.message).toBeNull();
  });

  it('shows the template an operator declares until it is resolved, audited, one at a time', async () => {
    const operator = async (...argv: string[]) => {
      const found = findCommand(argv)!;
      return runOperatorCommand({ services: t.services, database: t.database, serving: false }, found.command, found.args, {});
    };
    expect(await operator('status', 'incident', 'resolve')).toEqual({ exitCode: 1, error: 'No status page incident is open' });
    expect((await operator('status', 'incident', 'open', '--template', 'data_corruption_discovered')).exitCode).toBe(0);
    const corruption = STATUS_TEMPLATES.data_corruption_discovered;
    expect(await statusJson()).toMatchObject({
      status: 'degraded',
      message: corruption,
      openIncidents: [expect.objectContaining({ summary: corruption, severity: 'critical' })],
    });
    // Opening again changes the words of the one open incident.
    const update = await operator('status', 'incident', 'open', '--template', 'wedding_day_outage', '--message', 'Venues: use the printed seating plans.');
    expect(update.output).toMatch(/^status page incident updated \(wedding_day_outage/);
    const body = await statusJson();
    expect(body.openIncidents).toHaveLength(1);
    expect(body.message).toBe(`${WEDDING_DAY_MESSAGE} Venues: use the printed seating plans.`);
    expect((await t.request(anonymous, { method: 'GET', url: '/status' })).body).toContain('Venues: use the printed seating plans.');
    expect((await operator('status', 'incident', 'open', '--template', 'wedding_day_outage', '--message', 'x'.repeat(500))).exitCode).toBe(1);
    expect((await operator('status', 'incident', 'resolve')).exitCode).toBe(0);
    const after = await statusJson();
    expect(after).toMatchObject({ message: null, openIncidents: [] });
    expect(after.recentIncidents).toContainEqual(expect.objectContaining({ summary: body.message, status: 'resolved' }));
    const events = await t.services.db
      .select({ action: auditEvents.action, details: auditEvents.details })
      .from(auditEvents)
      .where(inArray(auditEvents.action, ['status_incident_opened', 'status_incident_updated', 'status_incident_resolved']));
    expect(events.map((e) => e.action).sort()).toEqual(['status_incident_opened', 'status_incident_resolved', 'status_incident_updated']);
    expect(events.find((e) => e.action === 'status_incident_opened')!.details).toMatchObject({ template: 'data_corruption_discovered', via: 'cli' });
    expect(await t.services.db.select().from(auditEvents).where(eq(auditEvents.action, 'status_incident_opened'))).toHaveLength(1);
  });

  it('keeps answering with the last known incidents when the database is down', async () => {
    await alertmanager(webhook('firing', 'Second outage'));
    expect((await statusJson()).openIncidents).toHaveLength(1);
    await t.database.close();
    const body = await statusJson();
    expect(body).toMatchObject({ status: 'down', stale: true, message: WEDDING_DAY_MESSAGE });
    expect(body.components.find((c: { name: string }) => c.name === 'Data storage').status).toBe('down');
    expect(body.openIncidents).toEqual([expect.objectContaining({ summary: 'Second outage' })]);
    const page = await t.request(anonymous, { method: 'GET', url: '/status' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('live details are temporarily unavailable');
  });
});
