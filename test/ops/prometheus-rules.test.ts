// Alert rules, their promtool unit tests, the Alertmanager configuration and the runbooks.
//
// Two layers:
//  - structure (always runs, needs only Node): every alert is labelled, annotated, has a runbook
//    that exists, and every alert name has promtool cases that fire and that stay silent;
//  - the real tools (promtool / amtool from Debian's prometheus and prometheus-alertmanager):
//    check rules, run the rule unit tests, check and route-test the Alertmanager config.
//    Without the tools the layer is skipped with a warning — unless REQUIRE_OPS_TOOLS=1 (CI), where
//    a missing tool is a failure.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runTool, toolAvailable, TOOL_TIMEOUT_MS, type Rule, type RuleFile } from '../helpers/ops-tools.js';

const RULES_DIR = join(ROOT, 'deploy/prometheus');
const TESTS_DIR = join(RULES_DIR, 'tests');
const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');
const ALERTMANAGER_CONFIG = 'deploy/alertmanager/alertmanager.yml';
const RUNBOOK_PREFIX = 'https://github.com/wedsync/feature-requests/blob/main/docs/runbooks/';
const WEBHOOK_URL = 'http://feature-request-api.feature-requests.svc:3000/api/ops/alertmanager/webhook';
const CREDENTIALS_FILE = '/etc/alertmanager/secrets/escalation-token';

/** The brief's five alerts (§3) with their severity, immediate team and wedding_impact text. */
const BRIEF_ALERTS = {
  HighFeatureRequestErrorRate: {
    severity: 'critical',
    team: 'on-call-engineer',
    wedding_impact: 'Blocks couples and suppliers from submitting critical feedback',
  },
  AIProcessingDelayed: {
    severity: 'warning',
    team: 'ai-team',
    wedding_impact: 'Delayed duplicate detection may lead to fragmented feedback',
  },
  WeddingSeasonOverload: {
    severity: 'critical',
    team: 'platform-team',
    wedding_impact: 'Critical wedding feedback being rate limited during peak stress',
  },
  DatabaseSlowQueries: { severity: 'warning', team: 'database-team', wedding_impact: undefined },
  LowAIDuplicateAccuracy: {
    severity: 'warning',
    team: 'ai-team',
    wedding_impact: 'Duplicate requests not being caught, fragmenting user feedback',
  },
} as const;

const OPERATOR_ALERTS = [
  'FeatureRequestApiDown',
  'ReadinessFailing',
  'JobDeadLettersGrowing',
  'BackupTooOld',
  'BackupVerifyFailing',
  'SyntheticProbeFailing',
  'BulkAccessBlocked',
  'InsiderAccessAnomaly',
  'VoteManipulationSuspected',
  'AuditChainShortened',
  'FeatureRequestApiErrorBudgetBurn',
  'FeatureRequestApiLatencyBudgetBurn',
] as const;

const ALL_ALERTS: readonly string[] = [...Object.keys(BRIEF_ALERTS), ...OPERATOR_ALERTS];
const SEVERITIES = ['critical', 'warning'];
const TEAMS = ['on-call-engineer', 'ai-team', 'database-team', 'platform-team', 'product-team'];
const RUNBOOK_SECTIONS = ['What it means', 'Wedding impact', 'First 5 minutes', 'Diagnosis', 'Mitigation', 'Escalation', 'Verify recovery'];

// ------------------------------------------------------------------------------------- types

interface AlertTestCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] | null;
}
interface RuleTestFile {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: AlertTestCase[] }[];
}

// ----------------------------------------------------------------------------------- helpers

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();

const relative = (file: string): string => file.slice(ROOT.length).replace(/^\/+/, '');

/** AIProcessingDelayed → ai-processing-delayed, LowAIDuplicateAccuracy → low-ai-duplicate-accuracy */
const kebab = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();

const ruleFiles = yamlFiles(RULES_DIR);
const testFiles = existsSync(TESTS_DIR) ? yamlFiles(TESTS_DIR) : [];
const parsedRules = ruleFiles.map((file) => ({ file, doc: parse(readFileSync(file, 'utf8')) as RuleFile }));
const alertRules: Rule[] = parsedRules.flatMap(({ doc }) => doc.groups.flatMap((g) => g.rules)).filter((r) => r.alert);
const parsedTests = testFiles.map((file) => ({ file, doc: parse(readFileSync(file, 'utf8')) as RuleTestFile }));
const alertCases: AlertTestCase[] = parsedTests.flatMap(({ doc }) => doc.tests.flatMap((t) => t.alert_rule_test ?? []));

