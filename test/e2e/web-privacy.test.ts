// The privacy centre in real headless Chromium against the real server (PGlite + demo data): a
// member downloads their data (a real browser download), corrects their name, withdraws and gives
// consent, restricts processing, and a fresh account erases itself — after which it cannot sign in
// and its request stays on the board under "Former member". Checked by axe-core and on a 360 px phone.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, PASSWORD, poll, signIn, useLiveApp, type BoardItem, type ListPage } from './live-app.js';
import { NEXT_YEAR } from '../helpers/fixtures.js';

interface Consents {
  consents: Record<'feature_feedback' | 'ai_analysis' | 'trend_analytics', boolean>;
  evidence: { purpose: string; granted: boolean; createdAt: string }[];
}
interface Profile {
  email: string;
  displayName: string;
  processingRestricted: boolean;
}
interface PersonalData {
  format: string;
  account: { id: string; email: string; displayName: string };
  featureRequests: { id: string; title: string; description: string }[];
  consents: { current: Consents['consents'] };
}

/** A signed-in GET through the page's own cookie session: what the API says about this member. */
const mine = async <T>(page: Page, path: string): Promise<T> => {
  const res = await page.request.get(path);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
};

const sectionResult = (page: Page, id: string) => page.getByTestId(`${id}-result`);

