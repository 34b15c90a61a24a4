// The steady load of a drill, as real clients behave: a supplier submitting feature requests, each
// with an Idempotency-Key, retrying the same key on 503s, timeouts and dropped connections (as the
// web app and API clients are told to), across the API replicas it knows. Every attempt is recorded,
// so the report can say when writes stopped, when they came back and what failed in between; every
// acknowledged write is checked afterwards through the API.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Account {
  email: string;
  password: string;
}

/** The demo supplier `start` and `seed-demo` create outside production. */
export const DEMO_SUPPLIER: Account = { email: 'supplier@demo.test', password: 'wedding-demo' };

export interface Attempt {
  write: number;
  url: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, or 'network' / 'timeout'. */
  outcome: number | 'network' | 'timeout';
}

export interface AcknowledgedWrite {
  write: number;
  id: string;
  title: string;
  /** When the first attempt of this write was sent, and when the 201 arrived. */
  sentAt: number;
  acknowledgedAt: number;
}

export interface LoadRecord {
  run: string;
  startedAt: number;
  stoppedAt: number;
  faultAt: number | null;
  attempts: Attempt[];
  acknowledged: AcknowledgedWrite[];
  /** Writes refused with a 4xx other than the retryable ones: a drill bug or a product bug. */
  refused: { write: number; status: number; body: string }[];
}

export interface WriteLoad {
  /** Marks the moment the fault is injected (call right after injecting it). */
  markFault(at?: number): void;
  /** Stops sending new writes; writes in flight finish (or give up after `drainMs`). */
  stop(drainMs?: number): Promise<LoadRecord>;
  readonly record: LoadRecord;
}

export interface WriteLoadOptions {
  /** API replicas; a write goes to the next one, and a retry moves on to another. */
  urls: string[];
  account?: Account;
  /** Concurrent writers. */
  writers?: number;
  /** Total writes per second across writers (each writer paces itself). */
  perSecond?: number;
  /** One attempt gives up after this long. */
  attemptTimeoutMs?: number;
  log?: (message: string) => void;
}

interface Session {
  cookie: string;
  csrf: string;
}

const RETRYABLE: ReadonlySet<number> = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

async function signIn(url: string, account: Account, timeoutMs: number): Promise<Session> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${account.email} at ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.csrfToken };
}

