// The product team's insights screen in real headless Chromium, against the real server with its AI
// worker running (as `npm start` does): before any analysis it says so plainly; "Refresh analysis"
// queues the pain-point job, the worker runs it over the indexed demo catalogue, and the page follows
// it to the themes — ranked by weighted votes, charted, each with its growth and requests that link
// to their pages. axe, a 360 px phone, and a plain refusal for everyone else.
import { beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp } from './live-app.js';

interface PainPoints {
  snapshot: null | {
    id: string;
    requestsConsidered: number;
    themes: { label: string; voteWeight: number; requests: number; examples: { id: string; title: string }[] }[];
  };
}

describe.runIf(browserAvailable())('insights in Chromium', () => {
  const live = useLiveApp({ worker: true });
  // Embedding the ~200 demo requests takes a while on a busy machine: once, before any test.
  beforeAll(() => live.server.duplicatesIndexed(), 240_000);

  it('shows the product team the themes after a refresh, ranked and charted, with requests to open', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await Promise.all([page.waitForResponse(isApi('GET', /^\/api\/ai\/insights\/pain-points$/)), page.getByRole('link', { name: 'Insights' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor();
    await page.getByText('No analysis yet.').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);

    const [queued] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/ai\/insights\/pain-points\/refresh$/)),
      page.getByRole('button', { name: 'Refresh analysis' }).click(),
    ]);
    expect(queued.status()).toBe(202);
    await page.getByText('A fresh analysis is queued.').waitFor();
    // Busy while the run is followed (the page asks every 3 s, so this state lasts at least that long).
    await page.getByRole('button', { name: 'Analysing…' }).and(page.locator('[aria-busy="true"]')).waitFor();
    const { t: app } = live.server;
    const productTeam = await app.login('product@demo.test');
    const latest = async () => (await app.request(productTeam, { method: 'GET', url: '/api/ai/insights/pain-points' })).json() as PainPoints;
    // The worker runs the job; the page then says what it found.
    await page.getByText(/^Updated: \d+ themes in \d+ open requests\.$/).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Refresh analysis' }).waitFor();

    const reply = await latest();
    const themes = reply.snapshot!.themes;
    expect(await page.getByText(/^Updated: /).textContent()).toBe(`Updated: ${themes.length} themes in ${reply.snapshot!.requestsConsidered} open requests.`);
    expect(themes.length).toBeGreaterThan(3);
    expect(themes.map((x) => x.voteWeight)).toEqual([...themes.map((x) => x.voteWeight)].sort((a, b) => b - a));

    const cards = page.locator('.theme-card');
    await poll(() => cards.count()).toBe(themes.length);
    expect(await cards.first().getByRole('heading', { level: 3 }).textContent()).toBe(`1. ${themes[0]!.label}`);
    expect(await page.getByTestId('insights-generated').textContent()).toContain(
      `${reply.snapshot!.requestsConsidered} open requests, ${themes.length} themes`,
    );
    const chart = page.locator('canvas[role="img"]');
    expect(await chart.count()).toBe(1);
    expect(Number(await chart.getAttribute('data-points'))).toBe(Math.min(10, themes.length));
    expect(await chart.getAttribute('aria-label')).toContain(`1. ${themes[0]!.label}`);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'insights');

    // A second run over the same requests: never a silent button, and the page says whether anything changed.
    await page.getByRole('button', { name: 'Refresh analysis' }).click();
    await page.getByRole('button', { name: 'Analysing…' }).waitFor();
    const outcome = page.getByText(/^(No change since .+: the same \d+ themes with the same requests|Updated: \d+ themes, \d+ new since .+)\.$/);
    await outcome.waitFor({ timeout: 60_000 });
    const again = await latest();
    expect(again.snapshot!.id).not.toBe(reply.snapshot!.id);
    const same =
      JSON.stringify(again.snapshot!.themes.map((x) => [x.label.toLowerCase(), x.requests]).sort()) ===
      JSON.stringify(themes.map((x) => [x.label.toLowerCase(), x.requests]).sort());
    expect(await outcome.textContent()).toMatch(same ? /^No change since / : /^Updated: /);
    await page.getByRole('button', { name: 'Refresh analysis' }).waitFor();

    const example = themes[0]!.examples[0]!;
    await cards.first().getByRole('link', { name: example.title }).click();
    await page.getByRole('heading', { level: 1, name: example.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/requests/${example.id}`);
    expectNoPageErrors(t);
  });

  it('fits a 360 px phone, every control within reach', async () => {
    const t = await live.tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.goto('/insights');
    await page.locator('.theme-card').first().waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshot(page, 'insights-360');
    expectNoPageErrors(t);
  });

  it('tells a couple the screen is for the product team', async () => {
    const t = await live.tab();
    await signIn(t.page, 'couple@demo.test');
    await t.page.goto('/insights');
    await t.page.getByText('AI insights are for the WedSync product team.').waitFor();
    expect(await t.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' }).count()).toBe(0);
    expectNoPageErrors(t);
  });
});
