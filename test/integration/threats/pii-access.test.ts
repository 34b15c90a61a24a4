// recordPiiAccess: every access audited as user_data_accessed; staff access off-hours or in bulk
// also audited as insider_access_anomaly and counted in insider_access_anomalies_total. And the
// places that show personal data through the API call it, once per showing.
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, users } from '../../../src/db/schema.js';
import { recordPiiAccess, type PiiAccess } from '../../../src/services/threat-pii-access.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { emailIndexOf } from '../../../src/security/records.js';
import { NEXT_YEAR, coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

const counted = async (t: TestApp, kind: string) => (await t.services.threatMetrics.insiderAccess.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe.each(DATABASE_MODES)('recordPiiAccess (%s)', (mode) => {
  let t: TestApp;
  type Person = NonNullable<PiiAccess['actor']>;
  let staff: Person;
  let couple: Person;
  const read = (actor: Person, extra: Partial<PiiAccess> = {}) =>
    recordPiiAccess(t.services, {
      actor,
      kind: 'read',
      dataType: 'feature_request',
      subjectType: 'feature_request',
      subjectIds: ['r1'],
      fields: ['weddingContext.coupleNames'],
      purpose: 'triage',
      ...extra,
    });
  const anomaliesOf = async (actorId: string) =>
    (
      await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, 'insider_access_anomaly')))
    ).map((e) => e.details.anomalies);

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { INSIDER_ACCESS_POLICY: JSON.stringify({ bulkReadRecords: 10, bulkExportRecords: 5 }) } });
    const account = async (email: string) => {
      const [u] = await t.database.db
        .select()
        .from(users)
        .where(eq(users.emailIndex, emailIndexOf(t.services.keyring, email)));
      return { id: u!.id, role: u!.role };
    };
    staff = await account('product@demo.test');
    couple = await account('couple@demo.test');
  });
  afterAll(() => t?.close());

  it('audits a working-hours read by staff without an anomaly', async () => {
    t.clock.set('2026-11-25T10:00:00Z'); // a Wednesday, 10:00 in London
    expect(await read(staff, { justification: 'Checking the venue for a duplicate' })).toEqual({ anomalies: [] });
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, 'user_data_accessed')));
    expect(event).toMatchObject({ actorRole: 'product_team', targetType: 'feature_request', targetId: 'r1' });
    expect(event!.details).toEqual({
      accessor_id: staff.id,
      data_type: 'feature_request',
      kind: 'read',
      records: 1,
      fields: ['weddingContext.coupleNames'],
      purpose: 'triage',
      justification: 'Checking the venue for a duplicate',
    });
  });

  it('flags off-hours access in the working time zone (Europe/London by default), audited and counted', async () => {
    const before = await counted(t, 'off_hours');
    t.clock.set('2026-11-28T23:30:00Z'); // Saturday night in London
    expect(await read(staff)).toEqual({ anomalies: ['off_hours'] });
    t.clock.set('2026-11-25T22:30:00Z'); // Wednesday night in London (Thursday morning in Auckland)
    expect((await read(staff)).anomalies).toEqual(['off_hours']);
    expect(await counted(t, 'off_hours')).toBe(before + 2);
    expect(await anomaliesOf(staff.id)).toContainEqual(['off_hours']);
  });

  it('flags a bulk export, and bulk reading once when an hour’s reads cross the threshold', async () => {
    t.clock.set('2026-11-26T11:00:00Z');
    expect((await read(staff, { kind: 'export', subjectType: 'user', subjectIds: undefined, records: 6 })).anomalies).toEqual(['bulk_export']);
    // Within the (database clock's) hour: 1 + 2 + 6 records so far, so the next read crosses 10.
    const before = await counted(t, 'bulk_reads');
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await read(staff)).anomalies);
    expect(results.filter((a) => a.includes('bulk_reads'))).toHaveLength(1);
    expect(await counted(t, 'bulk_reads')).toBe(before + 1);
  });

  it('audits but never flags a couple reading their own data', async () => {
    t.clock.set('2026-11-28T23:30:00Z');
    expect(await read(couple, { kind: 'export', records: 50 })).toEqual({ anomalies: [] });
    expect(await anomaliesOf(couple.id)).toEqual([]);
  });
});

