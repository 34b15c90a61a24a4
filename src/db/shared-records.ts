// Small records that every replica of a deployment must see alike — counters with an expiry, such as
// failed sign-ins and bulk readers' counts — in the deployment's Redis when it has one (see
// shared-state.ts), in this process's memory otherwise, behind one interface.
//
// A change is a read-modify-write made atomic without a lock or a dedicated connection: read, apply
// the change, then compare-and-set in a Lua script; when another replica wrote the record in
// between, the change is applied again to what it wrote. Keys are hashed (SHA-256) before they reach
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
    // Synchronous between read and write, hence atomic within the process.
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
 * Lost races before a change is made in this process's memory instead (as while Redis is down): a
 * flood of parallel requests on one key (a crawler's connections from one address) must not turn
 * into errors. Between tries a short random pause, longer each time, spreads the contenders out.
 */
const MAX_TRIES = 50;
const pause = (tries: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(tries, 10)));

class RedisRecords<T extends object> implements SharedRecords<T> {
  private readonly local: MemoryRecords<T>;

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

  record(key: string, change: (current: T | undefined) => T | undefined) {
    return this.either(
      async () => {
        const redis = this.redis;
        const k = this.redisKey(key);
        for (let tries = 0; tries < MAX_TRIES; tries++) {
          const text = await redis.get(k);
          const current = text === null ? undefined : (JSON.parse(text) as T);
          const next = change(current);
          if (next === current) return next;
          const ttl = next ? Math.ceil(this.options.expiresAt(next) - this.options.now()) : 0;
          const value = next && ttl > 0 ? JSON.stringify(next) : '';
          if ((await redis.eval(COMPARE_AND_SET, 1, k, text ?? '', value, String(ttl))) === 1) return next;
          await pause(tries + 1);
        }
        return this.local.record(key, change);
      },
      () => this.local.record(key, change),
    );
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
