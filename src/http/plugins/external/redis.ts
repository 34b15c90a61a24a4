// Redis, when REDIS_URL is set: state that several replicas must share (the rate limits' counters).
// Without it everything stays in each process's memory, which is right for the embedded default.
// Commands fail fast while Redis is unreachable (no offline queue), and their callers fail open:
// an outage of the limits' store must not take the board down with it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Services } from '../../../services/context.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
  }
}

export default fp(
  async function redis(app: FastifyInstance, opts: { services: Services }) {
    const url = opts.services.config.redisUrl;
    if (!url) {
      app.decorate('redis', null);
      return;
    }
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
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
