// Login throttling: how many failed sign-ins one account or one network address may have before it
// must wait, and how long. Pure: times are milliseconds passed in, records are plain values the
// service keeps in a store (memory now, Redis later).
//
// Exponential back-off, never a lock: the first failures are free, then each further failure
// doubles the wait up to a cap. Attempts refused while waiting are not failures (the password is
// not even checked), so hammering an account cannot lengthen the wait for its real owner, who can
// always try again within `maxDelayMs`.

export interface ThrottlePolicy {
  /** Failures answered without any wait. */
  freeFailures: number;
  /** The wait after the last free failure; each further failure doubles it. */
  baseDelayMs: number;
  /** The wait never exceeds this. */
  maxDelayMs: number;
  /** Failures are forgotten after this long without a new one, counted from the end of the current wait. */
  windowMs: number;
  /** A successful sign-in clears the count (the account) or only takes its own attempt back (an address). */
  resetOnSuccess: boolean;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * One account (normalised email, known or not): 5 free guesses per 15 minutes, then 1 s, 2 s, 4 s, …
 * up to 15 min between guesses — about 15 guesses in the first half hour, then 4 an hour.
 */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: SECOND,
  maxDelayMs: 15 * MINUTE,
  windowMs: 15 * MINUTE,
  resetOnSuccess: true,
};

/**
 * One address (an IPv4 address or an IPv6 /64): 20 free failures per 15 minutes across all accounts,
 * enough for a household or an office behind one NAT mistyping passwords, then the same back-off. A
 * success does not wash out the address's failures: otherwise an attacker holding one real account
 * could reset the budget between guesses at others.
 */
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  baseDelayMs: SECOND,
  maxDelayMs: 15 * MINUTE,
  windowMs: 15 * MINUTE,
  resetOnSuccess: false,
};

export interface AttemptRecord {
  /** Failed (or still running) sign-in attempts in the current window. */
  failures: number;
  /** When the last of them began. */
  lastFailureAt: number;
  /** When a refused attempt was last written to the audit log, if in this window. */
  auditedAt: number | null;
  /** When the record may be forgotten (the store's time to live). */
  expiresAt: number;
}

/** The wait imposed after `failures` failures. */
export function delayAfter(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 40); // 2^40 s is far beyond any cap
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
}

function expiry(policy: ThrottlePolicy, failures: number, lastFailureAt: number): number {
  return lastFailureAt + delayAfter(policy, failures) + policy.windowMs;
}

/** The record if it still counts at `now`, otherwise nothing (a clean slate). */
export function live(record: AttemptRecord | undefined, now: number): AttemptRecord | undefined {
  return record && now < record.expiresAt ? record : undefined;
}

/** Milliseconds until another attempt is allowed; 0 when it is allowed now. */
export function retryAfterMs(policy: ThrottlePolicy, record: AttemptRecord | undefined, now: number): number {
  const current = live(record, now);
  if (!current) return 0;
  // A clock that stepped backwards never makes the wait longer than the policy's delay.
  const elapsed = Math.max(0, now - current.lastFailureAt);
  return Math.max(0, delayAfter(policy, current.failures) - elapsed);
}

/** Retry-After is whole seconds, and never 0 for a refused attempt. */
export function toRetryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / SECOND));
}

/** The record after one more failure at `now` (an expired record starts over). */
export function withFailure(policy: ThrottlePolicy, record: AttemptRecord | undefined, now: number): AttemptRecord {
  const current = live(record, now);
  const failures = (current?.failures ?? 0) + 1;
  return { failures, lastFailureAt: now, auditedAt: current?.auditedAt ?? null, expiresAt: expiry(policy, failures, now) };
}

/**
 * The record after an attempt counted by `withFailure` succeeded (or was given back). `reserved` is
 * what that attempt wrote and `previous` what it replaced: when nothing else happened in between,
 * the record goes back to exactly `previous`; otherwise one failure is taken off.
 */
export function afterSuccess(
  policy: ThrottlePolicy,
  record: AttemptRecord | undefined,
  reserved: AttemptRecord,
  previous: AttemptRecord | undefined,
  now: number,
): AttemptRecord | undefined {
  if (policy.resetOnSuccess) return undefined;
  return withoutFailure(policy, record, reserved, previous, now);
}

/** Gives back an attempt counted by `withFailure` (see `afterSuccess`), whatever the policy. */
export function withoutFailure(
  policy: ThrottlePolicy,
  record: AttemptRecord | undefined,
  reserved: AttemptRecord,
  previous: AttemptRecord | undefined,
  now: number,
): AttemptRecord | undefined {
  const current = live(record, now);
  if (!current) return undefined;
  if (current.failures === reserved.failures && current.lastFailureAt === reserved.lastFailureAt) {
    const restored = live(previous, now);
    return restored ? { ...restored, auditedAt: current.auditedAt } : undefined;
  }
  const failures = current.failures - 1;
  if (failures <= 0) return undefined;
  return { ...current, failures, expiresAt: expiry(policy, failures, current.lastFailureAt) };
}

/** A refused attempt is audited once per window, not once per request: a flood must not flood the log. */
export function auditDue(policy: ThrottlePolicy, record: AttemptRecord, now: number): boolean {
  return record.auditedAt === null || now - record.auditedAt >= policy.windowMs || now < record.auditedAt;
}

export function withAudit(record: AttemptRecord, now: number): AttemptRecord {
  return { ...record, auditedAt: now };
}

/**
 * The address an attempt is counted against: IPv4 as is (also when written IPv4-mapped), IPv6 by its
 * /64, since one subscriber usually holds a whole /64 and could otherwise use a new address per guess.
 */
export function addressBucket(ip: string): string {
  const address = ip.trim().toLowerCase().split('%')[0] ?? '';
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const halves = address.split('::');
  if (halves.length > 2) return address;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = halves.length === 2 ? 8 - width(head) - width(tail) : 0;
  if (missing < 0 || (halves.length === 1 && width(head) !== 8)) return address;
  const full = [...head, ...Array<string>(missing).fill('0'), ...tail];
  const prefix = full.slice(0, 4);
  if (prefix.length < 4 || prefix.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return address;
  return `${prefix.map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
