import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../../../src/ops/request-window.js';

describe('request window', () => {
  it('counts requests and 5xx within the window only', () => {
    const w = new RequestWindow(60);
    const t0 = 1_000_000_000;
    for (let i = 0; i < 90; i++) w.record(t0 + i * 100, 200, 20);
    for (let i = 0; i < 10; i++) w.record(t0 + 9000 + i, 503, 20);
    expect(w.summary(t0 + 10_000)).toMatchObject({ requests: 100, errorRate: 0.1 });
    // A minute later the old seconds have left the window.
    expect(w.summary(t0 + 75_000)).toMatchObject({ requests: 0, errorRate: 0, p95Ms: null });
  });

  it('reports p95 as the upper bound of the bucket that holds it', () => {
    const w = new RequestWindow(60);
    const now = 2_000_000_000;
    for (let i = 0; i < 94; i++) w.record(now, 200, 8);
    for (let i = 0; i < 6; i++) w.record(now, 200, 900);
    expect(w.summary(now).p95Ms).toBe(1000);
    const fast = new RequestWindow(60);
    for (let i = 0; i < 100; i++) fast.record(now, 200, 8);
    expect(fast.summary(now).p95Ms).toBe(10);
  });

  it('reuses a slot when the clock comes round again', () => {
    const w = new RequestWindow(10);
    w.record(5_000, 500, 1);
    w.record(15_000, 200, 1); // same slot, ten seconds later
    expect(w.summary(15_000, 10)).toMatchObject({ requests: 1, errorRate: 0 });
  });
});
