// Grafana dashboards in deploy/grafana/: every query parses as PromQL and names only metrics the
// platform exposes (or the recording rules in deploy/prometheus/ define), the platform-health
// dashboard keeps the brief's four sections in order, and every dashboard refreshes every 10 s
// against the templated Prometheus datasource.
//
// Two layers, like prometheus-rules.test.ts:
//  - structure and metric names (always runs, needs only Node);
//  - the real PromQL parser: each dashboard's expressions become recording rules in a throwaway
//    rule file that `promtool check rules` must accept. Without promtool this is skipped with a
//    warning — unless REQUIRE_OPS_TOOLS=1 (CI), where a missing promtool is a failure.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT, runTool, toolAvailable, TOOL_TIMEOUT_MS } from '../helpers/ops-tools.js';

const DASHBOARD_DIR = join(ROOT, 'deploy/grafana');
const RULES_DIR = join(ROOT, 'deploy/prometheus');
const DS_VARIABLE = 'DS_PROMETHEUS';
const DS_UID = '${DS_PROMETHEUS}';

const EXPECTED_DASHBOARDS: Record<string, string> = {
  'executive.json': 'Wedding Feature Request Executive Dashboard',
  'operations.json': 'Feature Request Platform Operations',
  'platform-health.json': 'Wedding Feature Request Platform Health',
};
const PLATFORM_HEALTH_ROWS = ['Wedding Season Status', 'System Performance', 'AI Pipeline Health', 'Business Impact'];

/** Histograms the app exposes (only their _bucket, _sum and _count series exist). */
const HISTOGRAMS: Record<string, readonly string[]> = {
  api_response_time_by_endpoint: ['endpoint', 'method', 'region', 'user_tier'],
  database_query_performance: ['query_type', 'table', 'complexity'],
  supplier_engagement_score: ['supplier_type', 'region', 'business_size'],
  couple_pain_point_resolution_time: ['pain_point_category', 'wedding_size', 'urgency'],
  synthetic_probe_duration_seconds: ['probe'],
};

/** Counters and gauges the app exposes, with their own labels. */
const SERIES: Record<string, readonly string[]> = {
  http_requests_total: ['method', 'route', 'status'],
  ai_processing_queue_depth: ['queue_type', 'priority'],
  cache_hit_rate: ['cache_type', 'region', 'wedding_season'],
  wedding_season_request_volume: ['season', 'user_type', 'category'],
  ai_duplicate_detection_accuracy: ['model_version', 'metric'],
  rice_score_prediction_accuracy: ['category', 'user_segment'],
  feature_requests_total: ['category', 'user_type'],
  wedding_season_multiplier: [],
  wedsync_ready: [],
  jobs_dead_lettered_total: ['queue'],
  backup_last_success_timestamp_seconds: [],
  backup_last_verify_success: [],
  wedding_peak_season: [],
  synthetic_probe_success: ['probe'],
  process_cpu_seconds_total: [],
  process_resident_memory_bytes: [],
  nodejs_eventloop_lag_seconds: [],
  nodejs_heap_size_used_bytes: [],
};

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

/** Grafana's built-in variables, replaced by concrete values before promtool sees them. */
const BUILTIN_VARIABLES: Record<string, string> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
  __interval_ms: '60000',
  __range_ms: '3600000',
  __range_s: '3600',
};

// ------------------------------------------------------------------------------------ types

interface DataSourceRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId?: string;
  expr?: string;
  datasource?: DataSourceRef | string | null;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DataSourceRef | string | null;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
  datasource?: DataSourceRef | string | null;
}
interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  refresh: string;
  panels: Panel[];
  templating: { list: Variable[] };
}
interface Query {
  panel: string;
  refId: string;
  expr: string;
  /** expr with every Grafana variable replaced by a concrete value */
  promql: string;
}

// ---------------------------------------------------------------------------------- helpers

