// The staff screens in real headless Chromium against the real server (PGlite + demo data): on a
// 390 px phone the product team opens "Staff" from the folded header menu, approves one new supplier
// and rejects another with reasons (the suppliers read them in their inbox), acknowledges and
// resolves an incident from its timeline, registers a webhook endpoint, re-enables one that was
// disabled after failures, reads its delivery log and sends a test event; a couple creates, uses and
// revokes an API token of their own. Every screen is checked by axe-core.
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { incidents, users, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from '../../src/db/schema.js';
import { coupleSignup } from '../helpers/fixtures.js';
import { axeViolations, browserAvailable, screenshot, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, PASSWORD, poll, signIn, useLiveApp } from './live-app.js';
import { signUpVerified } from '../helpers/accounts.js';

const PHONE = { width: 390, height: 844 };
/** Several sign-ins (argon2) and axe runs on a machine shared with other suites. */
const LONG = { timeout: 240_000 };

describe.runIf(browserAvailable())('staff screens in Chromium', () => {
  const live = useLiveApp();

  async function newSupplier(businessName: string) {
    const body = coupleSignup({
      role: 'wedding_supplier',
      supplierType: 'photographer',
      businessName,
      businessSize: 'small',
      password: PASSWORD,
      consents: { feature_feedback: true },
    });
    const res = await signUpVerified(live.server.t, body);
    expect(res.statusCode, res.body).toBe(200);
    return { id: res.json().user.id as string, email: body.email as string };
  }

  async function expectAccessible(page: Page, name: string) {
    expect(serious(await axeViolations(page))).toEqual([]);
    expect(await unreachableControls(page)).toEqual([]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, name);
  }

  const verified = async (id: string) => (await live.server.t.database.db.select({ v: users.verified }).from(users).where(eq(users.id, id)))[0]!.v;

  it('verifies one supplier and rejects another from the queue on a phone; each reads the reason in their inbox', LONG, async () => {
    const approved = await newSupplier('Golden Hour Photography');
    const rejected = await newSupplier('Mystery Lens Ltd');
    const t = await live.tab({ axe: true, viewport: PHONE });
    const { page } = t;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await signIn(page, 'product@demo.test');

    // The header folds into "Menu" on a phone; Staff is in it.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('heading', { level: 1, name: 'Staff · Supplier verification' }).waitFor();

    const card = (name: string) => page.getByRole('article', { name });
    await card('Golden Hour Photography').waitFor();
    await expectAccessible(page, 'staff-suppliers-phone');

    // No reason: told where, nothing sent.
    await card('Golden Hour Photography').getByRole('button', { name: 'Approve Golden Hour Photography' }).click();
    await card('Golden Hour Photography').getByText('Give the reason the supplier will read').waitFor();
    expect(await verified(approved.id)).toBe(false);

    await card('Golden Hour Photography').getByLabel('Reason (the supplier reads it)').fill('Portfolio and company registration checked');
    const [approval] = await Promise.all([
      page.waitForResponse(isApi('POST', /\/api\/staff\/suppliers\/[^/]+\/verification$/)),
      card('Golden Hour Photography').getByRole('button', { name: 'Approve Golden Hour Photography' }).click(),
    ]);
    expect(approval.status()).toBe(200);
    await page.getByText('Golden Hour Photography was verified and has been told.').waitFor();
    await poll(() => card('Golden Hour Photography').count()).toBe(0);
    expect(await verified(approved.id)).toBe(true);

    await card('Mystery Lens Ltd').getByLabel('Reason (the supplier reads it)').fill('We could not find this business; send us your registration number');
    await card('Mystery Lens Ltd').getByRole('button', { name: 'Reject Mystery Lens Ltd' }).click();
    await page.getByText('Mystery Lens Ltd was rejected and has been told.').waitFor();
    expect(await verified(rejected.id)).toBe(false);

    // The rejected supplier is listed under "Rejected" with the reason.
    await page.getByLabel('Show').selectOption('rejected');
    await card('Mystery Lens Ltd').getByText('send us your registration number').waitFor();
    await expectAccessible(page, 'staff-suppliers-rejected-phone');
    expectNoPageErrors(t);

    // Each supplier reads the decision in their own inbox.
    for (const [who, text] of [
      [approved, 'Your business is verified'],
      [rejected, 'Why: We could not find this business; send us your registration number'],
    ] as const) {
      const s = await live.tab({ axe: true });
      await signIn(s.page, who.email);
      await s.page.goto('/notifications');
      await s.page.getByTestId('inbox-item').filter({ hasText: 'Your supplier account' }).getByText(text).waitFor();
      expect(serious(await axeViolations(s.page))).toEqual([]);
      expectNoPageErrors(s);
    }
  });

  it('shows an incident’s timeline, acknowledges it and resolves it with a note', LONG, async () => {
    const now = new Date();
    const [row] = await live.server.t.database.db
      .insert(incidents)
      .values({
        fingerprint: `e2e-${now.getTime()}`,
        alertName: 'WeddingDaySubmissionsFailing',
        severity: 'critical',
        summary: 'Submissions failing on a Saturday',
        policy: { source: 'test', steps: [] },
        openedAt: now,
        lastSeenAt: now,
      })
      .returning({ id: incidents.id });
    const t = await live.tab({ axe: true, viewport: PHONE });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.goto('/staff?part=incidents');
    const card = page.getByRole('article', { name: 'Submissions failing on a Saturday' });
    await card.getByRole('button', { name: 'Show timeline' }).click();
    await card.getByText(/^Opened /).waitFor();
    await expectAccessible(page, 'staff-incident-phone');

    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await card.getByText(/^Acknowledged /).waitFor();
    await card.getByRole('button', { name: 'Resolve' }).click();
    await card.getByText('Say what fixed it').waitFor();
    await card.getByLabel('Resolution note').fill('Restarted the worker; submissions flow again');
    await card.getByRole('button', { name: 'Resolve' }).click();
    await poll(async () => (await live.server.t.database.db.select({ s: incidents.status }).from(incidents).where(eq(incidents.id, row!.id)))[0]!.s).toBe(
      'resolved',
    );
    // Resolved incidents leave the default list and show under "Resolved".
    await poll(() => card.count()).toBe(0);
    await page.getByLabel('Show').selectOption('resolved');
    await page.getByRole('article', { name: 'Submissions failing on a Saturday' }).waitFor();
    expectNoPageErrors(t);
  });

  it('registers a webhook endpoint, re-enables one disabled after failures, shows its delivery log and sends a test event', LONG, async () => {
    const t = await live.tab({ axe: true, viewport: PHONE });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.goto('/staff?part=webhooks');
    await page.getByRole('heading', { name: 'Outgoing webhooks' }).waitFor();

    // Nothing chosen: both problems said, nothing registered.
    await page.getByRole('button', { name: 'Register endpoint' }).click();
    await page.getByText('Enter the receiver’s http(s) address.').waitFor();
    await page.getByText('Choose at least one event.').waitFor();

    await page.getByLabel('Receiver URL').fill('https://93.184.216.34/hooks/crm');
    await page.getByLabel('Description (optional)').fill('Venue CRM');
    await page.getByLabel('feature_request.status_changed').check();
    await page.getByLabel('incident.opened').check();
    await page.getByRole('button', { name: 'Register endpoint' }).click();
    const secret = await page.getByTestId('webhook-secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    const card = page.getByRole('article', { name: 'Venue CRM' });
    await card.getByText('feature_request.status_changed, incident.opened').waitFor();
    await expectAccessible(page, 'staff-webhooks-phone');

    // As the worker leaves it after repeated failures: disabled, with the answers it got.
    const db = live.server.t.database.db;
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.url, 'https://93.184.216.34/hooks/crm'));
    await db
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: 'Disabled after 10 failed deliveries in a row', consecutiveFailures: 10 })
      .where(eq(webhookEndpoints.id, endpoint!.id));
    const [delivery] = await db
      .insert(webhookDeliveries)
      .values({ endpointId: endpoint!.id, messageId: 'msg_e2e', eventType: 'feature_request.status_changed', body: '{}', state: 'abandoned', attempts: 2 })
      .returning();
    await db.insert(webhookDeliveryAttempts).values([
      { deliveryId: delivery!.id, attempt: 1, statusCode: 500, durationMs: 40, error: null, attemptedAt: new Date() },
      { deliveryId: delivery!.id, attempt: 2, statusCode: 503, durationMs: 35, error: null, attemptedAt: new Date() },
    ]);
    await page.reload();
    await card.getByText('Disabled: Disabled after 10 failed deliveries in a row').waitFor();
    await card.getByRole('button', { name: 'Show delivery log' }).click();
    const log = card.getByRole('region', { name: 'Deliveries to https://93.184.216.34/hooks/crm' });
    await log.getByRole('row').filter({ hasText: 'feature_request.status_changed' }).getByText('500, 503').waitFor();
    await expectAccessible(page, 'staff-webhook-log-phone');

    await card.getByRole('button', { name: 'Re-enable' }).click();
    await card.getByRole('button', { name: 'Disable' }).waitFor();
    const [after] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint!.id));
    expect(after).toMatchObject({ enabled: true, consecutiveFailures: 0 });

    await card.getByRole('button', { name: 'Send test event' }).click();
    await card.getByText('Test event queued').waitFor();
    await card
      .getByRole('region', { name: 'Deliveries to https://93.184.216.34/hooks/crm' })
      .getByRole('row')
      .filter({ hasText: 'webhook.test' })
      .getByText('pending')
      .waitFor();
    expectNoPageErrors(t);
  });

  it('lets a couple create an API token, use it, and revoke it', LONG, async () => {
    const t = await live.tab({ axe: true, viewport: PHONE });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
    await page.getByLabel('Name').fill('Seating planner sync');
    await page.getByLabel('Expires after').selectOption('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!;
    const card = page.getByRole('article', { name: 'Seating planner sync' });
    await card.getByText(/expires /).waitFor();
    await expectAccessible(page, 'tokens-phone');

    const asToken = () => fetch(`${live.server.baseUrl}/api/auth/session`, { headers: { authorization: `Bearer ${token}` } });
    const before = await asToken();
    expect(before.status).toBe(200);
    expect(((await before.json()) as { user: { email: string } }).user.email).toBe('couple@demo.test');

    await card.getByRole('button', { name: 'Revoke Seating planner sync' }).click();
    await page.getByText('“Seating planner sync” is revoked').waitFor();
    await poll(() => card.count()).toBe(0);
    expect((await asToken()).status).toBe(401);
    expectNoPageErrors(t);
  });

  it('offers no staff screen to a couple', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'couple@demo.test');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' }).count()).toBe(0);
    await page.goto('/staff');
    await page.getByText('These screens are for the WedSync product team.').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    expectNoPageErrors(t);
  });
});
