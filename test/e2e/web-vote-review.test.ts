// Vote manipulation in real headless Chromium against the real server, with the default policy:
// fresh accounts take turns on one shared browser (one phone passed round a group) and vote for one
// request. The web app's own X-Device-Id gives them away — the third is held and told so in words,
// and the count does not move — while an account on another browser is only down-weighted (five new
// accounts voting within the hour). The product team then releases one held vote and rejects the
// other from triage, the count follows, and the rejected voter is told why the vote cannot be taken
// back. The tests run in order on one request: each continues the story of the one before.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { coupleSignup, weddingRequest } from '../helpers/fixtures.js';
import { axeViolations, browserAvailable, screenshot, screenshotOf, scrollWidth, serious, unreachableControls } from './browser.js';
import { expectNoPageErrors, isApi, PASSWORD, poll, signIn, useLiveApp, type BoardItem } from './live-app.js';
import { signUpVerified } from '../helpers/accounts.js';

interface VoteReply {
  voted: boolean;
  weight: number;
  voteCount: number;
  review: { state: 'held' | 'down_weighted'; message: string } | null;
}

interface Voter {
  email: string;
  name: string;
}

const HELD = 'Your vote is recorded and will count once the product team has reviewed recent voting on this request.';
const DOWN_WEIGHTED = 'Your vote counts, at a reduced weight until the product team has reviewed recent voting on this request.';

