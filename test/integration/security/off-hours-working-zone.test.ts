// Issue #14 finding 6: off-hours detection followed the staff member's own profile time zone, so a
// product manager could set theirs to Pacific/Auckland and read couples' personal data at night in
// London unflagged. Off-hours are now judged in the working zone the operators set
// (INSIDER_ACCESS_POLICY.workingTimeZone), and a staff member changing their own zone is flagged.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { loadConfig } from '../../../src/config.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

const counted = async (t: TestApp, kind: string) => (await t.services.threatMetrics.insiderAccess.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe.each(DATABASE_MODES)('off-hours in the working time zone (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let productId: string;
  let requestId: string;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    product = await t.login('product@demo.test');
    productId = (await t.request(product, { method: 'GET', url: '/api/auth/session' })).json().user.id;
    requestId = (await t.request(product, { method: 'GET', url: '/api/feature-requests?limit=1' })).json().items[0].id;
  }, 120_000);
  afterAll(() => t?.close());

  const anomalies = async (since: number) =>
    (
      await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorId, productId), eq(auditEvents.action, 'insider_access_anomaly')))
    )
      .filter((e) => e.id > since)
      .map((e) => (e.details as { anomalies: string[] }).anomalies);
  const lastEventId = async () => Math.max(0, ...(await t.database.db.select({ id: auditEvents.id }).from(auditEvents)).map((e) => e.id));

  it('flags a staff member changing their own time zone', async () => {
    const since = await lastEventId();
    const before = await counted(t, 'time_zone_changed');
    t.clock.set('2026-11-25T10:00:00Z'); // Wednesday morning in London: the change itself is in hours
    const res = await t.request(product, { method: 'PATCH', url: '/api/privacy/profile', payload: { timeZone: 'Pacific/Auckland' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await anomalies(since)).toEqual([['time_zone_changed']]);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, productId), eq(auditEvents.action, 'insider_access_anomaly')));
    expect(event!.details).toMatchObject({ from: 'Europe/Dublin', to: 'Pacific/Auckland' });
    expect(await counted(t, 'time_zone_changed')).toBe(before + 1);
  });

  it('still flags reading personal data at night in the working zone, whatever zone the reader chose', async () => {
    const since = await lastEventId();
    t.clock.set('2026-11-25T22:30:00Z'); // Wednesday 22:30 in London; Thursday 11:30 in Auckland
    const seen = await t.request(product, { method: 'GET', url: `/api/feature-requests/${requestId}` });
    expect(seen.json().access).toBe('full');
    expect(await anomalies(since)).toEqual([['off_hours']]);
  });

  it('refuses a working zone that is not an IANA zone at start-up', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', INSIDER_ACCESS_POLICY: JSON.stringify({ workingTimeZone: 'Mars/Olympus' }) })).toThrow(/workingTimeZone/);
    expect(
      loadConfig({ NODE_ENV: 'test', INSIDER_ACCESS_POLICY: JSON.stringify({ workingTimeZone: 'America/New_York' }) }).insiderAccessPolicy.workingTimeZone,
    ).toBe('America/New_York');
  });
});
