// worker-crash: kill -9 a worker while it runs jobs (duplicate checks of the writes coming in) and
// start another, as a supervisor would. Cluster mode: the API and the worker are separate processes.
// Recovery is the moment every job the dead worker held has run to completion somewhere else; no
// acknowledged write may be lost and every one of them must get its duplicate check.
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { startWriteLoad, summarise, verifyWrites } from '../load.js';
import { startCluster } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

const RECOVERY_TARGET_MS = 45_000;

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  const setup = await startCluster(ctx, { replicas: 1, worker: true });
  // The drill watches the queue from outside, as an operator would with psql.
  const observer = postgres(setup.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const load = await startWriteLoad({ urls: setup.urls, perSecond: 10, log: ctx.log });
    await sleep(ctx.durationMs / 2);
    // Kill it while it holds jobs, so there is something to recover.
    let held: string[] = [];
    for (let i = 0; i < 100 && held.length === 0; i++) {
      held = (await observer<{ id: string }[]>`select id from jobs where state = 'running'`).map((r) => r.id);
      if (held.length === 0) await sleep(50);
    }
    const worker = setup.worker!;
    ctx.log(`kill -9 worker (pid ${worker.child.pid}) holding ${held.length} running job(s)`);
    await worker.kill('SIGKILL');
    load.markFault();
    const faultAt = Date.now();
    await setup.restartWorker();
    let recoveredMs: number | null = null;
    while (Date.now() - faultAt < RECOVERY_TARGET_MS * 3) {
      const unfinished = held.length
        ? await observer<{ n: number }[]>`select count(*)::int as n from jobs where id = any(${held}::uuid[]) and state <> 'succeeded'`
        : [{ n: 0 }];
      if (unfinished[0]!.n === 0) {
        recoveredMs = Date.now() - faultAt;
        break;
      }
      await sleep(250);
    }
    ctx.log(recoveredMs === null ? "the dead worker's jobs were not finished in time" : `the dead worker's jobs finished ${recoveredMs} ms after the kill`);
    await sleep(Math.max(0, ctx.durationMs / 2 - (Date.now() - faultAt)));
    const record = await load.stop();
    const verified = await verifyWrites(setup.urls[0]!, record);
    // Every acknowledged write gets its duplicate check: wait for the queue to drain, then count.
    const ids = record.acknowledged.map((w) => w.id);
    let unchecked = ids.length;
    const drainDeadline = Date.now() + 60_000;
    while (Date.now() < drainDeadline) {
      const [row] = await observer<{ n: number }[]>`
        select count(*)::int as n from unnest(${ids}::uuid[]) as r(id)
        where not exists (select 1 from jobs j where j.type = 'detect_duplicates' and j.payload->>'requestId' = r.id::text and j.state = 'succeeded')`;
      unchecked = row!.n;
      if (unchecked === 0) break;
      await sleep(500);
    }
    const writes = summarise(record);
    return {
      ...writes,
      rtoMs: recoveredMs,
      acknowledgedWrites: record.acknowledged.length,
      lostWrites: verified.lost,
      duplicates: verified.duplicates,
      rtoTargetMs: RECOVERY_TARGET_MS,
      checks: [
        { name: 'the dead worker held jobs', ok: held.length > 0, detail: `${held.length} running at the kill` },
        { name: 'every acknowledged write got its duplicate check', ok: unchecked === 0, detail: `${unchecked} without a finished check` },
        { name: 'writes unaffected by the worker', ok: (writes.rtoMs ?? Infinity) < 5_000, detail: `first write after the kill in ${writes.rtoMs} ms` },
      ],
      details: {
        mode: 'cluster',
        fault: 'kill -9 of the only worker while it ran jobs, another started at once',
        rto_is: 'kill → every job the dead worker held has succeeded',
        jobs_held: held.length,
      },
    };
  } finally {
    await observer.end({ timeout: 5 });
    await setup.stop();
  }
}

export const workerCrash: DrillScenario = {
  name: 'worker-crash',
  summary: 'kill -9 a worker while it runs jobs; its jobs are reclaimed and finished by another, and every write gets its duplicate check',
  run,
};
