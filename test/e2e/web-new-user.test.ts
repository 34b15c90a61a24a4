// Issue #16: the defects a new couple, supplier and product manager hit, each as Chromium saw it —
// at 1280 px and on a 390 px phone, against the real server (PGlite + demo data).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious } from './browser.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp, type BoardItem, type ListPage } from './live-app.js';

const PHONE = { width: 390, height: 844 };

/**
 * Words drawn across two lines (a mid-word break such as "Tren|ding") inside the elements matching
 * `selector`: each word's text range must lie on a single line.
 */
const brokenWords = (page: Page, selector: string) =>
  page.evaluate<string[]>(`(() => {
    const broken = [];
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  })()`);

const height = (page: Page, selector: string) => page.evaluate<number>(`document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().height`);

describe.runIf(browserAvailable())('what a new user hit (issue #16) in Chromium', () => {
  const live = useLiveApp();

  it('shows the weighted score "Top" sorts by, in order, beside the count of votes', async () => {
    const t = await live.tab();
    await t.page.goto('/');
    await t.page.locator('.card-title').first().waitFor();
    const scores = (await t.page.locator('.card-weight').allTextContents()).map((text) => Number(text.replace(/[^\d.]/g, '')));
    const { items } = await live.api<ListPage<BoardItem & { voteWeight: number }>>('/api/feature-requests?limit=20');
    expect(scores).toEqual(items.map((i) => i.voteWeight));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await t.page.locator('.results-summary').textContent()).toContain('highest weighted score first');
    expectNoPageErrors(t);
  });

  it('breaks no word in the middle: the sort control at 1280 px and on a phone, the triage tables on a phone', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
      const t = await live.tab({ viewport });
      await t.page.goto('/');
      await t.page.locator('.card-title').first().waitFor();
      expect(await brokenWords(t.page, '.filters'), `board at ${viewport.width} px`).toEqual([]);
      await t.context.close();
    }
    const t = await live.tab({ viewport: PHONE });
    await signIn(t.page, 'product@demo.test');
    await t.page.goto('/triage');
    await t.page.getByRole('table').waitFor();
    expect(await brokenWords(t.page, '.data-table'), 'triage trends table').toEqual([]);
    const [first] = (await live.api<ListPage<BoardItem>>('/api/feature-requests?limit=1')).items;
    await t.page.goto(`/requests/${first!.id}`);
    await t.page.locator('.rice-panel, .data-table').first().waitFor();
    expect(await brokenWords(t.page, '.data-table'), 'RICE table').toEqual([]);
    expectNoPageErrors(t);
  });

  it('ignores filters the board does not offer instead of failing, and puts the address right', async () => {
    const t = await live.tab();
    await t.page.goto('/?status=weird&category=honeymoon&sort=loudest&userType=robot');
    await t.page.locator('.card-title').first().waitFor();
    await t.page.waitForURL((url) => url.pathname === '/' && url.search === '');
    expect(await t.page.locator('.notice-error').count()).toBe(0);
    expect(await t.page.getByLabel('Status').inputValue()).toBe('');
    // A known filter next to an unknown one is kept.
    await t.page.goto('/?status=planned&category=nope');
    await t.page.waitForURL((url) => url.search === '?status=planned');
    expect(await t.page.getByLabel('Status').inputValue()).toBe('planned');
    expectNoPageErrors(t);
  });

  it('counts long text and refuses what is over the limit, never cutting it', async () => {
    const t = await live.tab();
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.goto('/submit');
    const description = page.getByLabel('Description');
    await description.waitFor();
    expect(await description.getAttribute('maxlength')).toBeNull();
    await description.fill(`${'Seating plans. '.repeat(667).slice(0, 9_999)}x`);
    expect((await description.inputValue()).length).toBe(10_000);
    await poll(() => page.getByTestId('submit-description-count').textContent()).toContain('5,000 too many');
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/feature-requests') posted += 1;
    });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('#submit-description-error').filter({ hasText: 'at most 5,000 characters long: it has 10,000' }).waitFor();
    expect((await description.inputValue()).length).toBe(10_000); // still all there, to be shortened by its author
    expect(posted).toBe(0);
    expectNoPageErrors(t);
  });

  it('questions an implausible wedding: a date long gone, and a time zone the country does not use', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.goto('/submit');
    await page.getByLabel('Title').waitFor();
    const date = page.getByLabel('Wedding date');
    expect(await date.getAttribute('min')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await date.fill('1990-06-02');
    await page.getByLabel('Country').selectOption('AS');
    // The country's own zones come first.
    const zone = page.getByLabel('Time zone');
    expect(await zone.locator('optgroup').first().getAttribute('label')).toBe('In American Samoa');
    expect(await zone.locator('optgroup').first().locator('option').allTextContents()).toEqual(['Pacific/Pago Pago']);
    await zone.selectOption('Europe/London');
    await page.locator('.zone-warning').filter({ hasText: 'Europe/London is not a time zone of American Samoa: choose Pacific/Pago Pago.' }).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('#submit-weddingContext-weddingDate-error').filter({ hasText: 'The wedding date is in the past' }).waitFor();
    await page.locator('#submit-weddingContext-timeZone-error').filter({ hasText: 'is not a time zone of American Samoa' }).waitFor();
    await zone.selectOption('Pacific/Pago_Pago');
    expect(await page.locator('.zone-warning').count()).toBe(0);
    expectNoPageErrors(t);
  });

  it('merges only after a confirmation with a reason, into any request found by searching on its page', async () => {
    const product = await live.tab({ axe: true });
    const { page } = product;
    await signIn(page, 'product@demo.test');
    const { items } = await live.api<ListPage<BoardItem>>('/api/feature-requests?sort=new&status=open&limit=2');
    const [duplicate, target] = items as [BoardItem, BoardItem];
    await page.goto(`/requests/${duplicate.id}`);
    await page.getByRole('heading', { level: 1, name: duplicate.title }).waitFor();
    let merges = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/merge$/.test(new URL(r.url()).pathname)) merges += 1;
    });
    await page.getByText('Merge into another request…').click();
    await page.getByLabel('Find the request this one duplicates').fill(target.title.split(' ').slice(0, 4).join(' '));
    await page.getByRole('button', { name: `Merge into “${target.title}”…` }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge into another request?' });
    await dialog.waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    // Cancel leaves everything as it was; so does Merge without a reason.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: `Merge into “${target.title}”…` }).click();
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.getByText('Say why in at least 10 characters').waitFor();
    expect(merges).toBe(0);
    await dialog.getByLabel('Why they are the same request').fill('Both ask for the same guest list export');
    const [merged] = await Promise.all([page.waitForResponse(isApi('POST', /\/merge$/)), dialog.getByRole('button', { name: 'Merge', exact: true }).click()]);
    expect(merged.status()).toBe(200);
    expect(merged.request().postDataJSON()).toEqual({ targetId: target.id, justification: 'Both ask for the same guest list export' });
    await page.locator('#merged-notice').getByText('This request was merged into another').waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('merged-notice');

    // A merged request takes no votes: the button says so before anyone presses it.
    const couple = await live.tab();
    await signIn(couple.page, 'couple@demo.test');
    await couple.page.goto(`/requests/${duplicate.id}`);
    const vote = couple.page.locator('.detail-head .vote-button');
    await vote.waitFor();
    expect(await vote.isDisabled()).toBe(true);
    expect(await couple.page.locator(`#vote-reason-${duplicate.id}`).textContent()).toBe('Merged: vote on the request it was merged into.');
    expectNoPageErrors(product);
    expectNoPageErrors(couple);
  });

  it('disables Vote, with the reason, for a supplier still waiting for verification', async () => {
    const t = await live.tab();
    const { page } = t;
    await page.goto('/');
    const email = `jo.${Date.now()}@bloom.example`;
    const signup = await page.request.post('/api/auth/signup', {
      data: {
        email,
        password: 'petals and ribbons',
        displayName: 'Jo Bloom',
        role: 'wedding_supplier',
        country: 'GB',
        timeZone: 'Europe/London',
        supplierType: 'florist',
        businessName: 'Bloom',
        businessSize: 'solo',
      },
    });
    // Sign-up signs nobody in (the same answer for any address); the embedded demo lets an unconfirmed member sign in and contribute.
    expect(signup.status()).toBe(200);
    expect((await page.request.post('/api/auth/login', { data: { email, password: 'petals and ribbons' } })).status()).toBe(200);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const first = page.locator('.card').first();
    await first.locator('.card-title').waitFor();
    expect(await first.locator('.vote-button').isDisabled()).toBe(true);
    expect(await first.locator('.vote-blocked').textContent()).toBe('You can vote once the WedSync team has verified your supplier account.');
    expect(await first.locator('.vote-button').getAttribute('aria-describedby')).toMatch(/^vote-reason-/);
    expectNoPageErrors(t);
  });

  it('folds the product team’s header into a menu on a phone, fits the kanban at 1280 px, and keeps status badges in shape', async () => {
    const t = await live.tab({ viewport: PHONE, axe: true });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await screenshot(page, 'header-menu-phone', { fullPage: false });
    expect(await height(page, '.site-header')).toBeLessThanOrEqual(130);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    expect(await nav.isVisible()).toBe(false);
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Triage' }).click();
    await page.waitForURL(/\/triage$/);
    expect(await nav.isVisible()).toBe(false); // following a link closes the menu
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(serious(await axeViolations(page))).toEqual([]);

    await page.goto('/status');
    await page.locator('.components .badge').first().waitFor();
    for (const badge of await page.locator('.components .badge').all()) expect((await badge.boundingBox())!.height).toBeLessThan(32);

    const wide = await live.tab();
    await wide.page.goto('/roadmap?view=kanban');
    await wide.page.locator('.kanban-column').first().waitFor();
    const { scroll, client } = await wide.page.evaluate<{ scroll: number; client: number }>(
      `(() => { const k = document.querySelector('.kanban'); return { scroll: k.scrollWidth, client: k.clientWidth }; })()`,
    );
    expect(scroll).toBeLessThanOrEqual(client);
    expectNoPageErrors(t);
    expectNoPageErrors(wide);
  });
});
