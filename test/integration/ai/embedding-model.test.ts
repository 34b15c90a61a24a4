// The sentence encoder's thread: started by the first embedding, stopped by close(), started again by
// the next embedding. A thread left running holds the model (~120 MB) until the process ends.
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createUniversalSentenceEncoder } from '../../../src/ai/embedding-model.js';

const threads = () => readdirSync('/proc/self/task').length;

it.runIf(process.platform === 'linux')(
  'close() stops the encoder thread, and the next embedding starts one again',
  async () => {
    const model = createUniversalSentenceEncoder({ enabled: true });
    const before = threads();
    const [first] = (await model.embed(['a seating plan for the wedding breakfast']))!;
    expect(threads()).toBeGreaterThan(before);
    await model.close();
    expect(threads()).toBe(before);
    const [again] = (await model.embed(['a seating plan for the wedding breakfast', 'live music at the ceremony']))!;
    expect(Array.from(again!)).toEqual(Array.from(first!));
    await model.close();
    expect(threads()).toBe(before);
  },
  60_000,
);
