// Login throttling (the rules are in domain/login-throttle.ts): counts failed sign-ins per account and
// per address in a LoginAttemptStore and refuses attempts with 429 + Retry-After while they must wait.
//
// An attempt is counted as a failure *before* its password is checked and taken back when it
// succeeds, so a burst of parallel guesses cannot all slip through before the first one fails.
//
// The store is in memory, per process. With several replicas each keeps its own counts (an attacker
// spreading guesses over N replicas gets N times the budget); a Redis-backed LoginAttemptStore
// (`record` as a WATCH/MULTI transaction or a Lua script) is the drop-in for that: `useLoginAttemptStore`.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  addressBucket,
  afterSuccess,
  auditDue,
  live,
  retryAfterMs,
  toRetryAfterSeconds,
  withAudit,
  withFailure,
  withoutFailure,
  type AttemptRecord,
  type ThrottlePolicy,
} from '../domain/login-throttle.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { ServiceError } from './errors.js';

/** Where attempt records live. Records carry their own `expiresAt` (the services' clock). */
export interface LoginAttemptStore {
  /** The record under `key`, if any. Callers check expiry themselves (`live`). */
  get(key: string): Promise<AttemptRecord | undefined>;
  /**
   * Replaces the record under `key` with `change(current)` — atomically: no other change to the
   * same key may happen between the read and the write. `undefined` deletes it. Returns the result.
   */
  record(key: string, change: (current: AttemptRecord | undefined) => AttemptRecord | undefined): Promise<AttemptRecord | undefined>;
  /** Forgets `key`. */
  reset(key: string): Promise<void>;
}

/**
 * One process's store: an LRU bounded in entries (a flood of made-up emails evicts the oldest
 * records rather than exhausting memory), each entry dropped once its record has expired.
 */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  private readonly cache: LRUCache<string, AttemptRecord>;

  constructor(private readonly now: () => Date, max = 100_000) {
    this.cache = new LRUCache<string, AttemptRecord>({ max });
  }

  async get(key: string) {
    return this.cache.get(key);
  }

  async record(key: string, change: (current: AttemptRecord | undefined) => AttemptRecord | undefined) {
    // Synchronous between read and write, hence atomic within the process.
    const next = change(this.cache.get(key));
    const ttl = next ? next.expiresAt - this.now().getTime() : 0;
    if (next && ttl > 0) this.cache.set(key, next, { ttl });
    else this.cache.delete(key);
    return next;
  }

  async reset(key: string) {
    this.cache.delete(key);
  }
}

type Scope = 'account' | 'address';

interface Counter {
  scope: Scope;
  key: string;
  policy: ThrottlePolicy;
  /** For the audit trail. */
  address?: string;
}

interface Reservation {
  counter: Counter;
  reserved: AttemptRecord;
  previous: AttemptRecord | undefined;
}

export interface LoginAttempt {
  /** The password was right: the account's failures are cleared, the address gets its attempt back. */
  succeeded(): Promise<void>;
}

export interface LoginAttemptInput {
  /** The normalised email, whether or not an account has it. */
  email: string;
  /** The client's address (request.ip); without one only the account is counted. */
  address?: string;
  requestId?: string;
  /** The account's id, looked up only when a refusal is audited. */
  accountId?: () => Promise<string | null>;
}

// Keys never hold the email itself: a shared store (Redis) should not become a list of addresses.
const keyOf = (scope: Scope, value: string) => `login:${scope}:${createHash('sha256').update(value).digest('base64url')}`;

const stores = new WeakMap<Services, LoginAttemptStore>();

/** This deployment's store: in memory unless another was installed for these services. */
export function loginAttemptStore(s: Services): LoginAttemptStore {
  let store = stores.get(s);
  if (!store) {
    store = new MemoryLoginAttemptStore(s.now);
    stores.set(s, store);
  }
  return store;
}

