// Small records that every replica of a deployment must see alike — counters with an expiry, such as
// failed sign-ins and bulk readers' counts — in the deployment's Redis when it has one (see
// shared-state.ts), in this process's memory otherwise, behind one interface.
//
// A change is a read-modify-write made atomic without a lock or a dedicated connection: read, apply
// the change, then compare-and-set in a Lua script; when another replica wrote the record in
// between, the change is applied again to what it wrote. Within a process, changes to one record
// never race each other: those that arrive while one is on its way to Redis wait and go together in
// the next compare-and-set, applied in arrival order (a crawler's fifty parallel reads on one address
// cost one round trip, not fifty contenders retrying). Keys are hashed (SHA-256) before they reach
// Redis, so it never holds an email or an address in the clear; every key has a TTL, the record's own
// expiry, and the deployment's key prefix.
//
// While Redis is unreachable the records live in this process's memory: a limit still holds, per
// replica, rather than not at all. Counts made in memory during an outage are not carried back to
// Redis when it returns (the limit is per replica for that long, then shared again).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { SharedState } from './shared-state.js';

export interface SharedRecords<T> {
  /** The record under `key`, if any. It may have expired by the caller's clock: callers check. */
  get(key: string): Promise<T | undefined>;
  /**
   * Replaces the record under `key` with `change(current)` atomically across replicas; `undefined`
   * deletes it. `change` may run more than once (when another replica wrote first), so it must
   * derive everything from `current`. Returns the record written.
   */
  record(key: string, change: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  reset(key: string): Promise<void>;
}

export interface RecordsOptions<T> {
  /** Names the records in Redis (`<prefix><name>:<hashed key>`). */
  name: string;
  /** The services' clock, in milliseconds. */
  now: () => number;
  /** When a record may be forgotten (same clock): its time to live. */
  expiresAt: (record: T) => number;
  /** Records kept in memory at most: a flood of made-up keys evicts the least recently used. */
  max?: number;
}

/** One process's records: an LRU bounded in entries, each dropped once it has expired. */
export class MemoryRecords<T extends object> implements SharedRecords<T> {
  private readonly cache: LRUCache<string, T>;

  constructor(private readonly options: RecordsOptions<T>) {
    this.cache = new LRUCache<string, T>({ max: options.max ?? 100_000 });
  }

  async get(key: string) {
    return this.cache.get(key);
  }

  async record(key: string, change: (current: T | undefined) => T | undefined) {
    return this.recordNow(key, change);
  }

  /** The change made synchronously between read and write, hence atomic within the process. */
  recordNow(key: string, change: (current: T | undefined) => T | undefined) {
    const next = change(this.cache.get(key));
    const ttl = next ? this.options.expiresAt(next) - this.options.now() : 0;
    if (next && ttl > 0) this.cache.set(key, next, { ttl });
    else this.cache.delete(key);
    return next;
  }

  async reset(key: string) {
    this.cache.delete(key);
  }
}

/** Sets KEYS[1] to ARGV[2] for ARGV[3] ms (ARGV[2] empty: deletes it) only if it still holds ARGV[1] (empty: absent). */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/**
 * Lost races (with other replicas) before a batch of changes is made in this process's memory
 * instead, as while Redis is down: a flood of parallel requests on one key must not turn into
 * errors. Between tries a short random pause, longer each time, spreads the contenders out.
 */
const MAX_TRIES = 50;
const pause = (tries: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(tries, 10)));

type Change<T> = (current: T | undefined) => T | undefined;

/** A change waiting for its batch, and how to tell its caller what it wrote (or what it threw). */
interface Pending<T> {
  change: Change<T>;
  settle: (outcome: Outcome<T>) => void;
}
type Outcome<T> = { written: T | undefined } | { failed: Error };
const failure = (thrown: unknown) => (thrown instanceof Error ? thrown : new Error(String(thrown)));

