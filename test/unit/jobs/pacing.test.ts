// Background priority for the worker that shares the server's event loop (embedded `start`).
import { describe, expect, it } from 'vitest';
import { RequestActivity, yieldToRequests } from '../../../src/jobs/pacing.js';

function clock(start = 10_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('request activity', () => {
  it('is a rate over the last second, and falls to nothing once requests stop', () => {
    const c = clock();
    const activity = new RequestActivity(c.now);
    for (let i = 0; i < 100; i++) {
      activity.record();
      c.advance(5); // 200 requests per second for half a second
    }
    expect(activity.rate()).toBeGreaterThan(90);
    expect(activity.rate()).toBeLessThan(210);
    c.advance(600);
    expect(activity.rate()).toBeLessThan(100); // only the older bucket left
    c.advance(1_000);
    expect(activity.rate()).toBe(0);
  });
});

describe('yielding to requests', () => {
  const options = { busyRequestsPerSecond: 20, busyGapMs: 2_000, busyShare: 0.1 };
  const busyFor = (activity: RequestActivity, c: ReturnType<typeof clock>, ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      activity.record();
      c.advance(10); // 100 requests per second
    }
  };

  it('runs at full concurrency while the server is quiet', () => {
    const c = clock();
    const pacing = yieldToRequests(new RequestActivity(c.now), options, c.now);
    expect(pacing.take(4, 0)).toBe(4);
    expect(pacing.take(2, 2)).toBe(2);
  });

  it('when a rush begins it starts nothing for the gap; then one job at a time, resting at least the gap after each', () => {
    const c = clock();
    const activity = new RequestActivity(c.now);
    const pacing = yieldToRequests(activity, options, c.now);
    busyFor(activity, c, 1_000);
    expect(pacing.take(4, 0)).toBe(0); // the rush has just begun
    busyFor(activity, c, 1_900);
    expect(pacing.take(4, 0)).toBe(0);
    busyFor(activity, c, 200);
    expect(pacing.take(4, 0)).toBe(1); // still busy, but the backlog moves
    expect(pacing.take(3, 1)).toBe(0); // one of ours is running
    busyFor(activity, c, 50);
    pacing.finished(50);
    expect(pacing.take(4, 0)).toBe(0); // resting
    expect(pacing.retryInMs()).toBeGreaterThan(0);
    expect(pacing.retryInMs()).toBeLessThanOrEqual(options.busyGapMs);
    busyFor(activity, c, 1_900);
    expect(pacing.take(4, 0)).toBe(0);
    busyFor(activity, c, 200);
    expect(pacing.take(4, 0)).toBe(1);
  });

  it('while busy, a long job buys a long rest: jobs take at most their share of the time', () => {
    const c = clock();
    const activity = new RequestActivity(c.now);
    const pacing = yieldToRequests(activity, options, c.now);
    busyFor(activity, c, 1_000);
    expect(pacing.take(4, 0)).toBe(0);
    busyFor(activity, c, 2_100);
    expect(pacing.take(4, 0)).toBe(1);
    busyFor(activity, c, 1_000);
    pacing.finished(1_000); // a one-second job: nine seconds of rest at 10 %
    busyFor(activity, c, 8_900);
    expect(pacing.take(4, 0)).toBe(0);
    busyFor(activity, c, 200);
    expect(pacing.take(4, 0)).toBe(1);
  });

  it('once the rush is over the worker runs at full concurrency again', () => {
    const c = clock();
    const activity = new RequestActivity(c.now);
    const pacing = yieldToRequests(activity, options, c.now);
    busyFor(activity, c, 1_000);
    expect(pacing.take(4, 0)).toBe(0);
    c.advance(1_500);
    expect(pacing.take(4, 0)).toBe(4);
  });

  it('takes nothing when no slot is free', () => {
    const c = clock();
    expect(yieldToRequests(new RequestActivity(c.now), options, c.now).take(0, 4)).toBe(0);
  });
});
