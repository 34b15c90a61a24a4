// The I/O half of `npm run loadtest`: accounts and ids prepared through the public API, each
// operation of the mix turned into rate-controlled autocannon requests spread over the API
// replicas, every response recorded, and the job queues watched through the ops API.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { BUSINESS_SIZES, SUPPLIER_TYPES } from '../../src/domain/feature-requests.js';
import { NEXT_JUNE_WEDDING } from '../scenarios.js';
import { actionKind, connectionShares, type Action, type ConnectionShare, type OperationStep, type Sample } from './plan.js';

type SignedInRole = 'couple' | 'wedding_supplier' | 'product_team';

export interface Fixtures {
  /** Requests on the board (not merged), best first: what people open, vote on and comment on. */
  requestIds: string[];
  /** Open requests the product team moves open ⇄ under_review: each change notifies its voters. */
  statusRequestIds: string[];
  /** API tokens per signed-in role: one account per simulated user. */
  tokens: Record<SignedInRole, string[]>;
}

const TIMEOUT_MS = 30_000;

async function api<T>(
  url: string,
  method: string,
  path: string,
  { body, cookie, csrf, token, expect }: { body?: unknown; cookie?: string; csrf?: string; token?: string; expect: number },
) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (cookie) headers.cookie = cookie;
  if (csrf) headers['x-csrf-token'] = csrf;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch((err: Error) => {
    // undici says only "fetch failed"; the cause says what (a refused connection: the replica is gone).
    throw new Error(`setup: ${method} ${url}${path}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`setup: ${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 300)}`);
  const cookies = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { json: (text ? JSON.parse(text) : null) as T, cookies };
}

async function tokenFor(url: string, session: { json: { csrfToken: string }; cookies: string }, name: string): Promise<string> {
  const { json } = await api<{ token: string }>(url, 'POST', '/api/auth/tokens', {
    body: { name },
    cookie: session.cookies,
    csrf: session.json.csrfToken,
    expect: 201,
  });
  return json.token;
}

/** At most `width` at a time: a sign-up hashes a password (argon2) on the server. */
async function inBatches<T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

export interface FixtureNeeds {
  couples: number;
  suppliers: number;
  statusRequests: number;
  demoPassword: string;
  /** Marks a signed-up supplier verified (an operator's `verify-supplier`); without it the demo supplier stands in for all. */
  verifySupplier: ((email: string) => Promise<void>) | null;
}

export async function prepareFixtures(urls: string[], needs: FixtureNeeds): Promise<Fixtures> {
  const url = urls[0]!;
  const run = randomBytes(4).toString('hex');
  const product = await api<{ csrfToken: string }>(url, 'POST', '/api/auth/login', {
    body: { email: 'product@demo.test', password: needs.demoPassword },
    expect: 200,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n  (the load test signs in the demo product account: seed-demo creates it outside production; DEMO_PASSWORD must match)`);
  });
  const productToken = await tokenFor(url, product, `loadtest ${run}`);
  const signUp = (role: 'couple' | 'wedding_supplier', count: number) =>
    inBatches(count, 4, async (i) => {
      // Spread over both replicas, as sign-ups would be.
      const at = urls[i % urls.length]!;
      const email = `loadtest-${run}-${role}-${i}@loadtest.test`;
      await api(at, 'POST', '/api/auth/signup', {
        body: {
          email,
          password: `loadtest-${run}-password`,
          displayName: `Load test ${role} ${i}`,
          role,
          timeZone: 'Europe/London',
          country: 'GB',
          ...(role === 'wedding_supplier'
            ? { supplierType: pick(SUPPLIER_TYPES, i), businessName: `Load test business ${i}`, businessSize: pick(BUSINESS_SIZES, i) }
            : {}),
        },
        expect: 200,
      });
      // Sign-up signs nobody in (the same answer for every address): the new member signs in.
      const session = await api<{ csrfToken: string }>(at, 'POST', '/api/auth/login', { body: { email, password: `loadtest-${run}-password` }, expect: 200 });
      // An unverified supplier holds no permissions yet.
      if (role === 'wedding_supplier') await needs.verifySupplier!(email);
      return tokenFor(at, session, 'loadtest');
    });
  const couples = await signUp('couple', needs.couples);
  const suppliers = needs.verifySupplier
    ? await signUp('wedding_supplier', needs.suppliers)
    : [
        await tokenFor(
          url,
          await api<{ csrfToken: string }>(url, 'POST', '/api/auth/login', {
            body: { email: 'supplier@demo.test', password: needs.demoPassword },
            expect: 200,
          }),
          `loadtest ${run}`,
        ),
      ];
  const board = await api<{ items: { id: string; status: string }[] }>(url, 'GET', '/api/feature-requests?sort=top&limit=100', { expect: 200 });
  const requestIds = board.json.items.filter((i) => i.status !== 'merged').map((i) => i.id);
  if (requestIds.length === 0) throw new Error('setup: the board is empty (no demo data?)');
  const open = await api<{ items: { id: string }[] }>(
    url,
    'GET',
    `/api/feature-requests?status=open&sort=top&limit=${Math.min(100, Math.max(1, needs.statusRequests))}`,
    { expect: 200 },
  );
  return {
    requestIds,
    statusRequestIds: open.json.items.map((i) => i.id),
    tokens: { couple: couples, wedding_supplier: suppliers, product_team: [productToken] },
  };
}

