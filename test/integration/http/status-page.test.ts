// The public status page: components and incidents for everyone, the brief's wedding-day message
// when something is wrong, and the last known incidents when the database is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(body.components.map((c: { name: string }) => c.name)).toEqual(['Feature request board and API', 'Data storage', 'Notifications and background processing']);
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
    expect(body.openIncidents).toEqual([expect.objectContaining({ severity: 'critical', status: 'open', summary: expect.stringContaining('Submissions failing') })]);
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
