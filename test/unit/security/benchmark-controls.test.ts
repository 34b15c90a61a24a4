// The security benchmark's off switch: everything on unless the benchmark says otherwise, and never
// switchable in a production process.
import { describe, expect, it } from 'vitest';
import { switchedOffForBenchmark } from '../../../src/security/benchmark-controls.js';

describe('benchmark security controls', () => {
  it('are all on when nothing is named', () => {
    expect(switchedOffForBenchmark({}, 'development')).toEqual({ encryption: true, audit: true, rateLimits: true });
  });

  it('refuse to switch anything off under NODE_ENV=production', () => {
    expect(() => switchedOffForBenchmark({ audit: false }, 'production')).toThrow(/NODE_ENV=production/);
    expect(() => switchedOffForBenchmark({}, 'production')).toThrow(/NODE_ENV=production/);
  });

  it('switch off exactly what the benchmark names, and cannot be changed afterwards', () => {
    const controls = switchedOffForBenchmark({ encryption: false, rateLimits: false }, 'development');
    expect(controls).toEqual({ encryption: false, audit: true, rateLimits: false });
    expect(Object.isFrozen(controls)).toBe(true);
  });
});
