// A drill's verdict: the outcome held against the brief's objectives for the season in force and
// against ours, as one JSON object (the contract other tools read) and a Markdown summary for people.
import { BRIEF_DATA_LOSS_TOLERANCE_REQUESTS, BRIEF_RECOVERY_OBJECTIVES, recoveryPeriod } from '../domain/resilience-targets.js';
import { seasonStatus } from '../domain/seasons.js';
import type { DrillCheck, DrillOutcome } from './types.js';

export interface DrillReport {
  scenario: string;
  summary: string;
  started_at: string;
  finished_at: string;
  season: { region: string; season: string; critical_hours: boolean; objectives_in_force: string };
  rto_ms: number | null;
  acknowledged_writes: number;
  lost_writes: number;
  duplicates: number;
  errors: number;
  errors_by_status: Record<string, number>;
  p95_baseline_ms: number | null;
  p95_normal_after_ms: number | null;
  targets: { brief: { rto_ms: number; lost_writes: number }; ours: { rto_ms: number; lost_writes: 0; duplicates: 0 } };
  checks: DrillCheck[];
  passed: boolean;
  details: Record<string, unknown>;
}

export function drillReport(
  scenario: { name: string; summary: string },
  outcome: DrillOutcome,
  { startedAt, finishedAt, seasonRegion }: { startedAt: Date; finishedAt: Date; seasonRegion: string },
): DrillReport {
  const season = seasonStatus(startedAt, seasonRegion);
  const period = recoveryPeriod(season);
  const brief = BRIEF_RECOVERY_OBJECTIVES[period];
  const rto = outcome.rtoMs;
  const checks: DrillCheck[] = [
    { name: 'acknowledged writes', ok: outcome.acknowledgedWrites > 0, detail: `${outcome.acknowledgedWrites} acknowledged` },
    { name: 'no acknowledged write lost', ok: outcome.lostWrites === 0, detail: `${outcome.lostWrites} lost (brief: ${BRIEF_DATA_LOSS_TOLERANCE_REQUESTS})` },
    { name: 'no write stored twice', ok: outcome.duplicates === 0, detail: `${outcome.duplicates} duplicates` },
    {
      name: `RTO within ours (${outcome.rtoTargetMs} ms)`,
      ok: rto !== null && rto < outcome.rtoTargetMs,
      detail: rto === null ? 'writes never came back' : `${rto} ms`,
    },
    {
      name: `RTO within the brief's ${period} objective (${brief.rtoMs} ms)`,
      ok: rto !== null && rto < brief.rtoMs,
      detail: rto === null ? 'writes never came back' : `${rto} ms`,
    },
    ...outcome.checks,
  ];
  return {
    scenario: scenario.name,
    summary: scenario.summary,
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    season: { region: season.region, season: season.season, critical_hours: season.criticalHours, objectives_in_force: period },
    rto_ms: rto,
    acknowledged_writes: outcome.acknowledgedWrites,
    lost_writes: outcome.lostWrites,
    duplicates: outcome.duplicates,
    errors: Object.values(outcome.errorsByStatus).reduce((a, b) => a + b, 0),
    errors_by_status: outcome.errorsByStatus,
    p95_baseline_ms: outcome.p95BaselineMs,
    p95_normal_after_ms: outcome.p95NormalAfterMs,
    targets: {
      brief: { rto_ms: brief.rtoMs, lost_writes: BRIEF_DATA_LOSS_TOLERANCE_REQUESTS },
      ours: { rto_ms: outcome.rtoTargetMs, lost_writes: 0, duplicates: 0 },
    },
    checks,
    passed: checks.every((c) => c.ok),
    details: outcome.details,
  };
}

const ms = (value: number | null) => (value === null ? '—' : `${value} ms`);

export function markdownSummary(report: DrillReport): string {
  const errors = Object.entries(report.errors_by_status)
    .map(([status, n]) => `${n}× ${status}`)
    .join(', ');
  return [
    `# Drill \`${report.scenario}\`: ${report.passed ? 'PASSED' : 'FAILED'}`,
    '',
    report.summary,
    '',
    `${report.started_at} → ${report.finished_at}; ${report.season.season} season (${report.season.region})${report.season.critical_hours ? ', wedding-day critical hours' : ''}: the brief's \`${report.season.objectives_in_force}\` objectives apply.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| RTO (fault → first successful write sent after it) | ${ms(report.rto_ms)} (ours < ${report.targets.ours.rto_ms} ms, brief < ${report.targets.brief.rto_ms} ms) |`,
    `| acknowledged writes | ${report.acknowledged_writes} |`,
    `| lost acknowledged writes | ${report.lost_writes} |`,
    `| duplicates | ${report.duplicates} |`,
    `| failed attempts from the fault on | ${report.errors}${errors ? ` (${errors})` : ''} |`,
    `| write p95 before the fault | ${ms(report.p95_baseline_ms)} |`,
    `| p95 back to normal after | ${ms(report.p95_normal_after_ms)} |`,
    '',
    '| check | result | detail |',
    '|---|---|---|',
    ...report.checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : '**FAILED**'} | ${c.detail} |`),
    '',
    Object.keys(report.details).length ? `Details: \`${JSON.stringify(report.details)}\`` : '',
  ].join('\n');
}
