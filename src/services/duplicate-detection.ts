// Duplicate detection as the product uses it: live suggestions for a draft, and the background check
// after submission that indexes a request and links its likely duplicates for the product team.
// Candidates come from pgvector's nearest neighbours where available plus the lexical term index;
// src/ai ranks them. With the model down, the same flow runs lexically and says so.
import { sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { arrayLiteral, rows, timestamptz, type Database } from '../db/client.js';
import { EMBEDDING_HEX, embeddingBytes, embeddingFromHex } from '../db/embeddings.js';
import {
  candidateTerms,
  combinerFor,
  type ComparableRequest,
  type CorpusStatistics,
  type DuplicateMatch,
  type LexicalFeatures,
  lexicalFeatures,
  type Neighbourhood,
  neighbourhood,
  profile,
  rankDuplicates,
  signals,
} from '../ai/detector.js';
import { contentHash } from '../ai/embedding-model.js';
import { comparableText, inverseDocumentFrequency, wordTerms } from '../ai/text-features.js';
import type { Status } from '../domain/feature-requests.js';
import type { Keyring } from '../security/keyring.js';
import { openRequestDescription } from '../security/records.js';
import { recordAudit } from './audit.js';
import { aiAnalysisPerformed } from './compliance-events.js';
import type { Call, Services } from './context.js';
import { notFound } from './errors.js';
import { purgeResponseCache } from './response-cache.js';

/** How many nearest requests each candidate source contributes. */
const CANDIDATES_PER_SOURCE = 40;
/** Candidates the background check keeps per request besides the likely duplicates. */
const KEPT_CANDIDATES = 5;
/** Candidates scored from the postings before merged ones are dropped: merges are rare, so 4× is plenty. */
const POSTINGS_OVERFETCH = 4;
/** How long a term's document frequency is reused: one request more or less does not move an IDF. */
const FREQUENCY_TTL_MS = 60_000;

/** Terms are stored as keyed digests (a blind index) so the index never holds the encrypted description's words. */
export const termDigest = (keyring: Keyring, term: string) => keyring.blindDigest(term, 'duplicate-term');

export interface DuplicateSuggestion {
  id: string;
  title: string;
  /** The public summary: what a writer would be voting for, since the description is confidential. */
  summary: string | null;
  status: Status;
  votes: number;
  score: number;
  likelyDuplicate: boolean;
  reasons: string[];
}

export interface DuplicateReport {
  matches: DuplicateSuggestion[];
  model: string;
  available: boolean;
}

/** What a suggestion shows of a stored request: always read fresh. */
interface StoredRequest {
  id: string;
  title: string;
  summary: string | null;
  status: Status;
  vote_count: number;
}

/** Whether migrations/0008 found pgvector on the context's database. */
function hasVectorIndex(s: Services): Promise<boolean> {
  return (s.caches.duplicates.vectorIndex ??= s.db
    .execute(
      sql`select exists (select 1 from information_schema.columns where table_name = 'request_embeddings' and column_name = 'embedding_vector') as present`,
    )
    .then((result) => rows<{ present: boolean }>(result)[0]!.present));
}

/** Indexed requests, for IDF: counting 100 000 rows per keystroke is waste when ±1 changes nothing. */
async function indexedRequests(s: Services): Promise<number> {
  const cached = s.caches.duplicates.corpusSize;
  if (cached && Date.now() - cached.at < 10_000) return cached.documents;
  const [row] = rows<{ n: number }>(await s.db.execute(sql`select count(*)::int as n from request_embeddings`));
  s.caches.duplicates.corpusSize = { documents: row!.n, at: Date.now() };
  return row!.n;
}

/** What ranking needs of a stored request that changes only when the request is indexed again. */
interface IndexedContent {
  embedding: Float32Array | null;
  features: LexicalFeatures;
}

/** What duplicate detection derives from a service context's database and keeps (one per context). */
export interface DuplicateDetectionCaches {
  vectorIndex?: Promise<boolean>;
  corpusSize?: { documents: number; at: number };
  /**
   * Candidates recur across keystrokes and drafts, and reading one in full (decrypting its description,
   * 4 kB of embedding) costs more than ranking it; their indexed content is kept here, keyed by the
   * request, the hash of what was indexed and the model, so a re-indexed request is read afresh.
   */
  indexedContent: LRUCache<string, IndexedContent>;
  /** Requests per term (termFrequencies). */
  frequencies: LRUCache<string, number>;
}

export function duplicateDetectionCaches(): DuplicateDetectionCaches {
  return {
    indexedContent: new LRUCache<string, IndexedContent>({
      // Bounded by memory, not count: one candidate's features take ~40 kB (mostly character n-grams),
      // so 256 MB keep the candidates of a few dozen drafts being typed at once.
      maxSize: 256 * 1024 * 1024,
      sizeCalculation: (c) => (c.embedding?.byteLength ?? 0) + 80 * (c.features.terms.size + c.features.characters.size + c.features.surface.size),
    }),
    frequencies: new LRUCache<string, number>({ max: 200_000, ttl: FREQUENCY_TTL_MS }),
  };
}

const vectorLiteral = (v: Float32Array) => `[${Array.from(v).join(',')}]`;

/**
 * How many requests use each of `terms` (missing = none). Ranking needs them for every term of every
 * candidate — a couple of thousand a query — and candidates recur across keystrokes and drafts, so
 * they are cached briefly per database. Unused terms are not cached: the next request may bring one,
 * and it must be findable at once.
 */
async function termFrequencies(s: Services, terms: Iterable<string>): Promise<Map<string, number>> {
  const cache = s.caches.duplicates.frequencies;
  const known = new Map<string, number>();
  const byDigest = new Map<string, string>();
  for (const t of terms) {
    const cached = cache.get(t);
    if (cached !== undefined) known.set(t, cached);
    else byDigest.set(termDigest(s.keyring, t), t);
  }
  if (byDigest.size === 0) return known;
  const result = await s.db.execute(sql`select term, requests from request_term_frequencies where term = any(${arrayLiteral([...byDigest.keys()])}::text[])`);
  const found = new Map(rows<{ term: string; requests: number }>(result).map((r) => [byDigest.get(r.term)!, r.requests]));
  for (const t of byDigest.values()) {
    const requests = found.get(t) ?? 0;
    if (requests > 0) cache.set(t, requests);
    known.set(t, requests);
  }
  return known;
}

async function semanticCandidates(s: Services, embedding: Float32Array, exclude: string | null): Promise<string[]> {
  if (!(await hasVectorIndex(s))) return [];
  const result = await s.db.execute(sql`
    select e.request_id as id from request_embeddings e join feature_requests f on f.id = e.request_id
    where e.embedding_vector is not null and f.merged_into_id is null and not f.synthetic
      and f.id is distinct from ${exclude}::uuid
    order by e.embedding_vector <=> ${vectorLiteral(embedding)}::vector
    limit ${CANDIDATES_PER_SOURCE}::int`);
  return rows<{ id: string }>(result).map((r) => r.id);
}

/**
 * Requests sharing the query's rarest terms, rarest weighing most. The postings are scored before
 * anything else is read: joining every posting to its request costs more than the scoring itself.
 */
async function lexicalCandidates(s: Services, queryTerms: Map<string, number>, documents: number, exclude: string | null): Promise<string[]> {
  const chosen = candidateTerms(queryTerms);
  if (chosen.length === 0) return [];
  const weights = chosen.map(([t, df]) => ({ term: termDigest(s.keyring, t), idf: inverseDocumentFrequency(df, documents) }));
  const result = await s.db.execute(sql`
    with scored as (
      select t.request_id, sum(q.idf) as score
      from request_terms t
      join unnest(${arrayLiteral(weights.map((w) => w.term))}::text[], ${arrayLiteral(weights.map((w) => String(w.idf)))}::float8[]) as q(term, idf) on q.term = t.term
      group by t.request_id
      order by score desc
      limit ${CANDIDATES_PER_SOURCE * POSTINGS_OVERFETCH}::int
    )
    select f.id from scored join feature_requests f on f.id = scored.request_id
    where f.merged_into_id is null and not f.synthetic and f.id is distinct from ${exclude}::uuid
    order by scored.score desc
    limit ${CANDIDATES_PER_SOURCE}::int`);
  return rows<{ id: string }>(result).map((r) => r.id);
}

/** A candidate as ranking and the reply need it: fresh status and votes, cached indexed content. */
interface Candidate {
  stored: StoredRequest;
  neighbourhood: Neighbourhood | null;
  content: IndexedContent;
}

async function loadCandidates(s: Services, ids: readonly string[]): Promise<Candidate[]> {
  if (ids.length === 0) return [];
  const current = rows<StoredRequest & { neighbourhood: Neighbourhood | null; content_key: string | null }>(
    await s.db.execute(sql`
      select f.id, f.title, f.summary, f.status, f.vote_count, e.neighbourhood, e.request_id || ':' || e.content_hash || ':' || e.model as content_key
      from feature_requests f left join request_embeddings e on e.request_id = f.id
      where f.id = any(${arrayLiteral(ids)}::uuid[])`),
  );
  const known = new Map<string, IndexedContent>();
  for (const r of current) {
    const cached = r.content_key === null ? undefined : s.caches.duplicates.indexedContent.get(r.content_key);
    if (cached) known.set(r.id, cached);
  }
  const unread = current.filter((r) => !known.has(r.id));
  if (unread.length > 0) {
    const sealed = rows<{ id: string; description: string; embedding: string | null }>(
      await s.db.execute(sql`
        select f.id, f.description, ${EMBEDDING_HEX}
        from feature_requests f left join request_embeddings e on e.request_id = f.id
        where f.id = any(${arrayLiteral(unread.map((r) => r.id))}::uuid[])`),
    );
    const byId = new Map(sealed.map((r) => [r.id, r]));
    for (const r of unread) {
      const full = byId.get(r.id);
      if (!full) continue;
      const description = await openRequestDescription(s.keyring, full);
      const content = { embedding: full.embedding ? embeddingFromHex(full.embedding) : null, features: lexicalFeatures({ title: r.title, description }) };
      if (r.content_key !== null) s.caches.duplicates.indexedContent.set(r.content_key, content);
      known.set(r.id, content);
    }
  }
  return current.flatMap((r) => {
    const content = known.get(r.id);
    return content ? [{ stored: r, neighbourhood: r.neighbourhood, content }] : [];
  });
}

/** A text to compare, and its embedding as the sentence encoder delivers it (null: model unavailable). */
type Comparable = Omit<ComparableRequest, 'embedding'> & { embedding: Promise<Float32Array | null> };

/**
 * Ranks the stored requests most like `text`. The lexical half needs no embedding, so it runs in this
 * thread while the sentence encoder works in its own (tens of milliseconds each); the semantic
 * candidates follow once the embedding is there.
 */
async function rank(s: Services, text: Comparable, exclude: string | null) {
  const queryFeatures = lexicalFeatures(text);
  const lexicalHalf = (async () => {
    const [documents, queryFrequencies] = await Promise.all([indexedRequests(s), termFrequencies(s, queryFeatures.terms.keys())]);
    const loaded = await loadCandidates(s, await lexicalCandidates(s, queryFrequencies, documents, exclude));
    return { documents, queryFrequencies, loaded };
  })();
  const semanticHalf = text.embedding.then(async (embedding) => ({
    embedding,
    ids: embedding ? await semanticCandidates(s, embedding, exclude) : [],
  }));
  const [{ documents, queryFrequencies, loaded: lexical }, { embedding, ids: semantic }] = await Promise.all([lexicalHalf, semanticHalf]);
  const seen = new Set(lexical.map((c) => c.stored.id));
  const loaded = [
    ...lexical,
    ...(await loadCandidates(
      s,
      semantic.filter((id) => !seen.has(id)),
    )),
  ];
  const query: ComparableRequest = { ...text, embedding };
  // Features stand in for the text: a candidate's description is not needed once they are known.
  const candidates = loaded.map((c) => ({
    request: { id: c.stored.id, title: c.stored.title, description: '', embedding: c.content.embedding },
    neighbourhood: c.neighbourhood,
    features: c.content.features,
  }));
  const unknownTerms = new Set(candidates.flatMap((c) => [...c.features.terms.keys()].filter((t) => !queryFeatures.terms.has(t))));
  const frequencies = new Map([...queryFrequencies, ...(await termFrequencies(s, unknownTerms))]);
  const corpus: CorpusStatistics = { documents, documentFrequency: (t) => frequencies.get(t) ?? 0 };
  const matches = rankDuplicates(query, candidates, corpus);
  return { query, matches, stored: new Map(loaded.map((c) => [c.stored.id, c.stored])), candidates, corpus };
}

function suggestion(match: DuplicateMatch, r: StoredRequest): DuplicateSuggestion {
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    status: r.status,
    votes: r.vote_count,
    score: Number(match.score.toFixed(4)),
    likelyDuplicate: match.likelyDuplicate,
    reasons: match.reasons,
  };
}

