// The threat rules as pure functions: scraping verdicts over time, route classes, limit overrides.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, routeClassOf, withOverrides } from '../../../src/domain/rate-limits.js';
import { assessRead, DEFAULT_SCRAPING_POLICY, type ReaderState } from '../../../src/domain/scraping.js';

const policy = {
  ...DEFAULT_SCRAPING_POLICY,
  windowSeconds: 60,
  slowDownAfter: 2,
  delayStepMs: 100,
  maxDelayMs: 250,
  blockAfter: 5,
  maxPageDepth: 3,
  coolOffSeconds: 30,
};

function run(times: number, start: ReaderState | undefined, now: number, page = false) {
  let state = start;
  const verdicts = [];
  for (let i = 0; i < times; i++) {
    const r = assessRead(policy, state, now, page);
    state = r.state;
    verdicts.push(r.verdict);
  }
  return { state, verdicts };
}

describe('assessRead', () => {
  it('allows, then delays with a growing (capped) wait reported once, then blocks', () => {
    const { verdicts } = run(6, undefined, 0);
    expect(verdicts.map((v) => v.action)).toEqual(['allow', 'allow', 'delay', 'delay', 'delay', 'block']);
    expect(verdicts.slice(2, 5)).toEqual([
      { action: 'delay', delayMs: 100, firstInWindow: true },
      { action: 'delay', delayMs: 200, firstInWindow: false },
      { action: 'delay', delayMs: 250, firstInWindow: false },
    ]);
    expect(verdicts[5]).toEqual({ action: 'block', retryAfterSeconds: 30, started: true, reads: 6, pages: 0 });
  });

  it('keeps refusing during the cool-off, then starts from a clean count', () => {
    const { state } = run(6, undefined, 0);
    expect(assessRead(policy, state, 10_000, false).verdict).toEqual({ action: 'block', retryAfterSeconds: 20, started: false, reads: 0, pages: 0 });
    expect(assessRead(policy, state, 30_000, false).verdict).toEqual({ action: 'allow' });
  });

  it('forgets reads once the window has passed', () => {
    const { state } = run(2, undefined, 0);
    expect(assessRead(policy, state, 59_999, false).verdict.action).toBe('delay');
    expect(assessRead(policy, state, 60_000, false).verdict.action).toBe('allow');
  });

  it('blocks deep pagination before the read budget', () => {
    const { verdicts } = run(4, undefined, 0, true);
    expect(verdicts.at(-1)).toMatchObject({ action: 'block', pages: 4 });
  });
});

describe('rate-limit data', () => {
  it('classifies routes by method and pattern', () => {
    expect(routeClassOf('POST', '/api/auth/login', false)).toBe('auth');
    expect(routeClassOf('PUT', '/api/feature-requests/:id/vote', false)).toBe('votes');
    expect(routeClassOf('DELETE', '/api/feature-requests/:id/vote', false)).toBe('votes');
    expect(routeClassOf('GET', '/api/feature-requests', true)).toBe('search');
    expect(routeClassOf('GET', '/api/feature-requests', false)).toBe('reads');
    expect(routeClassOf('PATCH', '/api/feature-requests/:id', false)).toBe('writes');
    expect(routeClassOf('POST', '/api/ai/detect-duplicates', false)).toBe('ai');
    expect(routeClassOf('POST', '/api/ai/analyze', false)).toBe('ai');
    expect(routeClassOf('GET', '/api/ai/insights/pain-points', false)).toBe('reads');
  });

  it('overrides single cells and keeps the rest', () => {
    const limits = withOverrides(DEFAULT_RATE_LIMITS, { couple: { votes: 5 } });
    expect(limits.couple).toEqual({ ...DEFAULT_RATE_LIMITS.couple, votes: 5 });
    expect(limits.anonymous).toEqual(DEFAULT_RATE_LIMITS.anonymous);
  });
});
