// npm run eval:duplicates -- [--data FILE] [--json] [--lexical] [--train]
// Prints the detector's pairwise and retrieval figures on a labelled JSONL set. --train refits the
// combiner on that set (only ever the dev set) and writes src/ai/duplicate-combiner.json.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { contentHash, createUniversalSentenceEncoder } from './embedding-model.js';
import type { SignalName } from './combiner.js';
import { evaluateDetector, type LabelledRequest, pairSignals, parseLabelledRequests, trainCombiner } from './evaluation.js';
import { comparableText } from './text-features.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/duplicates-dev.jsonl' },
    json: { type: 'boolean', default: false },
    lexical: { type: 'boolean', default: false },
    train: { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const say = (line: string) => process.stdout.write(`${line}\n`);
const rows = parseLabelledRequests(readFileSync(path.resolve(values.data), 'utf8'));
log(`${rows.length} requests in ${values.data}`);

// Embedding hundreds of texts takes a while on two cores; keep them between runs, keyed by content.
const cacheFile = path.resolve('tmp/eval-embeddings.json');
const cache: Record<string, number[]> = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, number[]>) : {};
let embeddings: (Float32Array | null)[] = rows.map(() => null);
if (!values.lexical) {
  const texts = rows.map((r) => comparableText(r));
  const missing = [...new Set(texts.filter((t) => !cache[contentHash(t)]))];
  if (missing.length > 0) {
    const started = performance.now();
    const vectors = await createUniversalSentenceEncoder({ enabled: true }).embed(missing);
    if (!vectors) throw new Error('the sentence encoder failed to load; run with --lexical to evaluate without it');
    missing.forEach((t, i) => (cache[contentHash(t)] = Array.from(vectors[i]!)));
    log(`embedded ${missing.length} texts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(cache));
  }
  embeddings = texts.map((t) => Float32Array.from(cache[contentHash(t)]!));
}
const requests: LabelledRequest[] = rows.map((r, i) => ({ ...r, embedding: embeddings[i]! }));

if (values.train) {
  const combinerFile = fileURLToPath(new URL('../../src/ai/duplicate-combiner.json', import.meta.url));
  const withoutEmbeddings = requests.map((r) => ({ ...r, embedding: null }));
  const { neighbourhoods } = pairSignals(requests);
  const typical = (name: SignalName) => neighbourhoods.reduce((sum, n) => sum + n[name]!, 0) / neighbourhoods.length;
  const fitted = {
    typicalNeighbourhood: { semantic: typical('semantic'), words: typical('words'), characters: typical('characters') },
    hybrid: trainCombiner(requests, 'use-lite+lexical-v1', ['semantic', 'words', 'characters']),
    lexical: trainCombiner(withoutEmbeddings, 'lexical-v1', ['words', 'characters']),
  };
  writeFileSync(combinerFile, `${JSON.stringify(fitted, null, 2)}\n`);
  log(`wrote ${combinerFile}; restart to evaluate the new weights`);
  process.exit(0);
}

const started = performance.now();
const figures = evaluateDetector(requests);
log(`scored ${figures.pairs} pairs (${figures.duplicatePairs} duplicates) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const pct = (x: number) => x.toFixed(3);
say(`model ${figures.model}, threshold ${figures.threshold}`);
say(`precision ${pct(figures.precision)}  recall ${pct(figures.recall)}  F1 ${pct(figures.f1)}  ROC-AUC ${pct(figures.roc_auc)}`);
say(`top-1 ${pct(figures.top1)}  top-5 ${pct(figures.top5)}`);
if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
