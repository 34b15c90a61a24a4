// The DR drills, run for real as an operator runs them (`node dist/main.js drill <scenario> --json`):
// real processes on loopback, a real kill -9, real PostgreSQL. What must hold on any machine is
// asserted here — nothing acknowledged is lost or doubled, service comes back, the scenario's own
// checks — while the RTO figures against their targets are measured on a quiet machine (README,
// docs/operations.md#dr-drills): a loaded CI machine restarts processes slower, which is not a failure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingHaTools } from '../../src/drills/ha-setups.js';
import type { DrillReport } from '../../src/drills/report.js';
import { postgresBinDir } from '../../src/services/backups/physical-cluster.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = Boolean(process.env.TEST_DATABASE_URL);
const missingHa = missingHaTools();
const HA_TOOLS = missingHa.length === 0 || process.env.REQUIRE_HA_TOOLS === '1';
if (!HA_TOOLS) console.warn(`primary-db-failure and redis-failure drills skipped: ${missingHa.join(', ')} not installed (CI sets REQUIRE_HA_TOOLS=1).`);
/** restore-from-backup runs a PostgreSQL cluster of its own: it needs the server binaries, not TEST_DATABASE_URL. */
const POSTGRES_BINARIES = postgresBinDir() !== undefined || process.env.REQUIRE_HA_TOOLS === '1';
/** Timing checks are the quiet machine's business (see above); everything else must pass. */
const TIMED_CHECK = /^RTO within|p95 .* under|unaffected/;

let reportDir: string;
beforeAll(async () => {
  const built = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`);
  reportDir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-drill-reports-'));
}, 180_000);
afterAll(() => rm(reportDir, { recursive: true, force: true }));

export function drill(scenario: string, ...args: string[]): Promise<{ code: number | null; report: DrillReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(process.env.TEST_DATABASE_URL ? { DRILL_DATABASE_URL: process.env.TEST_DATABASE_URL } : {}) };
    const child = spawn(process.execPath, ['dist/main.js', 'drill', scenario, '--json', '--report-dir', reportDir, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const report = JSON.parse(last) as DrillReport;
        // The figures in the test log (CI's), as the drill reported them.
        console.log(
          `drill ${scenario}: rto_ms=${report.rto_ms} acknowledged=${report.acknowledged_writes} lost=${report.lost_writes} duplicates=${report.duplicates} errors=${JSON.stringify(report.errors_by_status)} passed=${report.passed}`,
        );
        resolve({ code, report, stderr });
      } catch {
        reject(new Error(`drill ${scenario} printed no JSON (exit ${code}):\n${stdout}\n${stderr.slice(-3000)}`));
      }
    });
  });
}

export function expectSurvived({ report, stderr }: { report: DrillReport; stderr: string }) {
  const failed = report.checks.filter((c) => !c.ok && !TIMED_CHECK.test(c.name));
  expect(failed, stderr.slice(-2000)).toEqual([]);
  expect(report.acknowledged_writes).toBeGreaterThan(0);
  expect(report.lost_writes).toBe(0);
  expect(report.duplicates).toBe(0);
  expect(report.rto_ms).not.toBeNull();
}

describe('DR drills', () => {
  it('api-crash (embedded): kill -9 of `start` under writes loses nothing and comes back', async () => {
    const run = await drill('api-crash', '--duration', '10');
    expectSurvived(run);
    expect(run.report.details.mode).toBe('embedded');
  }, 300_000);

  it.runIf(SERVER)(
    'api-crash (cluster): kill -9 of one API replica loses nothing',
    async () => {
      const run = await drill('api-crash', '--mode', 'cluster', '--duration', '10');
      expectSurvived(run);
    },
    300_000,
  );

  it.runIf(SERVER)(
    "worker-crash: the dead worker's jobs are reclaimed and every write gets its duplicate check",
    async () => {
      const run = await drill('worker-crash', '--duration', '10');
      expectSurvived(run);
      expect(run.report.details.jobs_held).toBeGreaterThan(0);
    },
    400_000,
  );

  it.runIf(POSTGRES_BINARIES)(
    'restore-from-backup: point-in-time restore brings back every write acknowledged before the moment, none sent after it',
    async () => {
      const run = await drill('restore-from-backup', '--duration', '10');
      expectSurvived(run);
      expect(run.report.checks.find((c) => c.name === 'no write sent after T restored')?.ok).toBe(true);
    },
    600_000,
  );

  it('ai-service-degradation: an AI flood never costs a write and never answers 500', async () => {
    const run = await drill('ai-service-degradation', '--duration', '10');
    expectSurvived(run);
  }, 300_000);

  // Their own PostgreSQL formation / Redis set: need pg_auto_failover and redis-sentinel (CI installs them).
  it.runIf(HA_TOOLS)(
    'primary-db-failure: the lost primary machine is replaced by the synchronous secondary, nothing acknowledged lost',
    async () => {
      const run = await drill('primary-db-failure', '--duration', '10');
      expectSurvived(run);
      expect(run.report.details.promoted).not.toBe(run.report.details.lost_primary);
    },
    600_000,
  );

  it.runIf(HA_TOOLS && SERVER)(
    "redis-failure: writes go on through the Redis primary's loss and every replica moves to the promoted one",
    async () => {
      const run = await drill('redis-failure', '--duration', '10');
      expectSurvived(run);
      expect(run.report.details.redis_recovered_ms).not.toBeNull();
    },
    300_000,
  );

  it('refuses an unknown scenario with usage and exit 64', () => {
    const result = spawnSync(process.execPath, ['dist/main.js', 'drill', 'meteor-strike'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('no drill "meteor-strike"');
    expect(result.stderr).toContain('api-crash');
  });
});