const embed = async (s: Services, text: string) => ((await s.embeddingModel.embed([text])) ?? [null])[0] ?? null;

/** Live suggestions while someone types: similar requests that already exist. */
export async function detectDuplicates(s: Services, draft: { title: string; description: string; limit: number }): Promise<DuplicateReport> {
  const { query, matches, stored } = await rank(
    s,
    { id: 'draft', title: draft.title, description: draft.description, embedding: embed(s, comparableText(draft)) },
    null,
  );
  return {
    matches: matches.slice(0, draft.limit).map((m) => suggestion(m, stored.get(m.id)!)),
    model: combinerFor(query.embedding !== null).name,
    available: query.embedding !== null,
  };
}

/** Arbitrary but fixed: the transaction-scoped lock that changes to the term index take. */
const TERM_INDEX_LOCK_KEY = 7_237_000_002;

/**
 * Term changes are serialised. Each request_terms row moves a request_term_frequencies count (a trigger),
 * so two indexing jobs sharing words lock the same counts, each in its own text's order, and deadlocked
 * (seen under the create benchmark). The transactions are a few short statements — the embedding and
 * ranking happen before them — so taking turns costs little.
 */
async function lockTermIndex(tx: Database) {
  await tx.execute(sql`select pg_advisory_xact_lock(${TERM_INDEX_LOCK_KEY})`);
}

