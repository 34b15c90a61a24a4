// redis-failure: Redis with Sentinel (primary, replica, three sentinels: deploy/redis-sentinel/start.sh)
// holds the rate limits' counters of two API replicas, under steady supplier writes; the fault is
// kill -9 of the Redis primary. The limits fail open, so writes must go on without a single error;
// /ready says `degraded` meanwhile (the replicas stay in the balancer), and once the sentinels have
// promoted the replica every API replica is back to `ready` by itself, counting in the new primary.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisCountersAt, startSentinels } from '../ha-setups.js';
import { startWriteLoad, summarise, verifyWrites } from '../load.js';
import { startCluster } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

const RTO_TARGET_MS = 5_000;
const REDIS_RECOVERY_TARGET_MS = 15_000;
const KEY_PREFIX = 'wsfr-drill:';

/** `ready` (Redis checked and ok), `degraded`, `not_ready`, or why /ready did not answer. */
async function readiness(url: string): Promise<string> {
  try {
    // Generous: on a busy machine /ready (a database query and a PING) can take seconds.
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { status: string; checks: { redis?: { ok: boolean; detail?: string } } };
    if (body.status === 'ready' && !body.checks.redis?.ok) return 'ready without a redis check';
    return body.status === 'degraded' ? `degraded (${body.checks.redis?.detail ?? 'no detail'})` : body.status;
  } catch (err) {
    return `unanswered (${(err as Error).name})`;
  }
}

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  const sentinelDir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-drill-sentinel-'));
  const sentinels = await startSentinels(ctx.root, sentinelDir).catch(async (err: unknown) => {
    await rm(sentinelDir, { recursive: true, force: true });
    throw err;
  });
  try {
    ctx.log(`redis with sentinels ready in ${sentinels.startupMs} ms: ${sentinels.sentinels} (master ${sentinels.masterName})`);
    const setup = await startCluster(ctx, {
      replicas: 2,
      worker: true,
      env: { REDIS_SENTINELS: sentinels.sentinels, REDIS_SENTINEL_NAME: sentinels.masterName, REDIS_KEY_PREFIX: KEY_PREFIX },
    });
    try {
      const load = await startWriteLoad({ urls: setup.urls, log: ctx.log });
      await sleep(ctx.durationMs / 2);
      const lost = await sentinels.crashPrimary();
      load.markFault();
      const faultAt = Date.now();
      ctx.log(`kill -9 of the Redis primary ${lost} with ${load.record.acknowledged.length} writes acknowledged`);

      // Every replica's own view: degraded while no primary answers, ready again on the promoted one.
      let degradedSeen = false;
      let recoveredMs: number | null = null;
      const readyAgain = new Set<string>();
      let states: string[] = [];
      while (Date.now() - faultAt < 60_000) {
        states = await Promise.all(setup.urls.map(readiness));
        states.forEach((state, i) => {
          if (state.startsWith('degraded')) degradedSeen = true;
          else if (state === 'ready' && degradedSeen) readyAgain.add(setup.urls[i]!);
        });
        if (readyAgain.size === setup.urls.length) {
          recoveredMs = Date.now() - faultAt;
          break;
        }
        await sleep(200);
      }
      const promoted = await sentinels.primary();
      ctx.log(
        recoveredMs === null
          ? `the API replicas did not all report Redis ready again within 60 s: ${states.join('; ')}`
          : `every API replica ready on ${promoted} after ${recoveredMs} ms`,
      );
      const countedBefore = await redisCountersAt(promoted, KEY_PREFIX);
      await sleep(ctx.durationMs / 2);
      const countedAfter = await redisCountersAt(promoted, KEY_PREFIX);
      const record = await load.stop();
      const verified = await verifyWrites(setup.urls[0]!, record);
      const summary = summarise(record);
      const errors = Object.values(summary.errorsByStatus).reduce((a, b) => a + b, 0);
      return {
        ...summary,
        acknowledgedWrites: record.acknowledged.length,
        lostWrites: verified.lost,
        duplicates: verified.duplicates,
        rtoTargetMs: RTO_TARGET_MS,
        checks: [
          {
            name: 'writes went on while Redis was down (limits fail open)',
            ok: errors === 0,
            detail: errors === 0 ? 'no failed attempt' : JSON.stringify(summary.errorsByStatus),
          },
          // degradedSeen is set by the polling callback above, which the narrowing cannot see.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
          { name: '/ready said degraded while no Redis primary answered', ok: degradedSeen, detail: degradedSeen ? 'seen' : 'never seen' },
          {
            name: `every API replica back on the promoted Redis within ${REDIS_RECOVERY_TARGET_MS} ms`,
            ok: recoveredMs !== null && recoveredMs < REDIS_RECOVERY_TARGET_MS && promoted !== lost,
            detail: recoveredMs === null ? `not within 60 s: ${states.join('; ')}` : `${lost} → ${promoted} in ${recoveredMs} ms`,
          },
          { name: 'rate limits count in the new primary', ok: countedAfter > countedBefore, detail: `${countedBefore} → ${countedAfter}` },
          { name: 'no write refused', ok: record.refused.length === 0, detail: record.refused.map((r) => `${r.status} ${r.body}`).join('; ') || 'none' },
        ],
        details: {
          mode: 'cluster',
          fault: 'kill -9 of the Redis primary (Sentinel: one replica, three sentinels, quorum 2); 2 API replicas and a worker',
          sentinel_startup_ms: sentinels.startupMs,
          lost_primary: lost,
          promoted,
          redis_recovered_ms: recoveredMs,
          lost_ids: verified.lostIds.slice(0, 20),
        },
      };
    } finally {
      await setup.stop();
    }
  } finally {
    await sentinels.destroy().catch((err: unknown) => ctx.log(`stopping the sentinel set failed: ${(err as Error).message}`));
    await rm(sentinelDir, { recursive: true, force: true });
  }
}

export const redisFailure: DrillScenario = {
  name: 'redis-failure',
  summary:
    'kill -9 the Redis primary under steady writes; the API keeps serving (limits fail open, /ready degraded) and moves to the replica Sentinel promotes by itself',
  run,
};