// ---------------------------------------------------------------------- structure (Node only)

describe('alert rules: structure', () => {
  it('has rule files in deploy/prometheus and promtool tests in deploy/prometheus/tests', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
    // rule files must not look like tests (tooling selects rule files by excluding "test")
    for (const f of ruleFiles) expect(relative(f)).not.toMatch(/test/i);
  });

  it('defines exactly the expected alert names', () => {
    const names = new Set(alertRules.map((r) => r.alert));
    expect([...names].sort()).toEqual([...ALL_ALERTS].sort());
  });

  it.each(alertRules.map((r, i) => [`${r.alert} #${i}`, r] as const))('%s: severity, team and the four annotations', (_label, rule) => {
    expect(SEVERITIES).toContain(rule.labels?.severity);
    expect(TEAMS).toContain(rule.labels?.team);
    for (const key of ['summary', 'description', 'wedding_impact', 'runbook_url']) {
      expect(rule.annotations?.[key], `${rule.alert}: annotation ${key}`).toBeTruthy();
      expect(rule.annotations?.[key]?.trim().length ?? 0).toBeGreaterThan(10);
    }
    const url = rule.annotations?.runbook_url ?? '';
    expect(url).toBe(`${RUNBOOK_PREFIX}${kebab(rule.alert ?? '')}.md`);
    expect(existsSync(join(RUNBOOKS_DIR, url.slice(RUNBOOK_PREFIX.length))), `runbook for ${rule.alert}`).toBe(true);
  });

  it("keeps the brief's severities, teams and wedding_impact texts", () => {
    for (const [name, want] of Object.entries(BRIEF_ALERTS)) {
      const rules = alertRules.filter((r) => r.alert === name);
      expect(rules, name).toHaveLength(1);
      const rule = rules[0];
      expect(rule?.labels?.severity, name).toBe(want.severity);
      expect(rule?.labels?.team, name).toBe(want.team);
      if (want.wedding_impact) expect(rule?.annotations?.wedding_impact, name).toBe(want.wedding_impact);
    }
  });

  it('fixes the PromQL the brief sketched', () => {
    const expr = (name: string): string =>
      alertRules
        .filter((r) => r.alert === name)
        .map((r) => r.expr)
        .join('\n');
    // a ratio over all requests (via the recording rule), not a bare rate of 5xx
    expect(expr('HighFeatureRequestErrorRate')).toContain('job:http_requests:error_ratio5m{job="feature-request-api"} > 0.01');
    const recording = parsedRules.flatMap(({ doc }) => doc.groups.flatMap((g) => g.rules)).filter((r) => r.record);
    const ratio = recording.find((r) => r.record === 'job:http_requests:error_ratio5m');
    expect(ratio?.expr).toContain('/ job:http_requests:rate5m');
    expect(recording.find((r) => r.record === 'job:http_requests_5xx:rate5m')?.expr).toContain('status=~"5.."');
    // histogram_quantile over rate() of the _bucket series, aggregated by le
    expect(expr('DatabaseSlowQueries')).toMatch(
      /histogram_quantile\(0\.95,[\s\S]*by \(table, le\)[\s\S]*rate\(database_query_performance_bucket\{table="feature_requests"\}\[5m\]\)/,
    );
    expect(expr('LowAIDuplicateAccuracy')).toContain('ai_duplicate_detection_accuracy{metric="top5"}');
    // a vector matching clause so the two sides of the AND can match at all
    expect(expr('WeddingSeasonOverload')).toContain('and on ()');
    expect(expr('BackupTooOld')).toContain('wedding_season_multiplier');
  });

  it('gives every alert a "for" or a window, and no alert fires on a single sample by accident', () => {
    for (const rule of alertRules) {
      const windowed = /\[\d+[smhd]\]/.test(rule.expr) || /:\w+\d+m\b/.test(rule.expr);
      expect(Boolean(rule.for) || windowed, `${rule.alert} needs for: or a range window`).toBe(true);
    }
  });

  it('promtool test files load every rule file and start with rule_files:', () => {
    const loaded = new Set<string>();
    for (const { file, doc } of parsedTests) {
      expect(readFileSync(file, 'utf8').startsWith('rule_files:'), relative(file)).toBe(true);
      for (const rf of doc.rule_files) {
        const abs = join(TESTS_DIR, rf);
        expect(existsSync(abs), `${relative(file)} → ${rf}`).toBe(true);
        loaded.add(abs);
      }
    }
    for (const f of ruleFiles) expect(loaded.has(f), `${relative(f)} is not loaded by any rule test`).toBe(true);
  });

  it.each(ALL_ALERTS.map((a) => [a]))('%s has a promtool case where it fires and one where it does not', (name) => {
    const cases = alertCases.filter((c) => c.alertname === name);
    const fires = cases.filter((c) => (c.exp_alerts ?? []).length > 0);
    const silent = cases.filter((c) => (c.exp_alerts ?? []).length === 0);
    expect(fires.length, `${name}: firing case`).toBeGreaterThan(0);
    expect(silent.length, `${name}: silent case`).toBeGreaterThan(0);
    for (const c of fires) {
      for (const a of c.exp_alerts ?? []) {
        expect(SEVERITIES).toContain(a.exp_labels?.severity);
        expect(a.exp_annotations?.wedding_impact, `${name} @${c.eval_time}`).toBeTruthy();
        expect(a.exp_annotations?.runbook_url).toBe(`${RUNBOOK_PREFIX}${kebab(name)}.md`);
      }
    }
  });
});

