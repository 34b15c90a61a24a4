// The inbox in real headless Chromium against the real server (PGlite + demo data): the product team
// changes the status of two of the demo couple's requests, the notification job runs, and the couple
// sees the bell's unread count, opens the inbox, follows a notification to its request, marks one and
// then all read (the bell follows), and switches email to a daily digest. Checked by axe-core and on a
// 360 px phone.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { JOB_HANDLERS } from '../../src/jobs/index.js';
import { createWorker } from '../../src/jobs/worker.js';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious } from './browser.js';
import { weddingRequest } from '../helpers/fixtures.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp } from './live-app.js';

describe.runIf(browserAvailable())('notifications inbox in Chromium', () => {
  const live = useLiveApp();

  /** Two of the couple's open requests move to "under review"; the notification job runs. Returns them. */
  async function twoStatusChanges() {
    const t = live.server.t;
    const couple = await t.login('couple@demo.test');
    const product = await t.login('product@demo.test');
    expect((await t.request(couple, { method: 'PUT', url: '/api/privacy/consents/feature_feedback', payload: { granted: true } })).statusCode).toBe(200);
    const mine: { id: string; title: string }[] = [];
    for (let i = 0; i < 2; i += 1) {
      const res = await t.request(couple, {
        method: 'POST',
        url: '/api/feature-requests',
        payload: weddingRequest({ title: `Shuttle times on the RSVP page, take ${i + 1}` }),
      });
      expect(res.statusCode).toBe(201);
      mine.push(res.json());
    }
    for (const item of mine) {
      const res = await t.request(product, {
        method: 'POST',
        url: `/api/feature-requests/${item.id}/status`,
        payload: { status: 'under_review', justification: 'Venues ask for this every season' },
      });
      expect(res.statusCode).toBe(200);
    }
    const worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      queues: ['notification_sending'],
      concurrency: 1,
      log: pino({ level: 'silent' }),
    });
    while ((await worker.runDue()) > 0);
    return mine;
  }

  it('shows the unread count, lists and links notifications, marks one and all read, and saves the email choice', async () => {
    const changed = await twoStatusChanges();
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    const { unread } = (await (await page.request.get('/api/notifications')).json()) as { unread: number };
    expect(unread).toBeGreaterThanOrEqual(2);

    const bell = page.getByTestId('notification-bell');
    await poll(() => bell.getAttribute('aria-label')).toBe(`Notifications, ${unread} unread`);
    await bell.click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('heading', { level: 2, name: `${unread} unread` }).waitFor();
    for (const item of changed) await page.getByRole('link', { name: item.title }).first().waitFor();
    await page.getByText('Moved from Open to Under review. Why: Venues ask for this every season').first().waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'notifications');

    // One marked read: the list and the bell both say so.
    const [one] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/notifications\/read$/)),
      page
        .getByTestId('inbox-item')
        .filter({ hasText: changed[0]!.title })
        .first()
        .getByRole('button', { name: /^Mark as read/ })
        .click(),
    ]);
    expect(one.status()).toBe(200);
    expect(one.request().postDataJSON().ids).toHaveLength(1);
    await page.getByRole('heading', { level: 2, name: unread - 1 === 0 ? 'All read' : `${unread - 1} unread` }).waitFor();
    await poll(() => bell.getAttribute('aria-label')).toBe(unread - 1 === 0 ? 'Notifications' : `Notifications, ${unread - 1} unread`);

    // A notification leads to its request.
    await page.getByRole('link', { name: changed[1]!.title }).first().click();
    await poll(() => page.evaluate<string>('location.pathname')).toBe(`/requests/${changed[1]!.id}`);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();

    // All read: the bell shows no count, the API agrees.
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await page.getByRole('heading', { level: 2, name: 'All read' }).waitFor();
    await poll(() => bell.getAttribute('aria-label')).toBe('Notifications');
    expect(((await (await page.request.get('/api/notifications')).json()) as { unread: number }).unread).toBe(0);

    // Email as a daily digest, saved at once.
    const [saved] = await Promise.all([page.waitForResponse(isApi('PUT', /^\/api\/notifications\/preferences$/)), page.getByLabel(/Daily digest/).check()]);
    expect(saved.status()).toBe(200);
    await page.getByTestId('channels-result').getByText('Saved.').waitFor();
    expect(await (await page.request.get('/api/notifications/preferences')).json()).toEqual({ inApp: true, email: 'daily' });
    expect(serious(await axeViolations(page))).toEqual([]);
    expectNoPageErrors(t);
  });

  it('fits a 360 px phone', async () => {
    const t = await live.tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.getByTestId('notification-bell').click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'How you hear from us' }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expectNoPageErrors(t);
  });
});
