// ai-service-degradation: the brief's ai_service_overload_during_peak — far more duplicate checks than
// the model can serve, while couples and suppliers keep submitting. Expected: graceful degradation,
// basic functionality maintained — writes keep their speed and nothing is lost; the AI route slows,
// sheds load with 429/503 or answers lexically (available: false), but never fails with a 500.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SUPPLIER, startWriteLoad, summarise, verifyWrites } from '../load.js';
import { startCluster, startEmbedded } from '../setups.js';
import type { DrillContext, DrillOutcome, DrillScenario } from '../types.js';

const FLOOD_CALLERS = 8;

async function signIn(url: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_SUPPLIER) });
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie: res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    csrf: csrfToken,
  };
}

/** Duplicate checks as fast as FLOOD_CALLERS clients can send them, until stopped. */
function flood(url: string, session: { cookie: string; csrf: string }) {
  const outcomes: Record<string, number> = {};
  const lexical = { count: 0 };
  let stopping = false;
  const loops = Array.from({ length: FLOOD_CALLERS }, async (_, c) => {
    for (let i = 0; !stopping; i++) {
      let key: string;
      try {
        const res = await fetch(`${url}/api/ai/detect-duplicates`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
          body: JSON.stringify({
            title: `Seating plan export number ${c}-${i}`,
            description: `We need to export the seating plan ${i} for the venue coordinator and the caterer.`,
          }),
          signal: AbortSignal.timeout(15_000),
        });
        key = String(res.status);
        if (res.status === 200 && !((await res.json()) as { available: boolean }).available) lexical.count++;
        else await res.body?.cancel();
      } catch (err) {
        key = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
      }
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
  });
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return { outcomes, lexical: lexical.count };
    },
  };
}

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  const setup = ctx.mode === 'cluster' ? await startCluster(ctx, { replicas: 1 }) : await startEmbedded(ctx);
  const url = 'urls' in setup ? setup.urls[0]! : setup.url;
  try {
    const load = await startWriteLoad({ urls: [url], perSecond: 10, log: ctx.log });
    await sleep(ctx.durationMs / 2);
    ctx.log(`AI overload: ${FLOOD_CALLERS} callers sending duplicate checks back to back`);
    const ai = flood(url, await signIn(url));
    load.markFault();
    await sleep(ctx.durationMs / 2);
    const aiResult = await ai.stop();
    const record = await load.stop();
    const verified = await verifyWrites(url, record);
    const writes = summarise(record);
    const during = record.attempts
      .filter((a) => a.outcome === 201 && a.startedAt >= record.faultAt!)
      .map((a) => a.endedAt - a.startedAt)
      .sort((a, b) => a - b);
    const p95During = during.length ? during[Math.ceil(during.length * 0.95) - 1]! : null;
    const aiServerErrors = aiResult.outcomes['500'] ?? 0;
    const writeErrors = Object.values(writes.errorsByStatus).reduce((a, b) => a + b, 0);
    return {
      ...writes,
      acknowledgedWrites: record.acknowledged.length,
      lostWrites: verified.lost,
      duplicates: verified.duplicates,
      rtoTargetMs: 5_000,
      checks: [
        {
          name: 'writes keep working during the AI overload',
          ok: writeErrors === 0 && record.refused.length === 0,
          detail: `${writeErrors} failed attempts, ${record.refused.length} refused`,
        },
        {
          name: 'write p95 during the overload under 1 s',
          ok: p95During !== null && p95During < 1_000,
          detail: `${p95During} ms (before: ${writes.p95BaselineMs} ms)`,
        },
        { name: 'the AI route never answers 500', ok: aiServerErrors === 0, detail: JSON.stringify(aiResult.outcomes) },
      ],
      details: {
        mode: ctx.mode ?? 'embedded',
        fault: `${FLOOD_CALLERS} callers flooding POST /api/ai/detect-duplicates`,
        ai_outcomes: aiResult.outcomes,
        ai_lexical_answers: aiResult.lexical,
        write_p95_during_ms: p95During,
      },
    };
  } finally {
    await setup.stop();
  }
}

export const aiServiceDegradation: DrillScenario = {
  name: 'ai-service-degradation',
  summary: 'flood the AI duplicate checks far past what the model can serve; submissions keep working, nothing is lost, no 500s',
  run,
};
