// Issue #14 finding 11: a verified supplier renamed itself "Claridge Hotel London (official)" and kept
// its badge and weighted vote. A change of business name (or type) now returns the account to
// unverified until the WedSync team verifies it again, and says so in the audit trail.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { createUser, logIn, verifySupplier } from '../../../src/services/accounts.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';

const PASSWORD = 'rosewood barn password';

describe.each(DATABASE_MODES)('a verified supplier that changes its business (%s)', (mode) => {
  let t: TestApp;
  let requestIds: string[];

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    requestIds = (await t.request({ headers: {} }, { method: 'GET', url: '/api/feature-requests?limit=5' })).json().items.map((i: { id: string }) => i.id);
  }, 120_000);
  afterAll(() => t?.close());

  async function verifiedSupplier(email: string): Promise<{ caller: Caller; id: string }> {
    const user = await createUser(t.services, {
      email,
      password: PASSWORD,
      displayName: 'Sam at the Hall',
      role: 'wedding_supplier',
      timeZone: 'Europe/London',
      country: 'GB',
      supplierType: 'venue',
      businessName: 'Oak Hall Weddings',
      businessSize: 'large',
      verified: true,
    });
    const grant = await logIn(t.services, email, PASSWORD);
    return { caller: { headers: { cookie: `wsfr_session=${grant.sessionToken}` }, csrfToken: grant.csrfToken }, id: user.id };
  }
  const session = async (caller: Caller) => (await t.request(caller, { method: 'GET', url: '/api/auth/session' })).json().user;
  const vote = (caller: Caller, id: string) => t.request(caller, { method: 'PUT', url: `/api/feature-requests/${id}/vote` });

  it('loses the badge and the weighted vote at once on a new business name, audited; verifying again restores them', async () => {
    const { caller, id } = await verifiedSupplier('oak-hall@example.test');
    expect((await vote(caller, requestIds[0]!)).statusCode).toBe(201);

    const renamed = await t.request(caller, { method: 'PATCH', url: '/api/privacy/profile', payload: { businessName: 'Claridge Hotel London (official)' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ businessName: 'Claridge Hotel London (official)', verified: false });
    expect(await session(caller)).toMatchObject({ verified: false });
    expect((await vote(caller, requestIds[1]!)).statusCode).toBe(403);
    const lapsed = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'supplier_verification_lapsed'), eq(auditEvents.targetId, id)));
    expect(lapsed).toEqual([expect.objectContaining({ actorId: id, details: { fields: ['businessName'] } })]);

    await verifySupplier(t.services, 'oak-hall@example.test');
    t.clock.advance(60_000); // past the credential cache
    expect(await session(caller)).toMatchObject({ verified: true, businessName: 'Claridge Hotel London (official)' });
    expect((await vote(caller, requestIds[1]!)).statusCode).toBe(201);
  });

  it('keeps verification through changes that are not the business’s name or type', async () => {
    const { caller } = await verifiedSupplier('elm-hall@example.test');
    const same = await t.request(caller, {
      method: 'PATCH',
      url: '/api/privacy/profile',
      payload: { businessName: 'Oak Hall Weddings', phone: '+44 20 7946 0001', displayName: 'Sam Reed' },
    });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json()).toMatchObject({ verified: true });
    expect((await vote(caller, requestIds[2]!)).statusCode).toBe(201);
  });
});
