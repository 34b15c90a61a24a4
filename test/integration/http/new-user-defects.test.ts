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

  const submit = (caller: Caller, body: Record<string, unknown> = weddingRequest()) => t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: body });

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
      t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status: to, justification: 'Agreed at the weekly product review' } });
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
    for (const column of Object.values(res.json().columns as Record<string, RoadmapItem[]>)) for (const i of column) expect(i.statusSince).toEqual(expect.any(String));
    t.clock.set(new Date());
  });
});
