// A short smoke run of each of the brief's five load scenarios, as an operator runs them
// (`npm run loadtest -- all --json`): the cluster setup on loopback — a database of its own on the
// PostgreSQL server, Redis under a prefix of its own, two API replicas and a worker — a few seconds
// of each scenario at a fraction of its rates, and the JSON contract of every report. The latency
// targets are the business of a full run on a quiet machine (bench/RESULTS.md), not of a busy CI box.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, type ScenarioReport } from '../../bench/loadtest/plan.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVERS = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

function loadtest(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL, BENCH_REDIS_URL: process.env.TEST_REDIS_URL };
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/loadtest/run.ts', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run loadtest', () => {
  it('--help names the five scenarios and all', async () => {
    const { code, stdout } = await loadtest('--help');
    expect(code).toBe(0);
    for (const name of [...SCENARIO_NAMES, 'all']) expect(stdout).toContain(name);
  });

  it('refuses an unknown scenario and a non-loopback --url with a usage error', async () => {
    expect((await loadtest('saturday_brunch')).code).toBe(64);
    expect((await loadtest('all', '--url', 'http://example.com')).code).toBe(64);
  });

  it.skipIf(!SERVERS)(
    'each scenario runs end to end on the cluster setup and reports the JSON contract',
    async () => {
      const { code, stdout, stderr } = await loadtest('all', '--duration', '3', '--scale', '0.3', '--json');
      const last = stdout.trim().split('\n').at(-1) ?? '';
      expect(code, stderr.slice(-3000)).toBe(0);
      const all = JSON.parse(last) as { scenario: string; requests: number; scenarios: ScenarioReport[] };
      // The figures in the test log, as the run reported them.
      for (const r of all.scenarios)
        console.log(
          `loadtest ${r.scenario}: ${r.requests} requests, success ${r.success_rate}, p95 read ${r.p95_read_ms} ms, p95 write ${r.p95_write_ms} ms, drain ${r.drain_s} s, errors ${JSON.stringify(r.errors_by_status)}`,
        );
      expect(all.scenario).toBe('all');
      expect(all.scenarios.map((r) => r.scenario)).toEqual([...SCENARIO_NAMES]);
      for (const r of all.scenarios) {
        expect(r.multiplier).toBe(10);
        expect(r.requests).toBeGreaterThan(0);
        expect(r.success_rate).toBeGreaterThanOrEqual(0);
        expect(r.success_rate).toBeLessThanOrEqual(1);
        expect(typeof r.p95_read_ms).toBe('number');
        expect(r.p95_write_ms === null || typeof r.p95_write_ms === 'number').toBe(true);
        // Drained within the run's bound: every job the load caused was done.
        expect(typeof r.drain_s).toBe('number');
        // A 4xx is a bug of the load test or the product (a refused vote, a lost permission), never load.
        expect(
          Object.keys(r.errors_by_status).filter((s) => /^4\d\d$/.test(s)),
          JSON.stringify(r.operations),
        ).toEqual([]);
        expect(r.targets).toHaveProperty('p95_write_ms');
      }
      expect(all.scenarios.find((r) => r.scenario === 'database_connection_pool_exhaustion')!.setup.database_pool_size).toBe(2);
      expect(all.scenarios.reduce((n, r) => n + (r.p95_write_ms === null ? 0 : 1), 0)).toBeGreaterThan(0);
    },
    360_000,
  );
});
