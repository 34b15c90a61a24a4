import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  addressBucket,
  afterSuccess,
  auditDue,
  delayAfter,
  live,
  retryAfterMs,
  toRetryAfterSeconds,
  withAudit,
  withFailure,
  withoutFailure,
  type AttemptRecord,
  type ThrottlePolicy,
} from '../../../src/domain/login-throttle.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** A fake clock and one counter, driven the way the service drives it. */
function counter(policy: ThrottlePolicy, start = Date.parse('2027-06-12T10:00:00Z')) {
  let now = start;
  let record: AttemptRecord | undefined;
  return {
    get now() {
      return now;
    },
    get record() {
      return live(record, now);
    },
    advance(ms: number) {
      now += ms;
    },
    wait: () => retryAfterMs(policy, record, now),
    /** An attempt: refused (returns the wait) or counted as a failure (returns 0). */
    fail() {
      const wait = retryAfterMs(policy, record, now);
      if (wait > 0) return wait;
      record = withFailure(policy, record, now);
      return 0;
    },
    /** An attempt that turns out to have the right password. */
    succeed() {
      const previous = live(record, now);
      const reserved = withFailure(policy, previous, now);
      record = afterSuccess(policy, reserved, reserved, previous, now);
    },
  };
}

describe('login throttle policy', () => {
  it('lets the first five failures of an account through without any wait', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 1; i <= 4; i++) {
      expect(c.fail()).toBe(0);
      expect(c.wait()).toBe(0);
    }
    expect(c.fail()).toBe(0);
    // The fifth was free; the sixth must wait a second.
    expect(c.wait()).toBe(1 * SECOND);
    expect(c.fail()).toBe(1 * SECOND);
  });

  it('doubles the wait with each further failure: 1 s, 2 s, 4 s, 8 s …', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 5; i++) c.fail();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const wait = c.wait();
      waits.push(wait);
      c.advance(wait - 1);
      expect(c.fail()).toBe(1); // a millisecond early is still refused …
      c.advance(1);
      expect(c.fail()).toBe(0); // … on time is counted
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32].map((s) => s * SECOND));
    expect(c.record?.failures).toBe(11);
  });

  it('counts the wait from the last failure, so it shrinks as time passes', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 7; i++) {
      c.fail();
      c.advance(c.wait());
    }
    c.fail(); // 8 failures: 8 s
    c.advance(3 * SECOND);
    expect(c.wait()).toBe(5 * SECOND);
    expect(toRetryAfterSeconds(c.wait())).toBe(5);
    expect(toRetryAfterSeconds(1)).toBe(1);
    expect(toRetryAfterSeconds(1_001)).toBe(2);
  });

  it('caps the wait at 15 minutes however many failures there are — a delay, never a lock', () => {
    expect(delayAfter(ACCOUNT_POLICY, 14)).toBe(512 * SECOND);
    expect(delayAfter(ACCOUNT_POLICY, 15)).toBe(15 * MINUTE);
    expect(delayAfter(ACCOUNT_POLICY, 1_000)).toBe(15 * MINUTE);
    expect(delayAfter(ACCOUNT_POLICY, Number.MAX_SAFE_INTEGER)).toBe(15 * MINUTE);

    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 40; i++) {
      c.fail();
      c.advance(c.wait());
    }
    c.fail();
    expect(c.wait()).toBe(15 * MINUTE);
    // Refused attempts do not count: hammering cannot push the owner's next try further away.
    for (let i = 0; i < 100; i++) {
      c.advance(5 * SECOND);
      expect(c.fail()).toBeGreaterThan(0);
    }
    expect(c.wait()).toBe(15 * MINUTE - 500 * SECOND);
    c.advance(c.wait());
    expect(c.fail()).toBe(0);
  });

  it('forgets the failures after a quiet window of 15 minutes once the wait is over', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 5; i++) c.fail(); // wait 1 s
    c.advance(1 * SECOND + 15 * MINUTE - 1);
    expect(c.record?.failures).toBe(5);
    c.advance(1);
    expect(c.record).toBeUndefined();
    // A clean slate: five free failures again.
    for (let i = 0; i < 5; i++) expect(c.fail()).toBe(0);
    expect(c.wait()).toBe(1 * SECOND);
  });

  it('keeps counting failures that come within the window, so slow guessing still adds up', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 5; i++) {
      expect(c.fail()).toBe(0);
      c.advance(14 * MINUTE);
    }
    expect(c.record?.failures).toBe(5);
    expect(c.fail()).toBe(0); // the 1 s wait after the fifth is long over …
    expect(c.wait()).toBe(2 * SECOND); // … but the sixth failure still doubles it
  });

  it('a successful sign-in clears the account’s failures', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 4; i++) c.fail();
    c.succeed();
    expect(c.record).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(c.fail()).toBe(0);
    expect(c.wait()).toBe(1 * SECOND);
  });

  it('a successful sign-in only takes back its own attempt from an address', () => {
    const c = counter(ADDRESS_POLICY);
    for (let i = 0; i < 19; i++) expect(c.fail()).toBe(0);
    c.succeed();
    expect(c.record?.failures).toBe(19);
    expect(c.fail()).toBe(0); // the twentieth failure is still free …
    expect(c.wait()).toBe(1 * SECOND); // … and the address must then wait
  });

  it('gives an address a looser budget than an account', () => {
    expect(ADDRESS_POLICY.freeFailures).toBeGreaterThan(ACCOUNT_POLICY.freeFailures);
    expect(delayAfter(ADDRESS_POLICY, 19)).toBe(0);
    expect(delayAfter(ADDRESS_POLICY, 20)).toBe(1 * SECOND);
    expect(delayAfter(ADDRESS_POLICY, 23)).toBe(8 * SECOND);
    expect(delayAfter(ADDRESS_POLICY, 500)).toBe(15 * MINUTE);
  });

  it('gives back an attempt exactly when nothing happened in between, else takes one failure off', () => {
    const now = 1_000_000;
    const before = withFailure(ACCOUNT_POLICY, withFailure(ACCOUNT_POLICY, undefined, now - 5_000), now - 4_000);
    const reserved = withFailure(ACCOUNT_POLICY, before, now);
    expect(withoutFailure(ACCOUNT_POLICY, reserved, reserved, before, now)).toEqual(before);
    const interleaved = withFailure(ACCOUNT_POLICY, reserved, now + 10);
    expect(withoutFailure(ACCOUNT_POLICY, interleaved, reserved, before, now + 20)).toMatchObject({ failures: 3, lastFailureAt: now + 10 });
    const first = withFailure(ACCOUNT_POLICY, undefined, now);
    expect(withoutFailure(ACCOUNT_POLICY, first, first, undefined, now)).toBeUndefined();
  });

  it('audits a refused attempt once per window', () => {
    const c = counter(ACCOUNT_POLICY);
    for (let i = 0; i < 5; i++) c.fail();
    const record = c.record!;
    expect(auditDue(ACCOUNT_POLICY, record, c.now)).toBe(true);
    const audited = withAudit(record, c.now);
    expect(auditDue(ACCOUNT_POLICY, audited, c.now + 14 * MINUTE)).toBe(false);
    expect(auditDue(ACCOUNT_POLICY, audited, c.now + 15 * MINUTE)).toBe(true);
    // A new failure keeps the audit mark of its window; a fresh window starts unaudited.
    expect(withFailure(ACCOUNT_POLICY, audited, c.now + 2 * SECOND).auditedAt).toBe(c.now);
    expect(withFailure(ACCOUNT_POLICY, audited, c.now + 20 * MINUTE).auditedAt).toBeNull();
  });

  it('never waits longer than the policy says when the clock steps backwards', () => {
    const at = 10_000_000;
    let record: AttemptRecord | undefined;
    for (let i = 0; i < 6; i++) record = withFailure(ACCOUNT_POLICY, record, at);
    expect(retryAfterMs(ACCOUNT_POLICY, record, at - 60 * MINUTE)).toBe(2 * SECOND);
  });

  it('counts IPv4 addresses as they are and IPv6 ones by their /64', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:0:0:0:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('not an address')).toBe('not an address');
  });
});
