// "What are couples and suppliers struggling with?" The generate_pain_point_themes job (ai_analysis
// queue: hourly, and on demand) groups the unresolved requests' stored sentence embeddings into
// themes (src/ai/pain-point-themes.ts), describes each theme from the requests' own columns, and
// stores a snapshot with one ai_analysis_performed audit event. It reads only requests whose author
// allows AI analysis, and of those only the title, the embedding and non-identifying columns: never
// descriptions, pain points, wedding context or who wrote them.
import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { painPointThemes, THEME_SETTINGS, THEMES_ALGORITHM, type Theme } from '../ai/pain-point-themes.js';
import { arrayLiteral, rows, timestamptz, type Database } from '../db/client.js';
import { EMBEDDING_HEX, embeddingFromHex } from '../db/embeddings.js';
import { aiInsightSnapshots, type StoredPainPointTheme } from '../db/schema.js';
import type { Status } from '../domain/feature-requests.js';
import { GENERATE_PAIN_POINT_THEMES, jobSpec } from '../queue/contracts.js';
import { bringForward, enqueue, jobRunningOrDue, type JobSpec } from '../queue/queue.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { purgeResponseCache } from './response-cache.js';

export const THEMES_KIND = 'pain_point_themes';
/** Snapshots kept: a day of hourly runs. */
export const SNAPSHOTS_KEPT = 24;
const EXAMPLES_PER_THEME = 5;
/** Serialises on-demand runs being queued (any fixed number; migrations use 7_237_000_001). */
const QUEUE_LOCK_KEY = 7_237_000_017;

/**
 * Requests AI may analyse: not merged (a merged request lives on in its target), not a probe's, and
 * written by someone who allows AI analysis — `ai_analysis_consent` is false after a withdrawal, a
 * restriction of processing or an erasure — or by an account deleted since.
 */
const analysable = sql`f.merged_into_id is null and not f.synthetic
  and (f.author_id is null or exists (select 1 from users u where u.id = f.author_id and u.ai_analysis_consent))`;
/** Still asked for: shipped and declined requests have their answer. */
const unresolved = sql`f.status in ('open', 'under_review', 'planned', 'in_progress')`;

