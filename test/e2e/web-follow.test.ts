// Following a request in real headless Chromium against the real server (PGlite + demo data): the
// demo couple follows a request someone else asked for, the product team changes its status, and the
// change reaches the couple's inbox; after an unfollow, neither the next change nor a later vote
// (which would follow a request they had never unfollowed) brings it back. Checked by axe-core.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { JOB_HANDLERS } from '../../src/jobs/index.js';
import { createWorker } from '../../src/jobs/worker.js';
import { axeViolations, browserAvailable, screenshot, serious } from './browser.js';
import { weddingRequest } from '../helpers/fixtures.js';
import { expectNoPageErrors, isApi, poll, signIn, useLiveApp } from './live-app.js';

describe.runIf(browserAvailable())('following a request in Chromium', () => {
  const live = useLiveApp();

  it('follows and unfollows from the request page; only a followed request’s news reaches the inbox', async () => {
    const t = live.server.t;
    const couple = await t.login('couple@demo.test');
    const product = await t.login('product@demo.test');
    expect((await t.request(couple, { method: 'PUT', url: '/api/privacy/consents/feature_feedback', payload: { granted: true } })).statusCode).toBe(200);
    const asked = await t.request(product, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title: 'Shuttle timetable for the guests, by hotel' }),
    });
    expect(asked.statusCode).toBe(201);
    const { id, title } = asked.json() as { id: string; title: string };
    const worker = createWorker({
      services: t.services,
      handlers: JOB_HANDLERS,
      queues: ['notification_sending'],
      concurrency: 1,
      log: pino({ level: 'silent' }),
    });
    const changeStatus = async (status: string, justification: string) => {
      const res = await t.request(product, { method: 'POST', url: `/api/feature-requests/${id}/status`, payload: { status, justification } });
      expect(res.statusCode).toBe(200);
      while ((await worker.runDue()) > 0);
    };
    const inboxAbout = async () => {
      const { items } = (await (await tab.page.request.get('/api/notifications')).json()) as { items: { requestId: string; details: { to?: string } }[] };
      return items.filter((n) => n.requestId === id).map((n) => n.details.to);
    };

    const tab = await live.tab({ axe: true });
    const { page } = tab;
    await signIn(page, 'couple@demo.test');
    await page.goto(`/requests/${id}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const follow = page.getByRole('button', { name: /^Follow(ing)?$/ });
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    expect(await follow.textContent()).toBe('Follow');

    const [followed] = await Promise.all([page.waitForResponse(isApi('PUT', /\/follow$/)), follow.click()]);
    expect(followed.status()).toBe(200);
    await poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    expect(await follow.textContent()).toBe('Following');
    await page.getByText('You hear about status changes and new comments.').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'request-following');

    await changeStatus('under_review', 'Hotels keep asking us for this');
    await poll(inboxAbout).toEqual(['under_review']);
    await page.getByTestId('notification-bell').click();
    await page.getByRole('link', { name: title }).first().waitFor();
    await page.getByText('Why: Hotels keep asking us for this').first().waitFor();

    // Unfollow; a vote afterwards does not follow again, and the page says so after the vote.
    await page.goto(`/requests/${id}`);
    await poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    const [unfollowed] = await Promise.all([page.waitForResponse(isApi('DELETE', /\/follow$/)), follow.click()]);
    expect(unfollowed.status()).toBe(200);
    await poll(() => follow.getAttribute('aria-pressed')).toBe('false');
    const [voted, reread] = await Promise.all([
      page.waitForResponse(isApi('PUT', /\/vote$/)),
      page.waitForResponse(isApi('GET', /\/follow$/)),
      page.getByRole('button', { name: /^Vote for/ }).click(),
    ]);
    expect(voted.status()).toBe(201);
    expect(((await reread.json()) as { following: boolean }).following).toBe(false);
    expect(await follow.getAttribute('aria-pressed')).toBe('false');

    await changeStatus('planned', 'Planned for the spring release');
    expect(await inboxAbout()).toEqual(['under_review']);
    expectNoPageErrors(tab);
  });
});