describe.runIf(browserAvailable())('privacy centre in Chromium', () => {
  const live = useLiveApp();

  it('downloads my data, corrects my name, withdraws and gives consent, and restricts processing', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.getByRole('link', { name: 'Privacy & data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your privacy and data' }).waitFor();
    const names = page.getByLabel('Your names');
    await names.waitFor();
    expect(await names.inputValue()).toBe('Amelia & Jonah (demo couple)');
    expect(await page.getByRole('switch', { name: /analyse my requests/ }).isChecked()).toBe(true);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'privacy');

    // A real download: the browser saves the file; it holds my account and my requests.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe('wedsync-personal-data.json');
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as PersonalData;
    const me = await mine<{ user: { id: string } }>(page, '/api/auth/session');
    expect(data.format).toBe('wedsync-personal-data/1');
    expect(data.account).toMatchObject({ id: me.user.id, email: 'couple@demo.test', displayName: 'Amelia & Jonah (demo couple)' });
    const myRequests = await mine<ListPage<BoardItem>>(page, '/api/feature-requests?mine=true&limit=100');
    expect(myRequests.items.length).toBeGreaterThan(0);
    expect(data.featureRequests.map((r) => r.id)).toEqual(expect.arrayContaining(myRequests.items.map((i) => i.id)));
    expect(data.featureRequests.every((r) => typeof r.description === 'string' && r.description.length > 0)).toBe(true); // opened, not sealed
    await sectionResult(page, 'download').getByText('Downloaded wedsync-personal-data.json').waitFor();

    // Rectification: a phone number the API would refuse is caught here, in words, with focus on the summary.
    await page.getByLabel('Phone number').fill('call me');
    await page.getByRole('button', { name: 'Save my details' }).click();
    const summary = page.locator('.error-summary');
    await summary.getByRole('link', { name: /Enter a phone number using digits/ }).waitFor();
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains('error-summary') ?? false`)).toBe(true);
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.getByLabel('Phone number').fill('+44 20 7946 0000');
    const corrected = `Amelia & Jonah Hart ${Date.now() % 10_000}`;
    await names.fill(corrected);
    const [patched] = await Promise.all([
      page.waitForResponse(isApi('PATCH', /^\/api\/privacy\/profile$/)),
      page.getByRole('button', { name: 'Save my details' }).click(),
    ]);
    expect(patched.status()).toBe(200);
    expect(patched.request().postDataJSON()).toEqual({ displayName: corrected, phone: '+44 20 7946 0000' }); // only what changed
    await sectionResult(page, 'details').getByText('Saved: your details are corrected').waitFor();
    expect(await page.locator('.who').textContent()).toContain(corrected); // the header shows it at once
    expect(await mine<Profile>(page, '/api/privacy/profile')).toMatchObject({ displayName: corrected, phone: '+44 20 7946 0000' });
    await page.reload();
    await poll(() => page.getByLabel('Your names').inputValue()).toBe(corrected);
    expect(await page.getByLabel('Phone number').inputValue()).toBe('+44 20 7946 0000');

    // Consent off, with the mouse: immediate, said so, and recorded by the API with its date.
    const ai = page.getByRole('switch', { name: /analyse my requests/ });
    const before = await mine<Consents>(page, '/api/privacy/consents');
    const [off] = await Promise.all([page.waitForResponse(isApi('PUT', /^\/api\/privacy\/consents\/ai_analysis$/)), ai.click()]);
    expect(off.status()).toBe(200);
    await sectionResult(page, 'consent').getByText('WedSync stopped this use of your data immediately').waitFor();
    await poll(() => ai.isChecked()).toBe(false);
    const withdrawn = await mine<Consents>(page, '/api/privacy/consents');
    expect(withdrawn.consents).toMatchObject({
      ai_analysis: false,
      feature_feedback: before.consents.feature_feedback,
      trend_analytics: before.consents.trend_analytics,
    });
    expect(withdrawn.evidence.at(-1)).toMatchObject({ purpose: 'ai_analysis', granted: false });
    await page.getByTestId('consent-ai_analysis-since').getByText('Off since you changed it on').waitFor();
    expect(await page.getByTestId('consent-ai_analysis-since').locator('time').getAttribute('datetime')).toBe(withdrawn.evidence.at(-1)!.createdAt);
    await screenshot(page, 'privacy-consent-off');

    // …and on again from the keyboard.
    await ai.focus();
    const [on] = await Promise.all([page.waitForResponse(isApi('PUT', /^\/api\/privacy\/consents\/ai_analysis$/)), page.keyboard.press('Space')]);
    expect(on.status()).toBe(200);
    await poll(() => ai.isChecked()).toBe(true);
    const given = await mine<Consents>(page, '/api/privacy/consents');
    expect(given.consents.ai_analysis).toBe(true);
    expect(given.evidence).toHaveLength(withdrawn.evidence.length + 1);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('consent-ai_analysis'); // focus stays on the switch

    // A change that does not reach the server: the switch stays as it was, and the page says why.
    expectNoPageErrors(t);
    await page.route('**/api/privacy/consents/trend_analytics', (route) => route.abort('internetdisconnected'));
    const trends = page.getByRole('switch', { name: /trend analytics/ });
    await trends.click();
    await sectionResult(page, 'consent').getByText('Not changed: We couldn’t reach WedSync. Check your connection and try again.').waitFor();
    expect(await trends.isChecked()).toBe(true);
    await page.unroute('**/api/privacy/consents/trend_analytics');
    expect((await mine<Consents>(page, '/api/privacy/consents')).consents.trend_analytics).toBe(true);
    t.problems.splice(0); // the browser logs the aborted request itself

    // Restriction of processing: on (the consent section says what it overrides), then lifted.
    const restrict = page.getByRole('switch', { name: 'Restrict processing of my data' });
    // (click, not check(): the switch changes when the API has answered, not under the pointer)
    const [restricted] = await Promise.all([page.waitForResponse(isApi('PUT', /^\/api\/privacy\/restriction$/)), restrict.click()]);
    expect(restricted.request().postDataJSON()).toEqual({ restricted: true });
    await sectionResult(page, 'restriction').getByText('Processing restricted').waitFor();
    await poll(() => restrict.isChecked()).toBe(true);
    expect((await mine<Profile>(page, '/api/privacy/profile')).processingRestricted).toBe(true);
    await page.getByText('Processing of your data is restricted').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await page.reload();
    await poll(() => page.getByRole('switch', { name: 'Restrict processing of my data' }).isChecked()).toBe(true); // read back from the API
    await Promise.all([
      page.waitForResponse(isApi('PUT', /^\/api\/privacy\/restriction$/)),
      page.getByRole('switch', { name: 'Restrict processing of my data' }).click(),
    ]);
    await sectionResult(page, 'restriction').getByText('Restriction lifted').waitFor();
    expect((await mine<Profile>(page, '/api/privacy/profile')).processingRestricted).toBe(false);
    expectNoPageErrors(t);
  });

  it('erases a fresh account: typed confirmation, signed out, sign-in refused, its request kept as from a former member', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    const email = `erase.me.${Date.now()}@example.com`;
    const signup = await page.request.post('/api/auth/signup', {
      data: { email, password: PASSWORD, displayName: 'Robin & Sky Erasable', role: 'couple', timeZone: 'Europe/London', country: 'GB' },
    });
    // Sign-up signs nobody in (the same answer for any address); the embedded demo lets an unconfirmed member sign in and contribute.
    expect(signup.status()).toBe(200);
    const signedIn = await page.request.post('/api/auth/login', { data: { email, password: PASSWORD } });
    expect(signedIn.status()).toBe(200);
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': csrfToken };
    const title = `Seat the string quartet away from the speakers ${Date.now()}`;
    const submitted = await page.request.post('/api/feature-requests', {
      headers,
      data: {
        title,
        description: 'The quartet and the DJ shared a corner; let the seating plan mark areas to keep apart.',
        category: 'seating',
        urgency: 'medium',
        weddingContext: { weddingDate: `${NEXT_YEAR}-09-04`, guestCount: 80, country: 'GB', timeZone: 'Europe/London', venueAddress: '3 Orchard Lane, Bath' },
      },
    });
    expect(submitted.status()).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    expect((await page.request.put(`/api/feature-requests/${id}/vote`, { headers })).status()).toBe(201);
    expect((await page.request.post(`/api/feature-requests/${id}/comments`, { headers, data: { content: 'Our quartet would thank you' } })).status()).toBe(201);

    await page.goto('/privacy');
    await page.getByRole('heading', { level: 2, name: 'Delete your account' }).waitFor();
    await page.getByText('shown as from a “Former member”').waitFor(); // what happens, before anything does
    const confirm = page.getByLabel('To confirm, type “erase my account”');

    // Not the phrase as the page asks for it (capitalised, issue #16): refused before anything is sent, in words, with focus on the summary.
    const erasures: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/privacy/erasure') erasures.push(r.method());
    });
    await confirm.fill('Erase my account');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.locator('.error-summary').getByRole('link', { name: 'Type “erase my account” exactly, in small letters, to show you mean it.' }).waitFor();
    expect(await page.evaluate<boolean>(`document.activeElement?.classList.contains('error-summary') ?? false`)).toBe(true);
    expect(erasures).toEqual([]);
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'privacy-erase-confirm');

    await confirm.fill('erase my account');
    const [erased] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/privacy\/erasure$/)),
      page.getByRole('button', { name: 'Delete my account' }).click(),
    ]);
    expect(erased.status()).toBe(200);
    expect(await erased.json()).toEqual({ erased: true, votesKept: 1 });
    await page.getByRole('heading', { level: 1, name: 'Your account has been deleted' }).waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.tagName')).toBe('H1');
    await page.getByText('your vote still counts').waitFor();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor(); // signed out in the header
    expect(((await (await page.request.get('/api/auth/session')).json()) as { user: unknown }).user).toBeNull();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'privacy-erased');

    // The account is gone: signing in with it fails, in plain words.
    await page.goto('/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const [login] = await Promise.all([
      page.waitForResponse(isApi('POST', /^\/api\/auth\/login$/)),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    expect(login.status()).toBe(401);
    await page.locator('.error-summary').getByText('That email and password don’t match an account').waitFor();

    // Its request stays on the board with its vote…
    await page.goto('/?sort=new');
    const card = page.locator('.card').filter({ hasText: title });
    await card.waitFor();
    expect(await card.locator('.vote-count').textContent()).toContain('1');
    // …from a former member: the team sees who asked as "Former member", and the comment keeps its words under that name.
    await signIn(page, 'product@demo.test');
    await page.goto(`/requests/${id}`);
    await page.getByText('Asked by Former member · Couple').waitFor();
    const comment = page.locator('.comment').filter({ hasText: 'Our quartet would thank you' });
    await comment.waitFor();
    expect(await comment.locator('.comment-head strong').textContent()).toBe('Former member');
    expect(await page.getByText('3 Orchard Lane').count()).toBe(0); // sealed with the shredded key: unreadable
    expectNoPageErrors(t);
  });

  it('fits the privacy centre on a 360 px phone, every control within reach', async () => {
    const t = await live.tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor(); // signed out: asked to sign in
    await signIn(page, 'supplier@demo.test'); // a supplier: the business fields too
    await page.getByRole('link', { name: 'Privacy & data' }).click();
    await page.getByLabel('Business name').waitFor();
    await page.getByRole('switch', { name: 'Restrict processing of my data' }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshot(page, 'privacy-mobile', { fullPage: false });
    await screenshot(page, 'privacy-mobile-full');
    // The controls work on the phone: an error summary for the erasure form, still within the screen.
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    expectNoPageErrors(t);
  });
});
