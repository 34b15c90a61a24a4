// Scraping / bulk access: a burst of record reads is slowed down, then refused for a cool-off with
// an audit event and a metric; deep pagination alone also trips it; the product team is exempt.
import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../../src/db/schema.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';

const POLICY = { slowDownAfter: 3, delayStepMs: 1, blockAfter: 6, maxPageDepth: 2, coolOffSeconds: 120 };
const detail = () => `/api/feature-requests/${randomUUID()}`;

describe.each(DATABASE_MODES)('scraping guard (%s)', (mode) => {
  let t: TestApp;
  let supplier: Caller;
  let product: Caller;
  const metric = async (action: string) =>
    sample((await t.request(anonymous, { method: 'GET', url: '/metrics' })).body, 'bulk_access_detections_total', { action });

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { SCRAPING_LIMITS: JSON.stringify(POLICY) } });
    supplier = await t.login('supplier@demo.test');
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  it('slows a burst of reads down, then blocks the client for the cool-off, audited once', async () => {
    const slowedBefore = await metric('slowed');
    const blockedBefore = await metric('blocked');
    for (let i = 0; i < 6; i++) expect((await t.request(supplier, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect(await metric('slowed')).toBe(slowedBefore + 1);

    const blocked = await t.request(supplier, { method: 'GET', url: detail() });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('120');
    expect(blocked.json().error).toMatchObject({ code: 'bulk_access_blocked', details: { coolOffSeconds: 120 } });
    // Still blocked, and the audit trail has one event for the episode, not one per refusal.
    const again = await t.request(supplier, { method: 'GET', url: '/api/feature-requests?limit=5' });
    expect(again.statusCode).toBe(429);
    expect(await metric('blocked')).toBe(blockedBefore + 1);
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'bulk_access_blocked'));
    const mine = events.filter((e) => e.details.route !== undefined && e.actorRole === 'wedding_supplier');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.details).toMatchObject({ reads: 7, coolOffSeconds: 120 });

    // Other readers are unaffected; after the cool-off the supplier reads again.
    expect((await t.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    t.clock.advance(121_000);
    expect((await t.request(supplier, { method: 'GET', url: detail() })).statusCode).toBe(404);
  });

  it('blocks walking deep into the board page after page', async () => {
    const couple = await t.login('couple@demo.test');
    const page = (cursor: string) => t.request(couple, { method: 'GET', url: `/api/feature-requests?limit=1&cursor=${cursor}` });
    const first = await t.request(couple, { method: 'GET', url: '/api/feature-requests?limit=1' });
    let cursor = first.json().nextCursor as string;
    for (let i = 0; i < 2; i++) {
      const res = await page(cursor);
      expect(res.statusCode).toBe(200);
      cursor = res.json().nextCursor;
    }
    expect((await page(cursor)).statusCode).toBe(429);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'bulk_access_blocked'), eq(auditEvents.actorRole, 'couple')));
    expect(event?.details).toMatchObject({ pages: 3 });
  });

  it('leaves the product team (audited on every call anyway) alone', async () => {
    for (let i = 0; i < 10; i++) expect((await t.request(product, { method: 'GET', url: detail() })).statusCode).toBe(404);
  });
});
