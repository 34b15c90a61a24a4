// Redis, when REDIS_URL or REDIS_SENTINELS is set: state that several replicas must share (the rate
// limits' counters). Without either, everything stays in each process's memory, which is right for
// the embedded default. Through Sentinel, ioredis asks the sentinels for the primary and follows a
// failover to the promoted replica by itself. Commands fail fast while Redis is unreachable (no
// offline queue), and their callers fail open: an outage of the limits' store must not take the
// board down with it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../../config.js';
import type { Services } from '../../../services/context.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
  }
}

const FAIL_FAST: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 };

/** A client for the configured Redis, not yet connected; null when none is configured. */
function redisClient(config: Pick<Config, 'redisUrl' | 'redisSentinel' | 'redisPassword'>): Redis | null {
  const { redisUrl, redisSentinel, redisPassword } = config;
  if (redisSentinel) {
    return new Redis({
      ...FAIL_FAST,
      sentinels: redisSentinel.sentinels,
      name: redisSentinel.name,
      sentinelPassword: redisSentinel.password,
      password: redisPassword,
      sentinelCommandTimeout: 1_000,
      // No failoverDetector: a lost primary closes our connection anyway, and with it a client was
      // seen left closed for good after a failover (the drill's redis-failure).
    });
  }
  return redisUrl ? new Redis(redisUrl, { ...FAIL_FAST, password: redisPassword }) : null;
}

export default fp(
  async function redis(app: FastifyInstance, opts: { services: Services }) {
    const client = redisClient(opts.services.config);
    if (!client) {
      app.decorate('redis', null);
      return;
    }
    // ioredis reconnects by itself; say so once per outage rather than once per retry.
    let healthy = true;
    client.on('error', (err: Error) => {
      if (healthy) app.log.error({ err: { message: err.message } }, 'redis unreachable: rate limits fail open until it is back');
      healthy = false;
    });
    client.on('ready', () => {
      if (!healthy) app.log.info('redis reachable again');
      healthy = true;
    });
    await client.connect().catch(() => undefined);
    app.decorate('redis', client);
    app.addHook('onClose', async () => {
      await client.quit().catch(() => client.disconnect());
    });
  },
  { name: 'redis' },
);

/** For /ready: reachable, and how long a PING took. */
export async function redisCheck(client: Redis): Promise<{ ok: boolean; detail?: string }> {
  const started = performance.now();
  try {
    await client.ping();
    return { ok: true, detail: `ping ${Math.round(performance.now() - started)} ms` };
  } catch (err) {
    return { ok: false, detail: `unreachable: ${(err as Error).message}` };
  }
}
