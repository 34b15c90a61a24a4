// Issue #17 items 5–7 in real headless Chromium: Vote pressed while signed out is cast after signing
// in; a comment's Markdown renders without running what a writer typed; its author edits and deletes
// it; the product team hides one with a reason and reads the request's edit history.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { weddingRequest } from '../helpers/fixtures.js';
import { axeViolations, browserAvailable, serious } from './browser.js';
import { expectNoPageErrors, isApi, PASSWORD, poll, signIn, useLiveApp } from './live-app.js';

describe.runIf(browserAvailable())('editing, summaries and intents in Chromium', () => {
  const live = useLiveApp();
  let requestId: string;

  it('casts the vote a signed-out visitor pressed, once they have signed in', async () => {
    const product = await live.server.t.login('product@demo.test');
    const created = await live.server.t.request(product, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title: 'Edit the table plan from a phone', summary: 'Change who sits where from a phone on the day.', category: 'seating' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    requestId = created.json().id as string;

    const t = await live.tab({ axe: true });
    const page = t.page;
    await page.goto(`/requests/${requestId}`);
    await page.getByText('Change who sits where from a phone on the day.').waitFor();
    await page.locator('.detail .vote-button').click();
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Email address').fill('couple@demo.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const [vote] = await Promise.all([page.waitForResponse(isApi('PUT', /\/vote$/)), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    expect(vote.status()).toBe(201);
    await page.waitForURL((url) => url.pathname === `/requests/${requestId}` && !url.search.includes('intent'));
    await poll(async () => page.locator('.detail .vote-button').getAttribute('aria-pressed')).toBe('true');
    // A reload does not vote again (the intent left the address).
    await page.reload();
    await page.locator('.detail .vote-button[aria-pressed="true"]').waitFor();
    expectNoPageErrors(t);
  });

  it('renders comment Markdown inertly, and lets its author edit then delete it', async () => {
    const t = await live.tab({ axe: true });
    const page = t.page;
    await signIn(page, 'supplier@demo.test');
    await page.goto(`/requests/${requestId}`);
    const hostile = '**Works for us** <script>window.__pwned = 1</script> [click](javascript:window.__pwned=2) <img src=x onerror="window.__pwned=3">';
    await page.getByLabel('Add a comment').fill(hostile);
    await Promise.all([page.waitForResponse(isApi('POST', /\/comments$/)), page.getByRole('button', { name: 'Post comment' }).click()]);
    const comment = page.locator('.comment').filter({ hasText: 'Works for us' });
    await comment.locator('strong', { hasText: 'Works for us' }).waitFor();
    expect(await comment.locator('.comment-body script, .comment-body img, .comment-body a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    await comment.getByRole('button', { name: 'Edit' }).click();
    await comment.getByLabel('Edit your comment').fill('Works for us at the barn, with _two_ seating plans.');
    await Promise.all([page.waitForResponse(isApi('PATCH', /\/comments\//)), comment.getByRole('button', { name: 'Save comment' }).click()]);
    const edited = page.locator('.comment').filter({ hasText: 'with two seating plans' });
    await edited.getByText('· edited').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);

    await Promise.all([page.waitForResponse(isApi('DELETE', /\/comments\//)), edited.getByRole('button', { name: 'Delete' }).click()]);
    await page.getByText('This comment was deleted by its author.').waitFor();
    expectNoPageErrors(t);
  });

  it('offers no Edit once the edit window has closed', async () => {
    const supplier = await live.server.t.login('supplier@demo.test');
    const posted = await live.server.t.request(supplier, {
      method: 'POST',
      url: `/api/feature-requests/${requestId}/comments`,
      payload: { content: 'An older thought.' },
    });
    expect(posted.statusCode).toBe(201);
    // The browser's server runs on the real clock: the comment is made 16 minutes old instead.
    await live.server.t.database.db.execute(sql`update comments set created_at = now() - interval '16 minutes' where id = ${posted.json().id as string}`);
    const t = await live.tab();
    await signIn(t.page, 'supplier@demo.test');
    await t.page.goto(`/requests/${requestId}`);
    const old = t.page.locator('.comment').filter({ hasText: 'An older thought.' });
    await old.waitFor();
    expect(await old.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  });

  it('lets the product team hide a comment with a reason, edit the request and read the diff', async () => {
    const couple = await live.server.t.login('couple@demo.test');
    const posted = await live.server.t.request(couple, {
      method: 'POST',
      url: `/api/feature-requests/${requestId}/comments`,
      payload: { content: 'Off-topic remark.' },
    });
    expect(posted.statusCode).toBe(201);

    const t = await live.tab({ axe: true });
    const page = t.page;
    await signIn(page, 'product@demo.test');
    await page.goto(`/requests/${requestId}`);
    const remark = page.locator('.comment').filter({ hasText: 'Off-topic remark.' });
    await remark.getByRole('button', { name: 'Hide' }).click();
    await remark.getByLabel('Why hide this comment?').fill('Not about this request');
    await Promise.all([page.waitForResponse(isApi('POST', /\/hide$/)), remark.getByRole('button', { name: 'Hide comment' }).click()]);
    await remark.getByText('Not about this request').waitFor();

    await page.getByRole('button', { name: 'Edit request' }).click();
    await page.getByLabel('Title').fill('Edit the table plan from a phone or tablet');
    await Promise.all([page.waitForResponse(isApi('PATCH', /\/feature-requests\/[^/]+$/)), page.getByRole('button', { name: 'Save changes' }).click()]);
    const history = page.locator('.revisions');
    await history.locator('ins', { hasText: 'or tablet' }).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    expectNoPageErrors(t);

    // Members no longer see the hidden comment.
    const member = await live.tab();
    await signIn(member.page, 'couple@demo.test');
    await member.page.goto(`/requests/${requestId}`);
    await member.page.locator('.comments').waitFor();
    await member.page.getByText('This comment was deleted by its author.').waitFor();
    expect(await member.page.getByText('Off-topic remark.').count()).toBe(0);
  });
});
