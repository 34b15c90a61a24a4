// Prometheus metrics with the brief's names, types, labels and buckets. Request and query metrics
// are measured as they happen; business metrics are computed from the database when Prometheus
// scrapes (at most every METRICS_REFRESH_MS), so every replica reports the same truth.
import { sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { rows } from '../db/client.js';
import { weddingSeasonMultiplier } from '../domain/scaling-signal.js';
import { seasonStatus } from '../domain/seasons.js';
import { weddingSize } from '../domain/wedding-context.js';
import { deadLetterCounts, QUEUES, queueDepths } from '../queue/queue.js';
import { auditChainHeadSequences } from '../services/audit.js';
import { backupFigures } from '../services/backups/catalogue.js';
import { duplicateDetectionAccuracy } from '../services/duplicate-detection.js';
import { predictionAccuracyByGroup } from '../services/rice.js';
import { registerThreatMetrics } from './threat-metrics.js';
import { probePassing, probeRunFeed } from '../services/probes.js';
import { RequestWindow } from './request-window.js';
import type { Services } from '../services/context.js';

const METRICS_REFRESH_MS = 10_000;

export interface QueryLabels {
  query_type: string;
  table: string;
  complexity: string;
}

/** Reads a statement's kind, main table and shape from its text; remembered per distinct text. */
const classified = new LRUCache<string, QueryLabels>({ max: 2_000 });

export function classifyQuery(text: string): QueryLabels {
  const known = classified.get(text);
  if (known) return known;
  const lower = text.trim().toLowerCase();
  const first = lower.split(/\s+/, 1)[0] ?? '';
  const cte = first === 'with';
  // The statement after a CTE's definitions is what the query does overall.
  const main = cte ? (/\)\s*(select|insert|update|delete)\b/.exec(lower)?.[1] ?? 'select') : first;
  const table =
    (main === 'insert' && /\binto\s+"?([a-z_]+)"?/.exec(lower)?.[1]) ||
    (main === 'update' && /\bupdate\s+"?([a-z_]+)"?/.exec(lower)?.[1]) ||
    /\bfrom\s+"?([a-z_.]+)"?/.exec(lower)?.[1] ||
    'none';
  const labels: QueryLabels = {
    query_type: ['select', 'insert', 'update', 'delete'].includes(main) ? main : 'other',
    table: table.replace(/^"|"$/g, ''),
    complexity: cte ? 'cte' : /\bjoin\b/.test(lower) ? 'join' : /\bgroup by\b|\bover\s*\(/.test(lower) ? 'aggregate' : 'simple',
  };
  classified.set(text, labels);
  return labels;
}

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(services: Pick<Services, 'db' | 'config' | 'now' | 'state' | 'threatMetrics'>, readiness: () => Promise<boolean>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerThreatMetrics(registry, services.threatMetrics);
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const responseTime = new Histogram({
    name: 'api_response_time_by_endpoint',
    help: 'API response times by endpoint and region (milliseconds)',
    labelNames: ['endpoint', 'method', 'region', 'user_tier'],
    buckets: [50, 100, 200, 500, 1000, 2000, 5000],
    registers,
  });
  const queryTime = new Histogram({
    name: 'database_query_performance',
    help: 'Database query performance for feature request operations (milliseconds)',
    labelNames: ['query_type', 'table', 'complexity'],
    buckets: [10, 25, 50, 100, 250, 500, 1000],
    registers,
  });
  const seasonVolume = new Gauge({
    name: 'wedding_season_request_volume',
    help: 'Feature requests submitted in the last 24 hours, by the season of their region',
    labelNames: ['season', 'user_type', 'category'],
    registers,
  });
  const supplierEngagement = new Histogram({
    name: 'supplier_engagement_score',
    help: 'Wedding supplier engagement with feature requests (0–1: requests, votes and comments in 30 days)',
    labelNames: ['supplier_type', 'region', 'business_size'],
    buckets: [0.1, 0.25, 0.5, 0.75, 0.9, 1.0],
    registers,
  });
  const resolutionTime = new Histogram({
    name: 'couple_pain_point_resolution_time',
    help: 'Time to resolve couple pain points through features (days from submission to shipped)',
    labelNames: ['pain_point_category', 'wedding_size', 'urgency'],
    buckets: [1, 7, 14, 30, 60, 90],
    registers,
  });
  // Live, from the product team's merges and dismissals (src/services/duplicate-detection.ts);
  // absent until enough decisions exist.
  const duplicateAccuracy = new Gauge({
    name: 'ai_duplicate_detection_accuracy',
    help: 'Accuracy of AI duplicate detection system',
    labelNames: ['model_version', 'metric'],
    registers,
  });
  const riceAccuracy = new Gauge({
    name: 'rice_score_prediction_accuracy',
    help: 'Accuracy of RICE score predictions vs actual outcomes (0–1, mean over shipped requests with a recorded outcome)',
    labelNames: ['category', 'user_segment'],
    registers,
  });
  // The AI insights' freshness (src/services/pain-point-themes.ts); absent until a first snapshot exists.
  const insightAge = new Gauge({
    name: 'ai_insight_snapshot_age_seconds',
    help: 'Age of the latest AI insight snapshot (seconds), by kind',
    labelNames: ['kind'],
    registers,
  });
  const queueDepth = new Gauge({
    name: 'ai_processing_queue_depth',
    help: 'Depth of AI processing queue (pending jobs per queue)',
    labelNames: ['queue_type', 'priority'],
    registers,
  });
  const deadLettered = new Counter({
    name: 'jobs_dead_lettered_total',
    help: 'Jobs that exhausted their retries, per queue',
    labelNames: ['queue'],
    registers,
  });
  const cacheHitRate = new Gauge({
    name: 'cache_hit_rate',
    help: 'Cache hit rates by type and region (0–1, since start)',
    labelNames: ['cache_type', 'region', 'wedding_season'],
    registers,
  });
  const requestsTotal = new Gauge({
    name: 'feature_requests_total',
    help: 'Feature requests on the board (merged ones excluded), by category and user type',
    labelNames: ['category', 'user_type'],
    registers,
  });
  const multiplier = new Gauge({
    name: 'wedding_season_multiplier',
    help: "Autoscaling signal (HPA target 1.5): the larger of the season calendar multiplier (peak season x Saturday critical hours) and this process's request rate over the last minute / SCALING_BASELINE_RPS",
    registers,
  });
  // The multiplier mixes season and Saturday hours; the SLO rules need the season alone.
  const peakSeason = new Gauge({
    name: 'wedding_peak_season',
    help: '1 while SEASON_REGION is in peak wedding season (stricter availability objective), else 0',
    registers,
  });
  const ready = new Gauge({ name: 'wedsync_ready', help: '1 when /ready passes (database reachable, migrated and taking writes)', registers });
  // Synthetic probes (src/services/probes.ts), read from probe_runs: the same in every process.
  const probeSuccess = new Gauge({
    name: 'synthetic_probe_success',
    help: 'Result of the latest run of each synthetic probe (1 pass, 0 fail or older than two probe intervals)',
    labelNames: ['probe'],
    registers,
  });
  const probeDuration = new Histogram({
    name: 'synthetic_probe_duration_seconds',
    help: 'Duration of synthetic probe runs (seconds), each recorded run counted once since this process started',
    labelNames: ['probe'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  // Backups (src/services/backups), read from backup_runs: the same in every process. Absent until
  // a first backup; BackupTooOld treats a missing timestamp as "no backup since 1970".
  const backupLastSuccess = new Gauge({
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the newest successful backup finished (seconds since the epoch)',
    registers,
  });
  const backupLastVerify = new Gauge({
    name: 'backup_last_verify_success',
    help: 'Result of the newest backup verification (1 the restore matched its manifest, 0 it did not)',
    registers,
  });
  const backupLastSize = new Gauge({ name: 'backup_last_size_bytes', help: 'Size of the newest successful backup set as stored (sealed bytes)', registers });
  const backupDuration = new Gauge({ name: 'backup_duration_seconds', help: 'How long the newest successful backup took (seconds)', registers });
  // The outside witness of the audit trail: Prometheus keeps each lane's head history, so a chain
  // that got shorter (its tail deleted and its head moved back) shows as a drop (AuditChainShortened).
  const auditHead = new Gauge({
    name: 'wedsync_audit_chain_head_sequence',
    help: 'Sequence number of the newest event in each audit chain lane (retention class); never goes down',
    labelNames: ['chain', 'lane'],
    registers,
  });
  const readProbeRuns = probeRunFeed(services.now());

  // Each request's series, bound once: resolving label values on every request was a measurable
  // share of a cached board hit. Few keys (route patterns × statuses × regions × roles).
  const requestSeries = new Map<string, { count: Counter.Internal; time: Histogram.Internal<string> }>();

  // Hit counters of the response caches built with the app (src/services/response-cache.ts), by cache_type.
  const trackedCaches = new Map<string, () => Readonly<{ hits: number; lookups: number }>>();
  const recent = new RequestWindow();
  let refreshedAt = 0;
  let refreshing: Promise<void> | null = null;

  async function refreshBusinessMetrics() {
    const now = services.now();
    const season = seasonStatus(now, services.config.seasonRegion);
    const lastMinute = recent.summary(now.getTime(), 60);
    multiplier.set(weddingSeasonMultiplier(season, lastMinute.requests / lastMinute.windowSeconds, services.config.scalingBaselineRps));
    peakSeason.set(season.season === 'peak' ? 1 : 0);
    const credentials = services.state.credentials.stats();
    cacheHitRate.set(
      { cache_type: 'credentials', region: services.config.seasonRegion, wedding_season: season.season },
      credentials.lookups === 0 ? 0 : credentials.hits / credentials.lookups,
    );
    for (const [cacheType, stats] of trackedCaches) {
      const { hits, lookups } = stats();
      cacheHitRate.set({ cache_type: cacheType, region: services.config.seasonRegion, wedding_season: season.season }, lookups === 0 ? 0 : hits / lookups);
    }
    const isReady = await readiness().catch(() => false);
    ready.set(isReady ? 1 : 0);
    if (!isReady) return;

    const db = services.db;
    const [depths, dead, board, recentVolume, suppliers, shipped, probes, riceOutcomes, insights, backups, auditHeads] = await Promise.all([
      queueDepths(db),
      deadLetterCounts(db),
      db.execute(sql`select category, user_type, count(*)::int as n from feature_requests where status <> 'merged' and not synthetic group by 1, 2`),
      db.execute(sql`select user_type, category, coalesce(region, '') as region, count(*)::int as n
        from feature_requests where created_at > now() - interval '24 hours' and not synthetic group by 1, 2, 3`),
      db.execute(sql`select u.supplier_type, u.region, u.business_size,
          least(1, ((select count(*) from votes v where v.user_id = u.id and v.counted and v.created_at > now() - interval '30 days')
                  + (select count(*) from comments c where c.author_id = u.id and c.created_at > now() - interval '30 days')
                  + (select count(*) from feature_requests f where f.author_id = u.id and f.created_at > now() - interval '30 days'))::float8 / 10) as score
        from users u where u.role = 'wedding_supplier' and u.verified and not u.synthetic`),
      db.execute(sql`select f.category, f.urgency, f.guest_count as guests,
          extract(epoch from (h.created_at - f.created_at))::float8 / 86400 as days
        from feature_requests f join status_history h on h.request_id = f.id and h.to_status = 'shipped'
        where f.user_type = 'couple'`),
      readProbeRuns(db),
      predictionAccuracyByGroup(db),
      db.execute(sql`select kind, extract(epoch from max(generated_at))::float8 as at from ai_insight_snapshots group by kind`),
      backupFigures(db),
      auditChainHeadSequences(db),
    ]);
    const accuracy = await duplicateDetectionAccuracy(db);

    duplicateAccuracy.reset();
    for (const { model, figures } of accuracy)
      for (const [metric, value] of Object.entries(figures)) duplicateAccuracy.set({ model_version: model, metric }, value);

    riceAccuracy.reset();
    for (const g of riceOutcomes) riceAccuracy.set({ category: g.category, user_segment: g.userSegment }, g.accuracy);

    insightAge.reset();
    for (const r of rows<{ kind: string; at: number }>(insights)) insightAge.set({ kind: r.kind }, Math.max(0, now.getTime() / 1000 - r.at));

    for (const [gauge, value] of [
      [backupLastSuccess, backups.lastSuccessSeconds],
      [backupLastSize, backups.lastSizeBytes],
      [backupDuration, backups.lastDurationSeconds],
      [backupLastVerify, backups.lastVerifyOk === null ? null : Number(backups.lastVerifyOk)],
    ] as const) {
      if (value === null) gauge.reset();
      else gauge.set(value);
    }

    auditHead.reset();
    for (const h of auditHeads) auditHead.set({ chain: h.chain, lane: String(h.lane) }, h.sequence);

    probeSuccess.reset();
    for (const p of probes.latest) probeSuccess.set({ probe: p.probe }, probePassing(p, now) ? 1 : 0);
    for (const r of probes.fresh) probeDuration.observe({ probe: r.probe }, r.durationMs / 1000);

    // Every queue is reported, idle ones as 0, so alerts see a series rather than nothing.
    queueDepth.reset();
    for (const queue of QUEUES) queueDepth.set({ queue_type: queue, priority: 'normal' }, 0);
    for (const d of depths) queueDepth.set({ queue_type: d.queue, priority: d.priority }, d.depth);
    // Counted in the database (every worker process adds to it), so the value is read, not added.
    deadLettered.reset();
    for (const queue of QUEUES) deadLettered.inc({ queue }, dead.find((d) => d.queue === queue)?.total ?? 0);

    requestsTotal.reset();
    for (const r of rows<{ category: string; user_type: string; n: number }>(board)) requestsTotal.set({ category: r.category, user_type: r.user_type }, r.n);

    seasonVolume.reset();
    for (const r of rows<{ user_type: string; category: string; region: string; n: number }>(recentVolume)) {
      const labels = { season: seasonStatus(now, r.region || services.config.seasonRegion).season, user_type: r.user_type, category: r.category };
      seasonVolume.inc(labels, r.n);
    }

    // Distributions of the current population: rebuilt from the database on each refresh.
    supplierEngagement.reset();
    for (const r of rows<{ supplier_type: string | null; region: string; business_size: string | null; score: number }>(suppliers)) {
      supplierEngagement.observe({ supplier_type: r.supplier_type ?? 'other', region: r.region, business_size: r.business_size ?? 'unknown' }, r.score);
    }
    resolutionTime.reset();
    for (const r of rows<{ category: string; urgency: string; guests: number | null; days: number }>(shipped)) {
      resolutionTime.observe({ pain_point_category: r.category, wedding_size: weddingSize(r.guests), urgency: r.urgency }, r.days);
    }
  }

  return {
    registry,
    observeRequest(labels: { method: string; route: string; status: number; region: string; userTier: string }, ms: number) {
      const key = `${labels.method} ${labels.route} ${labels.status} ${labels.region} ${labels.userTier}`;
      let series = requestSeries.get(key);
      if (!series) {
        series = {
          count: httpRequests.labels({ method: labels.method, route: labels.route, status: String(labels.status) }),
          time: responseTime.labels({ endpoint: labels.route, method: labels.method, region: labels.region, user_tier: labels.userTier }),
        };
        requestSeries.set(key, series);
      }
      series.count.inc();
      series.time.observe(ms);
      recent.record(services.now().getTime(), labels.status, ms);
    },
    /** Reports a cache's hits over lookups as cache_hit_rate{cache_type}. */
    trackCache(cacheType: string, stats: () => Readonly<{ hits: number; lookups: number }>) {
      trackedCaches.set(cacheType, stats);
    },
    /** This process's last minutes of traffic, for the health page. */
    recentTraffic(seconds?: number) {
      return recent.summary(services.now().getTime(), seconds);
    },
    observeQuery(text: string, ms: number) {
      queryTime.observe({ ...classifyQuery(text) }, ms);
    },
    /** The exposition text, with business metrics at most METRICS_REFRESH_MS old. */
    async scrape(): Promise<string> {
      // abs: a clock stepped backwards (NTP) must not freeze the values.
      if (Math.abs(services.now().getTime() - refreshedAt) > METRICS_REFRESH_MS) {
        refreshing ??= refreshBusinessMetrics().finally(() => {
          refreshedAt = services.now().getTime();
          refreshing = null;
        });
        await refreshing;
      }
      return registry.metrics();
    },
  };
}