// ---- the requests each action sends ---------------------------------------------------------------

/** Drafts people type: title, description and the category (one of the default CATEGORIES) they pick. */
const DRAFTS = [
  ['Export the seating chart as a PDF', 'Let us export the seating chart as a printable PDF for the venue coordinator.', 'seating'],
  ['Shared budget tracker with my partner', 'We both want to edit the wedding budget and see who paid which supplier deposit.', 'budget_payments'],
  ['Supplier calendar sync for wedding dates', 'Sync booked wedding dates to my Google calendar so I never double-book a Saturday.', 'integrations'],
  ['Dietary requirements on RSVP form', 'Guests should tell us allergies and dietary needs when they RSVP, and caterers see the totals.', 'rsvp'],
  [
    'Timeline sharing with all suppliers',
    'Share the wedding-day timeline with every supplier so the photographer knows when speeches start.',
    'timeline_planning',
  ],
] as const;

/** Mutable state of one run's load: which vote each account has out, which status each request is in. */
export interface LoadState {
  /** Running number per operation (role and action): its sends rotate evenly over accounts and requests. */
  sequences: Map<string, number>;
  votes: Map<string, { target: number; voted: boolean }>;
  statuses: Map<string, 'open' | 'under_review'>;
}

export const newLoadState = (): LoadState => ({ sequences: new Map(), votes: new Map(), statuses: new Map() });

type Req = autocannon.Request;

const pick = <T>(items: readonly T[], i: number): T => {
  const item = items[((i % items.length) + items.length) % items.length];
  if (item === undefined) throw new Error('no fixtures to pick from');
  return item;
};

/**
 * One operation's request, rebuilt before every send (autocannon's setupRequest): each send picks
 * its account and request by a running number, so connections of later segments carry on where
 * earlier ones stopped.
 */