/** Installs another store (Redis, for several replicas) before the server takes requests. */
export function useLoginAttemptStore(s: Services, store: LoginAttemptStore): void {
  stores.set(s, store);
}

/**
 * Call before checking a password. Refuses with 429 `too_many_attempts` (and Retry-After) while the
 * account or the address must wait — without looking at the password, so a refusal says nothing
 * about it and costs no hashing. Otherwise the attempt counts as a failure until `succeeded()`.
 */
export async function beginLoginAttempt(s: Services, input: LoginAttemptInput): Promise<LoginAttempt> {
  const store = loginAttemptStore(s);
  const now = s.now().getTime();
  const counters: Counter[] = [{ scope: 'account', key: keyOf('account', input.email), policy: ACCOUNT_POLICY }];
  if (input.address) {
    const bucket = addressBucket(input.address);
    counters.push({ scope: 'address', key: keyOf('address', bucket), policy: ADDRESS_POLICY, address: bucket });
  }

  // A look first, changing nothing: while an attack goes on, most attempts end here.
  const records = await Promise.all(counters.map((c) => store.get(c.key)));
  const waits = counters.map((c, i) => ({ counter: c, ms: retryAfterMs(c.policy, records[i], now) })).filter((w) => w.ms > 0);
  if (waits.length > 0) return refuse(s, input, waits, now);

  // Then count the attempt, each counter atomically; one that filled up meanwhile gives the others back.
  const reservations: Reservation[] = [];
  for (const counter of counters) {
    let previous: AttemptRecord | undefined;
    let wait = 0;
    const reserved = await store.record(counter.key, (current) => {
      previous = live(current, now);
      wait = retryAfterMs(counter.policy, previous, now);
      return wait > 0 ? current : withFailure(counter.policy, previous, now);
    });
    if (wait > 0 || !reserved) {
      await giveBack(store, reservations, now, false);
      return refuse(s, input, [{ counter, ms: Math.max(wait, 1) }], now);
    }
    reservations.push({ counter, reserved, previous });
  }
  return { succeeded: () => giveBack(store, reservations, now, true) };
}

async function giveBack(store: LoginAttemptStore, reservations: Reservation[], now: number, success: boolean): Promise<void> {
  for (const { counter, reserved, previous } of reservations) {
    if (success && counter.policy.resetOnSuccess) {
      await store.reset(counter.key);
      continue;
    }
    await store.record(counter.key, (current) =>
      (success ? afterSuccess : withoutFailure)(counter.policy, current, reserved, previous, now),
    );
  }
}

async function refuse(s: Services, input: LoginAttemptInput, waits: { counter: Counter; ms: number }[], now: number): Promise<never> {
  const store = loginAttemptStore(s);
  const retryAfterSeconds = toRetryAfterSeconds(Math.max(...waits.map((w) => w.ms)));
  for (const { counter } of waits) {
    // Whoever flips `auditedAt` writes the event, so concurrent refusals write it once.
    let due = false;
    let failures = 0;
    await store.record(counter.key, (current) => {
      const record = live(current, now);
      if (!record || !auditDue(counter.policy, record, now)) return current;
      due = true;
      failures = record.failures;
      return withAudit(record, now);
    });
    if (!due) continue;
    const accountId = counter.scope === 'account' && input.accountId ? await input.accountId() : null;
    await recordAudit(s.db, { actor: null, requestId: input.requestId }, {
      action: 'login_throttled',
      targetType: counter.scope === 'account' ? 'user' : 'address',
      // An unknown email is not recorded: it may well be a password typed in the wrong field.
      targetId: counter.scope === 'account' ? (accountId ?? undefined) : counter.address,
      details: { scope: counter.scope, failures, retryAfterSeconds, ...(input.address ? { address: input.address } : {}) },
    });
  }
  // One answer whichever limit applies and whatever the password: nothing to learn from it.
  throw new ServiceError(
    429,
    'too_many_attempts',
    `Too many failed sign-in attempts: try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
    retryAfterSeconds,
  );
}