export type IndexOutcome = 'indexed' | 'unchanged' | 'no_consent' | 'gone' | 'model_unavailable';

/**
 * The background check after submission or edit: embeds the request, updates the term index, records
 * how crowded its neighbourhood is and links likely duplicates. Idempotent: re-running replaces what a
 * previous run wrote. When the model is down the request is indexed lexically and the job is retried
 * later for the semantic half (the caller sees `model_unavailable`).
 */
export async function indexRequest(s: Services, requestId: string): Promise<IndexOutcome> {
  const [sealed] = rows<{
    id: string;
    title: string;
    description: string;
    embedded: boolean | null;
    consent: boolean | null;
    content_hash: string | null;
    model: string | null;
  }>(
    await s.db.execute(sql`
      select f.id, f.title, f.description, e.embedding is not null as embedded, e.content_hash, e.model,
        (select u.ai_analysis_consent from users u where u.id = f.author_id) as consent
      from feature_requests f left join request_embeddings e on e.request_id = f.id
      where f.id = ${requestId}::uuid and not f.synthetic`),
  );
  if (!sealed) return 'gone';
  const request = { ...sealed, description: await openRequestDescription(s.keyring, sealed) };
  // Without an author (deleted account) there is nobody to ask; the request itself stays public.
  if (request.consent === false) {
    await forget(s.db, requestId);
    purgeResponseCache(s, ['ai-analysis']);
    return 'no_consent';
  }
  const model = s.embeddingModel;
  const text = comparableText(request);
  const hash = contentHash(text);
  if (request.content_hash === hash && request.model === model.version && request.embedded) return 'unchanged';
  const { query, matches, candidates, corpus } = await rank(
    s,
    { id: request.id, title: request.title, description: request.description, embedding: embed(s, text) },
    requestId,
  );
  const { embedding } = query;
  const own = profile(query, corpus);
  const ownNeighbourhood = neighbourhood(candidates.map((c) => signals(own, profile(c.request, corpus, c.features))));
  // The best few are kept whatever their score: live accuracy asks whether a later merge target was among them.
  const kept = matches.filter((m, index) => index < KEPT_CANDIDATES || m.likelyDuplicate);
  const now = s.now();
  const hasVector = await hasVectorIndex(s);
  const modelVersion = combinerFor(Boolean(embedding)).name;
  await s.db.transaction(async (tx) => {
    await lockTermIndex(tx);
    await tx.execute(sql`delete from request_terms where request_id = ${requestId}::uuid`);
    const digests = [...new Set(wordTerms(text))].map((t) => termDigest(s.keyring, t));
    if (digests.length > 0)
      await tx.execute(
        sql`insert into request_terms (term, request_id) select unnest(${arrayLiteral(digests)}::text[]), ${requestId}::uuid on conflict do nothing`,
      );
    await tx.execute(sql`
      insert into request_embeddings (request_id, model, content_hash, embedding, neighbourhood, indexed_at)
      values (${requestId}::uuid, ${model.version}, ${hash}, ${embedding ? embeddingBytes(embedding) : null}::bytea, ${JSON.stringify(ownNeighbourhood)}::jsonb, ${timestamptz(now)})
      on conflict (request_id) do update set model = excluded.model, content_hash = excluded.content_hash,
        embedding = excluded.embedding, neighbourhood = excluded.neighbourhood, indexed_at = excluded.indexed_at`);
    if (hasVector)
      await tx.execute(
        sql`update request_embeddings set embedding_vector = ${embedding ? vectorLiteral(embedding) : null}::vector where request_id = ${requestId}::uuid`,
      );
    // A dismissal outlives re-indexing: the product team already answered for that pair.
    await tx.execute(sql`
      delete from duplicate_candidates where request_id = ${requestId}::uuid and dismissed_at is null
        and candidate_id <> all(${arrayLiteral(kept.map((m) => m.id))}::uuid[])`);
    for (const [index, m] of kept.entries())
      await tx.execute(sql`
        insert into duplicate_candidates (request_id, candidate_id, score, reasons, rank, likely, model, detected_at)
        values (${requestId}::uuid, ${m.id}::uuid, ${m.score}, ${JSON.stringify(m.reasons)}::jsonb, ${index + 1}, ${m.likelyDuplicate},
          ${modelVersion}, ${timestamptz(now)})
        on conflict (request_id, candidate_id) do update set score = excluded.score, reasons = excluded.reasons, rank = excluded.rank,
          likely = excluded.likely, model = excluded.model, detected_at = excluded.detected_at`);
    // The analysis and its record commit together (AI governance: no analysis goes unrecorded).
    await recordAudit(
      s,
      tx,
      { actor: null },
      aiAnalysisPerformed(requestId, { modelVersion, embeddingModel: embedding ? model.version : null, candidates: kept }),
    );
  });
  // Drafts are compared with the index: analyses made before this request was (re)indexed are out of date.
  purgeResponseCache(s, ['ai-analysis']);
  return embedding ? 'indexed' : 'model_unavailable';
}