const dashboardFiles = readdirSync(DASHBOARD_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const dashboards = dashboardFiles.map((file) => ({
  file,
  dash: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard,
}));

/** Every panel, including those nested in collapsed rows. */
function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Each recording rule's name with the labels it adds itself (`labels:`), beside job. */
const recordingRules = new Map<string, string[]>();
for (const f of readdirSync(RULES_DIR).filter((x) => /\.ya?ml$/.test(x))) {
  const doc = parse(readFileSync(join(RULES_DIR, f), 'utf8')) as { groups?: { rules: { record?: string; labels?: Record<string, string> }[] }[] };
  for (const r of (doc.groups ?? []).flatMap((g) => g.rules)) {
    if (r.record) recordingRules.set(r.record, [...new Set([...(recordingRules.get(r.record) ?? []), ...Object.keys(r.labels ?? {})])]);
  }
}

/** Labels of a series name the dashboards may select on, or undefined for an unknown name. */
function labelsOf(name: string): readonly string[] | undefined {
  const recorded = recordingRules.get(name);
  if (recorded) return ['job', ...recorded];
  const series = SERIES[name];
  if (series) return [...series, ...TARGET_LABELS];
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const histogram = m?.[1] !== undefined ? HISTOGRAMS[m[1]] : undefined;
  if (m && histogram) return [...histogram, ...TARGET_LABELS, ...(m[2] === 'bucket' ? ['le'] : [])];
  return undefined;
}

/** A concrete value for each dashboard variable, in the syntaxes Grafana accepts. */
function substitute(expr: string, variables: readonly Variable[]): { promql: string; unknown: string[] } {
  const unknown: string[] = [];
  const value = (name: string): string => {
    const builtin = BUILTIN_VARIABLES[name];
    if (builtin !== undefined) return builtin;
    const v = variables.find((x) => x.name === name);
    if (!v) {
      unknown.push(name);
      return 'unknown';
    }
    if (v.type === 'interval') return '5m';
    return `sample_${name}`;
  };
  const promql = expr
    .replace(/\$\{([a-zA-Z_]\w*)(?::[^}]*)?\}/g, (_m, name: string) => value(name))
    .replace(/\[\[([a-zA-Z_]\w*)(?::[^\]]*)?\]\]/g, (_m, name: string) => value(name))
    .replace(/\$([a-zA-Z_]\w*)/g, (_m, name: string) => value(name));
  return { promql, unknown };
}

const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/gi;
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Strips strings, comments, label matchers,
 * range/subquery windows and grouping label lists, then keeps the identifiers that are neither
 * keywords nor followed by "(" (functions and aggregations).
 */
function metricNames(promql: string): string[] {
  const names = new Set<string>();
  for (const m of promql.matchAll(/__name__\s*=\s*"([^"]*)"/g)) if (m[1]) names.add(m[1]);
  const stripped = promql
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#.*$/gm, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(GROUPING, ' ');
  const token = /0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:[a-zA-Z]+\d*)*|[a-zA-Z_:][\w:]*/g;
  for (const m of stripped.matchAll(token)) {
    const word = m[0];
    if (!/^[a-zA-Z_:]/.test(word) || KEYWORDS.has(word.toLowerCase())) continue;
    const rest = stripped.slice((m.index ?? 0) + word.length);
    if (/^\s*\(/.test(rest)) continue; // function or aggregation
    names.add(word);
  }
  return [...names].sort();
}

