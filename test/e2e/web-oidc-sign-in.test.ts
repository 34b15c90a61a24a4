// Single sign-on as a person does it in Chromium: "Sign in with …" on our sign-in page, the
// provider's own login page (oidc-provider on 127.0.0.1), and back, signed in, where they started.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { axeViolations, browserAvailable, serious } from './browser.js';
import { expectNoPageErrors, useLiveApp } from './live-app.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe.runIf(browserAvailable())('single sign-on in Chromium', () => {
  let idp: TestProvider;
  // Filled before the live app's own beforeAll runs (hooks run in the order they are registered).
  const serverOptions: { port?: number; env?: Record<string, string> } = {};

  beforeAll(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    idp = await startTestProvider(`${baseUrl}/api/auth/oidc/callback`);
    idp.people.set('robin', { email: 'robin@weddingco.example', email_verified: true, name: 'Robin Planner', groups: ['wedsync-product'] });
    idp.people.set('outsider', { email: 'outsider@gmail.example', email_verified: true, groups: ['wedsync-product'] });
    Object.assign(serverOptions, {
      port,
      env: {
        PUBLIC_URL: baseUrl,
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
        OIDC_PROVIDER_NAME: 'Wedding Co',
        OIDC_SCOPES: 'openid email profile groups',
        OIDC_ROLE_CLAIM: 'groups',
        OIDC_ROLE_MAP: 'wedsync-product=product_team',
        OIDC_STAFF_EMAIL_DOMAINS: 'weddingco.example',
      },
    });
  });
  const live = useLiveApp(serverOptions);
  afterAll(() => idp?.close());

  async function throughProvider(page: import('playwright-core').Page, login: string) {
    await page.getByRole('link', { name: 'Sign in with Wedding Co' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  it('signs a product team member in through the provider and lands where they started', async () => {
    const t = await live.tab({ axe: true });
    await t.page.goto('/login?next=%2Ftriage');
    await t.page.getByRole('link', { name: 'Sign in with Wedding Co' }).waitFor();
    expect(serious(await axeViolations(t.page))).toEqual([]);
    await throughProvider(t.page, 'robin');
    await t.page.waitForURL((url) => url.origin === live.server.baseUrl && url.pathname === '/triage');
    await t.page.getByRole('button', { name: 'Sign out' }).waitFor();
    const session = await t.page.evaluate<{ user: { email: string; role: string } }>(`fetch('/api/auth/session').then((r) => r.json())`);
    expect(session.user).toMatchObject({ email: 'robin@weddingco.example', role: 'product_team' });
  });

  it('explains a refused sign-in on the sign-in page', async () => {
    const t = await live.tab({ axe: true });
    await t.page.goto('/login');
    await throughProvider(t.page, 'outsider');
    await t.page.waitForURL((url) => url.origin === live.server.baseUrl && url.pathname === '/login');
    // Only what happened on our pages counts (the provider's development page fetches web fonts it cannot reach).
    t.problems.length = 0;
    await expect.poll(() => t.page.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('only given to addresses in your organisation');
    await t.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(serious(await axeViolations(t.page))).toEqual([]);
    expectNoPageErrors(t);
  });
});
