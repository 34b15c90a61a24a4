// Issue #14 finding 5: the public status page announced security detections ("Staff access to
// personal data flagged: off_hours"). The alerts as the shipped rules label them — read from
// deploy/prometheus/wedsync-alerts.yml, so a rule that loses its label fails here — reach the
// operators' incident list but never /status or /api/status.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { alertmanagerAlert, alertmanagerWebhook } from '../../helpers/fixtures.js';

const TOKEN = 'alertmanager-token-for-security-status-tests';

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (
  parse(readFileSync(new URL('../../../deploy/prometheus/wedsync-alerts.yml', import.meta.url), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }
).groups
  .find((g) => g.name === 'wedsync-threats')!
  .rules.filter((r) => r.alert);

/** What Alertmanager sends for a rule: its labels plus those of the expression (here `job` and one more). */
const firing = (rule: Rule, status: 'firing' | 'resolved' = 'firing') =>
  alertmanagerAlert(status, rule.alert!, `security-${rule.alert}`, {
    labels: { ...rule.labels, job: 'feature-request-api', kind: 'off_hours', reason: 'shared_network' },
    annotations: { summary: rule.annotations!.summary!.replace(/\{\{[^}]*\}\}/g, 'off_hours') },
  });

describe.each(DATABASE_MODES)('security detections stay off the public status page (%s)', (mode) => {
  let t: TestApp;
  const alertmanager = (body: unknown) =>
    t.request({ headers: { authorization: `Bearer ${TOKEN}` } }, { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: body as object });

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN } });
  }, 120_000);
  afterAll(() => t?.close());

  it('covers the insider-access, vote-manipulation, bulk-access and audit-chain alerts', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(['AuditChainShortened', 'BulkAccessBlocked', 'InsiderAccessAnomaly', 'VoteManipulationSuspected']);
  });

  it('shows open and resolved security incidents to operators only', async () => {
    expect((await alertmanager(alertmanagerWebhook(rules.map((r) => firing(r))))).statusCode).toBeLessThan(300);
    const product = await t.login('product@demo.test');
    const internal = (await t.request(product, { method: 'GET', url: '/api/ops/incidents' })).json();
    expect(internal.items.map((i: { alertName: string }) => i.alertName).sort()).toEqual(expect.arrayContaining(rules.map((r) => r.alert)));

    const open = (await t.request(anonymous, { method: 'GET', url: '/api/status' })).json();
    expect(open).toMatchObject({ status: 'operational', message: null, openIncidents: [] });
    const page = (await t.request(anonymous, { method: 'GET', url: '/status' })).body;
    expect(page).not.toMatch(/Staff access|manipulation|bulk reading/i);

    expect(
      (
        await alertmanager(
          alertmanagerWebhook(
            rules.map((r) => firing(r, 'resolved')),
            'resolved',
          ),
        )
      ).statusCode,
    ).toBeLessThan(300);
    const after = (await t.request(anonymous, { method: 'GET', url: '/api/status' })).json();
    expect(after.recentIncidents).toEqual([]);
    expect((await t.request(anonymous, { method: 'GET', url: '/status' })).body).not.toMatch(/Staff access|manipulation|bulk reading/i);
  });
});
