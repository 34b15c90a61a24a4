// End-to-end proof of the monitoring path (issue 4, item 7): a real Prometheus (Debian's binary) on
// loopback scrapes a running instance of the API, the alert rules from deploy/prometheus are
// evaluated against what it scraped, and everything is asserted through Prometheus's HTTP API —
// the way Grafana and Alertmanager will see it.
//
// Setup: the app (createTestApp on PGlite with the demo data) listens on 127.0.0.1; Prometheus
// scrapes it and a second target where nothing listens (up = 0) every second, with a copy of
// wedsync-alerts.yml whose `for:` clauses are removed so alerts fire at the first evaluation.
// Traffic — board reads (200), an unknown id (404), a malformed id (400), a wrong password (401) —
// goes over real HTTP: one request of each kind before Prometheus starts (so every labelled series
// exists at the first scrape), the rest after it, so rate() and the recording rules see it.
//
// Needs `prometheus` (/usr/bin/prometheus from the Debian package, or on PATH). Without it the suite
// is skipped with a warning — unless REQUIRE_OPS_TOOLS=1 (CI), where a missing binary is a failure.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { rows } from '../../src/db/client.js';
import { seasonStatus } from '../../src/domain/seasons.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/app.js';
import { ROOT, type RuleFile } from '../helpers/ops-tools.js';
import {
  distinctFreePort,
  findPrometheus,
  pollUntil,
  scalarOf,
  startPrometheus,
  type PromAlert,
  type PromSample,
  type RunningPrometheus,
} from '../helpers/prometheus.js';

/** Both rule files, loaded together as deploy/monitoring/prometheus.yml does. */
const RULE_FILES = ['wedsync-alerts.yml', 'wedsync-slo.yml'].map((f) => join(ROOT, 'deploy/prometheus', f));
const JOB = 'feature-request-api';
/** Every wait on Prometheus shares one budget, counted from the end of the traffic. */
const BUDGET_MS = 30_000;
const POLL_MS = 200;

const PROMETHEUS = findPrometheus();
const toolsRequired = process.env.REQUIRE_OPS_TOOLS === '1';

if (!PROMETHEUS && !toolsRequired) {
  console.warn(
    '[test/ops] skipping the Prometheus end-to-end test: prometheus is not installed (/usr/bin/prometheus or on PATH). ' +
      'Install with `apt-get install prometheus`; CI sets REQUIRE_OPS_TOOLS=1 to make this a failure.',
  );
}

describe.runIf(toolsRequired)('ops tools for the end-to-end scrape (REQUIRE_OPS_TOOLS=1)', () => {
  it('prometheus is installed', () => {
    expect(PROMETHEUS, 'install the Debian package prometheus').not.toBeNull();
  });
});

// ------------------------------------------------------------------------------ the rule file

const original: RuleFile = { groups: RULE_FILES.flatMap((f) => (parse(readFileSync(f, 'utf8')) as RuleFile).groups) };
const originalRules = original.groups.flatMap((g) => g.rules);

/** The rule file with every `for:` removed: an alert whose condition holds fires at once. */
function withoutFor(doc: RuleFile): RuleFile {
  return {
    ...doc,
    groups: doc.groups.map((g) => ({ ...g, rules: g.rules.map(({ for: _for, ...rule }) => rule) })),
  };
}

