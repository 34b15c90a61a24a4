// The second round of screens in real headless Chromium against the real server with its
// duplicate-detection worker running: suggestions while a request is typed, the product team's
// merge from triage and its undo on the request page, and RICE (board sort, score, overrides).
import { beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, screenshot, serious } from './browser.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp, type BoardItem, type ListPage } from './live-app.js';

interface Detail extends BoardItem {
  mergedIntoId: string | null;
  rice: { score: number; impact: number | null; overridden: string[] };
}

describe.runIf(browserAvailable())('duplicates, merge and RICE in Chromium', () => {
  const live = useLiveApp({ worker: true });
  // Embedding the ~200 demo requests takes a while on a busy machine: once, before any test.
  beforeAll(() => live.server.duplicatesIndexed(), 240_000);

  it('suggests a similar existing request while the title is typed, and hides them for a too-short title', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.goto('/submit');
    const [res] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/ai\/detect-duplicates$/)),
      page.getByLabel('Title').fill('Let guests pick their meal on the RSVP'),
    ]);
    expect(res.status()).toBe(200);
    const region = page.locator('.duplicate-suggestions');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    await region.getByRole('heading', { name: 'Similar requests already exist' }).waitFor();
    const suggestion = region.getByRole('link', { name: 'Let guests pick their meal when they RSVP' });
    await suggestion.waitFor();
    expect(await region.locator('li').count()).toBeGreaterThan(0);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'submit-duplicate-suggestions');

    // Too short to compare: the suggestions go away.
    await page.getByLabel('Title').fill('RSV');
    await poll(() => region.locator('li').count()).toBe(0);
    expectNoPageErrors(t);
  });

  it('never blocks submitting when the check fails', async () => {
    const t = await live.tab();
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.route('**/api/ai/detect-duplicates', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: '{"error":{"code":"rate_limited","message":"Too many requests"}}' }),
    );
    await page.goto('/submit');
    await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/ai\/detect-duplicates$/)),
      page.getByLabel('Title').fill('Seating chart export for the venue team'),
    ]);
    await page.getByLabel('Description').fill('Our venue wants the seating plan as a printable list sorted by table number.');
    await page.getByLabel('Category').selectOption('seating');
    await page.locator('#submit-urgency-medium').check();
    const [created] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/feature-requests$/)),
      page.getByRole('button', { name: 'Send request' }).click(),
    ]);
    expect(created.status()).toBe(201);
    expect(await page.locator('.duplicate-suggestions li').count()).toBe(0);
  });

  it('lets the product team merge a likely duplicate from triage and undo it on the request page', async () => {
    const { t: app } = live.server;
    const product = await app.login('product@demo.test');
    const res = await app.request(product, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: {
        title: 'Menu choice on the RSVP reply form',
        description: 'Guests should pick salmon, chicken or the vegetarian main when they confirm on the reply form, so the caterer has counts early.',
        category: 'rsvp',
        urgency: 'medium',
        painPoints: ['Second form for meals confuses guests'],
      },
    });
    expect(res.statusCode).toBe(201);
    const dupId = res.json().id as string;
    await live.server.duplicatesIndexed();
    const linked = (await app.request(product, { method: 'GET', url: `/api/feature-requests/${dupId}/duplicates` })).json() as {
      items: { id: string; title: string }[];
    };
    expect(linked.items.length).toBeGreaterThan(0);
    const target = linked.items[0]!;
    const before = await live.api<Detail>(`/api/feature-requests/${target.id}`);

    const tab = await live.tab({ axe: true });
    const { page } = tab;
    await signIn(page, 'product@demo.test');
    await page.goto('/triage');
    const card = page.locator('.triage-list > li').filter({ has: page.locator(`a[href="/requests/${dupId}"]`) });
    await card.getByText(/^Likely duplicates \(\d+\)$/).click(); // folded until asked for
    await card.getByText(target.title).first().waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'triage-likely-duplicates');

    // Merging asks first, with the reason both histories keep (issue #16).
    await card.getByRole('button', { name: `Merge into this: “${target.title}”…` }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge into another request?' });
    await dialog.getByLabel('Why they are the same request').fill('Both ask for the meal choice on the RSVP form');
    const [merged] = await Promise.all([
      page.waitForResponse(isApi('POST', new RegExp(`^/api/feature-requests/${dupId}/merge$`))),
      dialog.getByRole('button', { name: 'Merge', exact: true }).click(),
    ]);
    expect(merged.status()).toBe(200);
    expect(merged.request().postDataJSON().justification).toBe('Both ask for the meal choice on the RSVP form');
    await page.getByText('was merged into').waitFor();
    // The news is where the person is looking, however far down the list the request was.
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains('triage-news') ?? false`)).toBe(true);
    expect(await page.locator(`.triage-list a[href="/requests/${dupId}"]`).count()).toBe(0);
    expect((await live.api<Detail>(`/api/feature-requests/${dupId}`)).mergedIntoId).toBe(target.id);

    await page.locator('.notice').getByRole('link', { name: 'Menu choice on the RSVP reply form' }).click();
    await page.getByText('This request was merged into another').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'request-merged');
    const [undone] = await Promise.all([
      page.waitForResponse(isApi('POST', new RegExp(`^/api/feature-requests/${dupId}/unmerge$`))),
      page.getByRole('button', { name: 'Undo merge' }).click(),
    ]);
    expect(undone.status()).toBe(200);
    await page.getByRole('heading', { name: 'Priority (RICE)' }).waitFor();
    expect(await page.getByText('This request was merged into another').count()).toBe(0);
    expect((await live.api<Detail>(`/api/feature-requests/${dupId}`)).mergedIntoId).toBeNull();
    expect((await live.api<Detail>(`/api/feature-requests/${target.id}`)).voteCount).toBe(before.voteCount);
    expectNoPageErrors(tab);
  });

  it('sorts the board by RICE with each card’s score, and lets the product team override a factor', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    const scoreText = (score: number) => `RICE score ${score.toLocaleString('en-GB', { maximumFractionDigits: 1 })}`;
    const byRice = await live.api<ListPage<Detail>>('/api/feature-requests?sort=rice&limit=20');
    await page.goto('/');
    await page.locator('.board .card-title').first().waitFor();
    await Promise.all([page.waitForResponse(isApi('GET', /^\/api\/feature-requests\?.*sort=rice/)), page.getByRole('radio', { name: 'RICE' }).check()]);
    await page.waitForURL(/\/\?sort=rice$/);
    await poll(async () => (await page.locator('.board .card-title a').allTextContents()).slice(0, 5)).toEqual(byRice.items.slice(0, 5).map((i) => i.title));
    // Sorted by RICE, every card says the score that put it there.
    expect(await page.locator('.board .card').count()).toBe(await page.locator('.board .card-rice').count());
    expect((await page.locator('.board .card-rice').allTextContents()).slice(0, 5)).toEqual(byRice.items.slice(0, 5).map((i) => scoreText(i.rice.score)));
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'board-rice');
    // Sorted otherwise, the board is for voting: no scores for couples and suppliers…
    await Promise.all([page.waitForResponse(isApi('GET', /^\/api\/feature-requests\?limit=20$/)), page.getByRole('radio', { name: 'Top' }).check()]);
    await page.locator('.board .card').first().waitFor();
    expect(await page.locator('.board .card-rice').count()).toBe(0);

    // …but the product team, who prioritise with it, always sees it.
    await signIn(page, 'product@demo.test');
    const byTop = await live.api<ListPage<Detail>>('/api/feature-requests?limit=20');
    await page.goto('/');
    await poll(() => page.locator('.board .card-rice').allTextContents()).toEqual(byTop.items.map((i) => scoreText(i.rice.score)));

    const top = await live.api<Detail>(`/api/feature-requests/${byRice.items[0]!.id}`);
    await page.goto(`/requests/${top.id}`);
    await page.getByRole('heading', { name: 'Priority (RICE)' }).waitFor();
    expect(await page.getByTestId('rice-score').textContent()).toBe(top.rice.score.toLocaleString('en-GB', { maximumFractionDigits: 1 }));
    expect(serious(await axeViolations(page))).toEqual([]);

    const newImpact = top.rice.impact === 0.25 ? '3' : '0.25';
    await page.getByLabel('Impact', { exact: true }).selectOption(newImpact);
    const [saved] = await Promise.all([page.waitForResponse(isApi('PUT', /\/rice$/)), page.getByRole('button', { name: 'Save RICE' }).click()]);
    expect(saved.status()).toBe(200);
    const after = await live.api<Detail>(`/api/feature-requests/${top.id}`);
    expect(after.rice.overridden).toContain('impact');
    expect(after.rice.impact).toBe(Number(newImpact));
    await poll(() => page.getByTestId('rice-score').textContent()).toBe(after.rice.score.toLocaleString('en-GB', { maximumFractionDigits: 1 }));
    await screenshot(page, 'request-rice');
    expectNoPageErrors(t);
  });
});
