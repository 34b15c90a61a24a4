// `npm run bench:duplicates`: how fast duplicate detection answers against a large corpus.
// Loads N requests (default 100 000) into a fresh database — texts recombined from the labelled dev
// set, embeddings derived from the real model's vectors for those texts, and the real term index —
// then times the product's detectDuplicates() for a set of drafts, each as a person types it: the
// first look (every candidate read in full), the same text again (candidate search + ranking over
// cached candidate content) and the text grown by a word (the sentence encoder included). Prints
// p50/p95/p99 of each, throughput and error rate.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createUniversalSentenceEncoder } from '../src/ai/embedding-model.js';
import { parseLabelledRequests } from '../src/ai/evaluation.js';
import { comparableText, normalise, wordTerms } from '../src/ai/text-features.js';
import { loadConfig } from '../src/config.js';
import { rows } from '../src/db/client.js';
import { seedDemo } from '../src/demo/seed.js';
import { sealRequestContent } from '../src/security/records.js';
import type { Services } from '../src/services/context.js';
import { openKeyring, serviceContext } from '../src/services/service-context.js';
import { detectDuplicates, termDigest } from '../src/services/duplicate-detection.js';
import { openBenchDatabase } from './database.js';
import { processSharedState } from '../src/db/shared-state.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'embedded' },
    requests: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    data: { type: 'string', default: '../shared/data/duplicates-dev.jsonl' },
  },
});
const corpusSize = Number(values.requests);
const queryCount = Number(values.queries);
if (!['embedded', 'server'].includes(values.mode) || !(corpusSize > 0) || !(queryCount > 0)) {
  console.error('usage: npm run bench:duplicates -- [--mode embedded|server] [--requests N] [--queries N] [--data FILE]');
  process.exit(64);
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const dev = parseLabelledRequests(readFileSync(values.data, 'utf8'));
const encoder = createUniversalSentenceEncoder({ enabled: true, cacheSize: 10_000 });
let started = performance.now();
const devVectors = (await encoder.embed(dev.map((r) => comparableText(r))))!;
console.log(`embedded ${dev.length} dev texts in ${seconds(started)} s`);

const { handle, drop } = await openBenchDatabase(values.mode as 'embedded' | 'server');
try {
  await handle.migrate();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')) });
  const keyring = await openKeyring(handle.db, randomBytes(32), config.memberKeyDir);
  const now = () => new Date();
  const shared = processSharedState();
  const s: Services = serviceContext({ db: handle.db, config, now, keyring, shared });
  await seedDemo(s);
  await handle.db.execute(sql`delete from feature_requests`);
  const authorId = rows<{ id: string }>(await handle.db.execute(sql`select id from users where role = 'couple' limit 1`))[0]!.id;

  // Each stored request mixes two dev requests' wording and meaning, plus noise, so candidate lists
  // and posting lists look like a real board's rather than 300 texts repeated.
  const pick = () => Math.floor(Math.random() * dev.length);
  // PGlite ships pgvector (migrations/0008 then adds the HNSW-indexed column); Debian's PostgreSQL does not.
  const hasVector = handle.kind === 'embedded';
  // Inserting into an HNSW graph row by row costs ~20 ms in WASM; a bulk load builds it once at the end.
  if (hasVector) await handle.db.execute(sql`drop index request_embeddings_vector_idx`);
  started = performance.now();
  const BATCH = 500;
  for (let offset = 0; offset < corpusSize; offset += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, corpusSize - offset) }, async (_, k) => {
        const a = pick();
        const b = pick();
        const id = randomUUID();
        const title = `${dev[a]!.title} ${dev[b]!.title.split(' ').slice(0, 2).join(' ')}`.slice(0, 200);
        const description = `${dev[a]!.description} ${dev[b]!.description.split('. ')[0] ?? ''} (#${offset + k})`;
        const vector = normalise(devVectors[a]!.map((x, i) => x + 0.35 * devVectors[b]![i]! + (Math.random() - 0.5) * 0.02));
        const sealed = await sealRequestContent(keyring, handle.db, id, { title, description, painPoints: [] });
        return { id, title, sealed, vector, terms: [...new Set(wordTerms(comparableText({ title, description })))].map((t) => termDigest(keyring, t)) };
      }),
    );
    const column = (values: readonly string[]) => `{${values.map((v) => JSON.stringify(v)).join(',')}}`;
    await handle.db.execute(sql`
      insert into feature_requests (id, author_id, title, description, pain_points, key_version, search_tokens, category, urgency, user_type)
      select id, ${authorId}::uuid, t, d, p, ${batch[0]!.sealed.keyVersion}::int, '{}'::text[], 'rsvp', 'medium', 'couple'
      from unnest(${column(batch.map((r) => r.id))}::uuid[], ${column(batch.map((r) => r.title))}::text[],
        ${column(batch.map((r) => r.sealed.description))}::text[], ${column(batch.map((r) => r.sealed.painPoints))}::text[]) as x(id, t, d, p)`);
    const idRows = batch.map((r) => ({ id: r.id }));
    const terms = batch.flatMap((r) => r.terms.map((t) => `('${t}','${r.id}')`));
    await handle.db.execute(sql.raw(`insert into request_terms (term, request_id) values ${terms.join(',')} on conflict do nothing`));
    const hexes = batch.map((r) => Buffer.from(r.vector.buffer).toString('hex'));
    await handle.db.execute(sql`
      insert into request_embeddings (request_id, model, content_hash, embedding, neighbourhood, indexed_at)
      select id, 'bench', 'bench', decode(h, 'hex'), '{"semantic":0.61,"words":0.19,"characters":0.23}'::jsonb, now()
      from unnest(${`{${idRows.map((r) => r.id).join(',')}}`}::uuid[], ${`{${hexes.join(',')}}`}::text[]) as x(id, h)`);
    if (hasVector)
      await handle.db.execute(sql`
        update request_embeddings e set embedding_vector = v::vector
        from unnest(${`{${idRows.map((r) => r.id).join(',')}}`}::uuid[], ${`{${batch.map((r) => `"[${Array.from(r.vector).join(',')}]"`).join(',')}}`}::text[]) as x(id, v)
        where e.request_id = x.id`);
    if ((offset / BATCH) % 20 === 0) process.stdout.write(`\rloaded ${offset + batch.length} requests (${seconds(started)} s)`);
  }
  console.log(`\rloaded ${corpusSize} requests in ${seconds(started)} s`);
  if (hasVector) {
    started = performance.now();
    await handle.db.execute(sql`set maintenance_work_mem = '1GB'`);
    await handle.db.execute(sql`create index request_embeddings_vector_idx on request_embeddings using hnsw (embedding_vector vector_cosine_ops)`);
    console.log(`built the HNSW index in ${seconds(started)} s`);
  }
  // What autovacuum does on a live board: fresh statistics, and a visibility map so the term index
  // is read without visiting the table.
  await handle.db.execute(sql`vacuum analyze`);

  const queries = Array.from({ length: queryCount }, (_, i) => {
    const r = dev[i % dev.length]!;
    return { title: r.title.toLowerCase(), description: r.description.split('. ')[0] ?? '', limit: 5 };
  });
  const model = s.embeddingModel;
  await model.embed(queries.map((q) => comparableText(q)));
  // Each draft as a person types it: the first look (its candidates read in full for the first time),
  // the same text again (what a further keystroke costs when the text is unchanged: candidate search
  // and re-ranking over cached candidate content) and the text grown by a word (the encoder included).
  const series = [
    'first look (draft embedding cached, candidates read in full)',
    'same draft again (candidates cached)',
    'draft grown by a word (sentence encoder included)',
  ];
  const latencies = series.map((): number[] => []);
  const errors = series.map(() => 0);
  let firstError: string | undefined;
  started = performance.now();
  for (const q of queries) {
    for (const [k, draft] of [q, q, { ...q, description: `${q.description} ${randomBytes(3).toString('hex')}` }].entries()) {
      const t0 = performance.now();
      try {
        const report = await detectDuplicates(s, draft);
        if (!report.available) {
          firstError ??= 'answered without the model';
          errors[k]!++;
        }
      } catch (error) {
        firstError ??= String(error);
        errors[k]!++;
      }
      latencies[k]!.push(performance.now() - t0);
    }
  }
  const total = (performance.now() - started) / 1000;
  for (const [k, name] of series.entries()) {
    const sorted = latencies[k]!.sort((x, y) => x - y);
    console.log(
      `${values.mode} ${corpusSize} requests, ${name}: p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms  ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms  error rate ${(errors[k]! / queries.length).toFixed(3)}`,
    );
  }
  console.log(`${((queries.length * series.length) / total).toFixed(1)} queries/s over all three`);
  if (firstError) console.log(`first error: ${firstError}`);
} finally {
  await handle.close();
  await drop();
}
