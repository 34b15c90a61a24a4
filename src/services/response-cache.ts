// The response cache the replicas of a deployment share (docs/decisions/0022-shared-response-cache.md):
// one interface, two stores. Every process keeps the bytes it answered in a local LRU (L1: what the
// fast lane reads synchronously); with Redis configured, the entries are also kept in Redis (L2), so
// one replica's answer serves the others.
//
// Purges are by tag (src/domain/response-cache.ts). A use case that changed what a tag covers calls
// purgeResponseCache after its transaction committed: it bumps the tag's epoch in Redis (an L2 entry
// written under an older epoch is no longer fresh) and broadcasts the tags through services.shared,
// so every replica flags its L1 copies at once. A replica that may have missed broadcasts (onGap) or
// cannot hear them (Redis down) trusts its L1 only briefly.
//
// Flagged and expired copies are not thrown away: while the database fails they are answered,
// marked stale, for at most RESPONSE_CACHE_STALE_IF_ERROR_SECONDS past their TTL. Concurrent misses
// for one key share one load (single-flight, per process); an expired (not purged) copy is answered
// while one refresh runs (stale-while-revalidate).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type { SharedState } from '../db/shared-state.js';
import { CACHE_TAGS, type CacheTag } from '../domain/response-cache.js';
import { jobSpec, PURGE_CDN } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import type { Services } from './context.js';
import { ServiceError } from './errors.js';

export const PURGE_CHANNEL = 'response-cache:purge';

const epochKey = (prefix: string, tag: CacheTag) => `${prefix}rc:epoch:${tag}`;

type PurgeDeps = Pick<Services, 'shared' | 'config' | 'db' | 'now'>;

/**
 * After a committed change: every replica stops answering the tags' cached responses, and the CDN
 * (when CDN_PURGE_URL is set) is told through a queued job. Never throws and never waits: the change
 * is done, and a lost purge is bounded by the TTL.
 */
export function purgeResponseCache(s: PurgeDeps, tags: readonly CacheTag[]): void {
  purgeResponseCacheNow(s, tags).catch(() => undefined);
}

/** The same, resolved once Redis and the queue took it (for an operator who asked for it). */
export async function purgeResponseCacheNow(s: PurgeDeps, tags: readonly CacheTag[]): Promise<void> {
  const { redis, keyPrefix } = s.shared;
  // Sent before the broadcast on the same connection, so a replica that hears it reads the new epoch.
  const epochs = redis ? tags.map((tag) => redis.incr(epochKey(keyPrefix, tag))) : [];
  s.shared.publish(PURGE_CHANNEL, tags.join(','));
  const cdn = s.config.cdnPurgeUrl ? enqueue(s.db, jobSpec(PURGE_CDN, { tags: [...tags].sort() }), s.now()) : null;
  await Promise.all([...epochs, cdn]);
}

/** How long the CDN's purge API may take before the attempt counts as failed (and is retried). */
export const CDN_PURGE_TIMEOUT_MS = 5_000;

/** The CDN purge hook: POST {tags} with the bearer token. Throws on failure (the job retries). */
export async function callCdnPurgeHook(config: Pick<Config, 'cdnPurgeUrl' | 'cdnPurgeToken'>, tags: readonly CacheTag[]): Promise<void> {
  if (!config.cdnPurgeUrl) return;
  const res = await fetch(config.cdnPurgeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(config.cdnPurgeToken ? { authorization: `Bearer ${config.cdnPurgeToken}` } : {}) },
    body: JSON.stringify({ tags }),
    signal: AbortSignal.timeout(CDN_PURGE_TIMEOUT_MS),
  });
  await res.body?.cancel();
  // The status only: the URL and token stay out of logs.
  if (!res.ok) throw new Error(`CDN purge answered ${res.status}`);
}

export interface CachedEntry {
  /** Encoded once: a hit writes bytes without converting a string each time. */
  body: Buffer;
  contentType: string;
  /** Strong: a hash of the bytes. */
  etag: string;
  storedAt: number;
  ttlMs: number;
  tags: readonly CacheTag[];
  /** A purge covered it (or it was loaded across one): answered only while the database fails. */
  purged: boolean;
}

