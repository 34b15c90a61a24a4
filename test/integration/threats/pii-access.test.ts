// recordPiiAccess: every access audited as user_data_accessed; staff access off-hours or in bulk
// also audited as insider_access_anomaly and counted in insider_access_anomalies_total.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, users } from '../../../src/db/schema.js';
import { threatMetrics } from '../../../src/security/threats/metrics.js';
import { recordPiiAccess, type PiiAccess } from '../../../src/services/threat-pii-access.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { emailIndexOf } from '../../../src/security/records.js';

const counted = async (kind: string) => (await threatMetrics.insiderAccess.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe.each(DATABASE_MODES)('recordPiiAccess (%s)', (mode) => {
  let t: TestApp;
  let staff: PiiAccess['actor'];
  let couple: PiiAccess['actor'];
  const read = (actor: PiiAccess['actor'], extra: Partial<PiiAccess> = {}) =>
    recordPiiAccess(t.services, { actor, kind: 'read', subjectType: 'feature_request', subjectIds: ['r1'], fields: ['weddingContext.coupleNames'], purpose: 'triage', ...extra });
  const anomaliesOf = async (actorId: string) =>
    (await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, 'insider_access_anomaly')))).map((e) => e.details.anomalies);

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { INSIDER_ACCESS_POLICY: JSON.stringify({ bulkReadRecords: 10, bulkExportRecords: 5 }) } });
    const account = async (email: string) => {
      const [u] = await t.database.db.select().from(users).where(eq(users.emailIndex, emailIndexOf(t.services.keyring, email)));
      return { id: u!.id, role: u!.role, timeZone: 'Europe/London' };
    };
    staff = await account('product@demo.test');
    couple = await account('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('audits a working-hours read by staff without an anomaly', async () => {
    t.clock.set('2026-11-25T10:00:00Z'); // a Wednesday, 10:00 in London
    expect(await read(staff, { justification: 'Checking the venue for a duplicate' })).toEqual({ anomalies: [] });
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, 'user_data_accessed')));
    expect(event).toMatchObject({ actorRole: 'product_team', targetType: 'feature_request', targetId: 'r1' });
    expect(event!.details).toEqual({ kind: 'read', records: 1, fields: ['weddingContext.coupleNames'], purpose: 'triage', justification: 'Checking the venue for a duplicate' });
  });

  it('flags off-hours access in the reader’s own time zone, audited and counted', async () => {
    const before = await counted('off_hours');
    t.clock.set('2026-11-28T23:30:00Z'); // Saturday night in London
    expect(await read(staff)).toEqual({ anomalies: ['off_hours'] });
    // The same instant is Sunday 10:30 in Auckland: still a weekend.
    expect((await read({ ...staff, timeZone: 'Pacific/Auckland' })).anomalies).toEqual(['off_hours']);
    expect(await counted('off_hours')).toBe(before + 2);
    expect(await anomaliesOf(staff.id)).toContainEqual(['off_hours']);
  });

  it('flags a bulk export, and bulk reading once when an hour’s reads cross the threshold', async () => {
    t.clock.set('2026-11-26T11:00:00Z');
    expect((await read(staff, { kind: 'export', subjectType: 'user', subjectIds: undefined, records: 6 })).anomalies).toEqual(['bulk_export']);
    // Within the (database clock's) hour: 1 + 2 + 6 records so far, so the next read crosses 10.
    const before = await counted('bulk_reads');
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await read(staff)).anomalies);
    expect(results.filter((a) => a.includes('bulk_reads'))).toHaveLength(1);
    expect(await counted('bulk_reads')).toBe(before + 1);
  });

  it('audits but never flags a couple reading their own data', async () => {
    t.clock.set('2026-11-28T23:30:00Z');
    expect(await read(couple, { kind: 'export', records: 50 })).toEqual({ anomalies: [] });
    expect(await anomaliesOf(couple.id)).toEqual([]);
  });
});
