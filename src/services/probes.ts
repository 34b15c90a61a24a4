// Synthetic probes (the brief's health_checks): scheduled jobs that use the running API over HTTP as
// a client would — submit a request, vote and withdraw the vote — as a dedicated service account
// whose data is marked synthetic (kept off the board, roadmap, trends and business metrics). Each
// run is recorded in `probe_runs`, so every process exports the same success and latency; after a
// probe's failure threshold of consecutive failures an incident is opened through the escalation
// engine (as if Alertmanager had sent SyntheticProbeFailing), and the next success resolves it.
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { and, asc, desc, eq, gt, gte, lt, ne } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { apiTokens, featureRequests, probeRuns, users } from '../db/schema.js';
import { regionForCountry } from '../domain/seasons.js';
import { emailIndexOf, sealNewUser } from '../security/records.js';
import { createApiToken, hashPassword } from './accounts.js';
import { recordAudit } from './audit.js';
import type { Principal, Services } from './context.js';
import { receiveAlertmanagerWebhook } from './incidents.js';

/** The probes' service account. `.invalid` can never be a real mailbox (RFC 2606). */
export const PROBE_ACCOUNT_EMAIL = 'probe@synthetic.invalid';
export const PROBE_ALERT_NAME = 'SyntheticProbeFailing';

interface ProbeDefinition {
  everyMs: number;
  timeoutMs: number;
  failureThreshold: number;
  /** Labels and annotations of the incident, as deploy/prometheus/wedsync-alerts.yml's rule for it. */
  severity: 'critical' | 'warning';
  team: string;
  description: string;
  weddingImpact: string;
  escalation: string;
}

export const PROBES = {
  feature_request_submission: {
    everyMs: 30_000,
    timeoutMs: 5_000,
    failureThreshold: 3,
    severity: 'critical',
    team: 'on-call-engineer',
    description: 'The feature_request_submission probe (POST /api/feature-requests every 30s) has failed 3 times in a row.',
    weddingImpact: 'Couples and suppliers cannot submit feature requests; critical wedding feedback is being lost',
    escalation: 'immediate: on-call-engineer; after 15m: platform-team-lead; after 30m: cto, product-manager; after 1h: wedding-success-team',
  },
  voting_system: {
    everyMs: 60_000,
    timeoutMs: 3_000,
    failureThreshold: 3,
    severity: 'warning',
    team: 'on-call-engineer',
    description: 'The voting_system probe (PUT and DELETE /api/feature-requests/{id}/vote every 1m) has failed 3 times in a row.',
    weddingImpact: 'Couples and suppliers cannot vote, so the product team prioritises on incomplete demand',
    escalation: 'immediate: on-call-engineer; after 30m: platform-team',
  },
  ai_duplicate_detection: {
    everyMs: 120_000,
    timeoutMs: 10_000,
    failureThreshold: 2,
    severity: 'warning',
    team: 'ai-team',
    description:
      'The ai_duplicate_detection probe (POST /api/ai/detect-duplicates every 2m) has failed twice in a row: the endpoint errs, is slow, or answers without the AI model.',
    weddingImpact: 'Couples file duplicates instead of voting, fragmenting the feedback the product team plans the season on',
    escalation: 'immediate: ai-team; after 30m: platform-team',
  },
} as const satisfies Record<string, ProbeDefinition>;

export type ProbeName = keyof typeof PROBES;
export const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];
export const isProbeName = (value: unknown): value is ProbeName => typeof value === 'string' && value in PROBES;

/**
 * Synthetic requests and probe runs are kept this long (the probe deletes older ones). Runs cover
 * the 30-day error budget window (error-budget.ts) and a day to spare.
 */
const SYNTHETIC_REQUEST_RETENTION_MS = 86_400_000;
const PROBE_RUN_RETENTION_MS = 31 * 86_400_000;

// ---------------------------------------------------------------------------------------------
// The service account and its credential

type UserRow = typeof users.$inferSelect;

/**
 * Creates the probe account if it is missing (idempotent; safe when several processes race). It is a
 * verified wedding supplier (no daily submission limit, business context given) with a random
 * password nobody knows; `users.synthetic` marks it, and everything it submits, as synthetic. An
 * existing account with this email that is not synthetic is never promoted: the probe refuses.
 */