/** Label names used in the matchers of each selector, by metric name. */
function selectorLabels(promql: string): { metric: string; labels: string[] }[] {
  const withoutStrings = promql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return [...withoutStrings.matchAll(/([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g)].map((m) => ({
    metric: m[1] ?? '',
    labels: [...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] ?? '').filter((l) => l !== '__name__'),
  }));
}

/** Names in an expression that the platform does not expose, with a reason each. */
function unknownMetrics(promql: string): string[] {
  const problems: string[] = [];
  for (const name of metricNames(promql)) {
    if (labelsOf(name)) continue;
    problems.push(HISTOGRAMS[name] ? `${name} (a histogram: use ${name}_bucket, _sum or _count)` : `${name} (unknown metric)`);
  }
  for (const { metric, labels } of selectorLabels(promql)) {
    const allowed = labelsOf(metric);
    if (!allowed) continue;
    for (const label of labels) if (!allowed.includes(label)) problems.push(`${metric}{${label}} (no such label)`);
  }
  return problems;
}

function queriesOf(dash: Dashboard): Query[] {
  return allPanels(dash.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t): t is Target & { expr: string } => typeof t.expr === 'string' && t.expr.trim() !== '')
      .map((t) => ({
        panel: panel.title ?? `#${panel.id ?? '?'}`,
        refId: t.refId ?? '?',
        expr: t.expr,
        promql: substitute(t.expr, dash.templating.list).promql,
      })),
  );
}

function dsUid(ds: DataSourceRef | string | null | undefined): string | undefined {
  return typeof ds === 'string' ? ds : (ds?.uid ?? undefined);
}