async function forget(db: Database, requestId: string) {
  await db.transaction(async (tx) => {
    await lockTermIndex(tx);
    await tx.execute(sql`delete from request_terms where request_id = ${requestId}::uuid`);
    await tx.execute(sql`delete from request_embeddings where request_id = ${requestId}::uuid`);
    await tx.execute(sql`delete from duplicate_candidates where request_id = ${requestId}::uuid`);
  });
}

/** The product team's view: likely duplicates found for a request, in either direction. */
export async function likelyDuplicatesOf(s: Services, requestId: string): Promise<DuplicateSuggestion[]> {
  const result = await s.db.execute(sql`
    select f.id, f.title, f.summary, f.status, f.vote_count, d.score, d.reasons
    from duplicate_candidates d
    join feature_requests f on f.id = case when d.request_id = ${requestId}::uuid then d.candidate_id else d.request_id end
    where (d.request_id = ${requestId}::uuid or d.candidate_id = ${requestId}::uuid) and d.likely and d.dismissed_at is null
      and f.merged_into_id is null
    order by d.score desc`);
  const seen = new Set<string>();
  return rows<{ id: string; title: string; summary: string | null; status: Status; vote_count: number; score: number; reasons: string[] }>(result)
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .map((r) => ({
      id: r.id,
      title: r.title,
      summary: r.summary,
      status: r.status,
      votes: r.vote_count,
      score: r.score,
      likelyDuplicate: true,
      reasons: r.reasons,
    }));
}

