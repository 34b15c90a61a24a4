// Redis through Sentinel (deploy/redis-sentinel/start.sh: primary, replica, three sentinels on
// loopback): kill -9 of the primary leaves the API serving (rate limits fail open, /ready says
// degraded), and within seconds the app is on the promoted replica by itself, counting there again.
// Skipped (with a warning) when redis-sentinel or pg_auto_failover are not installed, unless
// REQUIRE_HA_TOOLS=1 (CI), where that is a failure.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingHaTools, redisCountersAt, startSentinels, type SentinelSet } from '../../../src/drills/ha-setups.js';
import { anonymous, createTestApp, type TestApp } from '../../helpers/app.js';
import { ROOT } from '../../helpers/ops-tools.js';

const missing = missingHaTools();
const required = process.env.REQUIRE_HA_TOOLS === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `Redis Sentinel tests skipped: ${missing.join(', ')} not installed (apt-get install redis-sentinel postgresql-15-auto-failover; CI sets REQUIRE_HA_TOOLS=1).`,
  );
}

const PREFIX = `wsfr-sentinel-${randomBytes(4).toString('hex')}:`;
const detail = () => `/api/feature-requests/${randomUUID()}`;

describe.skipIf(missing.length > 0 && !required)('Redis failover through Sentinel', () => {
  let sentinels: SentinelSet | undefined;
  let t: TestApp | undefined;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`REQUIRE_HA_TOOLS=1 but not installed: ${missing.join(', ')}`);
    sentinels = await startSentinels(ROOT, mkdtempSync(path.join(tmpdir(), 'wsfr-sentinel-')));
    t = await createTestApp('pglite', {
      env: { REDIS_SENTINELS: sentinels.sentinels, REDIS_SENTINEL_NAME: sentinels.masterName, REDIS_KEY_PREFIX: PREFIX },
      seed: false,
    });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await sentinels?.destroy();
  }, 60_000);

  const ready = async () => (await t!.request(anonymous, { method: 'GET', url: '/ready' })).json() as { status: string; checks: { redis?: { ok: boolean } } };

  it('counts rate limits in the primary the sentinels name', async () => {
    expect(await ready()).toMatchObject({ status: 'ready', checks: { redis: { ok: true } } });
    const primary = await sentinels!.primary();
    const before = await redisCountersAt(primary, PREFIX);
    expect((await t!.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect(await redisCountersAt(primary, PREFIX)).toBe(before + 1);
  });

  it('keeps serving while the primary is gone and moves to the promoted replica by itself', async () => {
    const lost = await sentinels!.crashPrimary();
    const crashedAt = performance.now();

    // The outage: requests still answered (limits fail open), /ready degraded but 200.
    let sawDegraded = false;
    let status = await ready();
    while (status.status !== 'ready' && performance.now() - crashedAt < 60_000) {
      if (status.status === 'degraded') {
        sawDegraded = true;
        expect(status.checks.redis?.ok).toBe(false);
        expect((await t!.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
      }
      await sleep(200);
      status = await ready();
    }
    const recoveredMs = performance.now() - crashedAt;
    const named = await sentinels!.primary().catch((err: Error) => err.message);
    expect(sawDegraded).toBe(true);
    expect(status, `sentinels name ${named} (lost ${lost}); last /ready: ${JSON.stringify(status)}`).toMatchObject({
      status: 'ready',
      checks: { redis: { ok: true } },
    });
    expect(recoveredMs).toBeLessThan(15_000);

    const promoted = await sentinels!.primary();
    expect(promoted).not.toBe(lost);
    const before = await redisCountersAt(promoted, PREFIX);
    expect((await t!.request(anonymous, { method: 'GET', url: detail() })).statusCode).toBe(404);
    expect(await redisCountersAt(promoted, PREFIX)).toBe(before + 1);
  }, 90_000);
});
