// `npm run bench:themes`: how long the pain-point themes job takes on a large board, and how long it
// holds up the event loop of a process that also serves HTTP. Loads N requests (default 5 000) into
// a fresh database — each a demo catalogue request's title with a word from another, and that
// request's real embedding (from the installed model) blended with another's and noise, so the
// board has the demo's topics at a larger scale — plus weighted votes from the demo accounts, then
// runs the product's generatePainPointThemes() several times.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createUniversalSentenceEncoder, EMBEDDING_MODEL_VERSION } from '../src/ai/embedding-model.js';
import { comparableText, normalise } from '../src/ai/text-features.js';
import { loadConfig } from '../src/config.js';
import { arrayLiteral, rows } from '../src/db/client.js';
import { demoRequests } from '../src/demo/demo-catalog.js';
import { seedDemo } from '../src/demo/seed.js';
import type { Services } from '../src/services/context.js';
import { openKeyring, serviceContext } from '../src/services/service-context.js';
import { generatePainPointThemes } from '../src/services/pain-point-themes.js';
import { openBenchDatabase } from './database.js';
import { processSharedState } from '../src/db/shared-state.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'embedded' },
    requests: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
  },
});
const boardSize = Number(values.requests);
const runs = Number(values.runs);
if (!['embedded', 'server'].includes(values.mode) || !(boardSize > 0) || !(runs > 0)) {
  console.error('usage: npm run bench:themes -- [--mode embedded|server] [--requests N] [--runs N]');
  process.exit(64);
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** Standard normal samples (Box–Muller). */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());

let started = performance.now();
const encoder = createUniversalSentenceEncoder({ enabled: true });
const demoVectors = await encoder.embed(demoRequests.map((r) => comparableText(r)));
if (!demoVectors) throw new Error('the sentence encoder did not load');
console.log(`embedded the ${demoRequests.length} demo requests in ${seconds(started)} s`);

const { handle, drop } = await openBenchDatabase(values.mode as 'embedded' | 'server');
try {
  await handle.migrate();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')) });
  const now = () => new Date();
  const shared = processSharedState();
  const s: Services = serviceContext({ db: handle.db, config, now, keyring: await openKeyring(handle.db, randomBytes(32), config.memberKeyDir), shared });
  await seedDemo(s);
  await handle.db.execute(sql`delete from feature_requests`);
  const voters = rows<{ id: string; role: string }>(await handle.db.execute(sql`select id, role from users where role in ('couple', 'wedding_supplier')`));

  started = performance.now();
  const pick = () => Math.floor(Math.random() * demoRequests.length);
  const BATCH = 500;
  for (let offset = 0; offset < boardSize; offset += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, boardSize - offset) }, () => {
      const [a, b] = [pick(), pick()];
      const base = demoRequests[a]!;
      const extra = demoRequests[b]!.title.split(' ').at(-1)!;
      // ~0.85 cosine to the demo request it varies: the same need in other words.
      const vector = normalise(demoVectors[a]!.map((x, i) => x + 0.25 * demoVectors[b]![i]! + 0.02 * gaussian()));
      return {
        id: randomUUID(),
        title: `${base.title} ${extra}`.slice(0, 200),
        category: base.category,
        urgency: base.urgency,
        userType: base.authorType,
        daysAgo: Math.floor(Math.random() * 120),
        hex: Buffer.from(Float32Array.from(vector).buffer).toString('hex'),
      };
    });
    const text = (xs: readonly string[]) => `{${xs.map((x) => JSON.stringify(x)).join(',')}}`;
    await handle.db.execute(sql`
      insert into feature_requests (id, title, description, pain_points, category, urgency, user_type, created_at)
      select id, t, 'bench', '[]', c, u, r, now() - make_interval(days => d)
      from unnest(${arrayLiteral(batch.map((r) => r.id))}::uuid[], ${text(batch.map((r) => r.title))}::text[], ${arrayLiteral(batch.map((r) => r.category))}::text[],
        ${arrayLiteral(batch.map((r) => r.urgency))}::text[], ${arrayLiteral(batch.map((r) => r.userType))}::text[], ${arrayLiteral(batch.map((r) => r.daysAgo))}::int[]) as x(id, t, c, u, r, d)`);
    await handle.db.execute(sql`
      insert into request_embeddings (request_id, model, content_hash, embedding, neighbourhood, indexed_at)
      select id, ${EMBEDDING_MODEL_VERSION}, 'bench', decode(h, 'hex'), '{"semantic":0.61,"words":0.19,"characters":0.23}'::jsonb, now()
      from unnest(${arrayLiteral(batch.map((r) => r.id))}::uuid[], ${arrayLiteral(batch.map((r) => r.hex))}::text[]) as x(id, h)`);
    // 0–7 voters per request, suppliers weighing 2.
    const votes = batch.flatMap((r) =>
      [...new Set(Array.from({ length: Math.floor(Math.random() * 8) }, () => voters[Math.floor(Math.random() * voters.length)]!))].map((v) => ({
        request: r.id,
        user: v.id,
        weight: v.role === 'wedding_supplier' ? 2 : 1,
      })),
    );
    if (votes.length > 0)
      await handle.db.execute(sql`
        insert into votes (request_id, user_id, weight, cast_weight)
        select r, u, w, w from unnest(${arrayLiteral(votes.map((v) => v.request))}::uuid[], ${arrayLiteral(votes.map((v) => v.user))}::uuid[], ${arrayLiteral(votes.map((v) => v.weight))}::float8[]) as x(r, u, w)`);
  }
  await handle.db.execute(sql`
    update feature_requests f set vote_count = v.n, vote_weight = v.w
    from (select request_id, count(*)::int as n, sum(weight) as w from votes group by request_id) v where v.request_id = f.id`);
  await handle.db.execute(sql`vacuum analyze`);
  console.log(`loaded ${boardSize} requests with embeddings and votes in ${seconds(started)} s`);

  for (let run = 1; run <= runs; run++) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = performance.now();
    const result = await generatePainPointThemes(s);
    const total = performance.now() - t0;
    delay.disable();
    const [snapshot] = rows<{ duration_ms: number; requests_themed: number }>(
      await handle.db.execute(sql`select duration_ms, requests_themed from ai_insight_snapshots where id = ${result.snapshotId}::uuid`),
    );
    console.log(
      `${values.mode} ${boardSize} requests, run ${run}: ${Math.round(total)} ms in all (${snapshot!.duration_ms} ms before the write), ` +
        `${result.requests} considered, ${result.themes} themes holding ${snapshot!.requests_themed}; ` +
        `event loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
    );
  }
} finally {
  await handle.close();
  await drop();
}
