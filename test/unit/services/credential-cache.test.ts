// The credential cache: evictions reach every replica's copy (here two caches on one in-process
// broadcast), a user's eviction takes all their credentials, an eviction heard while a credential
// was being loaded keeps that load out of the cache, and a gap in the broadcast or an unreachable
// Redis empties it.
import { describe, expect, it } from 'vitest';
import { processSharedState, type SharedState } from '../../../src/db/shared-state.js';
import type { Principal } from '../../../src/services/context.js';
import { CredentialCache, type CachedCredential } from '../../../src/services/credential-cache.js';

const entry = (userId: string): CachedCredential => ({ principal: { id: userId } as Principal, validUntil: Number.MAX_SAFE_INTEGER });
const NOW = 0;

describe('credential cache', () => {
  it('forgets credentials on every replica that shares the broadcast', () => {
    const shared = processSharedState();
    const [a, b] = [new CredentialCache(shared), new CredentialCache(shared)];
    for (const cache of [a, b]) {
      cache.set('h1', entry('u1'), cache.evictions);
      cache.set('h2', entry('u1'), cache.evictions);
      cache.set('h3', entry('u2'), cache.evictions);
    }
    a.forget(['h1']);
    expect(b.get('h1', NOW)).toBeUndefined();
    expect(b.get('h2', NOW)).toBeDefined();
    b.forgetUser('u1');
    expect(a.get('h2', NOW)).toBeUndefined();
    expect(a.get('h3', NOW)?.principal.id).toBe('u2');
    expect(a.stats()).toEqual({ hits: 1, lookups: 2 });
  });

  it('does not keep a credential loaded while an eviction was heard', () => {
    const cache = new CredentialCache(processSharedState());
    const before = cache.evictions;
    cache.forget(['other']);
    cache.set('h1', entry('u1'), before);
    expect(cache.get('h1', NOW)).toBeUndefined();
  });

  it('drops everything on a broadcast it cannot read', () => {
    const shared = processSharedState();
    const cache = new CredentialCache(shared);
    for (const garbage of ['not json', 'null', '{"hashes":"h1"}', '{}']) {
      cache.set('h1', entry('u1'), cache.evictions);
      shared.publish('credentials:evict', garbage);
      expect(cache.get('h1', NOW), garbage).toBeUndefined();
    }
  });

  it('drops everything when broadcasts may have been missed', () => {
    let gap = () => {};
    const shared: SharedState = { ...processSharedState(), onGap: (handler) => ((gap = handler), () => {}) };
    const cache = new CredentialCache(shared);
    cache.set('h1', entry('u1'), cache.evictions);
    gap();
    expect(cache.get('h1', NOW)).toBeUndefined();
  });

  it('remembers nothing while Redis is configured but not answering, and drops what it had', () => {
    const redis = { status: 'ready' };
    const shared: SharedState = { ...processSharedState(), redis: redis as unknown as SharedState['redis'] };
    const cache = new CredentialCache(shared);
    cache.set('h1', entry('u1'), cache.evictions);
    expect(cache.get('h1', NOW)).toBeDefined();
    redis.status = 'reconnecting';
    expect(cache.get('h1', NOW)).toBeUndefined();
    cache.set('h2', entry('u2'), cache.evictions);
    redis.status = 'ready';
    expect(cache.get('h1', NOW)).toBeUndefined();
    expect(cache.get('h2', NOW)).toBeUndefined();
  });

  it('forgets nothing it has not been told to, and expires entries by their validity', () => {
    const cache = new CredentialCache(processSharedState());
    cache.set('h1', { ...entry('u1'), validUntil: 10 }, cache.evictions);
    expect(cache.get('h1', 9)).toBeDefined();
    expect(cache.get('h1', 10)).toBeUndefined();
  });
});
