// What every browser suite does: one server and one Chromium per file, tabs closed at the end,
// sign-in through the real form, and waits that poll from Node (the page's CSP forbids the eval
// that page.waitForFunction needs).
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, openTab, startServer, type LiveServer, type Tab } from './browser.js';

export const PASSWORD = 'wedding-demo';

export interface BoardItem {
  id: string;
  title: string;
  voteCount: number;
  status: string;
  userType: string;
}
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export const poll = <T>(read: () => Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 50 });

export const isApi = (method: string, pattern: RegExp) => (r: Response) =>
  r.request().method() === method && pattern.test(new URL(r.url()).pathname + new URL(r.url()).search);

export async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  const [res] = await Promise.all([
    page.waitForResponse(isApi('POST', /^\/api\/auth\/login$/)),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  expect(res.status()).toBe(200);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export function expectNoPageErrors(t: Tab) {
  expect(t.problems, 'console errors, uncaught exceptions or CSP violations in the page').toEqual([]);
}

/** Registers the file's server and browser (beforeAll/afterAll) and hands out tabs and anonymous API reads. */
export function useLiveApp(options: Parameters<typeof startServer>[0] = {}) {
  let server: LiveServer;
  let browser: Browser;
  const tabs: Tab[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(options), launchBrowser()]);
  });

  afterAll(async () => {
    await Promise.all(tabs.map((t) => t.context.close().catch(() => undefined)));
    await browser?.close();
    await server?.close();
  });

  return {
    get server() {
      return server;
    },
    async tab(options?: Parameters<typeof openTab>[2]): Promise<Tab> {
      const t = await openTab(browser, server.baseUrl, options);
      tabs.push(t);
      return t;
    },
    /** An anonymous GET, as anyone on the internet would see it. */
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    },
  };
}