describe.runIf(browserAvailable())('vote review in Chromium', () => {
  const live = useLiveApp();
  const title = 'Shared seating plan the venue can edit';
  let requestId: string;
  /** Four accounts on one browser, then one on a browser of its own. */
  let phone: Voter[];
  let tablet: Voter;

  const request = () => live.api<BoardItem & { voteWeight: number }>(`/api/feature-requests/${requestId}`);

  async function signUp(name: string): Promise<Voter> {
    const body = coupleSignup({ displayName: name, password: PASSWORD });
    const res = await signUpVerified(live.server.t, body);
    expect(res.statusCode, res.body).toBe(200);
    return { email: body.email, name };
  }

  /** Where a vote is cast: the request's page, or its card on the board (found by searching for it). */
  const votingPlace = (page: Page, where: 'request' | 'board') =>
    where === 'request' ? page.locator('.detail') : page.locator('.board .card').filter({ hasText: title });

  /** Signs the voter in, votes on the request's page or its board card: the API's reply and the X-Device-Id the page sent. */
  async function voteAs(page: Page, voter: Voter, where: 'request' | 'board' = 'request'): Promise<{ reply: VoteReply; deviceId: string | undefined }> {
    await signIn(page, voter.email);
    await page.goto(where === 'request' ? `/requests/${requestId}` : `/?q=${encodeURIComponent(title)}`);
    const button = votingPlace(page, where).locator('.vote-button');
    await button.waitFor();
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    const [res] = await Promise.all([page.waitForResponse(isApi('PUT', /\/vote$/)), button.click()]);
    expect(res.status()).toBe(201);
    return { reply: (await res.json()) as VoteReply, deviceId: (await res.request().allHeaders())['x-device-id'] };
  }

  async function signOut(page: Page) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
  }

  const shownCount = async (page: Page, where: 'request' | 'board' = 'request') =>
    Number(await votingPlace(page, where).getByTestId('vote-count').textContent());
  const feedback = (page: Page, where: 'request' | 'board' = 'request') => votingPlace(page, where).locator('.vote-feedback');

  it('holds the third account voting from one browser and tells the voter in a live region, without counting it', async () => {
    const product = await live.server.t.login('product@demo.test');
    const created = await live.server.t.request(product, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: weddingRequest({ title, category: 'seating' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    requestId = created.json().id as string;
    phone = [];
    for (const n of [1, 2, 3, 4]) phone.push(await signUp(`Phone voter ${n}`));
    tablet = await signUp('Tablet voter');

    const shared = await live.tab({ axe: true });
    const { page } = shared;
    // No colour transition on the vote button: axe checks its contrast right after a vote.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const sent: (string | undefined)[] = [];
    const replies: VoteReply[] = [];
    for (const [i, voter] of phone.entries()) {
      const { reply, deviceId } = await voteAs(page, voter);
      sent.push(deviceId);
      replies.push(reply);
      // What is shown is what the server counted: a held vote adds nothing.
      await poll(() => shownCount(page)).toBe(reply.voteCount);
      expect(await page.locator('.vote-button').getAttribute('aria-pressed')).toBe('true');
      if (i === 2) {
        expect(await feedback(page).getAttribute('role')).toBe('status');
        await poll(() => feedback(page).textContent()).toBe(HELD);
        expect(await page.getByRole('alert').count(), 'told politely, not as an alert').toBe(0);
        expect(serious(await axeViolations(page))).toEqual([]);
        await screenshot(page, 'vote-held');
      }
      await signOut(page);
    }
    // One random id for the browser, kept across accounts, in the form the API accepts.
    expect(sent[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(sent)).toEqual(new Set([sent[0]]));
    expect(replies.map((r) => r.review?.state ?? 'accepted')).toEqual(['accepted', 'accepted', 'held', 'held']);
    expect(replies.map((r) => [r.weight, r.voteCount])).toEqual([
      [1, 1],
      [1, 2],
      [0, 2],
      [0, 2],
    ]);
    expectNoPageErrors(shared);

    // Another browser has another id: not held, but the fifth new account within the hour counts at
    // half weight — said on the board card this time.
    const own = await live.tab({ axe: true });
    await own.page.emulateMedia({ reducedMotion: 'reduce' });
    const other = await voteAs(own.page, tablet, 'board');
    expect(other.deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(other.deviceId).not.toBe(sent[0]);
    expect(other.reply).toMatchObject({ weight: 0.5, voteCount: 3, review: { state: 'down_weighted' } });
    await poll(() => feedback(own.page, 'board').textContent()).toBe(DOWN_WEIGHTED);
    expect(await shownCount(own.page, 'board')).toBe(3);
    expect(serious(await axeViolations(own.page))).toEqual([]);
    expect(await request()).toMatchObject({ voteCount: 3, voteWeight: 2.5 });
    expectNoPageErrors(own);
  });

  it('lets the product team see why in triage, release one held vote with a reason and reject the other; the count follows', async () => {
    const t = await live.tab({ axe: true });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.goto('/triage');
    const panel = page.getByRole('region', { name: 'Votes under review' });
    const group = panel.locator(`article[aria-labelledby="vote-review-${requestId}"]`);
    await group.getByText('(3 flagged votes)').waitFor();
    const vote = (voter: Voter) => group.getByRole('group', { name: `Vote by ${voter.name}` });

    // Each flagged vote with its state and its reason in words, numbers included.
    expect(await vote(phone[2]!).textContent()).toContain('Held: not counted');
    expect(await vote(phone[2]!).getByRole('list', { name: 'Why it was flagged' }).textContent()).toBe(
      'Same device: 3 accounts voted for this request from one device within 24 hours (flagged from 3).',
    );
    expect(await vote(phone[3]!).getByRole('list', { name: 'Why it was flagged' }).textContent()).toBe(
      'Same device: 4 accounts voted for this request from one device within 24 hours (flagged from 3).',
    );
    expect(await vote(tablet).textContent()).toContain('Counted at reduced weight');
    expect(await vote(tablet).getByRole('list', { name: 'Why it was flagged' }).textContent()).toMatch(
      /^New accounts voting together: 5 votes from accounts younger than 7 days/,
    );
    // Equal device tags for the phone's votes, another for the tablet's: keyed hashes, never the id itself.
    const tagOf = async (voter: Voter) => (await vote(voter).textContent())?.match(/Device ([A-Za-z0-9_-]{8})/)?.[1];
    const phoneTag = await tagOf(phone[2]!);
    expect(phoneTag).toBeDefined();
    expect(await tagOf(phone[3]!)).toBe(phoneTag);
    expect(await tagOf(tablet)).not.toBe(phoneTag);

    const choose = (voter: Voter) => panel.getByLabel(`Decide on the vote by ${voter.name} on “${title}”`).check();
    const decide = async (voter: Voter, action: 'release' | 'reject') => {
      const button = action === 'release' ? 'Release: count in full' : 'Reject: keep, count nowhere';
      const [res] = await Promise.all([
        page.waitForResponse(isApi('POST', new RegExp(`^/api/vote-reviews/${action}$`))),
        panel.getByRole('button', { name: button }).click(),
      ]);
      expect(res.status()).toBe(200);
      await vote(voter).waitFor({ state: 'detached' }); // decided: no longer awaiting a decision
    };
    const reasonField = () => panel.getByLabel('Reason for the decision (1 vote selected)');

    // A decision needs a reason, said at the field.
    await choose(phone[2]!);
    await panel.getByRole('button', { name: 'Release: count in full' }).click();
    await panel.getByText('Say why in at least 10 characters').waitFor();
    expect(serious(await axeViolations(page))).toEqual([]);
    await screenshotOf(panel, 'vote-review');
    await reasonField().fill('Called the couple: they share a phone with the wedding party');
    await decide(phone[2]!, 'release');
    await panel.getByRole('status').getByText(`Released 1 vote. “${title}” now counts 4 votes.`).waitFor();
    expect(await request()).toMatchObject({ voteCount: 4, voteWeight: 3.5 });

    const reason = 'Fourth account on one phone within minutes, no reply to our email';
    await choose(phone[3]!);
    await reasonField().fill(reason);
    await decide(phone[3]!, 'reject');
    await panel.getByRole('status').getByText(`Rejected 1 vote. “${title}” now counts 4 votes.`).waitFor();
    expect(await request()).toMatchObject({ voteCount: 4, voteWeight: 3.5 });

    // Kept, not deleted: the rejected vote is listed with the decision and its reason.
    await panel.getByLabel('Show', { exact: true }).selectOption('rejected');
    await vote(phone[3]!).getByText('Rejected: not counted').waitFor();
    expect(await vote(phone[3]!).textContent()).toContain(`“${reason}”`);

    // The request page shows the count the decisions left.
    await page.goto(`/requests/${requestId}`);
    await poll(() => shownCount(page)).toBe(4);
    expectNoPageErrors(t);
  });

  it('tells the voter whose vote was rejected, in plain words, why it cannot be taken back', async () => {
    const t = await live.tab();
    const { page } = t;
    await signIn(page, phone[3]!.email);
    await page.goto(`/requests/${requestId}`);
    const button = page.locator('.vote-button');
    await poll(() => button.getAttribute('aria-pressed')).toBe('true');
    const [res] = await Promise.all([page.waitForResponse(isApi('DELETE', /\/vote$/)), button.click()]);
    expect(res.status()).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('vote_rejected');
    await page.getByRole('alert').getByText('The WedSync team reviewed your vote on this request and decided not to count it.', { exact: false }).waitFor();
    // Put back as it was: still the voter's (rejected) vote, and the count the server keeps.
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    await poll(() => shownCount(page)).toBe(4);
    expect((await request()).voteCount).toBe(4);
    expectNoPageErrors(t);
  });

  it('fits the review panel on a 360 px phone, every control within reach', async () => {
    const t = await live.tab({ viewport: { width: 360, height: 740 } });
    const { page } = t;
    await signIn(page, 'product@demo.test');
    await page.goto('/triage');
    const panel = page.getByRole('region', { name: 'Votes under review' });
    await panel.locator(`article[aria-labelledby="vote-review-${requestId}"]`).getByText('(1 flagged vote)').waitFor();
    await panel.getByLabel(`Decide on the vote by ${tablet.name} on “${title}”`).check();
    await panel.getByLabel('Reason for the decision (1 vote selected)').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    expect(await unreachableControls(page)).toEqual([]);
    await screenshotOf(panel, 'vote-review-mobile');
    expectNoPageErrors(t);
  });
});