/** Signs in, retrying while the service is not up yet (a drill may start the load during a restart). */
async function signInPatiently(urls: string[], account: Account, timeoutMs: number, deadline: number): Promise<Session> {
  let last: unknown;
  for (let i = 0; Date.now() < deadline; i++) {
    try {
      return await signIn(urls[i % urls.length]!, account, timeoutMs);
    } catch (err) {
      last = err;
      await sleep(250);
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function startWriteLoad(options: WriteLoadOptions): Promise<WriteLoad> {
  const { urls } = options;
  const account = options.account ?? DEMO_SUPPLIER;
  const writers = options.writers ?? 4;
  const perSecond = options.perSecond ?? 20;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  const session = await signInPatiently(urls, account, attemptTimeoutMs, Date.now() + 60_000);
  const run = randomBytes(4).toString('hex');
  const record: LoadRecord = { run, startedAt: Date.now(), stoppedAt: 0, faultAt: null, attempts: [], acknowledged: [], refused: [] };
  let next = 0;
  let stopping = false;
  let giveUpAt = Infinity;
  const intervalMs = (1000 * writers) / perSecond;

  async function attempt(write: number, url: string, key: string, body: string): Promise<Response | Attempt['outcome']> {
    try {
      return await fetch(`${url}/api/feature-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf, 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(attemptTimeoutMs),
      });
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    }
  }

  /** One logical write: the same key and body until it is acknowledged, refused, or the drill ends. */
  async function write(n: number) {
    const title = `Drill ${run} write ${n}`;
    const key = `drill-${run}-${n}`;
    const body = JSON.stringify({
      title,
      description: `A steady write from the disaster-recovery drill ${run}, number ${n}: it must survive the fault.`,
      category: 'guest_management',
      urgency: 'medium',
    });
    const sentAt = Date.now();
    for (let tries = 0; ; tries++) {
      const url = urls[(n + tries) % urls.length]!;
      const startedAt = Date.now();
      const res = await attempt(n, url, key, body);
      const outcome = typeof res === 'object' ? res.status : res;
      record.attempts.push({ write: n, url, startedAt, endedAt: Date.now(), outcome });
      if (typeof res === 'object' && res.status === 201) {
        const created = (await res.json()) as { id: string };
        record.acknowledged.push({ write: n, id: created.id, title, sentAt, acknowledgedAt: Date.now() });
        return;
      }
      if (typeof res === 'object' && !RETRYABLE.has(res.status)) {
        record.refused.push({ write: n, status: res.status, body: (await res.text()).slice(0, 300) });
        return;
      }
      const text = typeof res === 'object' ? await res.text().catch(() => '') : '';
      if (tries === 0 && options.log && typeof res === 'object' && res.status >= 500) options.log(`write ${n}: ${res.status} ${text.slice(0, 160)}`);
      if (Date.now() > giveUpAt) return;
      const retryAfter = typeof res === 'object' ? Number(res.headers.get('retry-after')) : NaN;
      // Honour Retry-After but keep probing at least every second: the drill measures when writes come back.
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 1000) : 200);
    }
  }

  const loops = Array.from({ length: writers }, async (_, w) => {
    await sleep((intervalMs / writers) * w);
    while (!stopping) {
      const began = Date.now();
      await write(next++);
      await sleep(Math.max(0, intervalMs - (Date.now() - began)));
    }
  });

  return {
    record,
    markFault(at = Date.now()) {
      record.faultAt = at;
    },
    async stop(drainMs = 30_000) {
      stopping = true;
      giveUpAt = Date.now() + drainMs;
      await Promise.all(loops);
      record.stoppedAt = Date.now();
      return record;
    },
  };
}

/**
 * Checks every acknowledged write through the API, as the writing account sees its own requests:
 * lost = acknowledged but absent, duplicates = one write stored more than once.
 */
export async function verifyWrites(
  url: string,
  record: LoadRecord,
  account: Account = DEMO_SUPPLIER,
): Promise<{ lost: number; duplicates: number; stored: number; lostIds: string[] }> {
  const session = await signInPatiently([url], account, 10_000, Date.now() + 60_000);
  const prefix = `Drill ${record.run} write `;
  const storedIds = new Set<string>();
  const copies = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ mine: 'true', sort: 'new', limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${url}/api/feature-requests?${query.toString()}`, { headers: { cookie: session.cookie }, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) throw new Error(`listing the drill's requests answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const page = (await res.json()) as { items: { id: string; title: string }[]; nextCursor: string | null };
    for (const item of page.items) {
      if (!item.title.startsWith(prefix)) continue;
      storedIds.add(item.id);
      copies.set(item.title, (copies.get(item.title) ?? 0) + 1);
    }
    cursor = page.nextCursor;
  } while (cursor);
  const lostIds = record.acknowledged.filter((w) => !storedIds.has(w.id)).map((w) => w.id);
  const duplicates = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
  return { lost: lostIds.length, duplicates, stored: storedIds.size, lostIds };
}

const p95 = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
};

export interface LoadSummary {
  rtoMs: number | null;
  errorsByStatus: Record<string, number>;
  p95BaselineMs: number | null;
  p95NormalAfterMs: number | null;
}

/**
 * RTO: from the fault to the first successful write *sent* after it (a write that was already in
 * flight and succeeded tells nothing about recovery). Errors: failed attempts from the fault on.
 * Back to normal: the end of the first 3-second window after recovery whose p95 is within 1.5× (+20 ms)
 * of the p95 before the fault.
 */
export function summarise(record: LoadRecord): LoadSummary {
  const faultAt = record.faultAt ?? record.startedAt;
  const ok = record.attempts.filter((a) => a.outcome === 201);
  const firstAfter = ok.filter((a) => a.startedAt >= faultAt).sort((a, b) => a.endedAt - b.endedAt)[0];
  const rtoMs = firstAfter ? firstAfter.endedAt - faultAt : null;
  const errorsByStatus: Record<string, number> = {};
  for (const a of record.attempts) {
    if (a.outcome === 201 || a.endedAt < faultAt) continue;
    errorsByStatus[String(a.outcome)] = (errorsByStatus[String(a.outcome)] ?? 0) + 1;
  }
  const latency = (a: Attempt) => a.endedAt - a.startedAt;
  const baseline = p95(ok.filter((a) => a.endedAt < faultAt && a.startedAt > record.startedAt + 1000).map(latency));
  let p95NormalAfterMs: number | null = null;
  if (baseline !== null && firstAfter) {
    const threshold = Math.max(baseline * 1.5, baseline + 20);
    const windowMs = 3000;
    for (let end = firstAfter.endedAt + windowMs; end <= record.stoppedAt; end += 500) {
      const inWindow = ok.filter((a) => a.endedAt > end - windowMs && a.endedAt <= end).map(latency);
      const value = p95(inWindow);
      if (inWindow.length >= 5 && value !== null && value <= threshold) {
        p95NormalAfterMs = end - faultAt;
        break;
      }
    }
  }
  return { rtoMs, errorsByStatus, p95BaselineMs: baseline, p95NormalAfterMs };
}