/** hit: fresh copy; revalidating: expired copy while one refresh runs; miss: loaded now; stale: the database failed. */
export type CacheState = 'hit' | 'revalidating' | 'miss' | 'stale';

export interface Lookup {
  entry: CachedEntry;
  state: CacheState;
}

export interface Loaded {
  body: string;
  contentType: string;
}

interface Wire {
  b: string;
  c: string;
  e: string;
  s: number;
  t: number;
  /** The tag epochs it was loaded under. */
  v: string[];
}

/** An L2 value, or null when absent or not one of ours (then it is simply overwritten). */
function parseWire(text: string | null | undefined): Wire | null {
  if (!text) return null;
  try {
    const w = JSON.parse(text) as Wire;
    return typeof w.b === 'string' && Array.isArray(w.v) ? w : null;
  } catch {
    return null;
  }
}

export interface ResponseCacheOptions {
  /** cache_type of the cache_hit_rate metric. */
  type: string;
  /** Most entries kept in this process. */
  max: number;
  shared: SharedState;
  config: Pick<Config, 'responseCacheEnabled' | 'responseCacheUnsharedTtlMs' | 'responseCacheStaleIfErrorSeconds'>;
  now: () => Date;
}

export type ResponseCache = ReturnType<typeof createResponseCache>;

