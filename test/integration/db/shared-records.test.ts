// The deployment's shared records: a change is atomic across replicas (no update lost when two
// replicas change one record at once), records expire with their own expiry, and while Redis is
// unreachable a replica keeps counting in its own memory.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { MemoryRecords, sharedRecords, type SharedRecords } from '../../../src/db/shared-records.js';
import { openSharedState, processSharedState, type SharedState } from '../../../src/db/shared-state.js';

interface Count {
  n: number;
  expiresAt: number;
}

const HOUR = 3_600_000;
const options = (now: () => number) => ({ name: 'counts', now, expiresAt: (c: Count) => c.expiresAt });
const increment =
  (now: number) =>
  (current: Count | undefined): Count => ({ n: (current?.n ?? 0) + 1, expiresAt: now + HOUR });

describe('records of one process (embedded)', () => {
  it('keeps a record until its expiry and deletes it when the change says so', async () => {
    let now = Date.now();
    const records: SharedRecords<Count> = sharedRecords(
      processSharedState(),
      options(() => now),
    );
    expect(records).toBeInstanceOf(MemoryRecords);
    await records.record('k', increment(now));
    expect(await records.record('k', increment(now))).toEqual({ n: 2, expiresAt: now + HOUR });
    await records.record('k', () => undefined);
    expect(await records.get('k')).toBeUndefined();
    // Already expired by the services' clock: not kept.
    now += 2 * HOUR;
    await records.record('old', () => ({ n: 1, expiresAt: now - 1 }));
    expect(await records.get('old')).toBeUndefined();
  });
});

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('records in Redis', () => {
  const opened: SharedState[] = [];
  const open = async (env: Record<string, string>) => {
    const shared = await openSharedState(loadConfig({ NODE_ENV: 'test', ...env }), pino({ level: 'silent' }));
    opened.push(shared);
    return shared;
  };
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });
  /** One replica's records under a key prefix of their own, on a clock that stands still. */
  const ownRecords = async () => {
    const shared = await open({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` });
    const now = Date.now();
    return {
      shared,
      now,
      records: sharedRecords<Count>(
        shared,
        options(() => now),
      ),
    };
  };

  it('loses no change when two replicas change one record at the same moment', async () => {
    const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `wsfr-test-${randomBytes(4).toString('hex')}:` };
    const now = Date.now();
    const [a, b] = [
      sharedRecords<Count>(
        await open(env),
        options(() => now),
      ),
      sharedRecords<Count>(
        await open(env),
        options(() => now),
      ),
    ];
    // Each lost race is another contender's win, so none of the 40 loses more than 39 times: all in Redis.
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).record('contended', increment(now))));
    expect(await a.get('contended')).toEqual({ n: 40, expiresAt: now + HOUR });
    expect((await b.get('contended'))?.n).toBe(40);
  });

  it('sends a burst of changes to one record from one process as a few compare-and-sets, each caller getting what its own change wrote', async () => {
    const { shared, now, records } = await ownRecords();
    // Redis's own MONITOR, on a connection of its own, sees every command this test's prefix names.
    const monitor = await shared.redis!.monitor();
    const scripts: string[][] = [];
    let markerSeen: () => void = () => undefined;
    const marker = new Promise<void>((resolve) => (markerSeen = resolve));
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(`${shared.keyPrefix}counts:`)) && args[0]?.toLowerCase() === 'eval') scripts.push(args);
      if (args[1] === `${shared.keyPrefix}marker`) markerSeen();
    });
    try {
      const written = await Promise.all(Array.from({ length: 200 }, () => records.record('one-address', increment(now))));
      // In arrival order, each change saw the one before it: nobody's count was lost or shared.
      expect(written.map((c) => c?.n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await records.get('one-address')).toEqual({ n: 200, expiresAt: now + HOUR });
      await shared.redis!.get(`${shared.keyPrefix}marker`);
      await marker;
      // The first change goes alone; the 199 that arrived while it was on its way go together.
      expect(scripts).toHaveLength(2);
    } finally {
      monitor.disconnect();
    }
  });

  it('a change that throws fails only its own caller; the batch around it is written', async () => {
    const { now, records } = await ownRecords();
    const outcomes = await Promise.allSettled([
      records.record('k', increment(now)),
      records.record('k', increment(now)),
      records.record('k', () => {
        throw new Error('this change refuses');
      }),
      records.record('k', increment(now)),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value?.n : (o.reason as Error).message))).toEqual([1, 2, 'this change refuses', 3]);
    expect((await records.get('k'))?.n).toBe(3);
  });

  it('stores under a hashed key with the record’s time to live, and forgets on reset', async () => {
    const { shared, now, records } = await ownRecords();
    await records.record('account:someone@example.test', () => ({ n: 1, expiresAt: now + 60_000 }));
    const keys = await shared.redis!.keys(`${shared.keyPrefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${shared.keyPrefix}counts:[A-Za-z0-9_-]{43}$`));
    const ttl = await shared.redis!.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await records.reset('account:someone@example.test');
    expect(await shared.redis!.exists(keys[0]!)).toBe(0);
  });
});

describe('records while Redis is unreachable', () => {
  it('are kept in this process’s memory rather than failing or forgetting', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const shared = await openSharedState(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1' }), pino({ level: 'silent' }));
    try {
      const now = Date.now();
      const records = sharedRecords<Count>(
        shared,
        options(() => now),
      );
      for (let i = 0; i < 3; i++) await records.record('k', increment(now));
      expect((await records.get('k'))?.n).toBe(3);
    } finally {
      await shared.close();
    }
  });
});
