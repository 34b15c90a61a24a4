// The response cache's store in one process (the embedded shared state): a purge flags only the
// entries under its tags — also for a load still running when it arrived — and a load that a purge
// of its own tags overtook is kept only as a stale fallback.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { processSharedState } from '../../../src/db/shared-state.js';
import { createResponseCache, PURGE_CHANNEL } from '../../../src/services/response-cache.js';

function cache() {
  const shared = processSharedState();
  const store = createResponseCache({ type: 'response', max: 10, shared, config: loadConfig({ NODE_ENV: 'test' }), now: () => new Date() });
  return { store, purge: (tags: string) => shared.publish(PURGE_CHANNEL, tags) };
}

/** A load the test finishes when it wants. */
function pendingLoad() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { load: async () => (await done, { body: '{"items":[]}', contentType: 'application/json' }), finish };
}

describe('response cache store', () => {
  it('keeps a load overtaken by a purge of another tag as fresh', async () => {
    const { store, purge } = cache();
    const { load, finish } = pendingLoad();
    const answer = store.lookup('board', ['feature-requests'], 60_000, load);
    purge('ai-analysis');
    finish();
    expect((await answer).state).toBe('miss');
    expect(store.peek('board')).not.toBeNull();
  });

  it('keeps a load overtaken by a purge of its own tag only as a stale fallback', async () => {
    const { store, purge } = cache();
    const { load, finish } = pendingLoad();
    const answer = store.lookup('board', ['feature-requests'], 60_000, load);
    purge('feature-requests,roadmap');
    finish();
    expect((await answer).state).toBe('miss'); // the caller who asked before the change gets it
    expect(store.peek('board')).toBeNull();
  });

  it('shares one load among concurrent misses, and starts a new one after a purge of its tag', async () => {
    const { store, purge } = cache();
    let loads = 0;
    const { load, finish } = pendingLoad();
    const counted = () => ((loads += 1), load());
    const first = [store.lookup('k', ['roadmap'], 60_000, counted), store.lookup('k', ['roadmap'], 60_000, counted)];
    purge('roadmap');
    const after = store.lookup('k', ['roadmap'], 60_000, counted);
    finish();
    await Promise.all([...first, after]);
    expect(loads).toBe(2);
  });
});
