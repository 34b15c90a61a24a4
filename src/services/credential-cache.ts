// Who a credential (a session or API token, by its hash) belongs to, remembered briefly: otherwise
// every vote and page view would spend a database round trip on it. Each replica keeps its own copy;
// what must end a credential everywhere — sign-out, token revocation, erasure, a change to who the
// user is — goes to every replica through the deployment's broadcast and evicts there at once.
//
// A replica that may have missed a broadcast trusts nothing it remembers: while Redis is unreachable
// every credential is looked up in the database and the cache is emptied, and it is emptied again
// when the subscription is back (onGap), which may reconnect a moment after the command connection.
// Embedded, the broadcast stays in the process and is never missed.
import { LRUCache } from 'lru-cache';
import type { SharedState } from '../db/shared-state.js';
import type { Principal } from './context.js';

/** How long a credential is trusted without asking the database, unless something evicts it first. */
export const CREDENTIAL_CACHE_MS = 10_000;

export interface CachedCredential {
  principal: Principal;
  validUntil: number;
  /** For API tokens: when last_used_at was last written (at most once a minute). */
  tokenId?: string;
  usageRecordedAt?: number;
}

/** On the wire: credential hashes that ended, or a user whose credentials must be looked up again. */
type Eviction = { hashes: readonly string[] } | { userId: string };

const CHANNEL = 'credentials:evict';

export class CredentialCache {
  private readonly entries = new LRUCache<string, CachedCredential>({ max: 50_000 });
  private readonly lookups = { hits: 0, lookups: 0 };
  private heard = 0;

  constructor(private readonly shared: SharedState) {
    shared.subscribe(CHANNEL, (text) => this.evict(text));
    shared.onGap(() => this.forgetAll());
  }

  private forgetAll(): void {
    this.heard += 1;
    this.entries.clear();
  }

  /** A live entry for `hash` at `now`, counted as a hit, or nothing (counted as a miss). */
  get(hash: string, now: number): CachedCredential | undefined {
    this.lookups.lookups += 1;
    // With Redis configured but not answering, evictions from other replicas cannot arrive: what was
    // remembered before may be stale by the time Redis is back, so it goes too.
    if (!this.hearsEvictions()) {
      this.entries.clear();
      return undefined;
    }
    const hit = this.entries.get(hash);
    if (!hit || hit.validUntil <= now) return undefined;
    this.lookups.hits += 1;
    return hit;
  }

  /** The entry even when stale: its API-token usage time survives a reload. */
  peek(hash: string): CachedCredential | undefined {
    return this.entries.get(hash);
  }

  /**
   * How many evictions this replica has heard of. A caller reads it before loading a credential and
   * passes it to `set`: an eviction heard while the query ran may concern what it read.
   */
  get evictions(): number {
    return this.heard;
  }

  set(hash: string, entry: CachedCredential, loadedAfter: number): void {
    if (loadedAfter === this.heard && this.hearsEvictions()) this.entries.set(hash, entry);
  }

  /** These credentials (by hash) stop working on every replica: here at once, elsewhere on the broadcast. */
  forget(hashes: readonly string[]): void {
    if (hashes.length > 0) this.shared.publish(CHANNEL, JSON.stringify({ hashes } satisfies Eviction));
  }

  /** Every replica asks the database again about this user's credentials (role, verification, profile changed). */
  forgetUser(userId: string): void {
    this.shared.publish(CHANNEL, JSON.stringify({ userId } satisfies Eviction));
  }

  /** For the cache_hit_rate metric. */
  stats(): Readonly<{ hits: number; lookups: number }> {
    return this.lookups;
  }

  /** Embedded, always; with Redis, while it answers. */
  private hearsEvictions(): boolean {
    return !this.shared.redis || this.shared.redis.status === 'ready';
  }

  private evict(text: string): void {
    const eviction = parseEviction(text);
    // Not ours to understand (another version's message?): forgetting everything is always safe.
    if (!eviction) {
      this.forgetAll();
      return;
    }
    this.heard += 1;
    if ('hashes' in eviction) {
      for (const h of eviction.hashes) this.entries.delete(h);
      return;
    }
    // Rare (a verification, a profile change): a walk over at most 50,000 entries.
    const theirs = [...this.entries.entries()].filter(([, entry]) => entry.principal.id === eviction.userId);
    for (const [hash] of theirs) this.entries.delete(hash);
  }
}

function parseEviction(text: string): Eviction | undefined {
  try {
    const value = JSON.parse(text) as { hashes?: unknown; userId?: unknown } | null;
    if (Array.isArray(value?.hashes) && value.hashes.every((h) => typeof h === 'string')) return { hashes: value.hashes };
    if (typeof value?.userId === 'string') return { userId: value.userId };
  } catch {
    // not JSON
  }
  return undefined;
}