interface CandidateRow {
  id: string;
  title: string;
  category: string;
  user_type: string;
  urgency: string;
  vote_weight: number;
  recent: boolean;
  previous: boolean;
  /** Hex (see db/embeddings.ts). */
  embedding: string;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ThemesRun {
  /** Null when nothing was written: no request had an embedding yet (the model is down, or still indexing). */
  snapshotId: string | null;
  requests: number;
  themes: number;
  /** Requests AI may analyse that have no embedding from the current model yet. */
  waiting: number;
}

/**
 * One run: themes over the most-voted analysable requests that have an embedding, stored as a
 * snapshot (the oldest beyond SNAPSHOTS_KEPT are deleted) with its audit event, in one transaction.
 * A job's run happens once: a retry finds the snapshot its first attempt committed. Without any
 * embedding nothing is written and the previous snapshot stays the latest.
 */
export async function generatePainPointThemes(s: Services, run: { jobId?: string; requestedBy?: string } = {}): Promise<ThemesRun> {
  if (run.jobId) {
    const [done] = await s.db.select().from(aiInsightSnapshots).where(eq(aiInsightSnapshots.jobId, run.jobId));
    if (done) return { snapshotId: done.id, requests: done.requestsConsidered, themes: done.themes.length, waiting: 0 };
  }
  const started = performance.now();
  const model = s.embeddingModel.version;
  const now = s.now();
  const daysAgo = (days: number) => timestamptz(new Date(now.getTime() - days * 86_400_000));
  const [counted] = rows<{ waiting: number }>(
    await s.db.execute(sql`
      select count(*)::int as waiting from feature_requests f left join request_embeddings e on e.request_id = f.id
      where ${unresolved} and ${analysable} and (e.embedding is null or e.model <> ${model})`),
  );
  const waiting = counted!.waiting;
  const candidates = rows<CandidateRow>(
    await s.db.execute(sql`
      select f.id, f.title, f.category, f.user_type, f.urgency, f.vote_weight, ${EMBEDDING_HEX},
        f.created_at > ${daysAgo(30)} as recent, f.created_at > ${daysAgo(60)} and f.created_at <= ${daysAgo(30)} as previous
      from feature_requests f join request_embeddings e on e.request_id = f.id
      where ${unresolved} and ${analysable} and e.model = ${model} and e.embedding is not null
      order by f.vote_weight desc, f.id
      limit ${THEME_SETTINGS.maxRequests}::int`),
  );
  if (candidates.length === 0) return { snapshotId: null, requests: 0, themes: 0, waiting };

  const found = await painPointThemes(
    candidates.map((c) => ({ title: c.title, embedding: embeddingFromHex(c.embedding) })),
    { pause: yieldToEventLoop },
  );
  const memberRows = found.themes.map((theme) => theme.members.map((i) => candidates[i]!));
  const voters = await distinctVoters(s.db, memberRows);
  const themes = found.themes
    .map((theme, k) => describe(theme, memberRows[k]!, voters[k]!))
    .sort((a, b) => b.voteWeight - a.voteWeight || b.requests - a.requests || (a.label < b.label ? -1 : 1));
  const durationMs = Math.round(performance.now() - started);

  const snapshotId = await s.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(aiInsightSnapshots)
      .values({
        kind: THEMES_KIND,
        jobId: run.jobId ?? null,
        generatedAt: now,
        modelVersion: model,
        algorithm: THEMES_ALGORITHM,
        requestsConsidered: found.considered,
        requestsThemed: found.considered - found.unthemed,
        durationMs,
        themes,
      })
      .onConflictDoNothing({ target: aiInsightSnapshots.jobId })
      .returning({ id: aiInsightSnapshots.id });
    // Another attempt of the same job committed first: that one is the run.
    if (!row) return null;
    await tx.execute(sql`
      delete from ai_insight_snapshots where kind = ${THEMES_KIND} and id not in (
        select id from ai_insight_snapshots where kind = ${THEMES_KIND} order by generated_at desc, id desc limit ${SNAPSHOTS_KEPT}::int)`);
    await recordAudit(
      s,
      tx,
      { actor: null, requestId: run.jobId ? `job:${run.jobId}` : undefined },
      {
        action: 'ai_analysis_performed',
        targetType: 'ai_insight_snapshot',
        targetId: row.id,
        details: {
          analysis: THEMES_KIND,
          model_version: model,
          algorithm: THEMES_ALGORITHM,
          // Which requests, as a digest: thousands of ids per hourly event would swamp a 3-year chain.
          requests: candidates.length,
          requests_sha256: createHash('sha256')
            .update(
              candidates
                .map((c) => c.id)
                .sort()
                .join(','),
            )
            .digest('hex'),
          confidence_scores: themes.map((t) => t.cohesion),
          requested_by: run.requestedBy,
        },
      },
    );
    return row.id;
  });
  // Draft analyses name the themes of the latest snapshot.
  if (snapshotId) purgeResponseCache(s, ['ai-analysis']);
  return { snapshotId, requests: candidates.length, themes: themes.length, waiting };
}

/** How many people voted for any request of each theme. */
async function distinctVoters(db: Database, themes: readonly (readonly CandidateRow[])[]): Promise<number[]> {
  const members = themes.flatMap((theme, k) => theme.map((r) => [r.id, k] as const));
  const counts = new Array<number>(themes.length).fill(0);
  if (members.length === 0) return counts;
  const result = await db.execute(sql`
    select t.theme, count(distinct v.user_id)::int as voters
    from unnest(${arrayLiteral(members.map(([id]) => id))}::uuid[], ${arrayLiteral(members.map(([, k]) => k))}::int[]) as t(id, theme)
    join votes v on v.request_id = t.id
    group by t.theme`);
  for (const r of rows<{ theme: number; voters: number }>(result)) counts[r.theme] = r.voters;
  return counts;
}

function tally(members: readonly CandidateRow[], key: (r: CandidateRow) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of members) counts[key(r)] = (counts[key(r)] ?? 0) + 1;
  return counts;
}

