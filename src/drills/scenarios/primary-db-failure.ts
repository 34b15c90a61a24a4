// primary-db-failure: the brief's "primary_db_failure_saturday_evening". A pg_auto_failover formation
// (monitor, primary, synchronous secondary: deploy/pg-auto-failover/formation.sh) behind two API
// replicas and a worker that reach it through the multi-host URL, under steady supplier writes. The
// fault is the primary *machine* lost: kill -9 of its pg_autoctl keeper and its PostgreSQL together.
// That is harder than killing PostgreSQL alone (its keeper restarts it in about a second, no failover)
// or `pg_autoctl stop` (a clean shutdown): nothing is left to demote the old primary or hand over,
// so the monitor must notice the loss and promote the secondary. Synchronous replication means every
// commit a client heard of is on the secondary already: zero acknowledged writes may be lost.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPgFormation } from '../ha-setups.js';
import { startWriteLoad, summarise, verifyWrites } from '../load.js';
import { startCluster } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

const RTO_TARGET_MS = 15_000;

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  // Its own directory (not ctx.workDir, which only its owner may enter): pg_autoctl runs as postgres.
  const formationDir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-drill-pgaf-'));
  ctx.log(`starting a pg_auto_failover formation in ${formationDir}`);
  const formation = await startPgFormation(ctx.root, formationDir).catch(async (err: unknown) => {
    await rm(formationDir, { recursive: true, force: true });
    throw err;
  });
  try {
    ctx.log(`formation ready in ${formation.startupMs} ms: ${formation.databaseUrl}`);
    const setup = await startCluster(ctx, { replicas: 2, worker: true, databaseUrl: formation.databaseUrl });
    try {
      const load = await startWriteLoad({ urls: setup.urls, log: ctx.log });
      await sleep(ctx.durationMs / 2);
      const lost = await formation.primary();
      ctx.log(`kill -9 of the primary node ${lost} (pg_autoctl and PostgreSQL) with ${load.record.acknowledged.length} writes acknowledged`);
      await formation.crash(lost);
      load.markFault();
      const faultAt = Date.now();
      let promoted: string | null = null;
      let promotedMs: number | null = null;
      while (Date.now() - faultAt < 120_000) {
        const now = await formation.primary().catch(() => '');
        if (now && now !== lost) {
          promoted = now;
          promotedMs = Date.now() - faultAt;
          break;
        }
        await sleep(200);
      }
      ctx.log(promoted ? `${promoted} promoted after ${promotedMs} ms` : 'no node was promoted within 120 s');
      await sleep(ctx.durationMs / 2);
      const record = await load.stop();
      // A process that died in the failover is a finding, not the end of the drill: say why, and
      // count the writes through a replica that is still up.
      const processes = [...setup.apis, ...(setup.worker ? [setup.worker] : [])];
      const died = processes.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
      for (const p of died)
        ctx.log(`${p.label} exited (${p.child.exitCode ?? p.child.signalCode}) during the drill; its last lines:\n${p.recentLines().slice(-10).join('\n')}`);
      const alive = setup.apis.find((p) => !died.includes(p));
      if (!alive) throw new Error('no API replica survived the failover: nothing left to count the writes through');
      const verified = await verifyWrites(alive.url!, record);
      return {
        ...summarise(record),
        acknowledgedWrites: record.acknowledged.length,
        lostWrites: verified.lost,
        duplicates: verified.duplicates,
        rtoTargetMs: RTO_TARGET_MS,
        checks: [
          {
            name: 'the synchronous secondary was promoted',
            ok: promoted !== null,
            detail: promoted ? `${lost} → ${promoted} in ${promotedMs} ms` : 'no promotion within 120 s',
          },
          {
            name: 'every API replica and the worker survived the failover',
            ok: died.length === 0,
            detail:
              died.map((p) => `${p.label} exited ${p.child.exitCode ?? p.child.signalCode}: ${p.recentLines().slice(-1)[0]?.slice(0, 300) ?? ''}`).join('; ') ||
              'all running',
          },
          { name: 'no write refused', ok: record.refused.length === 0, detail: record.refused.map((r) => `${r.status} ${r.body}`).join('; ') || 'none' },
        ],
        details: {
          mode: 'cluster',
          fault: 'kill -9 of the primary node (its pg_autoctl keeper and PostgreSQL): a lost machine; 2 API replicas and a worker on the multi-host URL',
          formation_startup_ms: formation.startupMs,
          lost_primary: lost,
          promoted,
          promoted_after_ms: promotedMs,
          lost_ids: verified.lostIds.slice(0, 20),
        },
      };
    } finally {
      await setup.stop();
    }
  } finally {
    await formation.destroy().catch((err: unknown) => ctx.log(`destroying the formation failed: ${(err as Error).message}`));
    await rm(formationDir, { recursive: true, force: true });
  }
}

export const primaryDbFailure: DrillScenario = {
  name: 'primary-db-failure',
  summary:
    'lose the PostgreSQL primary machine (kill -9 of pg_autoctl and PostgreSQL) under steady writes; the synchronous secondary takes over with no acknowledged write lost',
  run,
};