/** Applies a batch in order to `current`: each change sees the one before it; one that throws changes nothing. */
function applyInOrder<T>(batch: readonly Pending<T>[], current: T | undefined): { last: T | undefined; outcomes: Outcome<T>[] } {
  let last = current;
  const outcomes = batch.map((p): Outcome<T> => {
    try {
      last = p.change(last);
      return { written: last };
    } catch (thrown) {
      return { failed: failure(thrown) };
    }
  });
  return { last, outcomes };
}

class RedisRecords<T extends object> implements SharedRecords<T> {
  private readonly local: MemoryRecords<T>;
  /** Changes per key waiting for the next compare-and-set, and the keys with one under way. */
  private readonly waiting = new Map<string, Pending<T>[]>();
  private readonly underWay = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly options: RecordsOptions<T>,
  ) {
    this.local = new MemoryRecords(options);
  }

  private redisKey(key: string) {
    return `${this.keyPrefix}${this.options.name}:${createHash('sha256').update(key).digest('base64url')}`;
  }

  /** Redis when it answers, this process's memory when it does not (commands fail fast: no offline queue). */
  private async either<R>(inRedis: () => Promise<R>, inMemory: () => Promise<R>): Promise<R> {
    if (this.redis.status !== 'ready') return inMemory();
    try {
      return await inRedis();
    } catch {
      return inMemory();
    }
  }

  get(key: string) {
    return this.either(
      async () => {
        const text = await this.redis.get(this.redisKey(key));
        return text === null ? undefined : (JSON.parse(text) as T);
      },
      () => this.local.get(key),
    );
  }

  record(key: string, change: Change<T>) {
    return new Promise<T | undefined>((resolve, reject) => {
      const settle = (outcome: Outcome<T>) => ('failed' in outcome ? reject(outcome.failed) : resolve(outcome.written));
      const queue = this.waiting.get(key);
      if (queue) queue.push({ change, settle });
      else this.waiting.set(key, [{ change, settle }]);
      if (!this.underWay.has(key)) void this.writeBatches(key);
    });
  }

  /** One batch at a time per key, until no change to it is waiting. */
  private async writeBatches(key: string) {
    this.underWay.add(key);
    try {
      for (let batch = this.waiting.get(key); batch; batch = this.waiting.get(key)) {
        this.waiting.delete(key);
        const pending = batch;
        const outcomes = await this.either(
          () => this.writeInRedis(key, pending),
          async () => pending.map((p) => this.writeInMemory(key, p)),
        );
        pending.forEach((p, i) => p.settle(outcomes[i]!));
      }
    } finally {
      this.underWay.delete(key);
    }
  }

  private async writeInRedis(key: string, batch: readonly Pending<T>[]): Promise<Outcome<T>[]> {
    const redis = this.redis;
    const k = this.redisKey(key);
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const text = await redis.get(k);
      const current = text === null ? undefined : (JSON.parse(text) as T);
      const { last, outcomes } = applyInOrder(batch, current);
      if (last === current) return outcomes;
      const ttl = last ? Math.ceil(this.options.expiresAt(last) - this.options.now()) : 0;
      const value = last && ttl > 0 ? JSON.stringify(last) : '';
      if ((await redis.eval(COMPARE_AND_SET, 1, k, text ?? '', value, String(ttl))) === 1) return outcomes;
      await pause(tries + 1);
    }
    return batch.map((p) => this.writeInMemory(key, p));
  }

  private writeInMemory(key: string, pending: Pending<T>): Outcome<T> {
    try {
      return { written: this.local.recordNow(key, pending.change) };
    } catch (thrown) {
      return { failed: failure(thrown) };
    }
  }

  reset(key: string) {
    return this.either(
      async () => {
        await this.redis.del(this.redisKey(key));
      },
      () => this.local.reset(key),
    );
  }
}

/** The deployment's records of one kind: in its Redis (this process's memory while Redis is down), or in memory when embedded. */
export function sharedRecords<T extends object>(shared: SharedState, options: RecordsOptions<T>): SharedRecords<T> {
  return shared.redis ? new RedisRecords(shared.redis, shared.keyPrefix, options) : new MemoryRecords(options);
}
