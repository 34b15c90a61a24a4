// Scraping and bulk access: a person browses a few requests a minute; a harvester walks every page
// and every record. Reads of the board's records are counted per client (the account when signed
// in, else the address or IPv6 /64) in a fixed window. Past `slowDownAfter` each further read waits
// a little longer (cheap for a person who clicked fast, expensive for a crawler); past `blockAfter`
// reads, or `maxPageDepth` cursor pages, the client is refused for `coolOffSeconds`.
// Thresholds are data; override with SCRAPING_LIMITS, e.g. {"blockAfter":500}.
import { Type, type Static } from '@sinclair/typebox';

export interface ScrapingPolicy {
  windowSeconds: number;
  slowDownAfter: number;
  delayStepMs: number;
  maxDelayMs: number;
  blockAfter: number;
  maxPageDepth: number;
  coolOffSeconds: number;
  /** Internal accounts whose bulk reads are their job (and audited otherwise). */
  exemptRoles: string[];
}

export const DEFAULT_SCRAPING_POLICY: ScrapingPolicy = {
  windowSeconds: 60,
  slowDownAfter: 120,
  delayStepMs: 50,
  maxDelayMs: 2_000,
  blockAfter: 300,
  maxPageDepth: 40,
  coolOffSeconds: 600,
  exemptRoles: ['product_team', 'ai_system'],
};

const Count = Type.Integer({ minimum: 1, maximum: 1_000_000 });
export const ScrapingPolicyOverride = Type.Partial(
  Type.Object({
    windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    slowDownAfter: Count,
    delayStepMs: Type.Integer({ minimum: 0, maximum: 10_000 }),
    maxDelayMs: Type.Integer({ minimum: 0, maximum: 30_000 }),
    blockAfter: Count,
    maxPageDepth: Count,
    coolOffSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    exemptRoles: Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 }),
  }),
  { additionalProperties: false },
);
export type ScrapingPolicyOverride = Static<typeof ScrapingPolicyOverride>;

export interface ReaderState {
  windowStart: number;
  reads: number;
  pages: number;
  /** Whether this window's slow-down was already reported (one event per episode, not per read). */
  slowed: boolean;
  blockedUntil: number;
}

export type ReadVerdict =
  | { action: 'allow' }
  | { action: 'delay'; delayMs: number; firstInWindow: boolean }
  | { action: 'block'; retryAfterSeconds: number; started: boolean; reads: number; pages: number };

/** One more read by a client (`page`: it followed a cursor past the first page). Pure: returns the new state. */
export function assessRead(policy: ScrapingPolicy, state: ReaderState | undefined, now: number, page: boolean): { state: ReaderState; verdict: ReadVerdict } {
  if (state && state.blockedUntil > now) {
    return {
      state,
      verdict: { action: 'block', retryAfterSeconds: Math.ceil((state.blockedUntil - now) / 1000), started: false, reads: state.reads, pages: state.pages },
    };
  }
  const fresh = !state || now - state.windowStart >= policy.windowSeconds * 1000;
  const current: ReaderState = fresh ? { windowStart: now, reads: 0, pages: 0, slowed: false, blockedUntil: 0 } : { ...state };
  current.reads += 1;
  if (page) current.pages += 1;
  if (current.reads > policy.blockAfter || current.pages > policy.maxPageDepth) {
    const blockedUntil = now + policy.coolOffSeconds * 1000;
    // The next window starts after the cool-off, with a clean count.
    const blocked: ReaderState = { windowStart: blockedUntil, reads: 0, pages: 0, slowed: false, blockedUntil };
    return {
      state: blocked,
      verdict: { action: 'block', retryAfterSeconds: policy.coolOffSeconds, started: true, reads: current.reads, pages: current.pages },
    };
  }
  if (current.reads > policy.slowDownAfter) {
    const delayMs = Math.min(policy.maxDelayMs, (current.reads - policy.slowDownAfter) * policy.delayStepMs);
    const firstInWindow = !current.slowed;
    current.slowed = true;
    return { state: current, verdict: { action: 'delay', delayMs, firstInWindow } };
  }
  return { state: current, verdict: { action: 'allow' } };
}
