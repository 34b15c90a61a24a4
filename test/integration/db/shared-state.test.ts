// The replicas' shared state on a real Redis: a broadcast reaches every replica once, a replica
// hears its own at once even when Redis is down, and a replica cut off from Redis hears of the gap.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { openSharedState, processSharedState, subscriberName, type SharedState } from '../../../src/db/shared-state.js';

const silent = pino({ level: 'silent' });

async function until(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('shared state of one process (embedded)', () => {
  it('delivers a broadcast to its own subscribers, and unsubscribing stops it', () => {
    const shared = processSharedState();
    const heard: string[] = [];
    const stop = shared.subscribe('purge', (m) => heard.push(m));
    shared.publish('purge', 'roadmap');
    shared.publish('other', 'x');
    stop();
    shared.publish('purge', 'feature-requests');
    expect(heard).toEqual(['roadmap']);
    expect(shared.redis).toBeNull();
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('shared state in Redis: two replicas', () => {
  const opened: SharedState[] = [];
  const open = async (env: Record<string, string>) => {
    const shared = await openSharedState(loadConfig({ NODE_ENV: 'test', ...env }), silent);
    opened.push(shared);
    return shared;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('a broadcast from one replica reaches the other once, and its own subscribers at once', async () => {
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` };
    const [a, b] = [await open(env), await open(env)];
    const heardA: string[] = [];
    const heardB: string[] = [];
    a.subscribe('purge', (m) => heardA.push(m));
    b.subscribe('purge', (m) => heardB.push(m));
    // The subscription is in place once a probe message comes through.
    await until(() => {
      a.publish('purge', 'probe');
      return heardB.includes('probe');
    });
    heardA.length = 0;
    heardB.length = 0;

    a.publish('purge', 'feature-requests');
    expect(heardA).toEqual(['feature-requests']); // synchronously, not through Redis
    await until(() => heardB.includes('feature-requests'));
    // Given time to arrive twice, it has not: A did not hear its own message back from Redis.
    b.publish('purge', 'marker');
    await until(() => heardA.includes('marker'));
    // (Late copies of the probe may still arrive; they prove nothing either way.)
    const real = (heard: string[]) => heard.filter((m) => m !== 'probe');
    expect(real(heardA)).toEqual(['feature-requests', 'marker']);
    expect(real(heardB)).toEqual(['feature-requests', 'marker']);
  });

  it('another deployment on the same Redis (other key prefix) hears nothing', async () => {
    const a = await open({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` });
    const b = await open({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` });
    const c = await open({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: a.keyPrefix });
    const heardB: string[] = [];
    const heardC: string[] = [];
    b.subscribe('purge', (m) => heardB.push(m));
    c.subscribe('purge', (m) => heardC.push(m));
    await until(() => {
      a.publish('purge', 'roadmap');
      return heardC.includes('roadmap');
    });
    expect(heardB).toEqual([]);
  });

  it('a replica whose subscription was cut hears of the gap when it is back', async () => {
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` };
    const [a, b] = [await open(env), await open(env)];
    let gaps = 0;
    const heardB: string[] = [];
    b.onGap(() => gaps++);
    b.subscribe('purge', (m) => heardB.push(m));
    await until(() => {
      a.publish('purge', 'probe');
      return heardB.includes('probe');
    });
    // Redis drops B's subscriber connection, as a restart or a network cut would (A and B share the
    // prefix, hence the connection's name: A's goes too, and only B listens for gaps).
    const clients = String(await a.redis!.client('LIST')).split('\n');
    const ours = clients.filter((line) => line.includes(` name=${subscriberName(b.keyPrefix)} `)).map((line) => /id=(\d+)/.exec(line)![1]!);
    expect(ours.length).toBeGreaterThan(0);
    for (const id of ours) await a.redis!.client('KILL', 'ID', id);
    await until(() => gaps > 0);
    // And it hears broadcasts again afterwards.
    await until(() => {
      a.publish('purge', 'after');
      return heardB.includes('after');
    });
  });

  it('while Redis is unreachable a replica still hears its own broadcasts', async () => {
    const shared = await open({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'wsfr-test-down:' });
    const heard: string[] = [];
    shared.subscribe('purge', (m) => heard.push(m));
    shared.publish('purge', 'feature-requests');
    expect(heard).toEqual(['feature-requests']);
  });
});