/** Writes the expressions as recording rules and runs `promtool check rules` on them. */
async function promtoolCheck(group: string, exprs: readonly string[]): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'wedsync-grafana-'));
  try {
    const file = join(dir, `${group}.rules.yml`);
    const rules = exprs.map((expr, n) => ({ record: `dashboard:check:${n}`, expr }));
    writeFileSync(file, stringify({ groups: [{ name: group, rules }] }));
    return await runTool('promtool', ['check', 'rules', '--lint=none', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------- the checker checks itself

describe('dashboard query checker', () => {
  it('extracts metric names and skips functions, keywords, label names, windows and numbers', () => {
    expect(
      metricNames('histogram_quantile(0.95, sum by (endpoint, le) (rate(api_response_time_by_endpoint_bucket{region=~"eu|us", le!="+Inf"}[5m])))'),
    ).toEqual(['api_response_time_by_endpoint_bucket']);
    expect(
      metricNames(
        'sum without (instance) (max_over_time(job:http_requests:rate5m{job="x"}[7d:5m] offset 1h30m)) / on (job) group_left () max(wedding_season_multiplier) * 1e-3 > bool 0x10 or vector(0)',
      ),
    ).toEqual(['job:http_requests:rate5m', 'wedding_season_multiplier']);
    expect(metricNames('topk(10, sum by (category) (feature_requests_total)) and {__name__="wedsync_ready"}')).toEqual([
      'feature_requests_total',
      'wedsync_ready',
    ]);
    expect(metricNames('SUM BY (le) (rate(foo_bar[5m])) unless bar # baz_comment')).toEqual(['bar', 'foo_bar']);
  });

  it('rejects unknown metrics, bare histogram names, counter suffixes and unknown labels', () => {
    expect(unknownMetrics('sum(feature_requests_total) + sum(job:http_requests:error_ratio5m)')).toEqual([]);
    expect(unknownMetrics('avg(feature_implementation_user_satisfaction)')).toEqual(['feature_implementation_user_satisfaction (unknown metric)']);
    expect(unknownMetrics('histogram_quantile(0.95, database_query_performance)')[0]).toMatch(/a histogram/);
    expect(unknownMetrics('http_requests_total_count')).toHaveLength(1);
    expect(unknownMetrics('http_requests_total{user_type="couple"}')).toEqual(['http_requests_total{user_type} (no such label)']);
    expect(unknownMetrics('database_query_performance_bucket{le="100", job="x"}')).toEqual([]);
  });

  it('replaces Grafana variables in every syntax', () => {
    const vars: Variable[] = [
      { name: 'region', type: 'query' },
      { name: 'window', type: 'interval' },
    ];
    const { promql, unknown } = substitute(
      'rate(x{region=~"$region|${region:regex}|[[region]]"}[$__rate_interval]) + y[$window] + z[${nope}] + label_replace(w, "a", "$1", "b", "(.*)")',
      vars,
    );
    expect(promql).toBe('rate(x{region=~"sample_region|sample_region|sample_region"}[5m]) + y[5m] + z[unknown] + label_replace(w, "a", "$1", "b", "(.*)")');
    expect(unknown).toEqual(['nope']);
  });
});

// ------------------------------------------------------------------------ structure (Node only)

describe('grafana dashboards: structure', () => {
  it("has the three dashboards with the brief's titles and unique uids", () => {
    for (const [file, title] of Object.entries(EXPECTED_DASHBOARDS)) {
      const found = dashboards.find((d) => d.file === file);
      expect(found, `deploy/grafana/${file}`).toBeDefined();
      expect(found?.dash.title).toBe(title);
    }
    const uids = dashboards.map((d) => d.dash.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(dashboards.map((d) => [d.file, d.dash] as const))('%s', (_file, dash) => {
    const panels = allPanels(dash.panels);

    it('is schemaVersion 39+, refreshes every 10s and templates the Prometheus datasource', () => {
      expect(dash.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(dash.refresh).toBe('10s');
      const ds = dash.templating.list.find((v) => v.name === DS_VARIABLE);
      expect(ds?.type).toBe('datasource');
      expect(ds?.query).toBe('prometheus');
    });

    it('gives every panel a title and the templated datasource, and every query the same', () => {
      expect(panels.length).toBeGreaterThan(0);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, 'unique panel ids').toBe(ids.length);
      for (const p of panels) {
        const label = `${p.type} #${p.id ?? '?'} "${p.title ?? ''}"`;
        expect(p.title?.trim(), label).toBeTruthy();
        expect(dsUid(p.datasource), label).toBe(DS_UID);
        if (p.gridPos) expect(p.gridPos.x + p.gridPos.w, label).toBeLessThanOrEqual(24);
        if (p.type === 'row') continue;
        expect(p.targets?.length ?? 0, `${label} has queries`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          if (t.datasource !== undefined) expect(dsUid(t.datasource), `${label} ${t.refId ?? ''}`).toBe(DS_UID);
          expect(t.expr?.trim(), `${label} ${t.refId ?? ''} has an expr`).toBeTruthy();
        }
      }
      for (const v of dash.templating.list.filter((x) => x.type === 'query')) {
        expect(dsUid(v.datasource), `variable ${v.name}`).toBe(DS_UID);
      }
    });

    it('names only metrics the platform exposes, with their labels', () => {
      const problems = queriesOf(dash).flatMap((q) => unknownMetrics(q.promql).map((p) => `${q.panel} [${q.refId}]: ${p}\n    ${q.expr}`));
      // variable queries such as label_values(metric, label) must name real series too
      for (const v of dash.templating.list.filter((x) => x.type === 'query')) {
        const m = /label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(v.definition ?? '');
        if (m?.[1] && !labelsOf(m[1])) problems.push(`variable ${v.name}: ${m[1]} (unknown metric)`);
      }
      expect(problems).toEqual([]);
    });

    it('uses only variables the dashboard defines (or Grafana built-ins)', () => {
      const unknown = queriesOf(dash).flatMap((q) => substitute(q.expr, dash.templating.list).unknown.map((u) => `${q.panel}: $${u}`));
      expect(unknown).toEqual([]);
    });
  });

  it('platform health has the four sections as rows, in order, each with panels', () => {
    const dash = dashboards.find((d) => d.file === 'platform-health.json')?.dash;
    expect(dash).toBeDefined();
    const top = [...(dash?.panels ?? [])].sort((a, b) => (a.gridPos?.y ?? 0) - (b.gridPos?.y ?? 0) || (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0));
    const rows = top.filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title)).toEqual(PLATFORM_HEALTH_ROWS);
    // in the file too (Grafana keeps the array in layout order)
    expect((dash?.panels ?? []).filter((p) => p.type === 'row').map((r) => r.title)).toEqual(PLATFORM_HEALTH_ROWS);
    for (const [i, r] of rows.entries()) {
      const start = top.indexOf(r);
      const next = rows[i + 1];
      const end = next ? top.indexOf(next) : top.length;
      const children = (r.panels?.length ?? 0) + (end - start - 1);
      expect(children, `row "${r.title ?? ''}" has panels`).toBeGreaterThan(0);
    }
  });

  it('operations dashboard opens with the service level objectives: the error budget left, read from the recording rules', () => {
    const dash = dashboards.find((d) => d.file === 'operations.json')?.dash;
    const top = [...(dash?.panels ?? [])].sort((a, b) => (a.gridPos?.y ?? 0) - (b.gridPos?.y ?? 0) || (a.gridPos?.x ?? 0) - (b.gridPos?.x ?? 0));
    expect(top[0]).toMatchObject({ type: 'row', title: 'Service Level Objectives' });
    const budget = allPanels(dash?.panels ?? []).find((p) => p.title === 'Error Budget Left (30 days)');
    expect(budget?.type).toBe('stat');
    expect(budget?.targets?.[0]?.expr).toBe('job:slo_availability:error_budget_remaining30d{job="feature-request-api"}');
    expect(recordingRules.has('job:slo_availability:error_budget_remaining30d')).toBe(true);
    const burn = allPanels(dash?.panels ?? []).find((p) => p.title === 'Availability Error Budget Burn Rate');
    expect(burn?.targets?.map((t) => t.expr)).toContain('job:slo_availability:burn_rate1h{job="feature-request-api"}');
  });

  it('executive dashboard uses the resolution-time heatmap instead of the missing satisfaction metric', () => {
    const dash = dashboards.find((d) => d.file === 'executive.json')?.dash;
    const impact = allPanels(dash?.panels ?? []).find((p) => p.title === 'Feature Implementation Impact');
    expect(impact?.type).toBe('heatmap');
    expect(impact?.targets?.[0]?.expr).toContain('couple_pain_point_resolution_time_bucket');
    expect((impact as { description?: string } | undefined)?.description).toContain('feature_implementation_user_satisfaction');
  });
});

// --------------------------------------------------------------------------------- promtool

const promtoolMissing = !toolAvailable('promtool');
const toolsRequired = process.env.REQUIRE_OPS_TOOLS === '1';

if (promtoolMissing && !toolsRequired) {
  console.warn(
    '[test/ops] skipping promtool checks of the Grafana dashboards: promtool not on PATH. ' +
      'Install with `apt-get install prometheus`; CI sets REQUIRE_OPS_TOOLS=1 to make this a failure.',
  );
}

describe('grafana dashboards: promtool parses every query', () => {
  it.skipIf(promtoolMissing && !toolsRequired)('promtool is on PATH', () => {
    expect(promtoolMissing, 'install the Debian package prometheus (it ships promtool)').toBe(false);
  });

  it.skipIf(promtoolMissing && !toolsRequired)(
    'promtool rejects a broken expression (the harness can see failures)',
    { timeout: TOOL_TIMEOUT_MS },
    async () => {
      const res = await promtoolCheck('broken', ['sum by (le) (rate(http_requests_total[5m])']);
      expect(res.code, res.output).not.toBe(0);
    },
  );

  it.skipIf(promtoolMissing && !toolsRequired).each(dashboards.map((d) => [d.file, d.dash] as const))(
    '%s: promtool check rules accepts every expression',
    { timeout: TOOL_TIMEOUT_MS },
    async (file, dash) => {
      const queries = queriesOf(dash);
      expect(queries.length).toBeGreaterThan(0);
      const res = await promtoolCheck(
        file.replace(/\.json$/, ''),
        queries.map((q) => q.promql),
      );
      const index = queries.map((q, n) => `dashboard:check:${n} = ${q.panel} [${q.refId}]`).join('\n');
      expect(res.code, `${res.output}\n${index}`).toBe(0);
      expect(res.output).toContain(`SUCCESS: ${queries.length} rules found`);
    },
  );
});
