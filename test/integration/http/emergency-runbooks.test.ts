// The emergency runbooks' commands work as written: the webhook call in wedding-day-outage.md opens
// an incident that pages the brief's chain at once and puts the brief's message on the status page,
// and the resolve call ends it. Both runbooks carry the communication template verbatim.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEscalationAnnotation } from '../../../src/domain/escalation.js';
import { WEDDING_DAY_MESSAGE } from '../../../src/ops/public-status.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { ROOT } from '../../helpers/ops-tools.js';

const TOKEN = 'alertmanager-token-for-runbook-tests';
const runbook = (name: string) => readFileSync(join(ROOT, 'docs/runbooks', name), 'utf8');
const outage = runbook('wedding-day-outage.md');
const corruption = runbook('data-corruption-discovered.md');

/** The JSON body of the runbook's `curl … /api/ops/alertmanager/webhook … -d '…'` call. */
function webhookBody(text: string): { alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] } {
  const call = /curl [^\n]*\/api\/ops\/alertmanager\/webhook[\s\S]*?-d '([\s\S]*?)'/.exec(text);
  if (!call?.[1]) throw new Error('no webhook call in the runbook');
  return JSON.parse(call[1]) as ReturnType<typeof webhookBody>;
}

describe('emergency runbooks: the text', () => {
  it("carry the brief's communication template verbatim, and the brief's wording for each procedure", () => {
    for (const text of [outage, corruption]) expect(text).toContain(`> ${WEDDING_DAY_MESSAGE}`);
    for (const action of [
      'Activate war room with wedding success team',
      'Deploy emergency mobile-friendly status page',
      'Send proactive SMS to affected wedding suppliers',
      'Enable emergency phone support line',
      'Document all affected weddings for follow-up',
      'Platform Team → CTO → CEO → Wedding Success Director',
      'Test with actual wedding supplier before all-clear',
    ])
      expect(outage).toContain(action);
    for (const action of [
      'Isolate affected systems immediately',
      'Initiate point-in-time recovery',
      'Audit scope of data impact',
      'Notify affected users with transparency',
      'Document for compliance reporting',
      'Restore couple wedding data first, then supplier data',
      'individual outreach to affected couples',
    ])
      expect(corruption.toLowerCase()).toContain(action.toLowerCase());
  });

  it('give escalation annotations the escalation engine reads as the chain they describe', () => {
    expect(parseEscalationAnnotation(webhookBody(outage).alerts[0]!.annotations.escalation)?.steps).toEqual([
      { afterMinutes: 0, teams: ['platform-team', 'cto', 'wedding-success-team', 'customer-success-director'] },
    ]);
    const corruptionChain = /"escalation":"([^"]+)"/.exec(corruption)?.[1];
    expect(parseEscalationAnnotation(corruptionChain)?.steps.map((s) => s.afterMinutes)).toEqual([0, 15, 30]);
  });
});

describe.each(DATABASE_MODES)('emergency runbooks: the commands (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN } });
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  it("opens the wedding-day incident with the runbook's call, shows it on the status page, and resolves it", async () => {
    const opened = await t.request(
      { headers: { authorization: `Bearer ${TOKEN}` } },
      { method: 'POST', url: '/api/ops/alertmanager/webhook', payload: webhookBody(outage) },
    );
    expect(opened.statusCode).toBe(200);
    const [id] = opened.json().opened as string[];
    expect(id).toBeDefined();

    const status = (await t.request(anonymous, { method: 'GET', url: '/api/status' })).json();
    expect(status.message).toBe(WEDDING_DAY_MESSAGE);
    expect(status.openIncidents).toEqual([
      expect.objectContaining({ summary: 'Wedding-day outage: couples and suppliers cannot use WedSync', severity: 'critical' }),
    ]);

    const incident = (await t.request(product, { method: 'GET', url: `/api/ops/incidents/${id}` })).json();
    expect(incident.alertName).toBe('WeddingDayOutage');

    const resolved = await t.request(product, {
      method: 'POST',
      url: `/api/ops/incidents/${id}/resolve`,
      payload: { note: 'All clear: verified with a supplier' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().status).toBe('resolved');
    expect((await t.request(anonymous, { method: 'GET', url: '/api/status' })).json().openIncidents).toEqual([]);
  });
});