export function requestFor(action: Action, role: keyof Fixtures['tokens'] | 'anonymous', f: Fixtures, state: LoadState, connection: number): Req {
  const tokens = role === 'anonymous' ? [] : f.tokens[role];
  const auth = (i: number): Record<string, string> => (role === 'anonymous' ? {} : { authorization: `Bearer ${pick(tokens, i)}` });
  const json = { 'content-type': 'application/json' };
  const key = `${role}:${action}`;
  const next = () => {
    const n = state.sequences.get(key) ?? 0;
    state.sequences.set(key, n + 1);
    return n;
  };
  switch (action) {
    case 'board':
      // Anonymous visitors land on the cached top page; signed-in people also sort and page.
      return {
        method: 'GET',
        setupRequest: (r) => {
          const n = next();
          const sort = role === 'anonymous' ? 'top' : pick(['top', 'trending', 'new', 'top'], n);
          return { ...r, path: `/api/feature-requests?limit=20&sort=${sort}`, headers: auth(n) };
        },
      };
    case 'detail':
      return {
        method: 'GET',
        setupRequest: (r) => {
          const n = next();
          return { ...r, path: `/api/feature-requests/${pick(f.requestIds, n)}`, headers: auth(n) };
        },
      };
    case 'roadmap':
      return { method: 'GET', setupRequest: (r) => ({ ...r, path: '/api/roadmap', headers: auth(next()) }) };
    case 'vote':
      // Connection i is account i: it votes for a request, withdraws, moves on to the next one,
      // so nobody votes twice (no "already voted") and no request draws a cluster of new accounts.
      return {
        method: 'PUT',
        setupRequest: (r) => {
          const token = pick(tokens, connection);
          const vote = state.votes.get(token) ?? { target: connection * 7, voted: false };
          state.votes.set(token, vote);
          const path = `/api/feature-requests/${pick(f.requestIds, vote.target)}/vote`;
          const method = vote.voted ? 'DELETE' : 'PUT';
          if (vote.voted) vote.target++;
          vote.voted = !vote.voted;
          return { ...r, method, path, headers: { authorization: `Bearer ${token}` } };
        },
      };
    case 'duplicate_check': {
      // The submit form asks while the person types: the title as it grows, then the description.
      return {
        method: 'POST',
        path: '/api/ai/detect-duplicates',
        setupRequest: (r) => {
          const n = next();
          const [title, description] = pick(DRAFTS, n);
          const words = title.split(' ');
          const typed = words.slice(0, 2 + (n % (words.length - 1))).join(' ');
          return { ...r, headers: { ...auth(n), ...json }, body: JSON.stringify({ title: `${typed} ${n}`, description: n % 2 ? description : '' }) };
        },
      };
    }
    case 'submit':
      // Each submission goes to the next account: a couple may submit 10 a day (the run signs up enough).
      return {
        method: 'POST',
        path: '/api/feature-requests',
        setupRequest: (r) => {
          const n = next();
          const [title, description, category] = pick(DRAFTS, n);
          const body = {
            title: `${title} (load ${n})`,
            description,
            category,
            urgency: 'medium',
            painPoints: ['Re-typing it by hand'],
            weddingContext: { weddingDate: NEXT_JUNE_WEDDING, guestCount: 80 + (n % 120), country: 'GB', timeZone: 'Europe/London' },
          };
          return { ...r, headers: { ...auth(n), ...json }, body: JSON.stringify(body) };
        },
      };
    case 'comment':
      return {
        method: 'POST',
        setupRequest: (r) => {
          const n = next();
          return {
            ...r,
            path: `/api/feature-requests/${pick(f.requestIds, n)}/comments`,
            headers: { ...auth(n), ...json },
            body: JSON.stringify({ content: `We need this for our wedding too (${n}).` }),
          };
        },
      };
    case 'status_change':
      // Connection i owns request i, so two changes never race on one request.
      return {
        method: 'POST',
        setupRequest: (r) => {
          const id = pick(f.statusRequestIds, connection);
          const to = state.statuses.get(id) === 'under_review' ? 'open' : 'under_review';
          state.statuses.set(id, to);
          return {
            ...r,
            path: `/api/feature-requests/${id}/status`,
            headers: { ...auth(0), ...json },
            body: JSON.stringify({ status: to, justification: `Load test: moving to ${to} after triage` }),
          };
        },
      };
  }
}

export interface SegmentOutcome {
  samples: Sample[];
  status503: { total: number; withRetryAfter: number };
  seconds: number;
  /** Operations still running when the segment's time (plus grace) was up: the server fell behind. */
  overran: string[];
}

/**
 * Runs one segment: every operation sends its count at its rate, each of its connections an
 * autocannon instance of its own started at its offset within the second (connectionShares).
 */
