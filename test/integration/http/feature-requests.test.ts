import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { anonymous, createTestApp, eventually, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { NEXT_YEAR, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

interface Item {
  id: string;
  title: string;
  status: string;
  category: string;
  userType: string;
  voteWeight: number;
  createdAt: string;
}

describe.each(DATABASE_MODES)('feature requests (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let supplier: Caller;
  let product: Caller;
  let ai: Caller;

  const submit = async (caller: Caller, body = weddingRequest()) => t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: body });
  const get = (caller: Caller, url: string) => t.request(caller, { method: 'GET', url });

  beforeAll(async () => {
    t = await createTestApp(mode);
    couple = await t.login('couple@demo.test');
    supplier = await t.login('supplier@demo.test');
    product = await t.login('product@demo.test');
    ai = await t.bearer(await t.login('ai@demo.test'));
  });
  afterAll(() => t?.close());

  it('a couple submits a request with wedding context; it answers 201 with the full record and shows first under "new"', async () => {
    const body = weddingRequest({
      weddingContext: {
        weddingDate: `${NEXT_YEAR}-07-03`,
        guestCount: 85,
        country: 'ie',
        timeZone: 'Europe/Dublin',
        venueAddress: '1 Harbour Road',
        coupleNames: 'Aoife & Sam',
      },
    });
    const res = await submit(couple, body);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(res.headers.location).toBe(`/api/feature-requests/${created.id}`);
    expect(created).toMatchObject({
      title: body.title,
      description: body.description,
      status: 'open',
      userType: 'couple',
      voteCount: 0,
      access: 'full',
      weddingContext: { country: 'IE', venueAddress: '1 Harbour Road', coupleNames: 'Aoife & Sam' },
      author: { displayName: expect.any(String), role: 'couple' },
    });
    const board = await get(anonymous, '/api/feature-requests?sort=new&limit=1');
    expect(board.json().items[0].id).toBe(created.id);
    const mine = await get(couple, '/api/feature-requests?mine=true&limit=100');
    expect(mine.json().items.map((i: Item) => i.id)).toContain(created.id);
  });

  it('couples must give wedding context; suppliers may submit without it', async () => {
    const { weddingContext: _w, ...withoutContext } = weddingRequest();
    const refused = await submit(couple, withoutContext as ReturnType<typeof weddingRequest>);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('wedding_context_required');
    const accepted = await submit(supplier, withoutContext as ReturnType<typeof weddingRequest>);
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ userType: 'wedding_supplier', weddingContext: null });
  });

  it('rejects unknown categories and time zones with a field-level reason', async () => {
    const category = await submit(couple, weddingRequest({ category: 'honeymoon_tracking' }));
    expect(category.statusCode).toBe(400);
    expect(category.json().error).toMatchObject({ code: 'unknown_category', details: { allowed: expect.arrayContaining(['rsvp']) } });
    const zone = await submit(
      couple,
      weddingRequest({ weddingContext: { weddingDate: `${NEXT_YEAR}-06-12`, guestCount: 80, country: 'GB', timeZone: 'Europe/Atlantis' } }),
    );
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.code).toBe('invalid_time_zone');
  });

  it('limits couples to 10 submissions in 24 hours, says when to retry, and lets them go on a day later', async () => {
    const fresh = await signUpVerified(t, {
      email: `limit-${mode}@example.test`,
      password: 'long enough password',
      displayName: 'Busy couple',
      role: 'couple',
      timeZone: 'Europe/London',
    });
    const busy = { headers: { cookie: `wsfr_session=${fresh.cookies[0]!.value}` }, csrfToken: fresh.json().csrfToken as string };
    for (let i = 0; i < 10; i++) {
      expect((await submit(busy)).statusCode).toBe(201);
      t.clock.advance(60_000);
    }
    const eleventh = await submit(busy);
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().error.code).toBe('submission_limit_reached');
    const retryAfter = Number(eleventh.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    const context = await t.request(busy, { method: 'GET', url: '/api/user/context' });
    expect(context.json().submissions).toEqual({ today: 10, dailyLimit: 10 });
    t.clock.advance(retryAfter * 1000);
    expect((await submit(busy)).statusCode).toBe(201);
    t.clock.set(new Date());
  });

  it('the board lists 20 by default, sorted by weighted votes, with a stable cursor through every page', async () => {
    const first = await get(anonymous, '/api/feature-requests');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(20);
    const weights = page.items.map((i: Item) => i.voteWeight);
    expect(weights).toEqual([...weights].sort((a: number, b: number) => b - a));
    expect(page.items[0]).not.toHaveProperty('description');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(anonymous, `/api/feature-requests?limit=37${cursor ? `&cursor=${cursor}` : ''}`);
      const body: { items: Item[]; nextCursor: string | null } = res.json();
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    const { n } = rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from feature_requests where status <> 'merged'`))[0]!;
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
  });

  it('pages through "new" and "trending" in their own order', async () => {
    for (const sort of ['new', 'trending'] as const) {
      const one = (await get(anonymous, `/api/feature-requests?sort=${sort}&limit=10`)).json();
      const two = (await get(anonymous, `/api/feature-requests?sort=${sort}&limit=10&cursor=${one.nextCursor}`)).json();
      const both = (await get(anonymous, `/api/feature-requests?sort=${sort}&limit=20`)).json();
      expect([...one.items, ...two.items].map((i: Item) => i.id)).toEqual(both.items.map((i: Item) => i.id));
    }
    const news = (await get(anonymous, '/api/feature-requests?sort=new&limit=50')).json().items.map((i: Item) => i.createdAt);
    expect(news).toEqual([...news].sort().reverse());
  });

  it('rejects a cursor it did not produce', async () => {
    const res = await get(anonymous, '/api/feature-requests?cursor=bm90LWEtY3Vyc29y');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_cursor');
  });

  it('filters by status, category and user type', async () => {
    for (const [query, field, value] of [
      ['status=planned', 'status', 'planned'],
      ['category=seating', 'category', 'seating'],
      ['userType=wedding_supplier', 'userType', 'wedding_supplier'],
    ] as const) {
      const items: Item[] = (await get(anonymous, `/api/feature-requests?${query}&limit=100`)).json().items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i[field] === value)).toBe(true);
    }
  });

  it('searches title and description (where the caller may read it), and treats search syntax as text', async () => {
    const body = weddingRequest({ title: 'Harpist booking calendar', description: 'We want to see which ceilidh bands and harpists are free on our date.' });
    const { id } = (await submit(couple, body)).json();
    const byDescription: Item[] = (await get(supplier, '/api/feature-requests?q=ceilidh&limit=100')).json().items;
    expect(byDescription.map((i) => i.id)).toContain(id);
    // The description is not the public's to read, nor to search (issue #14).
    expect((await get(anonymous, '/api/feature-requests?q=ceilidh&limit=100')).json().items.map((i: Item) => i.id)).not.toContain(id);
    const stemmed: Item[] = (await get(anonymous, '/api/feature-requests?q=harpist&limit=100')).json().items;
    expect(stemmed.map((i) => i.id)).toContain(id);
    const hostile = await get(anonymous, `/api/feature-requests?q=${encodeURIComponent("'); DROP TABLE feature_requests;-- & | !")}`);
    expect(hostile.statusCode).toBe(200);
    expect((await get(anonymous, '/api/feature-requests?limit=1')).json().items).toHaveLength(1);
  });

  it('shows each reader what their role allows of one request', async () => {
    const { id } = (
      await submit(
        couple,
        weddingRequest({
          weddingContext: {
            weddingDate: `${NEXT_YEAR}-09-04`,
            guestCount: 60,
            country: 'GB',
            timeZone: 'Europe/London',
            venueAddress: '9 Orchard Lane',
            coupleNames: 'Mia & Theo',
          },
        }),
      )
    ).json();
    const otherCouple = await (async () => {
      const res = await signUpVerified(t, {
        email: `other-${mode}@example.test`,
        password: 'long enough password',
        displayName: 'Other couple',
        role: 'couple',
        timeZone: 'Europe/Paris',
      });
      return { headers: { cookie: `wsfr_session=${res.cookies[0]!.value}` } };
    })();
    const asAnon = (await get(anonymous, `/api/feature-requests/${id}`)).json();
    const asOther = (await get(otherCouple, `/api/feature-requests/${id}`)).json();
    const asSupplier = (await get(supplier, `/api/feature-requests/${id}`)).json();
    const asAi = (await get(ai, `/api/feature-requests/${id}`)).json();
    const asAuthor = (await get(couple, `/api/feature-requests/${id}`)).json();
    for (const projection of [asAnon, asOther]) {
      expect(projection.access).toBe('public');
      expect(projection).not.toHaveProperty('description');
      expect(projection).not.toHaveProperty('weddingContext');
      expect(projection).not.toHaveProperty('author');
    }
    // Suppliers read the content but only the coarse wedding context (issue #14); the author all of it.
    expect(asSupplier).toMatchObject({
      access: 'full',
      weddingContext: { weddingMonth: `${NEXT_YEAR}-09`, weddingSize: 'medium', country: 'GB' },
      author: { role: 'couple' },
    });
    expect(JSON.stringify(asSupplier)).not.toMatch(new RegExp(`Orchard|Mia & Theo|${NEXT_YEAR}-09-04`));
    expect(asAuthor).toMatchObject({ access: 'full', weddingContext: { venueAddress: '9 Orchard Lane', coupleNames: 'Mia & Theo' } });
    expect(asAi).toMatchObject({
      access: 'content',
      description: expect.any(String),
      weddingContext: { weddingMonth: `${NEXT_YEAR}-09`, weddingSize: 'medium' },
    });
    expect(asAi).not.toHaveProperty('author');
    expect(JSON.stringify(asAi)).not.toMatch(/Orchard|Mia & Theo|@demo\.test|displayName/);
  });

  it('authors edit their own open request; once triaged only the product team can', async () => {
    const { id } = (await submit(couple)).json();
    const edit = await t.request(couple, {
      method: 'PATCH',
      url: `/api/feature-requests/${id}`,
      payload: { urgency: 'critical', painPoints: ['guests confused'] },
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json()).toMatchObject({ urgency: 'critical', painPoints: ['guests confused'] });
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Scheduled for the spring release' },
    });
    const late = await t.request(couple, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: { urgency: 'low' } });
    expect(late.statusCode).toBe(403);
    expect(late.json().error.code).toBe('not_editable');
    expect((await t.request(product, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: { category: 'guest_management' } })).statusCode).toBe(200);
    const empty = await t.request(product, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('the product team moves a request through the workflow with a justification kept in its history and the audit log', async () => {
    const { id } = (await submit(couple)).json();
    const review = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'under_review', justification: 'Checking demand from venues' },
    });
    expect(review.statusCode).toBe(200);
    const planned = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Top ask from venues for peak season' },
    });
    expect(planned.json()).toMatchObject({
      status: 'planned',
      statusHistory: [
        { fromStatus: 'open', toStatus: 'under_review', justification: 'Checking demand from venues' },
        { fromStatus: 'under_review', toStatus: 'planned', justification: 'Top ask from venues for peak season' },
      ],
    });
    // Anyone may read why: the history is part of the public record.
    expect((await get(anonymous, `/api/feature-requests/${id}`)).json().statusHistory).toHaveLength(2);
    const audit = rows<{ action: string; details: { to: string } }>(
      await t.database.db.execute(sql`select action, details from audit_events where target_id = ${id} and action = 'status_changed' order by id`),
    );
    expect(audit.map((a) => a.details.to)).toEqual(['under_review', 'planned']);
  });

  it('refuses a jump the workflow does not allow, and "merged" without a merge', async () => {
    const { id } = (await submit(couple)).json();
    const jump = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'shipped', justification: 'We shipped it already' },
    });
    expect(jump.statusCode).toBe(409);
    expect(jump.json().error).toMatchObject({
      code: 'invalid_transition',
      details: { from: 'open', to: 'shipped', allowed: expect.arrayContaining(['planned']) },
    });
    const merged = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'merged', justification: 'Duplicate of another request' },
    });
    expect(merged.statusCode).toBe(400);
    expect(merged.json().error.code).toBe('use_merge');
    const noWhy = await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status: 'planned' } });
    expect(noWhy.statusCode).toBe(400);
    expect((await get(anonymous, `/api/feature-requests/${id}`)).json()).toMatchObject({ status: 'open', statusHistory: [] });
  });

  it('records every product-team call in the audit log, reads included', async () => {
    // Only these routes: an earlier test's product-team call may still be recording its own event.
    const count = async () =>
      rows<{ n: number }>(
        await t.database.db.execute(
          sql`select count(*)::int as n from audit_events where action = 'api_call' and target_id in ('GET /api/roadmap', 'GET /api/analytics/category-trends')`,
        ),
      )[0]!.n;
    const before = await count();
    await get(product, '/api/roadmap');
    await get(product, '/api/analytics/category-trends');
    await get(supplier, '/api/roadmap');
    expect(await eventually(count, (n) => n >= before + 2)).toBe(before + 2);
  });

  it('records a product-team change once: by its own event when it made one, by api_call when it was refused', async () => {
    const { id } = (await submit(couple)).json();
    const eventsOf = async (requestId: string) =>
      rows<{ action: string }>(await t.database.db.execute(sql`select action from audit_events where request_id = ${requestId} order by id`)).map(
        (e) => e.action,
      );
    const changed = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'planned', justification: 'Venues asked for it all season' },
    });
    const refused = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'open', justification: 'Back to the start, please' },
    });
    expect([changed.statusCode, refused.statusCode]).toEqual([200, 409]);
    expect(
      await eventually(
        () => eventsOf(refused.headers['x-request-id'] as string),
        (a) => a.length > 0,
      ),
    ).toEqual(['api_call']);
    // The refused call's api_call came after the successful one's response: none is coming for it.
    // (It showed the couple's full record back, hence the PII access record too.)
    const ofChange = await eventsOf(changed.headers['x-request-id'] as string);
    expect(ofChange).toContain('status_changed');
    expect(ofChange).not.toContain('api_call');
  });

  it('publishes the roadmap grouped by status, most wanted first', async () => {
    const { id } = (await submit(couple)).json();
    await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${id}/status`,
      payload: { status: 'in_progress', justification: 'Pilot with three venues starts now' },
    });
    const res = await get(anonymous, '/api/roadmap');
    expect(res.statusCode).toBe(200);
    const { statuses, columns } = res.json();
    expect(statuses).toEqual(['under_review', 'planned', 'in_progress', 'shipped']);
    expect(columns.in_progress.map((i: Item) => i.id)).toContain(id);
    for (const status of statuses) {
      expect(columns[status].every((i: Item) => i.status === status)).toBe(true);
      const weights = columns[status].map((i: Item) => i.voteWeight);
      expect(weights).toEqual([...weights].sort((a: number, b: number) => b - a));
    }
    expect(columns.open).toBeUndefined();
  });

  it('gives suppliers category trends', async () => {
    const res = await get(supplier, '/api/analytics/category-trends?weeks=52');
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items).toHaveLength(14);
    expect(items.reduce((n: number, i: { requests: number }) => n + i.requests, 0)).toBeGreaterThanOrEqual(200);
  });

  it('labels every response with the wedding season', async () => {
    t.clock.set('2027-06-15T12:00:00Z');
    await new Promise((r) => setTimeout(r, 5));
    expect((await get(anonymous, '/health')).headers['x-wedding-season']).toBe('peak');
    t.clock.set('2027-12-15T12:00:00Z');
    expect((await get(anonymous, '/api/feature-requests?limit=1')).headers['x-wedding-season']).toBe('off');
    t.clock.set(new Date());
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await get(anonymous, '/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/feature-requests'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['title', 'description', 'category', 'urgency']),
    );
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/roadmap', '/api/feature-requests/{id}/vote', '/api/user/context']));
  });
});

describe.each(DATABASE_MODES)('members-only board (%s)', (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { BOARD_VISIBILITY: 'members' } });
  });
  afterAll(() => t?.close());

  it('closes the board, requests and roadmap to anonymous visitors but not to members', async () => {
    for (const url of ['/api/feature-requests', '/api/roadmap']) {
      expect((await t.request(anonymous, { method: 'GET', url })).statusCode).toBe(401);
    }
    const couple = await t.login('couple@demo.test');
    expect((await t.request(couple, { method: 'GET', url: '/api/feature-requests' })).statusCode).toBe(200);
  });
});
