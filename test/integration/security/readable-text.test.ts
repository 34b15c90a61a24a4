// Issue #14 finding 13 (part): text made only of zero-width characters, or carrying right-to-left /
// left-to-right overrides and isolates, was accepted as a title, description or comment — blank or
// spoofed once shown to others. Each is now a 400 that names the field. And the 404 body echoed the
// request path back; it no longer does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { weddingRequest } from '../../helpers/fixtures.js';

// Long enough for every field's minimum length, so the length check is not what refuses it.
const ZERO_WIDTH_ONLY = '\u200b\u200c\u200d\u2060\u200b'.repeat(5);
const OVERRIDES = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe.each(DATABASE_MODES)('unreadable text and echoed paths (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let requestId: string;
  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false' } });
    couple = await t.login('couple@demo.test');
    const res = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest() });
    expect(res.statusCode).toBe(201);
    requestId = res.json().id;
  }, 120_000);
  afterAll(() => t?.close());

  const expectRefused = async (
    res: { statusCode: number; json: () => { error: { code: string; details: { field: string; reason: string } } } },
    field: string,
    reason: string,
  ) => {
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'unreadable_text', details: { field, reason } });
  };
  const submit = (overrides: Record<string, unknown>) =>
    t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest(overrides) });

  it('refuses a title, description, pain point or comment made only of zero-width characters', async () => {
    await expectRefused(await submit({ title: ZERO_WIDTH_ONLY }), 'title', 'invisible_only');
    await expectRefused(await submit({ description: ` ${ZERO_WIDTH_ONLY}\u00ad ` }), 'description', 'invisible_only');
    await expectRefused(await submit({ painPoints: ['fine', ZERO_WIDTH_ONLY] }), 'painPoints.1', 'invisible_only');
    await expectRefused(
      await t.request(couple, { method: 'PATCH', url: `/api/feature-requests/${requestId}`, payload: { title: ZERO_WIDTH_ONLY } }),
      'title',
      'invisible_only',
    );
    await expectRefused(
      await t.request(couple, { method: 'POST', url: `/api/feature-requests/${requestId}/comments`, payload: { content: ZERO_WIDTH_ONLY } }),
      'comment',
      'invisible_only',
    );
  });

  it('refuses every bidirectional override and isolate character in them', async () => {
    for (const control of OVERRIDES) {
      await expectRefused(await submit({ title: `Seating plan ${control}gnp.exe` }), 'title', 'bidi_control');
      await expectRefused(
        await t.request(couple, { method: 'POST', url: `/api/feature-requests/${requestId}/comments`, payload: { content: `Agreed ${control}!` } }),
        'comment',
        'bidi_control',
      );
    }
  });

  it('still takes right-to-left writing, emoji sequences and a zero-width joiner inside words', async () => {
    const res = await submit({
      title: 'שולחן הושבה לחתונה \u200f(seating)',
      description: 'Family \u{1f469}\u200d\u{1f469}\u200d\u{1f467} table and كعكة الزفاف.',
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('answers an unknown path without echoing it', async () => {
    const res = await t.request(anonymous, { method: 'GET', url: '/api/%3Cscript%3Ealert(1)%3C%2Fscript%3E-phish-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('route_not_found');
    expect(res.body).not.toMatch(/script|phish-here/);
  });
});