// Where the app shows or exports personal data, it goes through recordPiiAccess exactly once.
describe.each(DATABASE_MODES)('personal data shown through the API (%s)', (mode) => {
  let t: TestApp;
  let member: Caller;
  let memberId: string;
  let product: Caller;
  let productId: string;
  let supplier: Caller;
  let ai: Caller;
  let requestId: string;
  const WEDNESDAY_MORNING = '2026-11-25T10:00:00Z';
  const SATURDAY_NIGHT = '2026-11-28T23:30:00Z';
  const REASON = 'Member asked support for a copy of their data (ticket 5120)';

  const events = async (action: string, since: number) =>
    (
      await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, action), gt(auditEvents.id, since)))
    ).map((e) => ({
      actorId: e.actorId,
      targetId: e.targetId,
      chain: e.chain,
      details: e.details,
    }));
  const lastEventId = async () => (await t.database.db.select({ id: sql<number>`coalesce(max(${auditEvents.id}), 0)::int` }).from(auditEvents))[0]!.id;

  beforeAll(async () => {
    t = await createTestApp(mode);
    const signup = await signUpVerified(t, coupleSignup({ timeZone: 'Europe/Dublin', country: 'IE', consents: { ai_analysis: true } }));
    memberId = signup.json().user.id;
    member = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
    product = await t.login('product@demo.test');
    productId = (await t.request(product, { method: 'GET', url: '/api/auth/session' })).json().user.id;
    supplier = await t.login('supplier@demo.test');
    ai = await t.bearer(await t.login('ai@demo.test'));
    const submitted = await t.request(member, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({
        weddingContext: {
          weddingDate: `${NEXT_YEAR}-08-14`,
          guestCount: 90,
          country: 'IE',
          timeZone: 'Europe/Dublin',
          venueAddress: '12 Strand Road, Howth',
          coupleNames: 'Aoife & Cian',
        },
      }),
    });
    requestId = submitted.json().id;
  });
  afterAll(() => t?.close());

  it('records the product team reading a member’s account once, with the justification, and no anomaly in working hours', async () => {
    t.clock.set(WEDNESDAY_MORNING);
    const since = await lastEventId();
    const res = await t.request(product, { method: 'GET', url: `/api/privacy/users/${memberId}`, headers: { 'x-access-justification': REASON } });
    expect(res.statusCode).toBe(200);
    expect(await events('user_data_accessed', since)).toEqual([
      {
        actorId: productId,
        targetId: memberId,
        chain: '7_years',
        details: expect.objectContaining({
          accessor_id: productId,
          data_type: 'account',
          kind: 'read',
          justification: REASON,
          fields: expect.arrayContaining(['email', 'phone']),
        }),
      },
    ]);
    expect(await events('insider_access_anomaly', since)).toEqual([]);
  });

  it('flags a staff export of a member’s data on a Saturday night: audited, anomaly recorded and counted', async () => {
    t.clock.set(SATURDAY_NIGHT);
    const before = await counted(t, 'off_hours');
    const since = await lastEventId();
    const res = await t.request(product, { method: 'GET', url: `/api/privacy/users/${memberId}/export`, headers: { 'x-access-justification': REASON } });
    expect(res.statusCode).toBe(200);
    expect(res.json().featureRequests[0].weddingContext.coupleNames).toBe('Aoife & Cian');
    expect(await events('user_data_accessed', since)).toEqual([
      expect.objectContaining({
        actorId: productId,
        targetId: memberId,
        details: expect.objectContaining({ data_type: 'personal_data_export', kind: 'export', justification: REASON, purpose: 'data_subject_request' }),
      }),
    ]);
    expect(await events('insider_access_anomaly', since)).toEqual([
      expect.objectContaining({ actorId: productId, details: expect.objectContaining({ anomalies: ['off_hours'], kind: 'export' }) }),
    ]);
    expect(await events('personal_data_exported', since)).toEqual([
      expect.objectContaining({ targetId: memberId, details: expect.objectContaining({ by_subject: false, justification: REASON }) }),
    ]);
    expect(await counted(t, 'off_hours')).toBe(before + 1);
  });

  it('does not treat a member’s own export as an access to someone else’s data', async () => {
    t.clock.set(SATURDAY_NIGHT);
    const since = await lastEventId();
    expect((await t.request(member, { method: 'GET', url: '/api/privacy/export' })).statusCode).toBe(200);
    expect(await events('user_data_accessed', since)).toEqual([]);
    expect(await events('personal_data_exported', since)).toEqual([
      expect.objectContaining({ actorId: memberId, details: expect.objectContaining({ by_subject: true }) }),
    ]);
  });

  it('records each showing of someone else’s full request record, never the author’s own or the public projection', async () => {
    t.clock.set(SATURDAY_NIGHT);
    const since = await lastEventId();
    const seen = await t.request(product, { method: 'GET', url: `/api/feature-requests/${requestId}` });
    expect(seen.json()).toMatchObject({ access: 'full', weddingContext: { coupleNames: 'Aoife & Cian' } });
    const [staffRead, ...others] = await events('user_data_accessed', since);
    expect(others).toEqual([]);
    expect(staffRead).toMatchObject({
      actorId: productId,
      targetId: requestId,
      details: { data_type: 'feature_request', kind: 'read', purpose: 'request_review' },
    });
    expect((staffRead!.details as { fields: string[] }).fields.sort()).toEqual(
      [
        'author',
        'weddingContext.coupleNames',
        'weddingContext.country',
        'weddingContext.guestCount',
        'weddingContext.timeZone',
        'weddingContext.venueAddress',
        'weddingContext.weddingDate',
      ].sort(),
    );
    expect(await events('insider_access_anomaly', since)).toEqual([
      expect.objectContaining({ actorId: productId, details: expect.objectContaining({ anomalies: ['off_hours'] }) }),
    ]);

    // A supplier (read:all) is recorded too, but is not staff; the author and anonymous readers are not recorded.
    const afterStaff = await lastEventId();
    expect((await t.request(supplier, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json().access).toBe('full');
    expect((await t.request(member, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json().access).toBe('full');
    expect((await t.request(anonymous, { method: 'GET', url: `/api/feature-requests/${requestId}` })).json().access).toBe('public');
    expect((await events('user_data_accessed', afterStaff)).map((e) => e.details)).toEqual([
      expect.objectContaining({ data_type: 'feature_request', purpose: 'request_review' }),
    ]);
    expect(await events('insider_access_anomaly', afterStaff)).toEqual([]);
  });

  it('records the AI pipeline’s content-only view as wedding context processed, not as PII access', async () => {
    const since = await lastEventId();
    const seen = await t.request(ai, { method: 'GET', url: `/api/feature-requests/${requestId}` });
    expect(seen.json()).toMatchObject({ access: 'content', weddingContext: { weddingMonth: `${NEXT_YEAR}-08`, weddingSize: 'medium' } });
    expect(await events('user_data_accessed', since)).toEqual([]);
    expect(await events('wedding_context_processed', since)).toEqual([
      expect.objectContaining({
        chain: '1_year',
        targetId: null,
        details: { anonymized_context: expect.any(Object), processing_purpose: 'ai_content_projection' },
      }),
    ]);
  });
});
