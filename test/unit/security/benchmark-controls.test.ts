// The security benchmark's off switch: everything on unless the benchmark says otherwise, and never
// switchable in a production process.
import { afterEach, describe, expect, it } from 'vitest';
import { securityControls, switchOffForBenchmark } from '../../../src/security/benchmark-controls.js';

describe('benchmark security controls', () => {
  afterEach(() => switchOffForBenchmark({}, 'test'));

  it('are all on by default', () => {
    expect(securityControls()).toEqual({ encryption: true, audit: true, rateLimits: true });
  });

  it('refuse to switch anything off under NODE_ENV=production', () => {
    expect(() => switchOffForBenchmark({ audit: false }, 'production')).toThrow(/NODE_ENV=production/);
    expect(securityControls()).toEqual({ encryption: true, audit: true, rateLimits: true });
  });

  it('switch off exactly what the benchmark names, and back on', () => {
    switchOffForBenchmark({ encryption: false, rateLimits: false }, 'development');
    expect(securityControls()).toEqual({ encryption: false, audit: true, rateLimits: false });
    switchOffForBenchmark({}, 'development');
    expect(securityControls()).toEqual({ encryption: true, audit: true, rateLimits: true });
  });
});