export async function runSegment(
  urls: string[],
  steps: OperationStep[],
  seconds: number,
  f: Fixtures,
  state: LoadState,
  rotation: number,
  timeoutS = 10,
): Promise<SegmentOutcome> {
  const out: SegmentOutcome = { samples: [], status503: { total: 0, withRetryAfter: 0 }, seconds: 0, overran: [] };
  const started = Date.now();
  const graceMs = (seconds + timeoutS + 20) * 1000;
  const connection = (step: OperationStep, share: ConnectionShare, url: string) => {
    const kind = actionKind(step.op.action);
    return new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: 1,
          overallRate: share.ratePerSecond,
          amount: share.amount,
          timeout: timeoutS,
          // It finishes at its first sample after stop(): with the default 1 s a stretch would overrun.
          sampleInt: 50,
          setupClient: (client) => {
            const req = requestFor(step.op.action, step.op.role, f, state, share.connection);
            req.onResponse = (status, _body, _context, headers) => {
              if (status !== 503) return;
              out.status503.total++;
              if (headers['retry-after'] ?? headers['Retry-After']) out.status503.withRetryAfter++;
            };
            client.setRequests([req]);
          },
        },
        (err, result) => {
          clearTimeout(guard);
          if (err) {
            reject(err);
            return;
          }
          const socket = result.errors - result.timeouts;
          for (let i = 0; i < result.timeouts; i++) out.samples.push({ op: step.op.name, kind, latencyMs: timeoutS * 1000, outcome: 'timeout' });
          for (let i = 0; i < socket; i++) out.samples.push({ op: step.op.name, kind, latencyMs: 0, outcome: 'socket' });
          resolve();
        },
      );
      const guard = setTimeout(() => {
        if (!out.overran.includes(step.op.name)) out.overran.push(step.op.name);
        instance.stop();
      }, graceMs);
      // A rate-limited connection notices it has sent its amount only at its next one-second tick:
      // stop it at its last answer instead, or every one-second step of the spike's ramp takes two.
      let answered = 0;
      const count = () => {
        if (++answered >= share.amount) instance.stop();
      };
      instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
        out.samples.push({ op: step.op.name, kind, latencyMs: responseTimeMs, outcome: statusCode });
        count();
      });
      instance.on('reqError', count);
    });
  };
  await Promise.all(
    steps.flatMap((step, index) => {
      // A vote or status change holds its account's (request's) state: one connection each at most.
      const owners =
        step.op.action === 'vote'
          ? f.tokens[step.op.role as keyof Fixtures['tokens']].length
          : step.op.action === 'status_change'
            ? f.statusRequestIds.length
            : Infinity;
      return connectionShares(step, owners, index / steps.length).map(async (share) => {
        await sleep(share.delayMs);
        // Replicas alternate by connection; the first one rotates, so single connections do not all land on one.
        return connection(step, share, urls[(share.connection + rotation + index) % urls.length]!);
      });
    }),
  );
  // A segment lasts its planned time even when every count was sent early (rates below 1/s).
  const left = seconds * 1000 - (Date.now() - started);
  if (left > 0) await sleep(left);
  out.seconds = (Date.now() - started) / 1000;
  return out;
}

// ---- the queues, as the product team's ops dashboard sees them ----------------------------------

/** The queues whose backlog the drain time covers: the AI work and the notifications it multiplies. */
export const DRAINED_QUEUES = ['duplicate_detection', 'ai_analysis', 'notification_sending'];

interface QueueRow {
  queue: string;
  pending: number;
  running: number;
  oldestDueSeconds: number | null;
}

/**
 * Jobs due or running in the drained queues, from /api/platform/health (pending counts jobs
 * scheduled for later too, so a queue with a future job and none due counts as empty).
 */
export async function queueBacklog(url: string, productToken: string): Promise<number> {
  const res = await fetch(`${url}/api/platform/health`, { headers: { authorization: `Bearer ${productToken}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (res.status !== 200) throw new Error(`/api/platform/health answered ${res.status}`);
  const { queues } = (await res.json()) as { queues: QueueRow[] };
  return queues.filter((q) => DRAINED_QUEUES.includes(q.queue)).reduce((n, q) => n + q.running + (q.oldestDueSeconds === null ? 0 : q.pending), 0);
}

/** Polls the backlog once a second while `running()` holds; returns the highest seen. */
export async function watchBacklog(url: string, productToken: string, running: () => boolean): Promise<number> {
  let peak = 0;
  while (running()) {
    peak = Math.max(peak, await queueBacklog(url, productToken).catch(() => 0));
    await sleep(1000);
  }
  return peak;
}

/** Seconds until the backlog is empty, or null when it is not within `boundS`. */
export async function drainTime(url: string, productToken: string, boundS: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < boundS * 1000) {
    const depth = await queueBacklog(url, productToken).catch(() => Infinity);
    if (depth === 0) return Math.round((Date.now() - started) / 100) / 10;
    await sleep(500);
  }
  return null;
}