describe('runbooks', () => {
  it.each(ALL_ALERTS.map((a) => [a]))('%s has a complete runbook indexed in the README', (name) => {
    const file = join(RUNBOOKS_DIR, `${kebab(name)}.md`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(`# ${name}\n`)).toBe(true);
    for (const section of RUNBOOK_SECTIONS) expect(text, `${name}: ## ${section}`).toContain(`## ${section}`);
    const readme = readFileSync(join(RUNBOOKS_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(`(${kebab(name)}.md)`);
  });
});

describe('alertmanager config: structure', () => {
  interface Receiver {
    name: string;
    webhook_configs?: {
      url: string;
      send_resolved?: boolean;
      http_config?: { authorization?: { type?: string; credentials?: string; credentials_file?: string } };
    }[];
  }
  const text = readFileSync(join(ROOT, ALERTMANAGER_CONFIG), 'utf8');
  const am = parse(text) as {
    route: { receiver: string; group_by: string[]; routes: { receiver: string; matchers: string[] }[] };
    receivers: Receiver[];
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
  };

  it('delivers both receivers to the escalation engine with a bearer token from a file', () => {
    expect(am.receivers.map((r) => r.name).sort()).toEqual(['escalation-critical', 'escalation-warning']);
    for (const r of am.receivers) {
      expect(r.webhook_configs?.length, r.name).toBe(1);
      for (const w of r.webhook_configs ?? []) {
        expect(w.url).toBe(WEBHOOK_URL);
        expect(w.send_resolved).toBe(true);
        expect(w.http_config?.authorization?.credentials_file).toBe(CREDENTIALS_FILE);
        expect(w.http_config?.authorization?.credentials).toBeUndefined();
      }
    }
    expect(text).not.toMatch(/^\s*(credentials|bearer_token|password):/m);
  });

  it('routes by severity, groups by alertname and team, and inhibits warnings under a critical', () => {
    expect(am.route.group_by).toEqual(expect.arrayContaining(['alertname', 'team']));
    const bySeverity = Object.fromEntries(am.route.routes.map((r) => [r.matchers.join(','), r.receiver]));
    expect(bySeverity['severity="critical"']).toBe('escalation-critical');
    expect(bySeverity['severity="warning"']).toBe('escalation-warning');
    const inhibit = am.inhibit_rules.find((r) => r.source_matchers.includes('severity="critical"') && r.target_matchers.includes('severity="warning"'));
    expect(inhibit?.equal).toContain('alertname');
  });
});

// --------------------------------------------------------------------------------- real tools

const TOOLS = ['promtool', 'amtool'] as const;
const missingTools = TOOLS.filter((t) => !toolAvailable(t));
const toolsRequired = process.env.REQUIRE_OPS_TOOLS === '1';

if (missingTools.length > 0 && !toolsRequired) {
  console.warn(
    `[test/ops] skipping promtool/amtool checks: ${missingTools.join(', ')} not on PATH. ` +
      'Install with `apt-get install prometheus prometheus-alertmanager`; CI sets REQUIRE_OPS_TOOLS=1 to make this a failure.',
  );
}

describe.runIf(toolsRequired)('ops tools (REQUIRE_OPS_TOOLS=1)', () => {
  it('promtool and amtool are on PATH', () => {
    expect(missingTools, 'install Debian packages prometheus and prometheus-alertmanager').toEqual([]);
  });
});

describe.skipIf(missingTools.length > 0)('promtool and amtool', () => {
  it('promtool check rules accepts every rule file (with lint)', { timeout: TOOL_TIMEOUT_MS }, async () => {
    const res = await runTool('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', ...ruleFiles.map(relative)]);
    expect(res.output).not.toMatch(/FAILED/);
    expect(res.code, res.output).toBe(0);
  });

  it('promtool test rules passes every rule unit test', { timeout: TOOL_TIMEOUT_MS }, async () => {
    const res = await runTool('promtool', ['test', 'rules', ...testFiles.map(relative)]);
    expect(res.code, res.output).toBe(0);
    expect(res.output.match(/SUCCESS/g)?.length, res.output).toBe(testFiles.length);
  });

  it('promtool check config accepts the scrape configuration (job feature-request-api, token from a file)', { timeout: TOOL_TIMEOUT_MS }, async () => {
    const source = readFileSync(join(ROOT, 'deploy/monitoring/prometheus.yml'), 'utf8');
    expect(source).toMatch(/job_name: feature-request-api/);
    // promtool insists that referenced files exist: point them at a throwaway token and the real rules.
    const dir = mkdtempSync(join(tmpdir(), 'wsfr-scrape-'));
    try {
      writeFileSync(join(dir, 'token'), 'scrape-token-for-the-check');
      const config = source
        .replace('/etc/prometheus/secrets/wedsync-metrics-token', join(dir, 'token'))
        .replace('../prometheus/wedsync-alerts.yml', join(RULES_DIR, 'wedsync-alerts.yml'))
        .replace('../prometheus/wedsync-slo.yml', join(RULES_DIR, 'wedsync-slo.yml'));
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const res = await runTool('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(res.code, res.output).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('amtool check-config accepts the Alertmanager config', { timeout: TOOL_TIMEOUT_MS }, async () => {
    const res = await runTool('amtool', ['check-config', ALERTMANAGER_CONFIG]);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toContain('SUCCESS');
  });

  it.each([
    ['severity=critical', 'team=on-call-engineer', 'alertname=FeatureRequestApiDown', 'escalation-critical'],
    ['severity=critical', 'team=platform-team', 'alertname=WeddingSeasonOverload', 'escalation-critical'],
    ['severity=warning', 'team=database-team', 'alertname=DatabaseSlowQueries', 'escalation-warning'],
    ['severity=warning', 'team=ai-team', 'alertname=LowAIDuplicateAccuracy', 'escalation-warning'],
    ['severity=info', 'team=platform-team', 'alertname=SomethingNew', 'escalation-warning'],
  ])('amtool routes %s %s %s to %s', { timeout: TOOL_TIMEOUT_MS }, async (severity, team, alertname, receiver) => {
    const res = await runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER_CONFIG}`,
      `--verify.receivers=${receiver}`,
      severity,
      team,
      alertname,
    ]);
    expect(res.code, res.output).toBe(0);
  });

  it('a broken rule test makes promtool fail (the harness can see failures)', { timeout: TOOL_TIMEOUT_MS }, async () => {
    // Guard against a vacuous pass: feed promtool a test that expects the impossible.
    const dir = mkdtempSync(join(tmpdir(), 'wedsync-promtool-'));
    try {
      const bad = join(dir, 'bad.test.yml');
      writeFileSync(
        bad,
        [
          'rule_files:',
          `  - ${join(RULES_DIR, 'wedsync-alerts.yml')}`,
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          `      - series: 'up{job="feature-request-api",instance="a"}'`,
          `        values: '1x10'`,
          '    alert_rule_test:',
          '      - eval_time: 5m',
          '        alertname: FeatureRequestApiDown',
          '        exp_alerts:',
          '          - exp_labels: {severity: critical, team: on-call-engineer, job: feature-request-api}',
          '',
        ].join('\n'),
      );
      const res = await runTool('promtool', ['test', 'rules', bad]);
      expect(res.code).not.toBe(0);
      expect(res.output).toContain('FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
