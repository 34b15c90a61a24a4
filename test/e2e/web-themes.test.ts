// Dark mode (issue #17.9) and a quiet console for anonymous visitors (issue #16.10), in Chromium
// against the real server: the theme follows the system, the switch overrides and is remembered,
// and the main screens pass axe (colour contrast included) in both themes at 360 and 1280 px.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, serious } from './browser.js';
import { expectNoPageErrors, signIn, useLiveApp, type BoardItem, type ListPage } from './live-app.js';

const theme = (page: Page) => page.evaluate<string | undefined>('document.documentElement.dataset.theme');
/** Relative luminance of an rgb() colour, 0 (black) to 1 (white). */
const luminance = (rgb: string) => {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const htmlBackground = (page: Page) => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');

describe.runIf(browserAvailable())('themes and the anonymous console in Chromium', () => {
  const live = useLiveApp();

  it('asks who is signed in without a failed request in the console on anonymous pages', async () => {
    const t = await live.tab();
    const [session] = await Promise.all([t.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/session'), t.page.goto('/')]);
    expect(session.status()).toBe(200);
    expect(await session.json()).toEqual({ user: null, csrfToken: null });
    await t.page.locator('.card-title').first().waitFor();
    await t.page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    for (const path of ['/roadmap', '/login', '/signup']) {
      await t.page.goto(path);
      await t.page.getByRole('heading', { level: 1 }).waitFor();
    }
    expectNoPageErrors(t);
  });

  it('follows the system preference, and the switch overrides it and is remembered', async () => {
    const t = await live.tab({ colorScheme: 'dark' });
    await t.page.goto('/');
    await t.page.locator('.card-title').first().waitFor();
    expect(await theme(t.page)).toBe('dark');
    expect(luminance(await htmlBackground(t.page))).toBeLessThan(0.05);

    await t.page.getByLabel('Theme').selectOption('light');
    expect(await theme(t.page)).toBe('light');
    expect(luminance(await htmlBackground(t.page))).toBeGreaterThan(0.9);
    await t.page.reload();
    await t.page.locator('.card-title').first().waitFor();
    expect(await theme(t.page)).toBe('light');
    expect(await t.page.getByLabel('Theme').inputValue()).toBe('light');

    // Back to the device's setting: dark again, and a change of the system preference is followed live.
    await t.page.getByLabel('Theme').selectOption('system');
    expect(await theme(t.page)).toBe('dark');
    await t.page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => theme(t.page), { timeout: 15_000 }).toBe('light');
    expectNoPageErrors(t);
  });

  it('passes axe, colour contrast included, in both themes at 360 and 1280 px on the main screens', { timeout: 600_000 }, async () => {
    const [first] = (await live.api<ListPage<BoardItem>>('/api/feature-requests?limit=1')).items;
    const screens: Array<{ path: string; as?: string; ready: string }> = [
      { path: '/', ready: '.card-title' },
      { path: '/roadmap', ready: 'h1' },
      { path: `/requests/${first!.id}`, ready: 'h1' },
      { path: '/login', ready: 'h1' },
      { path: '/submit', as: 'couple@demo.test', ready: 'form' },
      { path: '/triage', as: 'product@demo.test', ready: '.data-table' },
    ];
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const viewport of [
        { width: 360, height: 800 },
        { width: 1280, height: 900 },
      ]) {
        let signedInAs: string | undefined;
        let t = await live.tab({ colorScheme, viewport, axe: true });
        for (const screen of screens) {
          if (screen.as !== signedInAs && screen.as) {
            await t.context.close();
            t = await live.tab({ colorScheme, viewport, axe: true });
            await signIn(t.page, screen.as);
            signedInAs = screen.as;
          }
          await t.page.goto(screen.path);
          await t.page.locator(screen.ready).first().waitFor();
          expect(await theme(t.page)).toBe(colorScheme);
          for (const v of serious(await axeViolations(t.page))) found.push(`${colorScheme} ${viewport.width}px ${screen.path}: ${v.id} ${v.nodes.join(', ')}`);
        }
        expectNoPageErrors(t);
        await t.context.close();
      }
    }
    expect(found).toEqual([]);
  });
});
