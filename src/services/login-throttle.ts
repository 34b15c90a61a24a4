// Login throttling (the rules are in domain/login-throttle.ts): counts failed sign-ins per account and
// per address in the deployment's records and refuses attempts with 429 + Retry-After while they must wait.
//
// An attempt is counted as a failure *before* its password is checked and taken back when it
// succeeds, so a burst of parallel guesses cannot all slip through before the first one fails.
//
// The records are the deployment's (services.state.loginAttempts): in Redis when it has one, so a
// sign-in throttled on one replica is throttled on all; in this process's memory when embedded, or
// while Redis is unreachable — the throttle then holds per replica rather than not at all.
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

// The shared store hashes keys before they reach Redis: it never becomes a list of emails.
const keyOf = (scope: Scope, value: string) => `${scope}:${value}`;

type LoginAttemptStore = Services['state']['loginAttempts'];

/**
 * Call before checking a password. Refuses with 429 `too_many_attempts` (and Retry-After) while the
 * account or the address must wait — without looking at the password, so a refusal says nothing
 * about it and costs no hashing. Otherwise the attempt counts as a failure until `succeeded()`.
 */
export async function beginLoginAttempt(s: Services, input: LoginAttemptInput): Promise<LoginAttempt> {
  const store = s.state.loginAttempts;
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
    await store.record(counter.key, (current) => (success ? afterSuccess : withoutFailure)(counter.policy, current, reserved, previous, now));
  }
}

async function refuse(s: Services, input: LoginAttemptInput, waits: { counter: Counter; ms: number }[], now: number): Promise<never> {
  const store = s.state.loginAttempts;
  const retryAfterSeconds = toRetryAfterSeconds(Math.max(...waits.map((w) => w.ms)));
  for (const { counter } of waits) {
    // Whoever flips `auditedAt` writes the event, so concurrent refusals write it once.
    let due = false;
    let failures = 0;
    await store.record(counter.key, (current) => {
      due = false; // this may run again, after another replica's change
      const record = live(current, now);
      if (!record || !auditDue(counter.policy, record, now)) return current;
      due = true;
      failures = record.failures;
      return withAudit(record, now);
    });
    // Set inside the callback above, which the narrowing cannot see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (!due) continue;
    const accountId = counter.scope === 'account' && input.accountId ? await input.accountId() : null;
    await recordAudit(
      s,
      s.db,
      { actor: null, requestId: input.requestId },
      {
        action: 'login_throttled',
        targetType: counter.scope === 'account' ? 'user' : 'address',
        // An unknown email is not recorded: it may well be a password typed in the wrong field.
        targetId: counter.scope === 'account' ? (accountId ?? undefined) : counter.address,
        details: { scope: counter.scope, failures, retryAfterSeconds, ...(input.address ? { address: input.address } : {}) },
      },
    );
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