export function createResponseCache({ type, max, shared, config, now }: ResponseCacheOptions) {
  const { redis, keyPrefix } = shared;
  const entries = new LRUCache<string, CachedEntry>({ max });
  const flights = new Map<string, Promise<Lookup>>();
  const stats = { hits: 0, lookups: 0 };
  const staleIfErrorMs = config.responseCacheStaleIfErrorSeconds * 1000;
  // Purges heard per tag: a load that began before a purge of its tags must not be kept as fresh
  // (and purges of other tags — the worker indexing requests purges ai-analysis — must not matter).
  const purgeCounts = new Map<string, number>();
  const generation = (tags: readonly string[]) => tags.map((t) => purgeCounts.get(t) ?? 0).join(',');
  const entryKey = (key: string) => `${keyPrefix}rc:${type}:${createHash('sha256').update(key).digest('base64url')}`;

  const flag = (tags: readonly string[]) => {
    for (const tag of tags) purgeCounts.set(tag, (purgeCounts.get(tag) ?? 0) + 1);
    for (const entry of entries.values()) if (entry.tags.some((t) => tags.includes(t))) entry.purged = true;
  };
  const unsubscribe = shared.subscribe(PURGE_CHANNEL, (message) => flag(message.split(',')));
  // Broadcasts may have gone by unheard, and purges may have failed to bump epochs while Redis was down.
  const unGap = shared.onGap(() => {
    flag(CACHE_TAGS);
    if (redis) for (const tag of CACHE_TAGS) redis.incr(epochKey(keyPrefix, tag)).catch(() => undefined);
  });

  /** How long an L1 copy is believed: its TTL, or briefly while purges from other replicas cannot arrive. */
  const trustMs = (entry: CachedEntry) => (redis && redis.status !== 'ready' ? Math.min(entry.ttlMs, config.responseCacheUnsharedTtlMs) : entry.ttlMs);
  const fresh = (entry: CachedEntry, at: number) => !entry.purged && at - entry.storedAt < trustMs(entry);
  const servableStale = (entry: CachedEntry | null | undefined, at: number): entry is CachedEntry =>
    Boolean(entry) && at - entry!.storedAt < entry!.ttlMs + staleIfErrorMs;

  async function readShared(key: string, tags: readonly CacheTag[]): Promise<{ entry: CachedEntry | null; epochs: string[] } | null> {
    if (!redis || redis.status !== 'ready') return null;
    const values = await redis.mget(entryKey(key), ...tags.map((t) => epochKey(keyPrefix, t))).catch(() => null);
    if (!values) return null;
    const epochs = values.slice(1).map((v) => v ?? '0');
    const w = parseWire(values[0]);
    if (!w) return { entry: null, epochs };
    const entry = { body: Buffer.from(w.b, 'base64'), contentType: w.c, etag: w.e, storedAt: w.s, ttlMs: w.t, tags, purged: w.v.join() !== epochs.join() };
    return { entry, epochs };
  }

  function writeShared(key: string, entry: CachedEntry, epochs: string[]) {
    const wire: Wire = { b: entry.body.toString('base64'), c: entry.contentType, e: entry.etag, s: entry.storedAt, t: entry.ttlMs, v: epochs };
    redis?.set(entryKey(key), JSON.stringify(wire), 'PX', entry.ttlMs + staleIfErrorMs).catch(() => undefined);
  }

  async function fill(key: string, tags: readonly CacheTag[], ttlMs: number, load: () => Promise<Loaded>): Promise<Lookup> {
    const startedAt = generation(tags);
    const local = entries.get(key);
    const fromShared = await readShared(key, tags);
    if (fromShared?.entry && fresh(fromShared.entry, now().getTime())) {
      entries.set(key, fromShared.entry);
      return { entry: fromShared.entry, state: 'hit' };
    }
    try {
      const { body, contentType } = await load();
      const entry: CachedEntry = {
        body: Buffer.from(body),
        contentType,
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
        storedAt: now().getTime(),
        ttlMs,
        tags,
        purged: generation(tags) !== startedAt,
      };
      entries.set(key, entry);
      if (fromShared) writeShared(key, entry, fromShared.epochs);
      return { entry, state: 'miss' };
    } catch (err) {
      // A caller's mistake is theirs to see; anything else (the database failing) gets the last good copy.
      if (err instanceof ServiceError && err.statusCode < 500) throw err;
      const at = now().getTime();
      const candidates = [local, fromShared?.entry].filter((e) => servableStale(e, at));
      const newest = candidates.sort((a, b) => b.storedAt - a.storedAt)[0];
      if (newest) return { entry: newest, state: 'stale' };
      throw err;
    }
  }

  /** One load per key at a time in this process; a purge of its tags starts a new generation of flights. */
  function singleFlight(key: string, tags: readonly CacheTag[], ttlMs: number, load: () => Promise<Loaded>): Promise<Lookup> {
    const flightKey = `${generation(tags)}\u0000${key}`;
    let flight = flights.get(flightKey);
    if (!flight) {
      flight = fill(key, tags, ttlMs, load).finally(() => flights.delete(flightKey));
      flights.set(flightKey, flight);
    }
    return flight;
  }

  return {
    type,
    enabled: config.responseCacheEnabled,
    /** A fresh copy in this process, synchronously (the fast lane), or null. */
    peek(key: string): CachedEntry | null {
      const entry = entries.get(key);
      if (!entry || !fresh(entry, now().getTime())) return null;
      stats.lookups += 1;
      stats.hits += 1;
      return entry;
    },
    async lookup(key: string, tags: readonly CacheTag[], ttlMs: number, load: () => Promise<Loaded>): Promise<Lookup> {
      stats.lookups += 1;
      const at = now().getTime();
      const local = entries.get(key);
      let result: Lookup;
      if (local && fresh(local, at)) result = { entry: local, state: 'hit' };
      else if (local && !local.purged && trustMs(local) === local.ttlMs && at - local.storedAt < local.ttlMs * 2) {
        // Expired, not known wrong: answer it while one refresh runs (a failed refresh keeps it).
        singleFlight(key, tags, ttlMs, load).catch(() => undefined);
        result = { entry: local, state: 'revalidating' };
      } else result = await singleFlight(key, tags, ttlMs, load);
      if (result.state === 'hit' || result.state === 'revalidating') stats.hits += 1;
      return result;
    },
    /** For cache_hit_rate: lookups answered from a cache (L1 or L2) over all lookups, since start. */
    stats: (): Readonly<typeof stats> => stats,
    close() {
      unsubscribe();
      unGap();
    },
  };
}
