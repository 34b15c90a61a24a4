// The pieces of the browser suite: Debian's Chromium driven by playwright-core, the real server on a
// real port (the browser needs one), axe-core for accessibility, and screenshots for people.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { rows } from '../../src/db/client.js';
import { CATCH_UP_DUPLICATE_DETECTION, jobSpec } from '../../src/queue/contracts.js';
import { JOB_HANDLERS } from '../../src/jobs/index.js';
import { enqueue } from '../../src/queue/queue.js';
import { createWorker } from '../../src/jobs/worker.js';
import { createTestApp, type TestApp, type TestClock } from '../helpers/app.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/**
 * Whether the suite can run. Without Chromium it is skipped with a warning, unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser must fail the run rather than pass it silently.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.REQUIRE_BROWSER === '1') return true; // let launch() fail loudly
  console.warn(`e2e: ${CHROMIUM_PATH} not found; skipping the browser suite (apt-get install -y chromium, or set REQUIRE_BROWSER=1 to fail instead)`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} does not exist: apt-get install -y chromium`);
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The clock the browser sees is the real one: sessions, "new" ordering and drafts all use it. */
const realClock: TestClock = { now: () => new Date(), set: () => undefined, advance: () => undefined };

export interface LiveServer {
  t: TestApp;
  baseUrl: string;
  /** Resolves once the duplicate check has nothing left to do (only with `worker: true`). */
  duplicatesIndexed(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The production app (with the web UI plugin) on PGlite with demo data, listening on a free port.
 * `worker: true` also runs the AI queues' worker in the process (duplicate detection, pain-point
 * themes), as `npm start` does, and starts the duplicate check's catch-up sweep at once so the demo
 * requests are indexed. `port` and `env`: a server whose address is known beforehand (single sign-on's
 * redirect URI is registered at the provider before the server starts).
 */
export async function startServer(options: { worker?: boolean; env?: Record<string, string>; port?: number } = {}): Promise<LiveServer> {
  const t = await createTestApp('pglite', { clock: realClock, env: options.env });
  await t.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const worker = options.worker
    ? createWorker({
        services: t.services,
        handlers: JOB_HANDLERS,
        queues: ['duplicate_detection', 'ai_analysis'],
        concurrency: 1,
        pollMs: 100,
        log: pino({ level: 'silent' }),
      })
    : null;
  if (worker) {
    await enqueue(t.services.db, jobSpec(CATCH_UP_DUPLICATE_DETECTION, {}), new Date());
    worker.start();
  }
  const busy = async () =>
    rows<{ n: number }>(
      await t.services.db.execute(sql`select count(*)::int as n from jobs where queue = 'duplicate_detection' and state in ('pending', 'running')`),
    )[0]!.n;
  return {
    t,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async duplicatesIndexed() {
      if (!worker) throw new Error('started without a worker');
      const deadline = Date.now() + 120_000;
      while ((await busy()) > 0) {
        if (Date.now() > deadline) throw new Error('duplicate detection did not finish in 2 minutes');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await worker?.stop();
      await t.close();
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations show up here too). */
  problems: string[];
}

export async function openTab(
  browser: Browser,
  baseUrl: string,
  /** colorScheme: the system preference the page sees (prefers-color-scheme); light unless set. */
  options: { viewport?: { width: number; height: number }; axe?: boolean; colorScheme?: 'light' | 'dark' } = {},
): Promise<Tab> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  context.setDefaultTimeout(20_000);
  // axe-core in every page of this tab, added over CDP: the page's own CSP stays in force.
  if (options.axe) await context.addInitScript({ content: axeSource });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // The browser logs every 4xx it fetched (a refused vote, a 404 page), which the tests provoke on
    // purpose; but asking who is signed in is never an error, anonymous or not (issue #16).
    const sessionCheck = new URL(msg.location().url || 'about:blank').pathname === '/api/auth/session';
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text) && !sessionCheck) return;
    problems.push(`console: ${text}`);
  });
  return { context, page, problems };
}

function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage });
}

/** One part of a page (a panel), whatever its height, without the rest. */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  await part.screenshot({ path: screenshotPath(name) });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.x A/AA and best-practice checks on the page as it is now (a tab opened with `axe: true`). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate<AxeViolation[]>(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))
  `);
}

export const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** Width of the page's content: more than the viewport means a horizontal scrollbar. */
export const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/**
 * The controls a person on this viewport cannot reach or hit: every visible link, button, field and
 * disclosure must lie within the viewport's width (or inside a region that scrolls sideways, which
 * a swipe or the arrow keys move), and buttons, fields and disclosures must be at least 24 × 24 px
 * (WCAG 2.2 target size; links inside a sentence are exempt). Returns one line per problem.
 */
export const unreachableControls = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const scrollsSideways = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const overflow = getComputedStyle(p).overflowX;
        if ((overflow === 'auto' || overflow === 'scroll') && p.scrollWidth > p.clientWidth) return true;
      }
      return false;
    };
    const problems = [];
    for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if ((box.width === 0 && box.height === 0) || style.visibility === 'hidden' || el.closest('.visually-hidden, .skip-link')) continue;
      const name = (el.getAttribute('aria-label') || el.textContent || el.id || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 50);
      if ((box.left < -0.5 || box.right > width + 0.5) && !scrollsSideways(el)) problems.push(name + ': outside the screen (' + Math.round(box.left) + ' to ' + Math.round(box.right) + ' px)');
      const inline = el.tagName === 'A' && style.display === 'inline';
      const tick = el.tagName === 'INPUT' && /^(checkbox|radio)$/.test(el.type) && el.labels && el.labels.length > 0;
      if (!inline && !tick && (box.width < 23.5 || box.height < 23.5)) problems.push(name + ': too small to tap (' + Math.round(box.width) + ' × ' + Math.round(box.height) + ' px)');
    }
    return problems;
  })()`);