/** The product team's "not a duplicate": the link leaves triage and counts against precision. */
export async function dismissDuplicate(s: Services, call: Call, requestId: string, candidateId: string): Promise<void> {
  await s.db.transaction(async (tx) => {
    const dismissed = rows<{ request_id: string }>(
      await tx.execute(sql`
        update duplicate_candidates set dismissed_at = ${timestamptz(s.now())}, dismissed_by = ${call.actor.id}::uuid
        where likely and dismissed_at is null and ((request_id = ${requestId}::uuid and candidate_id = ${candidateId}::uuid)
          or (request_id = ${candidateId}::uuid and candidate_id = ${requestId}::uuid))
        returning request_id`),
    );
    if (dismissed.length === 0) throw notFound('Open likely-duplicate link between these requests');
    await recordAudit(s, tx, call, {
      action: 'duplicate_dismissed',
      targetType: 'feature_request',
      targetId: requestId,
      details: { candidate_id: candidateId },
    });
  });
}

export type AccuracyFigure = 'precision' | 'recall' | 'f1' | 'top1' | 'top5';

/** Below this many decisions the figures would swing on one merge: nothing is reported. */
const MINIMUM_DECISIONS = 5;

/**
 * The detector's live accuracy, judged by the product team's decisions over the last 90 days: merges
 * are true duplicates (was the target linked as likely? ranked first? in the top five?), dismissals of
 * likely links are false alarms. Per model version of the link; none while too few decisions exist.
 */
