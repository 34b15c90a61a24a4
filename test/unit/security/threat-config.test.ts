// Threat-protection configuration: TRUST_PROXY forms, JSON overrides checked and named on error.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('threat-protection configuration', () => {
  it('reads TRUST_PROXY as off, all, a hop count or a list of proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8']);
    expect(problems({ TRUST_PROXY: 'yes please' })[0]).toMatch(/^TRUST_PROXY=/);
  });

  it('applies RATE_LIMITS and SCRAPING_LIMITS overrides and rejects bad ones by name', () => {
    const config = loadConfig({ RATE_LIMITS: '{"anonymous":{"reads":10}}', SCRAPING_LIMITS: '{"blockAfter":50}' });
    expect(config.rateLimits.anonymous.reads).toBe(10);
    expect(config.rateLimits.anonymous.search).toBeGreaterThan(0);
    expect(config.scrapingPolicy.blockAfter).toBe(50);
    expect(problems({ RATE_LIMITS: '{"anonymous":{"reads":-1}}' })[0]).toMatch(/^RATE_LIMITS: \/anonymous\/reads/);
    expect(problems({ RATE_LIMITS: '{"wizard":{}}' })[0]).toMatch(/^RATE_LIMITS:/);
    expect(problems({ SCRAPING_LIMITS: 'not json' })[0]).toBe('SCRAPING_LIMITS: not valid JSON');
  });

  it('takes REDIS_URL (also from a file) and validates its scheme', () => {
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).redisUrl).toBe('redis://cache:6379');
    expect(problems({ REDIS_URL: 'http://cache' })[0]).toMatch(/^REDIS_URL=\(hidden\)/);
  });

  it('takes REDIS_SENTINELS with a master name and passwords, and refuses it beside REDIS_URL', () => {
    const config = loadConfig({
      REDIS_SENTINELS: '10.0.0.5:26379,sentinel-b:26380',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_PASSWORD: 'redis-secret',
    });
    expect(config.redisSentinel).toEqual({
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
      ],
      name: 'wsfr',
      password: 'sentinel-secret',
    });
    expect(config.redisPassword).toBe('redis-secret');
    expect(config.redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'wedsync-limits' }).redisSentinel?.name).toBe('wedsync-limits');
    expect(loadConfig({}).redisSentinel).toBeUndefined();
    expect(problems({ REDIS_SENTINELS: '10.0.0.5' })[0]).toMatch(/^REDIS_SENTINELS=/);
    expect(problems({ REDIS_SENTINELS: 'a:70000' })[0]).toMatch(/^REDIS_SENTINELS=.*above 65535/);
    expect(problems({ REDIS_SENTINELS: 'a:1', REDIS_URL: 'redis://cache:6379' })).toEqual([
      'REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both',
    ]);
    expect(problems({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_PASSWORD: '', REDIS_SENTINEL_NAME: 'no spaces' })[0]).toMatch(/^REDIS_SENTINEL_NAME=/);
  });
});
