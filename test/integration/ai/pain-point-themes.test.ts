// Pain-point themes end to end on both databases: requests on three topics are submitted, voted on and
// indexed by the real duplicate-detection jobs (which store their embeddings), then the themes job
// groups them. Requests of an author who withdrew AI consent, and merged ones, are left out; a retried
// job writes nothing twice; a refresh queues one run; every run is audited without personal data.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_MODEL_VERSION } from '../../../src/ai/embedding-model.js';
import { loadConfig } from '../../../src/config.js';
import { rows } from '../../../src/db/client.js';
import { GENERATE_PAIN_POINT_THEMES } from '../../../src/queue/contracts.js';
import { JOB_HANDLERS } from '../../../src/jobs/index.js';
import type { Job } from '../../../src/queue/queue.js';
import { createWorker } from '../../../src/jobs/worker.js';
import { generatePainPointThemes, SNAPSHOTS_KEPT } from '../../../src/services/pain-point-themes.js';
import { anonymous, createTestApp, DEMO_PASSWORD, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { sample } from '../../helpers/exposition.js';
import { coupleSignup, weddingRequest } from '../../helpers/fixtures.js';
import { signUpVerified } from '../../helpers/accounts.js';
import { createUniversalSentenceEncoder } from '../../../src/ai/embedding-model.js';

type Topic = 'sms' | 'seating' | 'deposits';

/** Four requests per topic, told in different words; cross-topic similarity stays well below the threshold. */
const TOPICS: Record<Topic, [title: string, description: string][]> = {
  sms: [
    ['Let guests RSVP by text message', 'Half of our family will not use a website. Let them reply YES or NO to an SMS invitation.'],
    ['RSVP by replying to an SMS', 'Older guests never open email; they should confirm by answering a text message.'],
    ['Text message invitations with yes or no replies', 'Send the invitation as an SMS and count each reply as an RSVP.'],
    ['Guests confirm attendance by SMS', 'Guests without smartphones should be able to confirm they are coming by sending a text.'],
  ],
  seating: [
    ['Printable seating chart', 'Export the table plan as a PDF so the venue can print it for the entrance.'],
    ['Print the table plan for the venue', 'Our venue wants the seating plan on paper, one sheet per table, ready to print.'],
    ['Seating chart as a PDF poster', 'A large printable poster of who sits at which table for the reception entrance.'],
    ['Download the seating plan to print', 'Let us download the finished seating chart and print it at home.'],
  ],
  deposits: [
    ['Reminders before supplier deposits are due', 'Remind us a week before each vendor deposit has to be paid so nothing is missed.'],
    ['Track deposits paid to each supplier', 'Record what we have already paid each vendor and what balance is still due.'],
    ['Alert me when a vendor payment is due', 'Send an alert when the next instalment to the florist or caterer falls due.'],
    ['See which supplier balances are unpaid', 'A list of every supplier with the amount still owed and its due date.'],
  ],
};

interface Theme {
  label: string;
  terms: string[];
  requests: number;
  voteWeight: number;
  voters: number;
  cohesion: number;
  categories: Record<string, number>;
  userTypes: Record<string, number>;
  urgency: Record<string, number>;
  growth: { last30Days: number; previous30Days: number };
  examples: { id: string; title: string; status: string; votes: number; voteWeight: number }[];
}

describe.each(DATABASE_MODES)('pain-point themes (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;
  let supplier: Caller;
  const ids: Record<Topic, string[]> = { sms: [], seating: [], deposits: [] };
  let withdrawing: Caller;
  let withdrawnId: string;
  let mergedId: string;

  const log = pino({ level: 'silent' });
  const drain = async (queue: 'duplicate_detection' | 'ai_analysis') => {
    const worker = createWorker({ services: t.services, handlers: JOB_HANDLERS, queues: [queue], concurrency: 1, log });
    while ((await worker.runDue()) > 0);
  };
  const count = async (query: ReturnType<typeof sql>) => rows<{ n: number }>(await t.database.db.execute(query))[0]!.n;
  const pendingRuns = () => count(sql`select count(*)::int as n from jobs where type = ${GENERATE_PAIN_POINT_THEMES.type} and state = 'pending'`);
  const snapshots = () => count(sql`select count(*)::int as n from ai_insight_snapshots`);
  const auditEvents = async () =>
    rows<{ actor_id: string | null; target_id: string; request_id: string | null; details: Record<string, unknown> }>(
      await t.database.db.execute(
        sql`select actor_id, target_id, request_id, details from audit_events where action = 'ai_analysis_performed' and target_type = 'ai_insight_snapshot' order by id`,
      ),
    );
  const latest = async () => {
    const res = await t.request(product, { method: 'GET', url: '/api/ai/insights/pain-points' });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      available: boolean;
      runQueued: boolean;
      snapshot: null | { id: string; requestsConsidered: number; requestsThemed: number; generatedAt: string; themes: Theme[] };
    };
  };
  const submit = async (caller: Caller, [title, description]: [string, string], category: string) => {
    const res = await t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest({ title, description, category }) });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const vote = async (caller: Caller, id: string) =>
    expect((await t.request(caller, { method: 'PUT', url: `/api/feature-requests/${id}/vote` })).statusCode).toBe(201);
  const weightOf = async (id: string) =>
    rows<{ w: number }>(await t.database.db.execute(sql`select vote_weight as w from feature_requests where id = ${id}::uuid`))[0]!.w;
  const themeOf = (themes: Theme[], topic: Topic) => themes.find((theme) => theme.examples.some((e) => e.id === ids[topic][0]));
  const aJob = (): Job => ({ id: randomUUID(), payload: {} }) as Job;

  beforeAll(async () => {
    t = await createTestApp(mode);
    // Only this suite's requests: themes over the demo catalogue are the e2e suite's business.
    await t.database.db.execute(sql`delete from feature_requests`);
    product = await t.login('product@demo.test');
    couple = await t.login('couple@demo.test', DEMO_PASSWORD);
    supplier = await t.login('supplier@demo.test', DEMO_PASSWORD);
    // SMS: couples and suppliers alike; seating: the product team; deposits: couples.
    for (const [i, request] of TOPICS.sms.entries()) ids.sms.push(await submit(i % 2 ? supplier : couple, request, 'rsvp'));
    for (const request of TOPICS.seating) ids.seating.push(await submit(product, request, 'seating'));
    for (const request of TOPICS.deposits) ids.deposits.push(await submit(couple, request, 'budget_payments'));
    mergedId = await submit(product, ['Seating chart printout', 'Print the seating chart so guests can find their table at the door.'], 'seating');

    const signup = await signUpVerified(t, coupleSignup());
    expect(signup.statusCode).toBe(200);
    withdrawing = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
    withdrawnId = await submit(
      withdrawing,
      ['Reply to the invitation by text', 'My grandparents can only use SMS; let them answer the invite with a text message.'],
      'rsvp',
    );

    // Weighted votes: the couple 1, the demo venue (a medium business) 2.5.
    await vote(couple, ids.sms[1]!);
    await vote(supplier, ids.sms[0]!);
    await vote(supplier, ids.sms[1]!);
    await vote(supplier, mergedId);
    await vote(couple, ids.deposits[2]!);
  });
  afterAll(() => t?.close());

  it('has no snapshot before the first run', async () => {
    expect(await latest()).toEqual({ available: true, runQueued: false, snapshot: null });
  });

  it('writes nothing while no request has an embedding, and looks again soon only when the model can run', async () => {
    // The model down: what a process started with AI_ENABLED=false holds.
    const offline = {
      ...t.services,
      config: loadConfig({ ...process.env, NODE_ENV: 'test', AI_ENABLED: 'false' }),
      embeddingModel: createUniversalSentenceEncoder({ enabled: false }),
    };
    await JOB_HANDLERS[GENERATE_PAIN_POINT_THEMES.type]!.run(aJob(), offline);
    expect(await snapshots()).toBe(0);
    expect(await pendingRuns()).toBe(0);

    await JOB_HANDLERS[GENERATE_PAIN_POINT_THEMES.type]!.run(aJob(), t.services);
    expect(await snapshots()).toBe(0);
    const [followUp] = rows<{ run_at: string; priority: number }>(
      await t.database.db.execute(sql`select run_at::text, priority from jobs where type = ${GENERATE_PAIN_POINT_THEMES.type} and state = 'pending'`),
    );
    expect(new Date(followUp!.run_at).getTime() - t.clock.now().getTime()).toBe(5 * 60_000);
    expect(followUp!.priority).toBe(-1);
  });

  it('a refresh brings the waiting run forward instead of queueing another', async () => {
    const [first, second] = [
      await t.request(product, { method: 'POST', url: '/api/ai/insights/pain-points/refresh' }),
      await t.request(product, { method: 'POST', url: '/api/ai/insights/pain-points/refresh' }),
    ];
    expect(first.statusCode).toBe(202);
    expect(first.json().queued).toBe(false);
    expect(second.json()).toEqual(first.json());
    expect(await pendingRuns()).toBe(1);
    expect((await latest()).runQueued).toBe(true);
  });

  it('groups the requests into three themes with the right members, votes and mix', async () => {
    // The duplicate check embeds every request while its author still allows AI analysis; then one
    // author withdraws (their embedding is still stored) and one request is merged.
    await drain('duplicate_detection');
    const withdrawal = await t.request(withdrawing, { method: 'PUT', url: '/api/privacy/consents/ai_analysis', payload: { granted: false } });
    expect(withdrawal.statusCode).toBe(200);
    const merge = await t.request(product, {
      method: 'POST',
      url: `/api/feature-requests/${mergedId}/merge`,
      payload: { targetId: ids.seating[0], justification: 'Same printable seating chart' },
    });
    expect(merge.statusCode).toBe(200);
    // One deposits request is 45 days old: growth compares the last 30 days with the 30 before.
    await t.database.db.execute(
      sql`update feature_requests set created_at = ${t.clock.now().toISOString()}::timestamptz - interval '45 days' where id = ${ids.deposits[3]!}::uuid`,
    );

    await drain('ai_analysis');
    const { snapshot, runQueued } = await latest();
    expect(runQueued).toBe(false);
    expect(snapshot).not.toBeNull();
    // 12 requests: the merged one and the withdrawn author's are not considered at all.
    expect(snapshot!.requestsConsidered).toBe(12);
    expect(snapshot!.requestsThemed).toBe(12);
    expect(snapshot!.themes).toHaveLength(3);
    for (const topic of ['sms', 'seating', 'deposits'] as const) {
      const theme = themeOf(snapshot!.themes, topic)!;
      expect(theme.requests).toBe(4);
      expect(theme.examples.map((e) => e.id).sort()).toEqual([...ids[topic]].sort());
      expect(theme.voteWeight).toBeCloseTo((await Promise.all(ids[topic].map(weightOf))).reduce((a, b) => a + b, 0));
      expect(theme.cohesion).toBeGreaterThan(0.6);
    }
    const [sms, seating, deposits] = (['sms', 'seating', 'deposits'] as const).map((topic) => themeOf(snapshot!.themes, topic)!);
    // Ranked by weighted votes: SMS 1 + 2.5 + 2.5, seating 2.5 (carried over by the merge), deposits 1.
    expect(snapshot!.themes.map((theme) => theme.voteWeight)).toEqual([6, 2.5, 1]);
    expect([sms!.voters, seating!.voters, deposits!.voters]).toEqual([2, 1, 1]);
    expect(sms!.examples[0]).toMatchObject({ id: ids.sms[1], votes: 2, voteWeight: 3.5, status: 'open' });
    expect(sms!.terms).toContain('sms');
    expect(seating!.terms).toContain('seating');
    expect(deposits!.terms).toContain('deposits');
    expect(sms!.userTypes).toEqual({ couple: 2, wedding_supplier: 2 });
    expect(seating!.categories).toEqual({ seating: 4 });
    expect(deposits!.urgency).toEqual({ medium: 4 });
    expect(deposits!.growth).toEqual({ last30Days: 3, previous30Days: 1 });
    const everyExample = snapshot!.themes.flatMap((theme) => theme.examples.map((e) => e.id));
    expect(everyExample).not.toContain(withdrawnId);
    expect(everyExample).not.toContain(mergedId);
  }, 120_000);

  it('audits the run once, with the model, the request count and the confidence scores, and no personal data', async () => {
    const events = await auditEvents();
    expect(events).toHaveLength(1);
    const [event] = events;
    const { snapshot } = await latest();
    const productId = rows<{ id: string }>(await t.database.db.execute(sql`select id from users where role = 'product_team' limit 1`))[0]!.id;
    expect(event).toMatchObject({ actor_id: null, target_id: snapshot!.id });
    expect(event!.request_id).toMatch(/^job:/);
    expect(event!.details).toMatchObject({ analysis: 'pain_point_themes', model_version: EMBEDDING_MODEL_VERSION, requests: 12, requested_by: productId });
    expect(event!.details.confidence_scores).toEqual(snapshot!.themes.map((theme) => theme.cohesion));
    expect(JSON.stringify(event!.details)).not.toMatch(/sms|seating|deposit|guest|couple/i);
  });

  it('a retried job writes nothing twice, and a new run finds the same themes', async () => {
    const [done] = rows<{ id: string }>(await t.database.db.execute(sql`select job_id as id from ai_insight_snapshots`));
    const before = await latest();
    await JOB_HANDLERS[GENERATE_PAIN_POINT_THEMES.type]!.run({ id: done!.id, payload: {} } as Job, t.services);
    expect(await snapshots()).toBe(1);
    expect(await auditEvents()).toHaveLength(1);

    const refresh = await t.request(product, { method: 'POST', url: '/api/ai/insights/pain-points/refresh' });
    expect(refresh.statusCode).toBe(202);
    expect(refresh.json().queued).toBe(true);
    expect((await t.request(product, { method: 'POST', url: '/api/ai/insights/pain-points/refresh' })).json()).toEqual({
      jobId: refresh.json().jobId,
      queued: false,
    });
    expect(await pendingRuns()).toBe(1);
    t.clock.advance(1000);
    await drain('ai_analysis');
    const after = await latest();
    expect(after.snapshot!.id).not.toBe(before.snapshot!.id);
    const stable = (s: typeof before) =>
      s.snapshot!.themes.map(({ label, requests, voteWeight, cohesion, examples }) => ({ label, requests, voteWeight, cohesion, examples }));
    expect(stable(after)).toEqual(stable(before));
    expect(await auditEvents()).toHaveLength(2);
  });

  it('keeps the newest snapshots only, and reports the latest one’s age', async () => {
    for (let i = 0; i < SNAPSHOTS_KEPT; i++) {
      t.clock.advance(1000);
      await generatePainPointThemes(t.services);
    }
    expect(await snapshots()).toBe(SNAPSHOTS_KEPT);
    const newest = rows<{ generated_at: string }>(
      await t.database.db.execute(sql`select max(generated_at)::text as generated_at from ai_insight_snapshots`),
    )[0]!;
    expect(new Date(newest.generated_at).getTime()).toBe(new Date((await latest()).snapshot!.generatedAt).getTime());
    t.clock.advance(90_000);
    const metrics = (await t.request(anonymous, { method: 'GET', url: '/metrics' })).body;
    expect(sample(metrics, 'ai_insight_snapshot_age_seconds', { kind: 'pain_point_themes' })).toBeCloseTo(90, 0);
  });
});