export async function duplicateDetectionAccuracy(db: Database): Promise<{ model: string; figures: Partial<Record<AccuracyFigure, number>> }[]> {
  const result = await db.execute(sql`
    with merges as (
      select m.duplicate_id as id, m.target_id as target from request_merges m
      where m.unmerged_at is null and m.merged_at > now() - interval '90 days'
    ),
    judged as (
      select m.id, d.model, min(d.rank) as rank, bool_or(d.likely) as likely
      from merges m join duplicate_candidates d
        on (d.request_id = m.id and d.candidate_id = m.target) or (d.request_id = m.target and d.candidate_id = m.id)
      group by m.id, d.model
    ),
    models as (select distinct model from duplicate_candidates where detected_at > now() - interval '90 days')
    select md.model,
      (select count(*) from merges)::int as merges,
      (select count(*) from judged j where j.model = md.model and j.likely)::int as caught,
      (select count(*) from judged j where j.model = md.model and j.rank = 1)::int as first,
      (select count(*) from judged j where j.model = md.model and j.rank <= 5)::int as top5,
      (select count(*) from duplicate_candidates d where d.model = md.model and d.likely and d.dismissed_at > now() - interval '90 days')::int as dismissed
    from models md`);
  return rows<{ model: string; merges: number; caught: number; first: number; top5: number; dismissed: number }>(result).map((r) => {
    const figures: Partial<Record<AccuracyFigure, number>> = {};
    if (r.merges >= MINIMUM_DECISIONS) {
      figures.recall = r.caught / r.merges;
      figures.top1 = r.first / r.merges;
      figures.top5 = r.top5 / r.merges;
    }
    if (r.caught + r.dismissed >= MINIMUM_DECISIONS) figures.precision = r.caught / (r.caught + r.dismissed);
    if (figures.precision !== undefined && figures.recall !== undefined)
      figures.f1 = figures.precision + figures.recall === 0 ? 0 : (2 * figures.precision * figures.recall) / (figures.precision + figures.recall);
    return { model: r.model, figures };
  });
}