export async function ensureProbeAccount(s: Services): Promise<UserRow> {
  const emailIndex = emailIndexOf(s.keyring, PROBE_ACCOUNT_EMAIL);
  const find = async () => (await s.db.select().from(users).where(eq(users.emailIndex, emailIndex)).limit(1))[0];
  let user = await find();
  if (!user) {
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    await s.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({
          ...(await sealNewUser(s.keyring, tx, randomUUID(), { email: PROBE_ACCOUNT_EMAIL, phone: null, businessAddress: null })),
          passwordHash,
          displayName: 'WedSync synthetic probe',
          role: 'wedding_supplier',
          verified: true,
          supplierType: 'other',
          businessName: 'WedSync synthetic probe',
          businessSize: 'solo',
          region: regionForCountry(undefined),
          timeZone: 'UTC',
          synthetic: true,
        })
        .onConflictDoNothing({ target: users.emailIndex })
        .returning({ id: users.id, role: users.role });
      if (created)
        await recordAudit(s, tx, { actor: null }, { action: 'user_signed_up', targetType: 'user', targetId: created.id, details: { synthetic: true } });
    });
    user = await find();
  }
  if (!user?.synthetic) throw new Error(`${PROBE_ACCOUNT_EMAIL} exists but is not the synthetic probe account; refusing to probe as it`);
  return user;
}

/** This process's token for the probe account (kept in the service context's caches). */
export interface ProbeCredential {
  userId: string;
  token: string;
  renewAt: number;
}

async function probeCredential(s: Services): Promise<ProbeCredential> {
  const now = s.now();
  const cached = s.caches.probeCredential;
  if (cached && cached.renewAt > now.getTime()) return cached;
  const user = await ensureProbeAccount(s);
  // Each process makes its own 2-day token and renews it daily; expired ones are cleared here.
  await s.db.delete(apiTokens).where(and(eq(apiTokens.userId, user.id), lt(apiTokens.expiresAt, new Date(now.getTime() - 86_400_000))));
  const actor: Principal = {
    id: user.id,
    role: user.role,
    verified: user.verified,
    displayName: user.displayName,
    businessSize: user.businessSize,
    region: user.region,
    timeZone: user.timeZone,
    accountCreatedAt: user.createdAt,
    via: 'token',
    synthetic: true,
  };
  const { token } = await createApiToken(s, { actor }, { name: 'synthetic probe', expiresInDays: 2 });
  const credential = { userId: user.id, token, renewAt: now.getTime() + 86_400_000 };
  s.caches.probeCredential = credential;
  return credential;
}

// ---------------------------------------------------------------------------------------------
// The checks

class ProbeFailure extends Error {
  override name = 'ProbeFailure';
}

interface ProbeContext {
  s: Services;
  credential: ProbeCredential;
  signal: AbortSignal;
}

