// Issue #16, the API side of the defects a new couple, supplier and product manager hit: what the
// roadmap dates mean, and what a request may carry (wedding dates and zones, refused not truncated).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

interface RoadmapItem {
  id: string;
  status: string;
  updatedAt: string;
  statusSince: string;
}

describe.each(DATABASE_MODES)('what a new user saw (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let product: Caller;

  const submit = (caller: Caller, body: Record<string, unknown> = weddingRequest()) =>
    t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: body });

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  it('dates a roadmap entry from when it entered its column, not from its last edit', async () => {
    const start = new Date();
    t.clock.set(start);
    const { id } = (await submit(couple)).json();
    const status = (to: string) =>
      t.request(product, {
        method: 'POST',
        url: `/api/feature-requests/${id}/status`,
        payload: { status: to, justification: 'Agreed at the weekly product review' },
      });
    expect((await status('planned')).statusCode).toBe(200);
    const shipped = new Date(start.getTime() + 86_400_000);
    t.clock.set(shipped);
    expect((await status('in_progress')).statusCode).toBe(200);
    expect((await status('shipped')).statusCode).toBe(200);
    // Two days later the team fixes a typo: the request changes, its place on the roadmap does not.
    t.clock.set(new Date(shipped.getTime() + 2 * 86_400_000));
    expect((await t.request(product, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: { urgency: 'high' } })).statusCode).toBe(200);
    const res = await t.request(anonymous, { method: 'GET', url: '/api/roadmap?perStatus=200' });
    expect(res.statusCode).toBe(200);
    const item = (res.json().columns.shipped as RoadmapItem[]).find((i) => i.id === id)!;
    expect(new Date(item.statusSince).toISOString()).toBe(shipped.toISOString());
    expect(new Date(item.updatedAt).getTime()).toBeGreaterThan(shipped.getTime());
    // A request that has never moved (seeded straight into a column) is dated from its submission.
    for (const column of Object.values(res.json().columns as Record<string, RoadmapItem[]>))
      for (const i of column) expect(i.statusSince).toEqual(expect.any(String));
    t.clock.set(new Date());
  });

  it('refuses a wedding in the past, decades ahead, or in a time zone its country does not use, and writes nothing', async () => {
    const today = new Date();
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const before = (await t.request(couple, { method: 'GET', url: '/api/feature-requests?mine=true&limit=100' })).json().items.length;
    const wedding = (weddingContext: Record<string, unknown>) =>
      weddingRequest({
        weddingContext: {
          weddingDate: iso(new Date(today.getTime() + 90 * 86_400_000)),
          guestCount: 80,
          country: 'GB',
          timeZone: 'Europe/London',
          ...weddingContext,
        },
      });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ weddingDate: '1990-06-02' }, 'wedding_date_in_the_past', 'weddingContext.weddingDate'],
      [{ weddingDate: iso(new Date(today.getTime() - 2 * 86_400_000)) }, 'wedding_date_in_the_past', 'weddingContext.weddingDate'],
      [{ weddingDate: `${today.getUTCFullYear() + 30}-06-02` }, 'wedding_date_too_far_ahead', 'weddingContext.weddingDate'],
      [{ country: 'AS', timeZone: 'Europe/London' }, 'time_zone_not_in_country', 'weddingContext.timeZone'],
    ];
    for (const [context, code, field] of cases) {
      const res = await submit(couple, wedding(context));
      expect(res.statusCode, code).toBe(400);
      expect(res.json().error).toMatchObject({ code, details: { field } });
    }
    // The refusal names the zones that fit, for the form to offer.
    const zone = await submit(couple, wedding({ country: 'AS', timeZone: 'Europe/London' }));
    expect(zone.json().error.details.zones).toEqual(['Pacific/Pago_Pago']);
    expect((await t.request(couple, { method: 'GET', url: '/api/feature-requests?mine=true&limit=100' })).json().items).toHaveLength(before);
    // What fits is accepted: today, an old alias of the country's zone, the country's own zone, UTC.
    for (const context of [
      { weddingDate: iso(today), timeZone: 'UTC' },
      { country: 'IN', timeZone: 'Asia/Calcutta' },
      { country: 'AS', timeZone: 'Pacific/Pago_Pago' },
    ]) {
      expect((await submit(couple, wedding(context))).statusCode, JSON.stringify(context)).toBe(201);
    }
  });

  it('an author may correct a request after the wedding: a past date is kept, a mismatched zone is not', async () => {
    const { id } = (await submit(couple)).json();
    const patch = (weddingContext: Record<string, unknown>) =>
      t.request(couple, {
        method: 'PATCH',
        url: `/api/feature-requests/${id}`,
        payload: { weddingContext: { weddingDate: '2024-05-04', guestCount: 80, country: 'GB', timeZone: 'Europe/London', ...weddingContext } },
      });
    expect((await patch({})).statusCode).toBe(200);
    expect((await patch({ country: 'US' })).json().error.code).toBe('time_zone_not_in_country');
  });
});
