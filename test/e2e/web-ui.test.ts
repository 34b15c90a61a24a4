// The web UI in real headless Chromium against the real server (PGlite + demo data): what a
// couple or a supplier does on the board, the request page, the form and sign-in, on a desktop and
// a 360 px phone, checked by axe-core. Screenshots land in test/e2e/screenshots/ (not committed).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp, type BoardItem, type ListPage as Page_ } from './live-app.js';
import { NEXT_YEAR } from '../helpers/fixtures.js';

describe.runIf(browserAvailable())('web UI in Chromium', () => {
  const live = useLiveApp();
  const tab = live.tab;
  const api = live.api;

  /** Waits until the board's first card shows this title. */
  const firstCardIs = (page: Page, title: string) => poll(() => page.locator('.card-title').first().textContent()).toBe(title);
  const cardCount = (page: Page) => page.locator('.card').count();
  const commentsLoaded = (page: Page) => poll(() => page.locator('.comments').getAttribute('aria-busy')).toBe('false');

  it('shows the demo board in the API’s default order, and filters, searches, sorts and pages it', async () => {
    const t = await tab();
    const { page } = t;
    const expected = await api<Page_<BoardItem>>('/api/feature-requests?limit=20');
    await page.goto('/');
    await page.locator('.card-title').first().waitFor();
    expect(await page.locator('.card-title').first().textContent()).toBe(expected.items[0]!.title);
    expect(await page.locator('.card-title').allTextContents()).toEqual(expected.items.map((i) => i.title));
    expect(await page.title()).toContain('Feature requests');
    await screenshot(page, 'board');

    // Load more: the next page, appended.
    const [more] = await Promise.all([
      page.waitForResponse(isApi('GET', /\/api\/feature-requests\?.*cursor=/)),
      page.getByRole('button', { name: 'Load more requests' }).click(),
    ]);
    expect(more.status()).toBe(200);
    await poll(() => cardCount(page)).toBe(expected.items.length * 2);

    // Sort by newest: the address says so, and the list is the API's.
    const newest = await api<Page_<BoardItem>>('/api/feature-requests?sort=new&limit=20');
    await page.getByRole('radio', { name: 'New' }).check();
    await page.waitForURL(/\/\?sort=new$/);
    await firstCardIs(page, newest.items[0]!.title);

    // A category on top of that.
    const rsvp = await api<Page_<BoardItem>>('/api/feature-requests?sort=new&category=rsvp&limit=20');
    await page.getByLabel('Category').selectOption('rsvp');
    await page.waitForURL(/category=rsvp/);
    await firstCardIs(page, rsvp.items[0]!.title);
    await poll(() => cardCount(page)).toBe(rsvp.items.length);

    // Full-text search as you type (no category), then back to everything.
    await page.getByLabel('Category').selectOption('');
    const seating = await api<Page_<BoardItem>>('/api/feature-requests?sort=new&q=seating&limit=20');
    expect(seating.items.length).toBeGreaterThan(0);
    await page.getByLabel('Search requests').fill('seating');
    await page.waitForURL(/q=seating/);
    await firstCardIs(page, seating.items[0]!.title);
    await poll(() => cardCount(page)).toBe(seating.items.length);

    // Nothing matches: a plain message and a way out.
    await page.getByLabel('Search requests').fill('zzqxjv-nothing-like-this');
    await page.getByText('No requests match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await firstCardIs(page, newest.items[0]!.title);
    expectNoPageErrors(t);
  });

  it('signs in through the form, keeps the session across a reload, and signs out', async () => {
    const t = await tab();
    const { page } = t;
    await page.goto('/login');
    await page.getByLabel('Email address').fill('couple@demo.test');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('That email and password don’t match an account').waitFor();
    await screenshot(page, 'login-error');

    await signIn(page, 'couple@demo.test');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('.who').textContent()).toContain('Couple');

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor(); // recovered from GET /api/auth/session

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(((await (await page.request.get('/api/auth/session')).json()) as { user: unknown }).user).toBeNull();
    expectNoPageErrors(t);
  });

  it('votes and takes the vote back, showing the change before the server answers', async () => {
    const t = await tab();
    const { page } = t;

    // Signed out, a vote leads to sign-in, then to the request where the vote is cast (web-editing.test.ts).
    await page.goto('/');
    await page.locator('.vote-button').first().click();
    await page.waitForURL(/\/login\?next=%2Frequests%2F[0-9a-f-]+%3Fintent%3Dvote$/);

    await signIn(page, 'couple@demo.test');
    await page.locator('.card').first().waitFor();
    const card = page
      .locator('.card')
      .filter({ has: page.locator('.vote-button[aria-pressed="false"]') })
      .first();
    const title = (await card.locator('.card-title').textContent())!;
    const id = (await card.locator('.card-title a').getAttribute('href'))!.split('/').pop()!;
    const before = (await api<BoardItem>(`/api/feature-requests/${id}`)).voteCount;
    const button = page.locator('.card').filter({ hasText: title }).locator('.vote-button');
    expect(Number(await button.locator('.vote-count').textContent())).toBe(before);

    // Hold the vote at the network: the button must already show it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/api/feature-requests/${id}/vote`, async (route) => {
      await held;
      await route.continue();
    });
    const answered = page.waitForResponse(isApi('PUT', new RegExp(`/api/feature-requests/${id}/vote$`)));
    await button.click();
    await poll(async () => [await button.getAttribute('aria-pressed'), await button.locator('.vote-count').textContent()]).toEqual([
      'true',
      String(before + 1),
    ]);
    release();
    expect((await answered).status()).toBe(201);
    await page.unroute(`**/api/feature-requests/${id}/vote`);
    expect((await api<BoardItem>(`/api/feature-requests/${id}`)).voteCount).toBe(before + 1);

    // After a reload the vote is still shown, and taking it back works (the CSRF token was recovered).
    await page.reload();
    const again = page.locator('.card').filter({ hasText: title }).locator('.vote-button');
    await again.and(page.locator('[aria-pressed="true"]')).waitFor();
    const [withdrawn] = await Promise.all([page.waitForResponse(isApi('DELETE', /\/vote$/)), again.click()]);
    expect(withdrawn.status()).toBe(200);
    await poll(async () => [await again.getAttribute('aria-pressed'), await again.locator('.vote-count').textContent()]).toEqual(['false', String(before)]);
    expect((await api<BoardItem>(`/api/feature-requests/${id}`)).voteCount).toBe(before);

    // The connection fails: the count goes back and the person is told in plain words.
    await page.route(`**/api/feature-requests/${id}/vote`, (route) => route.abort('internetdisconnected'));
    await again.click();
    await page.locator('.card').filter({ hasText: title }).getByRole('alert').filter({ hasText: 'couldn’t reach WedSync' }).waitFor();
    expect(await again.getAttribute('aria-pressed')).toBe('false');
    expect(Number(await again.locator('.vote-count').textContent())).toBe(before);
    await page.unroute(`**/api/feature-requests/${id}/vote`);
    t.problems.splice(0); // the aborted request is logged as a network error, as it should be
    expectNoPageErrors(t);
  });

  it('submits a request, keeping the draft across a reload, and finds it first on the board under New', async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.getByRole('link', { name: 'Submit a request' }).click();
    await page.getByRole('heading', { name: 'Submit a request' }).waitFor();

    // Sending an empty form: a summary of what to fix, focused, each linked to its field.
    await page.getByRole('button', { name: 'Send request' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains('error-summary') ?? false`)).toBe(true);
    expect(await summary.textContent()).toContain('Give your request a title.');
    expect(await summary.textContent()).toContain('Enter the wedding date.');

    const title = `Print table cards from the seating plan ${Date.now()}`;
    await page.getByLabel('Title').fill(title);
    await poll(() => summary.textContent()).not.toContain('Give your request a title.'); // fixed fields drop their error
    await page.getByLabel('Description').fill('We arranged 140 guests on the seating plan; now we retype every name onto table cards for the printer.');
    await page.getByLabel('Category').selectOption('seating');
    await page.getByRole('radio', { name: /High/ }).check();
    await page.getByRole('textbox', { name: 'Pain point 1' }).fill('retyping every name for the printer');
    await page.getByRole('button', { name: 'Add another pain point' }).click();
    await page.getByRole('textbox', { name: 'Pain point 2' }).fill('typos on the cards');
    await page.getByLabel('Wedding date').fill(`${NEXT_YEAR}-06-12`);
    await page.getByLabel('Number of guests').fill('140');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Time zone').selectOption('Europe/London');
    await page.getByText('Draft saved on this device').waitFor();
    await screenshot(page, 'submit');

    // The connection drops, the page is reloaded: nothing typed is lost.
    await page.reload();
    await page.getByText('We restored the draft you started').waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe(title);
    expect(await page.getByRole('textbox', { name: 'Pain point 2' }).inputValue()).toBe('typos on the cards');
    expect(await page.getByLabel('Number of guests').inputValue()).toBe('140');

    // The API refuses (the daily limit, answered here by a stand-in): its error in plain words, draft kept.
    await page.route('**/api/feature-requests', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 429,
            headers: { 'retry-after': '7200' },
            contentType: 'application/json',
            body: JSON.stringify({
              error: { code: 'submission_limit_reached', message: 'Couples can submit 10 feature requests a day', details: { limit: 10 } },
            }),
          })
        : route.continue(),
    );
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('.error-summary').filter({ hasText: 'You’ve sent today’s maximum of requests' }).filter({ hasText: 'in about 2 hours' }).waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe(title);
    await page.unroute('**/api/feature-requests');

    const [created] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/feature-requests$/)),
      page.getByRole('button', { name: 'Send request' }).click(),
    ]);
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.waitForURL(new RegExp(`/requests/${id}\\?submitted=1$`));
    await page.getByText('Thank you: your request is on the board.').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await page.getByText('typos on the cards').waitFor(); // the author reads the full record

    await page.goto('/?sort=new');
    await firstCardIs(page, title);

    // Sent drafts are forgotten.
    await page.goto('/submit');
    await page.getByLabel('Title').waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('');
    expectNoPageErrors(t);
  });

  it('opens a request from the board with its status history, and adds a comment', async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    const planned = await api<Page_<BoardItem>>('/api/feature-requests?status=planned&limit=20');
    const target = planned.items[0]!;
    const record = await api<{ statusHistory: { justification: string }[]; commentCount: number }>(`/api/feature-requests/${target.id}`);

    await page.goto('/?status=planned');
    await page.getByRole('link', { name: target.title, exact: true }).click();
    await page.waitForURL(new RegExp(`/requests/${target.id}$`));
    await page.getByRole('heading', { level: 1, name: target.title }).waitFor();
    // After an in-app navigation focus starts on the new page's heading.
    expect(await page.evaluate<string | undefined>(`document.activeElement?.tagName`)).toBe('H1');
    const history = page.locator('.timeline li');
    expect(await history.count()).toBe(record.statusHistory.length);
    await page.getByText(record.statusHistory.at(-1)!.justification).first().waitFor();
    await commentsLoaded(page);
    expect(await page.locator('.comment').count()).toBe(record.commentCount);

    const text = `We need this before our June wedding: ${Date.now()}`;
    await page.getByLabel('Add a comment').fill(text);
    const [posted] = await Promise.all([page.waitForResponse(isApi('POST', /\/comments$/)), page.getByRole('button', { name: 'Post comment' }).click()]);
    expect(posted.status()).toBe(201);
    await page.locator('.comment').filter({ hasText: text }).waitFor();
    await page.getByRole('heading', { name: `Discussion (${record.commentCount + 1})` }).waitFor();
    expect(await page.getByLabel('Add a comment').inputValue()).toBe('');
    await screenshot(page, 'detail');
    expectNoPageErrors(t);
  });

  it('marks a verified supplier’s comment as expert advice', async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, 'supplier@demo.test');
    const [first] = (await api<Page_<BoardItem>>('/api/feature-requests?limit=1')).items;
    await page.goto(`/requests/${first!.id}`);
    const text = `Venues see this every Saturday in season: ${Date.now()}`;
    await page.getByLabel('Add a comment').fill(text);
    await Promise.all([page.waitForResponse(isApi('POST', /\/comments$/)), page.getByRole('button', { name: 'Post comment' }).click()]);
    const comment = page.locator('.comment').filter({ hasText: text });
    await comment.waitFor();
    expect(await comment.locator('.expert').textContent()).toBe('Expert advice');
    expectNoPageErrors(t);
  });

  it('fits a 360 × 740 phone screen without horizontal scrolling, every control within reach', async () => {
    const t = await tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    await page.goto('/');
    await page.locator('.card-title').first().waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshot(page, 'board-mobile', { fullPage: false });

    await signIn(page, 'couple@demo.test');
    await page.goto('/submit');
    await page.getByLabel('Title').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshot(page, 'submit-mobile', { fullPage: false });

    const [first] = (await api<Page_<BoardItem>>('/api/feature-requests?limit=1')).items;
    await page.goto(`/requests/${first!.id}`);
    await page.getByRole('heading', { level: 1, name: first!.title }).waitFor();
    await commentsLoaded(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshot(page, 'detail-mobile', { fullPage: false });
    expectNoPageErrors(t);
  });

  it('has no serious or critical axe-core violations on the board, the form, a request and sign-in', async () => {
    const t = await tab({ axe: true });
    const { page } = t;
    const report: Record<string, unknown> = {};

    await page.goto('/');
    await page.locator('.card-title').first().waitFor();
    report.board = serious(await axeViolations(page));

    await signIn(page, 'couple@demo.test'); // the sign-in form, on the way
    await page.goto('/submit');
    await page.getByRole('button', { name: 'Send request' }).click(); // the whole form, its error summary showing
    await page.locator('.error-summary').waitFor();
    report.submit = serious(await axeViolations(page));

    const [first] = (await api<Page_<BoardItem>>('/api/feature-requests?limit=1')).items;
    await page.goto(`/requests/${first!.id}`);
    await commentsLoaded(page);
    report.detail = serious(await axeViolations(page));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/login');
    await page.getByLabel('Email address').waitFor();
    report.login = serious(await axeViolations(page));

    expect(report).toEqual({ board: [], submit: [], detail: [], login: [] });
    expectNoPageErrors(t);
  });
});