/**
 * One HTTP exchange on a connection of its own (`agent: false`, `Connection: close`): a probe should
 * connect as a new client does, and a kept-alive connection from inside the process would hold the
 * server's graceful shutdown open.
 */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, connection: 'close' }, agent: false, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function api(ctx: ProbeContext, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.credential.token}`, 'user-agent': 'wedsync-synthetic-probe' };
  if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
  const res = await send(new URL(`${ctx.s.config.probeBaseUrl}${path}`), method, headers, payload, ctx.signal);
  const text = res.text;
  let json: Record<string, unknown> | null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

function expectStatus(res: { status: number; json: Record<string, unknown> | null }, expected: number, what: string) {
  if (res.status !== expected) {
    const code = res.json && typeof res.json.code === 'string' ? ` ${res.json.code}` : '';
    throw new ProbeFailure(`${what} → HTTP ${res.status}${code} (expected ${expected})`);
  }
}

async function submit(ctx: ProbeContext): Promise<string> {
  const res = await api(ctx, 'POST', '/api/feature-requests', {
    title: `Synthetic probe ${ctx.s.now().toISOString()}`,
    description: 'Automated synthetic check that submitting a feature request works end to end. Not shown on the board.',
    category: ctx.s.config.categories[0],
    urgency: 'low',
    painPoints: ['synthetic probe'],
  });
  expectStatus(res, 201, 'POST /api/feature-requests');
  const id = res.json?.id;
  if (typeof id !== 'string') throw new ProbeFailure('POST /api/feature-requests answered 201 without an id');
  return id;
}

const CHECKS: Record<ProbeName, (ctx: ProbeContext) => Promise<void>> = {
  async feature_request_submission(ctx) {
    await submit(ctx);
  },
  async voting_system(ctx) {
    const fr = featureRequests;
    const [target] = await ctx.s.db
      .select({ id: fr.id })
      .from(fr)
      .where(and(eq(fr.authorId, ctx.credential.userId), eq(fr.synthetic, true), ne(fr.status, 'merged')))
      .orderBy(desc(fr.createdAt))
      .limit(1);
    const id = target?.id ?? (await submit(ctx));
    let vote = await api(ctx, 'PUT', `/api/feature-requests/${id}/vote`);
    if (vote.status === 409 && vote.json?.code === 'already_voted') {
      // A previous run stopped between its vote and its withdrawal: start again.
      expectStatus(await api(ctx, 'DELETE', `/api/feature-requests/${id}/vote`), 200, 'DELETE /api/feature-requests/:id/vote');
      vote = await api(ctx, 'PUT', `/api/feature-requests/${id}/vote`);
    }
    expectStatus(vote, 201, 'PUT /api/feature-requests/:id/vote');
    expectStatus(await api(ctx, 'DELETE', `/api/feature-requests/${id}/vote`), 200, 'DELETE /api/feature-requests/:id/vote');
  },
  async ai_duplicate_detection(ctx) {
    const res = await api(ctx, 'POST', '/api/ai/detect-duplicates', {
      title: 'Let guests RSVP by text message',
      description: 'Synthetic probe: older guests want to reply to an SMS instead of using the wedding website.',
      limit: 3,
    });
    expectStatus(res, 200, 'POST /api/ai/detect-duplicates');
    if (!Array.isArray(res.json?.matches)) throw new ProbeFailure('POST /api/ai/detect-duplicates answered without matches');
    // Lexical answers keep users going, but the probe exists to notice that the model is down.
    if (res.json.available !== true) throw new ProbeFailure('POST /api/ai/detect-duplicates answered without the AI model (available: false)');
  },
};

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return `${err.code}: ${err.message}`.slice(0, 500);
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return (detail ? `${err.message}: ${detail}` : err.message).slice(0, 500);
  }
  return String(err).slice(0, 500);
}

// ---------------------------------------------------------------------------------------------
// Running, recording, alerting

export interface ProbeRun {
  probe: ProbeName;
  ok: boolean;
  durationMs: number;
  error: string | null;
}

function alertFor(name: ProbeName, status: 'firing' | 'resolved') {
  const def: ProbeDefinition = PROBES[name];
  return {
    status,
    fingerprint: `probe:${name}`,
    labels: { alertname: PROBE_ALERT_NAME, probe: name, severity: def.severity, team: def.team, source: 'synthetic_probe' },
    annotations: {
      summary: `Synthetic probe ${name} is failing`,
      description: def.description,
      wedding_impact: def.weddingImpact,
      escalation: def.escalation,
      runbook_url: 'https://github.com/wedsync/feature-requests/blob/main/docs/runbooks/synthetic-probe-failing.md',
    },
  };
}

/** Runs one probe against PROBE_BASE_URL, records it, and opens or resolves its incident. */
export async function runProbe(s: Services, name: ProbeName): Promise<ProbeRun> {
  const def: ProbeDefinition = PROBES[name];
  let started = performance.now();
  let error: string | null = null;
  try {
    const credential = await probeCredential(s);
    started = performance.now();
    await CHECKS[name]({ s, credential, signal: AbortSignal.timeout(def.timeoutMs) });
  } catch (err) {
    error = describeError(err, def.timeoutMs);
  }
  const run: ProbeRun = { probe: name, ok: error === null, durationMs: Math.round(performance.now() - started), error };
  await s.db.insert(probeRuns).values({ probe: name, ok: run.ok, durationMs: run.durationMs, error, at: s.now() });

  if (run.ok) {
    // Resolves the probe's open incident, if any (a no-op otherwise).
    await receiveAlertmanagerWebhook(s, { alerts: [alertFor(name, 'resolved')] });
  } else {
    const recent = await s.db
      .select({ ok: probeRuns.ok })
      .from(probeRuns)
      .where(eq(probeRuns.probe, name))
      .orderBy(desc(probeRuns.at))
      .limit(def.failureThreshold);
    // Opens the incident at the threshold; later failures repeat it (occurrences) and page nobody again.
    if (recent.length === def.failureThreshold && recent.every((r) => !r.ok)) {
      await receiveAlertmanagerWebhook(s, { alerts: [{ ...alertFor(name, 'firing'), startsAt: s.now().toISOString() }] });
    }
  }
  return run;
}

/** Keeps the synthetic data small: requests older than a day, runs older than 31 days. */
export async function purgeSyntheticData(s: Services): Promise<void> {
  const now = s.now().getTime();
  const [account] = await s.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.emailIndex, emailIndexOf(s.keyring, PROBE_ACCOUNT_EMAIL)), eq(users.synthetic, true)));
  if (account) {
    await s.db
      .delete(featureRequests)
      .where(
        and(
          eq(featureRequests.authorId, account.id),
          eq(featureRequests.synthetic, true),
          lt(featureRequests.createdAt, new Date(now - SYNTHETIC_REQUEST_RETENTION_MS)),
        ),
      );
  }
  await s.db.delete(probeRuns).where(lt(probeRuns.at, new Date(now - PROBE_RUN_RETENTION_MS)));
}

// ---------------------------------------------------------------------------------------------
// Metrics: read from probe_runs, so every process reports the same

/**
 * Whether a probe's latest run still stands for now: it passed, and not longer ago than two of its
 * intervals. A probe that stopped running (its jobs starved or its workers gone) reads as failing
 * instead of repeating its last success.
 */
export function probePassing(run: { probe: ProbeName; ok: boolean; at: Date }, now: Date): boolean {
  return run.ok && now.getTime() - run.at.getTime() <= 2 * PROBES[run.probe].everyMs;
}

/**
 * Feeds the latency histogram each recorded run once per process (a counter must only grow), and
 * reports each probe's latest result. Runs are re-read over a short overlap window so that one
 * committed a moment late by another process is not missed.
 */
export function probeRunFeed(startAt: Date) {
  const OVERLAP_MS = 5 * 60_000;
  let watermark = startAt.getTime();
  const seen = new Map<string, number>();
  return async function read(db: Database) {
    const [latest, fresh] = await Promise.all([
      db
        .selectDistinctOn([probeRuns.probe], { probe: probeRuns.probe, ok: probeRuns.ok, at: probeRuns.at })
        .from(probeRuns)
        .orderBy(probeRuns.probe, desc(probeRuns.at)),
      db
        .select({ id: probeRuns.id, probe: probeRuns.probe, durationMs: probeRuns.durationMs, at: probeRuns.at })
        .from(probeRuns)
        .where(gt(probeRuns.at, new Date(watermark - OVERLAP_MS))),
    ]);
    // Runs from before this process started are not counted (counters start at zero).
    const unseen = fresh.filter((r) => r.at.getTime() >= startAt.getTime() && !seen.has(r.id));
    for (const r of unseen) {
      seen.set(r.id, r.at.getTime());
      watermark = Math.max(watermark, r.at.getTime());
    }
    for (const [id, at] of seen) if (at < watermark - OVERLAP_MS) seen.delete(id);
    const named = <T extends { probe: string }>(list: T[]) => list.filter((r): r is T & { probe: ProbeName } => isProbeName(r.probe));
    return { latest: named(latest), fresh: named(unseen) };
  };
}

/** How far back the ops dashboard's charts reach on opening: an hour, as long as a tab keeps its own readings. */
export const PROBE_HISTORY_MINUTES = 60;

/** The synthetic probes' runs of the last hour, oldest first: the server-side history a freshly opened ops dashboard starts from. */
export async function recentProbeRuns(s: Services) {
  const since = new Date(s.now().getTime() - PROBE_HISTORY_MINUTES * 60_000);
  const runs = await s.db
    .select({ probe: probeRuns.probe, ok: probeRuns.ok, durationMs: probeRuns.durationMs, at: probeRuns.at })
    .from(probeRuns)
    .where(gte(probeRuns.at, since))
    .orderBy(asc(probeRuns.at));
  return { since, runs };
}
