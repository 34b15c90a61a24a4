// api-crash: kill -9 the API process under a steady write load and start it again, as a supervisor
// (systemd, Kubernetes) would. Embedded mode by default — the one process holds the database, so this
// is the hardest case: every write waits for the restart and PGlite's crash recovery. With
// --mode cluster: one of two API replicas is killed and clients move to the other.
import { setTimeout as sleep } from 'node:timers/promises';
import { startWriteLoad, summarise, verifyWrites } from '../load.js';
import { startCluster, startEmbedded } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

async function embedded(ctx: DrillContext): Promise<DrillOutcome> {
  const setup = await startEmbedded(ctx);
  try {
    const load = await startWriteLoad({ urls: [setup.url], log: ctx.log });
    await sleep(ctx.durationMs / 2);
    ctx.log(`kill -9 ${setup.app.label} (pid ${setup.app.child.pid}) with ${load.record.acknowledged.length} writes acknowledged`);
    await setup.app.kill('SIGKILL');
    load.markFault();
    const restartedAt = Date.now();
    await setup.restart();
    await setup.app.waitReady(120_000);
    const readyMs = Date.now() - restartedAt;
    ctx.log(`restarted and ready after ${readyMs} ms`);
    await sleep(ctx.durationMs / 2);
    const record = await load.stop();
    const verified = await verifyWrites(setup.url, record);
    const summary = summarise(record);
    return {
      ...summary,
      acknowledgedWrites: record.acknowledged.length,
      lostWrites: verified.lost,
      duplicates: verified.duplicates,
      rtoTargetMs: 15_000,
      checks: [{ name: 'no write refused', ok: record.refused.length === 0, detail: record.refused.map((r) => `${r.status} ${r.body}`).join('; ') || 'none' }],
      details: {
        mode: 'embedded',
        fault: 'kill -9 of `start` (API, worker and PGlite in one process), restarted on the same data directory',
        restart_ready_ms: readyMs,
        lost_ids: verified.lostIds.slice(0, 20),
      },
    };
  } finally {
    await setup.stop();
  }
}

async function cluster(ctx: DrillContext): Promise<DrillOutcome> {
  const setup = await startCluster(ctx, { replicas: 2 });
  try {
    const load = await startWriteLoad({ urls: setup.urls, log: ctx.log });
    await sleep(ctx.durationMs / 2);
    const victim = setup.apis[0]!;
    ctx.log(`kill -9 ${victim.label} (pid ${victim.child.pid}) with ${load.record.acknowledged.length} writes acknowledged`);
    await victim.kill('SIGKILL');
    load.markFault();
    const restartedAt = Date.now();
    await setup.restartApi(0);
    const readyMs = Date.now() - restartedAt;
    await sleep(ctx.durationMs / 2);
    const record = await load.stop();
    const verified = await verifyWrites(setup.urls[1]!, record);
    return {
      ...summarise(record),
      acknowledgedWrites: record.acknowledged.length,
      lostWrites: verified.lost,
      duplicates: verified.duplicates,
      rtoTargetMs: 5_000,
      checks: [{ name: 'no write refused', ok: record.refused.length === 0, detail: record.refused.map((r) => `${r.status} ${r.body}`).join('; ') || 'none' }],
      details: { mode: 'cluster', fault: 'kill -9 of one of two API replicas, restarted', restart_ready_ms: readyMs, lost_ids: verified.lostIds.slice(0, 20) },
    };
  } finally {
    await setup.stop();
  }
}

export const apiCrash: DrillScenario = {
  name: 'api-crash',
  summary: 'kill -9 the API process under steady writes and restart it; no acknowledged write may be lost or doubled',
  run: (ctx) => (ctx.mode === 'cluster' ? cluster(ctx) : embedded(ctx)),
};