/** An expression that looks at one series at a time (no aggregation, no absent()). */
const perSeries = (expr: string) => !/\bby\s*\(|\babsent\s*\(|\b(sum|max|min|count|avg)\s*\(/.test(expr);

const apiDownRules = originalRules.filter((r) => r.alert === 'FeatureRequestApiDown');
const apiDownPerInstance = apiDownRules.filter((r) => perSeries(r.expr));
const apiDownWholeService = apiDownRules.filter((r) => !perSeries(r.expr));
const errorRateRule = originalRules.find((r) => r.alert === 'HighFeatureRequestErrorRate');

// ---------------------------------------------------------------------------------- traffic

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** What the traffic step sends, per (route pattern, status); each must arrive with exactly this count. */
const TRAFFIC = [
  { method: 'GET', path: '/api/feature-requests?limit=5', route: '/api/feature-requests', status: 200, times: 60 },
  { method: 'GET', path: `/api/feature-requests/${UNKNOWN_ID}`, route: '/api/feature-requests/:id', status: 404, times: 3 },
  { method: 'GET', path: '/api/feature-requests/not-a-uuid', route: '/api/feature-requests/:id', status: 400, times: 2 },
  {
    method: 'POST',
    path: '/api/auth/login',
    body: { email: 'couple@demo.test', password: `not-${DEMO_PASSWORD}` },
    route: '/api/auth/login',
    status: 401,
    times: 1,
  },
] as const;
const LIST_REQUESTS = TRAFFIC[0].times;

/** Sends the first request of each TRAFFIC step, or all the others, over real HTTP. */
async function sendTraffic(target: string, part: 'first' | 'rest'): Promise<void> {
  for (const step of TRAFFIC) {
    const count = part === 'first' ? 1 : step.times - 1;
    for (let i = 0; i < count; i++) {
      const body = 'body' in step ? JSON.stringify(step.body) : undefined;
      const res = await fetch(`http://${target}${step.path}`, {
        method: step.method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body,
      });
      await res.arrayBuffer();
      expect(res.status, `${step.method} ${step.path}`).toBe(step.status);
    }
  }
}

// ------------------------------------------------------------------------------------ suite

describe.skipIf(!PROMETHEUS)('Prometheus scraping a running instance (end to end)', () => {
  let t: TestApp | undefined;
  let prom: RunningPrometheus | undefined;
  let dir: string | undefined;
  let appTarget = '';
  let deadTarget = '';
  let deadline = 0;

  const p = () => {
    if (!prom) throw new Error('prometheus did not start');
    return prom;
  };
  const query = (expr: string) => p().query(expr);
  const valueByInstance = (samples: PromSample[]) => Object.fromEntries(samples.map((s) => [s.metric.instance, Number(s.value[1])]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsfr-prometheus-e2e-'));
    t = await createTestApp('pglite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const appPort = (t.app.server.address() as AddressInfo).port;
    const deadPort = await distinctFreePort([appPort]);
    appTarget = `127.0.0.1:${appPort}`;
    deadTarget = `127.0.0.1:${deadPort}`;
    // The first /metrics answer computes the business gauges from the database, which can take
    // longer than the 1 s scrape timeout on a busy machine; do it now (the test clock stands
    // still, so it is never recomputed) and Prometheus's first scrape is as fast as the rest.
    const warm = await fetch(`http://${appTarget}/metrics`);
    await warm.arrayBuffer();
    expect(warm.status, 'GET /metrics from loopback without a token').toBe(200);
    // One request of each kind before the first scrape: prom-client creates a labelled series on
    // its first use, and rate() cannot count the increase that a series' first sample already holds.
    await sendTraffic(appTarget, 'first');

    const rulesFile = join(dir, 'wedsync-alerts.yml');
    writeFileSync(rulesFile, stringify(withoutFor(original)));
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: [rulesFile],
        scrape_configs: [
          {
            job_name: JOB,
            scrape_interval: '1s',
            metrics_path: '/metrics',
            static_configs: [{ targets: [appTarget, deadTarget] }],
          },
        ],
      }),
    );
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    prom = await startPrometheus(PROMETHEUS!, { configFile, dataDir, avoidPorts: [appPort, deadPort] });

    // rate() only counts what happens after a series' first sample: let the app be scraped first.
    const firstScrape = await pollUntil(
      () => query(`up{job="${JOB}",instance="${appTarget}"}`),
      (r) => scalarOf(r) === 1,
      Date.now() + 15_000,
      POLL_MS,
    );
    if (scalarOf(firstScrape) !== 1) throw new Error(`Prometheus never scraped ${appTarget}:\n${prom.log()}`);

    // The rest of the traffic, now that every series has a first sample: rate() sees all of it.
    await sendTraffic(appTarget, 'rest');
    deadline = Date.now() + BUDGET_MS;
  }, 60_000);

  afterAll(async () => {
    try {
      await prom?.stop();
    } finally {
      try {
        await t?.close();
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('loads the alert rules without their for: clauses, and every rule evaluates without error', async () => {
    const copy = parse(readFileSync(join(dir!, 'wedsync-alerts.yml'), 'utf8')) as RuleFile;
    const copied = copy.groups.flatMap((g) => g.rules);
    expect(
      originalRules.some((r) => r.for),
      'the source file has for: clauses to remove',
    ).toBe(true);
    expect(copied.filter((r) => 'for' in r)).toEqual([]);
    expect(copied.length).toBe(originalRules.length);

    // A rule's health is "unknown" until its group has been evaluated once.
    const groups = await pollUntil(
      () => p().ruleGroups(),
      (gs) => gs.length > 0 && gs.every((g) => g.rules.every((r) => r.health !== 'unknown')),
      deadline,
      POLL_MS,
    );
    expect(groups.map((g) => g.name).sort()).toEqual(original.groups.map((g) => g.name).sort());
    expect(groups.flatMap((g) => g.rules).length).toBe(originalRules.length);
    const unhealthy = groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
    expect(unhealthy.map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('scrapes both targets: up is 1 for the running app and 0 where nothing listens', async () => {
    const expected = { [appTarget]: 1, [deadTarget]: 0 };
    const up = await pollUntil(
      () => query(`up{job="${JOB}"}`),
      (r) => r.length === 2 && Object.entries(expected).every(([instance, value]) => valueByInstance(r)[instance] === value),
      deadline,
      POLL_MS,
    );
    expect(valueByInstance(up)).toEqual(expected);

    const targets = await p().targets();
    const byInstance = Object.fromEntries(targets.map((x) => [x.labels.instance, x]));
    expect(byInstance[appTarget]).toMatchObject({ health: 'up', lastError: '' });
    expect(byInstance[deadTarget]?.health).toBe('down');
    expect(byInstance[deadTarget]?.lastError).toMatch(/connection refused/i);
  });

  it('receives http_requests_total for the traffic, errors included, by route pattern and status', async () => {
    const expr = `sum by (route, status) (http_requests_total{job="${JOB}",instance="${appTarget}"})`;
    const key = (route: string, status: string | number) => `${route} ${status}`;
    const counts = (r: PromSample[]) => Object.fromEntries(r.map((s) => [key(s.metric.route!, s.metric.status!), Number(s.value[1])]));
    const arrived = (r: PromSample[]) => TRAFFIC.every((step) => counts(r)[key(step.route, step.status)] === step.times);
    const samples = await pollUntil(() => query(expr), arrived, deadline, POLL_MS);
    for (const step of TRAFFIC) expect(counts(samples)[key(step.route, step.status)], key(step.route, step.status)).toBe(step.times);
    // No raw URL ever becomes a label value.
    expect(JSON.stringify(samples)).not.toContain(UNKNOWN_ID);

    // The brief's selectors, as an operator would type them.
    expect(scalarOf(await query(`sum(http_requests_total{job="${JOB}",status="404"})`))).toBeGreaterThan(0);
    expect(scalarOf(await query(`sum(http_requests_total{job="${JOB}",status="200"})`))).toBeGreaterThan(0);
    expect(await query(`http_requests_total{job="${JOB}",status=~"5.."}`)).toEqual([]);
  });

  it("receives api_response_time_by_endpoint for /api/feature-requests in the brief's buckets", async () => {
    const selector = `{job="${JOB}",endpoint="/api/feature-requests"}`;
    const count = await pollUntil(
      () => query(`sum(api_response_time_by_endpoint_count${selector})`),
      (r) => scalarOf(r) === LIST_REQUESTS,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(count)).toBe(LIST_REQUESTS);
    const buckets = await query(`api_response_time_by_endpoint_bucket${selector}`);
    expect(buckets.length).toBeGreaterThan(0);
    const bound = (le: string) => (le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le));
    const les = [...new Set(buckets.map((s) => s.metric.le!))].sort((a, b) => bound(a) - bound(b));
    expect(les).toEqual(['50', '100', '200', '500', '1000', '2000', '5000', '+Inf']);
    expect(buckets.every((s) => s.metric.method === 'GET')).toBe(true);
  });

  it('receives the business gauges the app computes from the database and the season', async () => {
    const multiplier = await pollUntil(
      () => query(`wedding_season_multiplier{job="${JOB}"}`),
      (r) => r.length === 1,
      deadline,
      POLL_MS,
    );
    expect(multiplier.map((s) => s.metric.instance)).toEqual([appTarget]);
    // The clock of a test app stands still, so the season the app saw is the one computed here.
    expect(scalarOf(multiplier)).toBe(seasonStatus(t!.clock.now(), t!.config.seasonRegion).multiplier);

    const total = await pollUntil(
      () => query(`sum(feature_requests_total{job="${JOB}"})`),
      (r) => scalarOf(r) >= 200,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(total)).toBeGreaterThanOrEqual(200);
    const [board] = rows<{ n: number }>(await t!.database.db.execute(sql`select count(*)::int as n from feature_requests where status <> 'merged'`));
    expect(scalarOf(total)).toBe(board!.n);
  });

  it('records the SLO figures: the objective of the season in force, no 5xx spent, nothing burning', async () => {
    const peak = seasonStatus(t!.clock.now(), t!.config.seasonRegion).season === 'peak';
    const season = await pollUntil(
      () => query(`wedding_peak_season{job="${JOB}"}`),
      (r) => r.length === 1,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(season)).toBe(peak ? 1 : 0);
    const objective = await pollUntil(
      () => query('wedsync:slo_availability:objective'),
      (r) => r.length === 1,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(objective)).toBe(peak ? 0.9995 : 0.999);
    // The traffic's 4xx answers are the callers' mistakes: they spend no error budget.
    const ratio = await pollUntil(
      () => query(`job:slo_availability_errors:ratio_rate5m{job="${JOB}"}`),
      (r) => r.length === 1,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(ratio)).toBe(0);
    expect(scalarOf(await query(`job:slo_availability:burn_rate1h{job="${JOB}"}`))).toBe(0);
    // The board reads are API reads: a share of them (how many were slow depends on the machine).
    const slow = await pollUntil(
      () => query(`job:slo_latency_slow:ratio_rate5m{job="${JOB}",objective="read"}`),
      (r) => r.length === 1,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(slow)).toBeGreaterThanOrEqual(0);
    expect(scalarOf(slow)).toBeLessThanOrEqual(1);
  });

  it('fires FeatureRequestApiDown for the dead instance only: the per-instance warning, not the whole-service alert', async () => {
    expect(apiDownPerInstance, 'one per-instance FeatureRequestApiDown rule').toHaveLength(1);
    expect(apiDownWholeService.length, 'a whole-service FeatureRequestApiDown rule').toBeGreaterThan(0);
    const rule = apiDownPerInstance[0]!;
    const wholeServiceSeverities = new Set(apiDownWholeService.map((r) => r.labels?.severity));
    expect(wholeServiceSeverities.has(rule.labels?.severity), 'the pair differs in severity').toBe(false);

    const firingDown = (list: PromAlert[]) => list.filter((a) => a.labels.alertname === 'FeatureRequestApiDown' && a.state === 'firing');
    // Before the first scrape absent(up) makes the whole-service variant fire; it must have resolved.
    const settled = (list: PromAlert[]) => {
      const down = firingDown(list);
      return down.length === 1 && down[0]!.labels.instance === deadTarget && down[0]!.labels.severity === rule.labels?.severity;
    };
    const alerts = await pollUntil(() => p().alerts(), settled, deadline, POLL_MS);
    const down = firingDown(alerts);
    expect(down.map((a) => a.labels)).toEqual([
      {
        alertname: 'FeatureRequestApiDown',
        job: JOB,
        instance: deadTarget,
        severity: rule.labels!.severity,
        team: rule.labels!.team,
      },
    ]);
    expect(rule.labels).toMatchObject({ severity: 'warning', team: 'on-call-engineer' });
    expect(down[0]!.annotations.summary).toBe(rule.annotations?.summary);
    expect(down[0]!.annotations.runbook_url).toBe(rule.annotations?.runbook_url);
    expect(down[0]!.annotations.description).toContain(deadTarget);

    // The same through the ALERTS series that rule evaluation writes.
    const series = await query(`ALERTS{alertname="FeatureRequestApiDown",alertstate="firing"}`);
    expect(series.map((s) => [s.metric.instance, s.metric.severity, s.metric.team])).toEqual([[deadTarget, rule.labels!.severity, rule.labels!.team]]);
  });

  it('does not fire HighFeatureRequestErrorRate: the traffic passes its volume guard but has no 5xx', async () => {
    expect(errorRateRule).toBeDefined();
    // The guard half of the rule (> 0.1 req/s over 5m) holds, so only the 5xx ratio keeps it silent.
    const rate = await pollUntil(
      () => query(`job:http_requests:rate5m{job="${JOB}"}`),
      (r) => scalarOf(r) > 0.1,
      deadline,
      POLL_MS,
    );
    expect(scalarOf(rate)).toBeGreaterThan(0.1);
    const guardSeenAt = rate[0]!.value[0] * 1000;
    expect(scalarOf(await query(`job:http_requests:error_ratio5m{job="${JOB}"}`))).toBe(0);
    // The rule's own expression, evaluated by Prometheus now: no result means no alert.
    expect(await query(errorRateRule!.expr)).toEqual([]);

    // And the rule itself, once its group has been evaluated after the guard was met.
    const groups = await pollUntil(
      () => p().ruleGroups(),
      (gs) => gs.some((g) => g.rules.some((r) => r.name === 'HighFeatureRequestErrorRate') && Date.parse(g.lastEvaluation) > guardSeenAt),
      deadline,
      POLL_MS,
    );
    const group = groups.find((g) => g.rules.some((r) => r.name === 'HighFeatureRequestErrorRate'))!;
    expect(Date.parse(group.lastEvaluation)).toBeGreaterThan(guardSeenAt);
    const rule = group.rules.find((r) => r.name === 'HighFeatureRequestErrorRate')!;
    expect(rule).toMatchObject({ type: 'alerting', health: 'ok', state: 'inactive' });
    expect((await p().alerts()).filter((a) => a.labels.alertname === 'HighFeatureRequestErrorRate')).toEqual([]);
  });
});