/** A theme as the product team reads it; members come most-voted first. */
function describe(theme: Theme, members: readonly CandidateRow[], voters: number): StoredPainPointTheme {
  return {
    label: theme.label,
    terms: theme.terms,
    requests: members.length,
    voteWeight: Math.round(members.reduce((sum, r) => sum + r.vote_weight, 0) * 100) / 100,
    voters,
    cohesion: Math.round(theme.cohesion * 1000) / 1000,
    categories: tally(members, (r) => r.category),
    userTypes: tally(members, (r) => r.user_type),
    urgency: tally(members, (r) => r.urgency),
    growth: { last30Days: members.filter((r) => r.recent).length, previous30Days: members.filter((r) => r.previous).length },
    exampleIds: members.slice(0, EXAMPLES_PER_THEME).map((r) => r.id),
  };
}

export interface ThemeExample {
  id: string;
  title: string;
  status: Status;
  votes: number;
  voteWeight: number;
}

/**
 * The latest snapshot for the product team, its example requests as they are now (a request merged
 * or withdrawn from AI analysis since is left out), whether a run is queued or under way, and
 * whether the model can run at all here.
 */
export async function latestPainPointThemes(s: Services) {
  const [[snapshot], runQueued] = await Promise.all([
    s.db
      .select()
      .from(aiInsightSnapshots)
      .where(eq(aiInsightSnapshots.kind, THEMES_KIND))
      .orderBy(desc(aiInsightSnapshots.generatedAt), desc(aiInsightSnapshots.id))
      .limit(1),
    jobRunningOrDue(s.db, GENERATE_PAIN_POINT_THEMES.type, s.now()),
  ]);
  const state = { available: s.embeddingModel.available(), runQueued };
  if (!snapshot) return { ...state, snapshot: null };
  const ids = snapshot.themes.flatMap((t) => t.exampleIds);
  const current =
    ids.length === 0
      ? []
      : rows<{ id: string; title: string; status: Status; vote_count: number; vote_weight: number }>(
          await s.db.execute(sql`select f.id, f.title, f.status, f.vote_count, f.vote_weight from feature_requests f
      where f.id = any(${arrayLiteral(ids)}::uuid[]) and ${analysable}`),
        );
  const examples = new Map(
    current.map((r): [string, ThemeExample] => [r.id, { id: r.id, title: r.title, status: r.status, votes: r.vote_count, voteWeight: r.vote_weight }]),
  );
  return {
    ...state,
    snapshot: {
      id: snapshot.id,
      generatedAt: snapshot.generatedAt,
      modelVersion: snapshot.modelVersion,
      algorithm: snapshot.algorithm,
      requestsConsidered: snapshot.requestsConsidered,
      requestsThemed: snapshot.requestsThemed,
      requestCap: THEME_SETTINGS.maxRequests,
      durationMs: snapshot.durationMs,
      themes: snapshot.themes.map(({ exampleIds, ...theme }) => ({ ...theme, examples: exampleIds.flatMap((id) => examples.get(id) ?? []) })),
    },
  };
}

export interface QueueOptions {
  /** The person who asked (a refresh): named in the run's audit event. */
  requestedBy?: string;
  runAt?: Date;
  /** Scheduled and follow-up runs wait behind other AI work (-1); a person's refresh does not (0). */
  priority?: number;
}

export function painPointThemesJob(options: QueueOptions = {}): JobSpec {
  return jobSpec(GENERATE_PAIN_POINT_THEMES, options.requestedBy ? { requestedBy: options.requestedBy } : {}, {
    runAt: options.runAt,
    priority: options.priority ?? 0,
  });
}

/**
 * Queues a run unless one is already waiting; a waiting run is brought forward to `runAt` (default:
 * now) instead. Returns the run that will answer, and whether it is new.
 */
export async function queuePainPointThemes(s: Services, options: QueueOptions = {}): Promise<{ jobId: string; queued: boolean }> {
  const now = s.now();
  const runAt = options.runAt ?? now;
  return s.db.transaction(async (tx) => {
    // Two refreshes at the same moment must not both find nothing waiting.
    await tx.execute(sql`select pg_advisory_xact_lock(${QUEUE_LOCK_KEY}::bigint)`);
    const waiting = await bringForward(tx, GENERATE_PAIN_POINT_THEMES.type, {
      runAt,
      priority: options.priority ?? 0,
      payload: painPointThemesJob(options).payload ?? {},
    });
    if (waiting) return { jobId: waiting, queued: false };
    const jobId = await enqueue(tx, painPointThemesJob({ ...options, runAt }), now);
    return { jobId: jobId!, queued: true };
  });
}
