// The screens beyond the board in real headless Chromium against the real server (PGlite + demo
// data): each demo role's sign-in and what it is offered, sign-up, the roadmap, the product team's
// triage, the platform health dashboard, and a submission queued offline. Each screen is checked on
// a 360 px phone and by axe-core; screenshots land in test/e2e/screenshots/.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { timestamptz } from '../../src/db/client.js';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp, type BoardItem, type ListPage } from './live-app.js';
import { NEXT_YEAR } from '../helpers/fixtures.js';

interface Roadmap {
  columns: Record<string, BoardItem[]>;
}

/** The built chunk each lazy screen ships in (web/dist/.vite/manifest.json). */
function chunkOf(source: string): string {
  const manifest = JSON.parse(readFileSync(new URL('../../web/dist/.vite/manifest.json', import.meta.url), 'utf8')) as Record<string, { file: string }>;
  const entry = manifest[source];
  if (!entry) throw new Error(`${source} is not in the build manifest`);
  return entry.file;
}

const navLinks = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();

/** Whether every canvas on the page has drawn something (a blank canvas is all transparent). */
const canvasesDrawn = (page: Page) =>
  page.evaluate<boolean[]>(`[...document.querySelectorAll('canvas')].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  })`);

describe.runIf(browserAvailable())('web UI screens in Chromium', () => {
  const live = useLiveApp();

  it('signs in as each demo role and offers each the screens its permissions allow', async () => {
    const expectations = [
      // Every account manages its own API tokens; the staff screens are the product team's.
      { email: 'couple@demo.test', role: 'Couple', links: ['Board', 'Roadmap', 'Submit a request', 'API tokens'] },
      { email: 'supplier@demo.test', role: 'Wedding supplier', links: ['Board', 'Roadmap', 'Submit a request', 'API tokens'] },
      {
        email: 'product@demo.test',
        role: 'WedSync team',
        links: ['Board', 'Roadmap', 'Submit a request', 'Triage', 'Insights', 'Platform health', 'Staff', 'API tokens'],
      },
      { email: 'ai@demo.test', role: 'Automated assistant', links: ['Board', 'Roadmap', 'API tokens'] }, // the AI account never submits
    ];
    for (const { email, role, links } of expectations) {
      const t = await live.tab();
      await signIn(t.page, email);
      expect(await t.page.locator('.who').textContent(), email).toContain(role);
      expect(await navLinks(t.page), email).toEqual(links);
      // Staff screens say plainly who they are for, rather than failing, when opened by address.
      if (!links.includes('Triage')) {
        await t.page.goto('/triage');
        await t.page.getByText('Triage is for the WedSync product team.').waitFor();
        await t.page.goto('/ops');
        await t.page.getByText('The platform health dashboard is for the WedSync team.').waitFor();
      }
      expectNoPageErrors(t);
      await t.context.close();
    }
  });

  it('filters the board by who asked', async () => {
    const t = await live.tab();
    const suppliers = await live.api<ListPage<BoardItem>>('/api/feature-requests?userType=wedding_supplier&limit=20');
    expect(suppliers.items.length).toBeGreaterThan(0);
    await t.page.goto('/');
    await t.page.locator('.card-title').first().waitFor();
    await t.page.getByLabel('Asked by').selectOption('wedding_supplier');
    await t.page.waitForURL(/userType=wedding_supplier/);
    await poll(() => t.page.locator('.card-title').allTextContents()).toEqual(suppliers.items.map((i) => i.title));
    expect(await t.page.locator('.card-facts').first().textContent()).toContain('From a wedding supplier');
    expectNoPageErrors(t);
  });

  it('signs up a couple, then a supplier who is told about verification', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await page.goto('/');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();

    // Nothing filled in: a summary of the problems takes focus, each next to its field too and linked to it.
    await page.getByRole('button', { name: 'Create account' }).click();
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: /Enter your names, for example/ }).waitFor();
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains('error-summary') ?? false`)).toBe(true);
    await page.locator('#signup-displayName-error').filter({ hasText: 'Enter your names, for example' }).waitFor();
    expect(await page.getByLabel('Your names').getAttribute('aria-describedby')).toBe('signup-displayName-error');
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'signup-errors');
    await summary.getByRole('link', { name: /Enter your names, for example/ }).click();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('signup-displayName');

    // Consent is asked, unticked: only the box ticked is granted.
    await page.getByLabel('Your names').fill('Sam & Alex');
    await page.getByLabel('Password').fill('a long enough password');
    for (const purpose of [/product feedback/, /analyse my requests/, /trend analytics/])
      expect(await page.getByRole('checkbox', { name: purpose }).isChecked()).toBe(false);
    await page.getByRole('checkbox', { name: /analyse my requests/ }).check();
    const email = `sam.alex.${Date.now()}@example.com`;
    await page.getByLabel('Email address').fill(email);
    const [created] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/auth\/signup$/)),
      page.getByRole('button', { name: 'Create account' }).click(),
    ]);
    // The same answer for a new and a registered address (issue #14 finding 9): nobody is signed in by it.
    expect(created.status()).toBe(200);
    expect(created.request().postDataJSON().consents).toEqual({ feature_feedback: false, ai_analysis: true, trend_analytics: false });
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    // The embedded demo does not require the link: the new couple signs in with their password.
    await page.locator('.notice').getByRole('link', { name: 'sign in' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.locator('.who').textContent()).toContain('Sam & Alex');
    expect(((await (await page.request.get('/api/auth/session')).json()) as { user: { email: string; role: string } }).user).toMatchObject({
      email,
      role: 'couple',
    });

    // Signed out, a supplier signs up with their business.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/signup');
    await page.getByRole('radio', { name: /A wedding supplier/ }).check();
    await page.getByLabel('Your name', { exact: true }).fill('Jo Bloom');
    const supplierEmail = `jo.${Date.now()}@bloom.example`;
    await page.getByLabel('Email address').fill(supplierEmail);
    await page.getByLabel('Password').fill('petals and ribbons');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#signup-supplierType-error').filter({ hasText: 'Choose the kind of business.' }).waitFor();
    await page.getByLabel('Kind of business').selectOption('florist');
    await page.getByLabel('Business name').fill('Bloom & Wild Flowers');
    await page.getByLabel('Business size').selectOption('small');
    await screenshot(page, 'signup-supplier');
    const [supplier] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/auth\/signup$/)),
      page.getByRole('button', { name: 'Create account' }).click(),
    ]);
    expect(supplier.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    expect((await page.request.post('/api/auth/login', { data: { email: supplierEmail, password: 'petals and ribbons' } })).status()).toBe(200);
    await page.goto('/signup');
    await page.getByText('The WedSync team checks every business').waitFor();
    expect(((await (await page.request.get('/api/auth/session')).json()) as { user: { verified: boolean; businessSize: string } }).user).toMatchObject({
      verified: false,
      businessSize: 'small',
    });
    expectNoPageErrors(t);
  });

  it('lets the product team move a request on with a reason, and the roadmap shows it', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.getByRole('link', { name: 'Triage' }).click();
    await page.getByRole('heading', { level: 1, name: 'Triage' }).waitFor();
    const first = page.locator('.triage-list > li').first();
    await first.waitFor();
    const title = (await first.locator('.mini-title').textContent())!;
    const id = (await first.locator('.mini-title a').getAttribute('href'))!.split('/').pop()!;
    await page.getByRole('table').waitFor(); // category trends
    expect(await page.getByRole('table').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'triage');

    // No reason: refused before it is sent, and said where.
    await first.getByText('Change status…').click(); // each request's form opens on demand
    const form = page.getByRole('form', { name: `Change the status of “${title}”` });
    await form.getByLabel('New status').selectOption('planned');
    await form.getByRole('button', { name: 'Change status' }).click();
    await form.locator(`#status-${id}-justification-error`).filter({ hasText: 'Explain the change in at least 10 characters' }).waitFor();

    const reason = `Venues asked for this every Saturday this season (${Date.now()})`;
    await form.getByLabel('Reason, shown on the request').fill(reason);
    const [changed] = await Promise.all([
      page.waitForResponse(isApi('POST', new RegExp(`/api/feature-requests/${id}/status$`))),
      form.getByRole('button', { name: 'Change status' }).click(),
    ]);
    expect(changed.status()).toBe(200);
    await page
      .getByRole('status')
      .filter({ hasText: `“${title}” is now planned.` })
      .waitFor();
    expect(await page.locator(`.triage-list a[href="/requests/${id}"]`).count()).toBe(0); // left the queue

    // The roadmap, both views, has it under planned; the request shows the reason in its history.
    const roadmap = await live.api<Roadmap>('/api/roadmap');
    expect(roadmap.columns.planned!.map((i) => i.id)).toContain(id);
    await page.getByRole('main').getByRole('link', { name: 'roadmap', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Roadmap' }).waitFor();
    const next = page.locator('.phase[data-status="planned"]');
    await next.getByRole('link', { name: title, exact: true }).waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'roadmap-timeline');
    await page.getByRole('radio', { name: 'Kanban board' }).check();
    await page.waitForURL(/\/roadmap\?view=kanban$/);
    const column = page.locator('.kanban-column[data-status="planned"]');
    await column.getByRole('link', { name: title, exact: true }).waitFor();
    expect(await column.locator('li').count()).toBe(roadmap.columns.planned!.length);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'roadmap-kanban');

    await column.getByRole('link', { name: title, exact: true }).click();
    await page.locator('.timeline').getByText(reason).waitFor();

    // The same move from the request's own page: planned → in progress.
    const again = `Build started for the peak season release (${Date.now()})`;
    await page.getByLabel('New status').selectOption('in_progress');
    await page.getByLabel('Reason, shown on the request').fill(again);
    await Promise.all([page.waitForResponse(isApi('POST', /\/status$/)), page.getByRole('button', { name: 'Change status' }).click()]);
    await page.locator('.timeline').getByText(again).waitFor();
    expect(await page.locator('.detail-head .badge').first().textContent()).toContain('In progress');
    expect((await live.api<Roadmap>('/api/roadmap')).columns.in_progress!.map((i) => i.id)).toContain(id);
    expectNoPageErrors(t);
  });

  it('pages the triage queue without showing a request twice, and starts over on “Try again” when a page fails', async () => {
    const t = await live.tab();
    const { page } = t;
    const queueApi = '/api/feature-requests?status=open&sort=new&limit=20';
    const first = await live.api<ListPage<BoardItem>>(queueApi);
    expect(first.nextCursor).not.toBeNull();
    const second = await live.api<ListPage<BoardItem>>(`${queueApi}&cursor=${encodeURIComponent(first.nextCursor!)}`);
    const ids = (p: ListPage<BoardItem>) => p.items.map((i) => i.id);
    const nextPage = (url: URL) => url.pathname === '/api/feature-requests' && url.searchParams.has('cursor');
    // The next page repeats the last request shown, as when one moves across a page boundary between reads.
    await page.route(nextPage, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as ListPage<BoardItem>;
      await route.fulfill({ response, json: { ...body, items: [first.items.at(-1), ...body.items] } });
    });
    await signIn(page, 'product@demo.test');
    await page.goto('/triage');
    const links = page.locator('.triage-list .mini-title a');
    const shown = async () => Promise.all((await links.all()).map(async (a) => (await a.getAttribute('href'))!.split('/').pop()));
    await poll(shown).toEqual(ids(first));

    const more = page.getByRole('button', { name: 'Show more new requests' });
    await Promise.all([page.waitForResponse(isApi('GET', /^\/api\/feature-requests\?.*cursor=/)), more.click()]);
    await poll(shown).toEqual([...ids(first), ...ids(second)]);

    // A page that fails is said in plain words; “Try again” loads the queue afresh from its first page.
    await page.unroute(nextPage);
    await page.route(nextPage, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'database_unavailable', message: 'db down', details: null } }),
      }),
    );
    await more.click();
    const failed = page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again in a moment.' });
    await failed.waitFor();
    expect(await shown()).toEqual([...ids(first), ...ids(second)]);
    await failed.getByRole('button', { name: 'Try again' }).click();
    await poll(shown).toEqual(ids(first));
    await failed.waitFor({ state: 'detached' });
    await more.waitFor();
    t.problems.splice(0); // the browser logs the 503 itself
    expectNoPageErrors(t);
  });

  it('shows the platform health dashboard with charts of live data, refreshed every 10 seconds', async () => {
    // Probe runs the server stored before this tab existed: the dashboard charts them at once.
    const { t: app } = live.server;
    const now = app.clock.now().getTime();
    await app.services.db.execute(sql`delete from probe_runs`);
    for (const minutesAgo of [40, 30, 20, 10]) {
      await app.services.db.execute(
        sql`insert into probe_runs (probe, ok, duration_ms, at) values ('submission', ${minutesAgo !== 20}, ${100 + minutesAgo}, ${timestamptz(new Date(now - minutesAgo * 60_000))})`,
      );
    }
    const t = await live.tab({ axe: true });
    const { page } = t;

    // The board never downloads the dashboard's chunk (and with it the chart library).
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto('/');
    await page.locator('.card-title').first().waitFor();
    const opsChunk = `/${chunkOf('src/pages/Ops.tsx')}`;
    expect(scripts).not.toContain(opsChunk);

    await signIn(page, 'product@demo.test');
    const [first, budgetReply] = await Promise.all([
      page.waitForResponse(isApi('GET', /^\/api\/platform\/health$/)),
      page.waitForResponse(isApi('GET', /^\/api\/platform\/error-budget$/)),
      page.getByRole('link', { name: 'Platform health' }).click(),
    ]);
    expect(scripts).toContain(opsChunk);
    const health = (await first.json()) as { season: { multiplier: number; season: string }; queues: { queue: string; pending: number }[] };
    for (const section of ['Wedding Season Status', 'System Performance', 'AI Pipeline Health', 'Business Impact']) {
      await page.getByRole('heading', { level: 2, name: section }).waitFor();
    }
    await page.getByRole('link', { name: 'public status page' }).first().waitFor();
    expect(await page.getByTestId('ops-multiplier').textContent()).toContain(`× ${health.season.multiplier}`);
    expect(await page.getByTestId('ops-season').textContent()).toContain(health.season.season === 'peak' ? 'Peak season' : 'Off season');
    // The 30-day error budget, as the ops API computed it (none before the submission probe has run).
    const { errorBudget: budget } = (await budgetReply.json()) as { errorBudget: { left: number } | null };
    await poll(() => page.getByTestId('ops-error-budget').textContent()).toContain(
      budget === null ? 'no probe runs yet' : `${Math.max(0, Math.round(budget.left * 100))} %`,
    );
    const dup = health.queues.find((q) => q.queue === 'duplicate_detection')!;
    expect(await page.getByTestId('ops-queue-duplicate_detection').textContent()).toContain(`${dup.pending} waiting`);

    const charts = page.locator('canvas[role="img"]');
    await poll(() => charts.count()).toBe(7); // 1 season, 3 performance, 2 AI pipeline, 1 business
    // A fresh tab, yet the probe chart already holds the server's last hour: four readings, not one.
    const probeChart = page.locator('canvas[aria-label^="Synthetic probe checks"]');
    await poll(() => probeChart.getAttribute('data-points')).toBe('4');
    expect(await probeChart.getAttribute('aria-label')).toBe('Synthetic probe checks over the last hour, from the server: 4 runs, 1 failed.');
    await poll(() => canvasesDrawn(page)).not.toContain(false);
    const readings = async () => Number(await charts.first().getAttribute('data-points'));
    expect(await readings()).toBeGreaterThanOrEqual(1);
    const before = await readings();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'ops');

    // The next poll, ten seconds on, adds a reading to the rolling history and to the charts.
    const started = Date.now();
    await page.waitForResponse(isApi('GET', /^\/api\/platform\/health$/), { timeout: 15_000 });
    expect(Date.now() - started).toBeGreaterThan(5_000);
    await poll(readings).toBe(before + 1);
    await page.getByText(`${before + 1} readings kept`).waitFor();

    // Paused: no more polls until resumed.
    await page.getByRole('button', { name: 'Pause updates' }).click();
    await page.getByText('Updates paused.').waitFor();
    expectNoPageErrors(t);
  });

  it('queues a submission made offline and sends it when the connection returns', async () => {
    const t = await live.tab();
    const { page, context } = t;
    await signIn(page, 'couple@demo.test');
    await page.goto('/submit');
    const title = `Offline guest list edits at the venue ${Date.now()}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('The barn has no signal; we update the guest list there and lose the changes when the page reloads.');
    await page.getByLabel('Category').selectOption('guest_management');
    await page.getByRole('radio', { name: /Medium/ }).check();
    await page.getByLabel('Wedding date').fill(`${NEXT_YEAR}-08-21`);
    await page.getByLabel('Number of guests').fill('90');
    await page.getByLabel('Country').selectOption('GB');
    await page.getByLabel('Time zone').selectOption('Europe/London');

    await context.setOffline(true);
    await page.getByText('You’re offline. Keep writing').waitFor();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/feature-requests') posts.push(r.url());
    });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByTestId('submit-queued').waitFor();
    await page.getByRole('button', { name: 'Try sending now' }).waitFor();
    expect(posts).toEqual([]); // not even tried while offline
    const stored = await page.evaluate<{ queued: boolean; draft: { title: string } }>(
      `JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('wedsync:submit-draft:'))[1])`,
    );
    expect(stored).toMatchObject({ queued: true, draft: { title } });
    await screenshot(page, 'submit-offline');

    const [sent] = await Promise.all([page.waitForResponse(isApi('POST', /^\/api\/feature-requests$/)), context.setOffline(false)]);
    expect(sent.status()).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    await page.waitForURL(new RegExp(`/requests/${id}\\?submitted=1$`));
    expect(posts).toHaveLength(1);
    expect(await page.evaluate<number>(`Object.keys(localStorage).filter((k) => k.startsWith('wedsync:submit-draft:')).length`)).toBe(0);
    expect((await live.api<ListPage<BoardItem>>('/api/feature-requests?sort=new&limit=1')).items[0]!.title).toBe(title);
    expectNoPageErrors(t);
  });

  it('says in plain words when the roadmap cannot load, and loads it on “Try again”', async () => {
    const t = await live.tab();
    const { page } = t;
    await page.route('**/api/roadmap', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'database_unavailable', message: 'db down', details: null } }),
      }),
    );
    await page.goto('/roadmap');
    await page.getByRole('alert').filter({ hasText: 'Something went wrong on our side. Please try again in a moment.' }).waitFor();
    await page.unroute('**/api/roadmap');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.phase .mini-card').first().waitFor();
    t.problems.splice(0); // the browser logs the 503 itself
    expectNoPageErrors(t);
  });

  it('works from the keyboard: roadmap views by arrow keys, the kanban scrolls with a visible focus', async () => {
    const t = await live.tab({ viewport: { width: 800, height: 900 } }); // narrower than the four columns
    const { page } = t;
    await page.goto('/roadmap');
    await page.locator('.phase .mini-card').first().waitFor();
    await page.getByRole('radio', { name: 'Timeline' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/\/roadmap\?view=kanban$/);
    await page.locator('.kanban').waitFor();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ label: string | null; outline: string }>(
      `({ label: document.activeElement?.getAttribute('aria-label') ?? null, outline: getComputedStyle(document.activeElement).outlineStyle })`,
    );
    expect(focused).toEqual({ label: 'Roadmap kanban board', outline: 'solid' });
    const scrolled = await page.evaluate<number>(`document.querySelector('.kanban').scrollLeft`);
    await page.keyboard.press('ArrowRight');
    await poll(() => page.evaluate<number>(`document.querySelector('.kanban').scrollLeft`)).toBeGreaterThan(scrolled);
    expectNoPageErrors(t);
  });

  it('fits sign-up, the roadmap, triage and the dashboard on a 360 px phone, every control within reach', async () => {
    const t = await live.tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    /** No sideways scrolling, and every control on the screen is on it and big enough to tap. */
    const fits = async (what: string) => {
      expect(await scrollWidth(page), what).toBeLessThanOrEqual(360);
      expect(await unreachableControls(page), what).toEqual([]);
    };

    await page.goto('/signup');
    await page.getByLabel('Email address').waitFor();
    await fits('sign-up');
    await screenshot(page, 'signup-mobile', { fullPage: false });
    await page.getByRole('radio', { name: /A wedding supplier/ }).check(); // the business fields too
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.error-summary').waitFor();
    await fits('sign-up, supplier, with errors');
    await screenshot(page, 'signup-supplier-errors-mobile', { fullPage: false });

    await page.goto('/roadmap');
    await page.locator('.mini-card').first().waitFor();
    await fits('roadmap');
    await screenshot(page, 'roadmap-mobile', { fullPage: false });
    await page.getByRole('radio', { name: 'Kanban board' }).check();
    await page.waitForURL(/view=kanban$/);
    await page.locator('.kanban-column .mini-card').first().waitFor();
    await fits('roadmap kanban'); // its columns scroll sideways inside their own region
    await screenshot(page, 'roadmap-kanban-mobile', { fullPage: false });

    await signIn(page, 'product@demo.test');
    await page.goto('/triage');
    await page.locator('.triage-list > li').first().waitFor();
    await page.getByRole('table').waitFor();
    await fits('triage');
    await screenshot(page, 'triage-mobile', { fullPage: false });
    await page.locator('.triage-list > li').first().getByText('Change status…').click();
    await page.locator('.triage-list > li').first().getByLabel('New status').waitFor();
    await fits('triage, a status form open');
    await page.locator('.triage-list > li').first().getByLabel('New status').scrollIntoViewIfNeeded();
    await screenshot(page, 'triage-status-mobile', { fullPage: false });

    await page.goto('/ops');
    await poll(() => page.locator('canvas[role="img"]:not([aria-label^="Synthetic probe checks"])').count()).toBe(6);
    // The probe chart, or its "none in the last hour" line when this test runs alone: the page is complete.
    await page.locator('canvas[aria-label^="Synthetic probe checks"]').or(page.getByText('No synthetic probe has run in the last hour.')).waitFor();
    await fits('ops dashboard');
    await screenshot(page, 'ops-mobile', { fullPage: false });
    await page.getByRole('button', { name: 'Pause updates' }).click();
    await page.getByText('Updates paused.').waitFor();
    expectNoPageErrors(t);
  });
});
