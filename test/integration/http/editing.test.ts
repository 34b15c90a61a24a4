// Issue #17 items 5 and 6: authors edit their open request (each edit a revision, the product team
// sees the diff), edit or delete their comments within the window, the product team hides comments
// with a reason; every request carries a public summary, shown wherever its title is.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { indexRequest } from '../../../src/services/duplicate-detection.js';
import { auditEvents, comments, featureRequestRevisions, featureRequests } from '../../../src/db/schema.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';

describe.each(DATABASE_MODES)('editing requests and comments (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let otherCouple: Caller;
  let supplier: Caller;
  let product: Caller;

  const submit = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest(overrides) });
    expect(res.statusCode).toBe(201);
    // A couple submits at most 10 in 24 hours: spaced 2.5 hours apart, this suite's fit.
    t.clock.advance(2.5 * 3_600_000);
    return res.json().id as string;
  };
  const edit = (caller: Caller, id: string, payload: Record<string, unknown>) =>
    t.request(caller, { method: 'PATCH', url: `/api/feature-requests/${id}`, payload });
  const revisions = (caller: Caller, id: string) => t.request(caller, { method: 'GET', url: `/api/feature-requests/${id}/revisions` });
  const comment = async (caller: Caller, id: string, content: string) => {
    const res = await t.request(caller, { method: 'POST', url: `/api/feature-requests/${id}/comments`, payload: { content } });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; editableUntil: string | null };
  };
  const thread = async (caller: Caller, id: string) =>
    (await t.request(caller, { method: 'GET', url: `/api/feature-requests/${id}/comments` })).json().items as Array<Record<string, unknown>>;
  const jobsFor = async (id: string) =>
    rows<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from jobs where type = 'detect_duplicates' and payload->>'requestId' = ${id}`),
    )[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { COMMENT_EDIT_WINDOW_MINUTES: '15' } });
    couple = await t.login('couple@demo.test');
    const signup = await signUpVerified(t, coupleSignup());
    otherCouple = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
    supplier = await t.login('supplier@demo.test');
    product = await t.login('product@demo.test');
  });
  afterAll(() => t?.close());

  describe('public summaries', () => {
    it('shows the summary to everyone who sees the board, keeping the description confidential', async () => {
      const summary = 'Collect each guest’s meal choice on the RSVP form.';
      const id = await submit({ summary });
      const board = (await t.request(anonymous, { method: 'GET', url: '/api/feature-requests?sort=new&limit=100' })).json();
      expect(board.items.find((i: { id: string }) => i.id === id)).toMatchObject({ summary });
      const seen = (await t.request(otherCouple, { method: 'GET', url: `/api/feature-requests/${id}` })).json();
      expect(seen).toMatchObject({ access: 'public', summary });
      expect(seen).not.toHaveProperty('description');
      expect(seen).not.toHaveProperty('weddingContext');
    });

    it('is optional at submission, within the schema’s limits, and can be written later by the author or the product team', async () => {
      const id = await submit();
      expect((await t.request(anonymous, { method: 'GET', url: `/api/feature-requests/${id}` })).json().summary).toBeNull();
      for (const summary of ['too short', 'x'.repeat(281)]) {
        const res = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ summary }) });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
      }
      expect((await edit(couple, id, { summary: 'Meal choices collected with the RSVP.' })).json().summary).toBe('Meal choices collected with the RSVP.');
      expect((await edit(product, id, { summary: 'Guests pick their meal when they RSVP.' })).json().summary).toBe('Guests pick their meal when they RSVP.');
      expect((await edit(otherCouple, id, { summary: 'Someone else’s words on it.' })).statusCode).toBe(403);
    });

    it('shows the summary in the duplicate hint so the writer knows what they would vote for', async () => {
      const summary = 'Seating charts that print on one page per table.';
      const id = await submit({
        title: 'Printable seating chart per reception table',
        summary,
        description: 'We print seating charts by hand for every reception table today.',
      });
      await indexRequest(t.services, id); // what the detect_duplicates job does
      const hint = await t.request(couple, {
        method: 'POST',
        url: '/api/ai/detect-duplicates',
        payload: { title: 'Printable seating chart per reception table', description: 'printing seating charts for each table' },
      });
      expect(hint.statusCode).toBe(200);
      expect(hint.json().matches.find((m: { id: string }) => m.id === id)).toMatchObject({ summary });
    });
  });

  describe('request revisions', () => {
    it('keeps each edit as a revision in the same change, sealed, and shows the product team the word diff', async () => {
      const id = await submit({ summary: 'Meal choices on the RSVP form.' });
      // Indexed since: the pending job of the submission is done.
      await t.database.db.execute(sql`delete from jobs where type = 'detect_duplicates' and payload->>'requestId' = ${id}`);
      const first = await edit(couple, id, {
        description: 'Our caterer needs each guest’s meal choice and allergies; collecting both with the RSVP saves weeks.',
      });
      expect(first.statusCode).toBe(200);
      expect(await jobsFor(id)).toBe(1); // duplicate indexing runs again on the new text
      expect((await edit(couple, id, { title: 'Let guests choose a meal and note allergies when they RSVP' })).statusCode).toBe(200);

      const history = await revisions(product, id);
      expect(history.statusCode).toBe(200);
      expect(history.headers['cache-control']).toContain('no-store');
      const items = history.json().items as Array<{ revision: number; changes: Array<{ field: string; parts: Array<{ kind: string; text: string }> }> }>;
      expect(items.map((r) => r.revision)).toEqual([3, 2, 1]);
      expect(items[2]!.changes).toEqual([]);
      expect(items[1]!.changes.map((c) => c.field)).toEqual(['description']);
      const added = items[1]!.changes[0]!.parts.filter((p) => p.kind === 'added')
        .map((p) => p.text)
        .join('');
      expect(added).toContain('allergies');
      expect(items[0]!.changes.map((c) => c.field)).toEqual(['title']);
      expect(items[0]).toMatchObject({ editedBy: { displayName: 'Amelia & Jonah (demo couple)', role: 'couple' } });

      // The confidential description is sealed in the revisions table too.
      const stored = await t.database.db.select().from(featureRequestRevisions).where(eq(featureRequestRevisions.requestId, id));
      expect(stored).toHaveLength(3);
      for (const r of stored) {
        expect(r.description).not.toContain('caterer');
        expect(r.description).toMatch(/^v1\./);
      }
      const [audit] = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'feature_request_updated'), eq(auditEvents.targetId, id)));
      expect(audit!.details).toMatchObject({ revision: 2 });
    });

    it('adds no revision when an edit leaves title, summary and description as they were', async () => {
      const id = await submit();
      expect((await edit(couple, id, { urgency: 'high' })).statusCode).toBe(200);
      expect((await revisions(product, id)).json().items).toEqual([]);
    });

    it('shows revisions to the product team only', async () => {
      const id = await submit();
      await edit(couple, id, { title: 'A title the couple corrected afterwards' });
      for (const caller of [anonymous, couple, supplier]) expect([401, 403]).toContain((await revisions(caller, id)).statusCode);
      expect((await revisions(product, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });

    it('refuses an author’s edit once the request left "open", and writes nothing', async () => {
      const id = await submit();
      await t.request(product, {
        method: 'POST',
        url: `/api/feature-requests/${id}/status`,
        payload: { status: 'under_review', justification: 'Looking at this for the next cycle.' },
      });
      const res = await edit(couple, id, { title: 'Changing the question after review started' });
      expect(res.statusCode).toBe(403);
      expect(await t.database.db.select().from(featureRequestRevisions).where(eq(featureRequestRevisions.requestId, id))).toEqual([]);
    });
  });

  describe('comments', () => {
    it('lets its author edit a comment within the window, then refuses with edit_window_closed', async () => {
      const id = await submit();
      const posted = await comment(couple, id, 'First thought on this.');
      expect(new Date(posted.editableUntil!).getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);
      const url = `/api/feature-requests/${id}/comments/${posted.id}`;
      const edited = await t.request(couple, { method: 'PATCH', url, payload: { content: 'A better thought on this.' } });
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({ content: 'A better thought on this.', editedAt: expect.any(String) });
      expect((await thread(otherCouple, id))[0]).toMatchObject({ content: 'A better thought on this.', editableUntil: null });
      expect((await t.request(otherCouple, { method: 'PATCH', url, payload: { content: 'Not mine to change.' } })).statusCode).toBe(403);

      t.clock.advance(15 * 60_000 + 1000);
      const late = await t.request(couple, { method: 'PATCH', url, payload: { content: 'Too late for this.' } });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('edit_window_closed');
      expect((await t.request(couple, { method: 'DELETE', url })).statusCode).toBe(409);
      expect((await thread(couple, id))[0]).toMatchObject({ content: 'A better thought on this.', editableUntil: null });
    });

    it('leaves a placeholder for a deleted comment, with its text gone from the database', async () => {
      const id = await submit();
      const posted = await comment(couple, id, 'Something I regret writing.');
      const url = `/api/feature-requests/${id}/comments/${posted.id}`;
      expect((await t.request(couple, { method: 'DELETE', url })).statusCode).toBe(204);
      const [shown] = await thread(otherCouple, id);
      expect(shown).toMatchObject({ id: posted.id, deleted: true, content: '' });
      const [row] = await t.database.db.select().from(comments).where(eq(comments.id, posted.id));
      expect(await t.services.keyring.openShared(row!.content, { table: 'comments', column: 'content', rowId: posted.id })).toBe('');
      expect((await t.request(couple, { method: 'PATCH', url, payload: { content: 'Bringing it back.' } })).json().error.code).toBe('comment_deleted');
    });

    it('lets the product team hide a comment with a reason: gone for members, shown to staff with why, audited', async () => {
      const id = await submit();
      const kept = await comment(otherCouple, id, 'A useful comment.');
      const rude = await comment(otherCouple, id, 'Something rude about another couple.');
      const countOf = async () =>
        (await t.database.db.select({ n: featureRequests.commentCount }).from(featureRequests).where(eq(featureRequests.id, id)))[0]!.n;
      expect(await countOf()).toBe(2);
      const hideUrl = `/api/feature-requests/${id}/comments/${rude.id}/hide`;
      expect((await t.request(otherCouple, { method: 'POST', url: hideUrl, payload: { reason: 'Not my call' } })).statusCode).toBe(403);
      expect((await t.request(product, { method: 'POST', url: hideUrl, payload: { reason: '' } })).statusCode).toBe(400);
      const hidden = await t.request(product, { method: 'POST', url: hideUrl, payload: { reason: 'Personal remarks about another couple' } });
      expect(hidden.statusCode).toBe(204);
      expect((await t.request(product, { method: 'POST', url: hideUrl, payload: { reason: 'Personal remarks again' } })).statusCode).toBe(409);

      for (const member of [couple, otherCouple, supplier]) expect((await thread(member, id)).map((c) => c.id)).toEqual([kept.id]);
      const staff = await thread(product, id);
      expect(staff.find((c) => c.id === rude.id)).toMatchObject({
        content: 'Something rude about another couple.',
        hidden: { reason: 'Personal remarks about another couple', hiddenBy: { role: 'product_team' } },
      });
      expect(staff.find((c) => c.id === kept.id)).toMatchObject({ hidden: null });
      expect(await countOf()).toBe(1);
      // Its author can no longer change it.
      expect(
        (await t.request(otherCouple, { method: 'PATCH', url: `/api/feature-requests/${id}/comments/${rude.id}`, payload: { content: 'Edited away.' } }))
          .statusCode,
      ).toBe(409);
      const [audit] = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'comment_hidden'), eq(auditEvents.targetId, rude.id)));
      expect(audit!.details).toMatchObject({ requestId: id, reason: 'Personal remarks about another couple' });
    });

    it('answers 404 for a comment id that is not on the request', async () => {
      const a = await submit();
      const b = await submit();
      const posted = await comment(couple, a, 'On request A only.');
      const res = await t.request(couple, { method: 'PATCH', url: `/api/feature-requests/${b}/comments/${posted.id}`, payload: { content: 'Moved?' } });
      expect(res.statusCode).toBe(404);
    });
  });
});
