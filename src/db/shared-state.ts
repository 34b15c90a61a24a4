// What the replicas of one deployment share besides the database: Redis, when REDIS_URL or
// REDIS_SENTINELS is set, for state that must be the same on every replica (response cache, rate
// limits, login throttle, revocations) and a broadcast channel (Redis pub/sub) for news every replica
// must hear at once (cache purges, logouts). Without Redis — the embedded default, one process — the
// same interface is this process's memory and an in-process broadcast.
//
// Commands fail fast while Redis is unreachable (no offline queue) and callers fail open or fall back:
// an outage of Redis must not take the board down. Through Sentinel, ioredis asks the sentinels for
// the primary and follows a failover by itself.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface SharedState {
  /** The deployment's Redis, or null when this process is the whole deployment. */
  redis: Redis | null;
  /** Prepended to every Redis key and channel, so several deployments can share one Redis. */
  keyPrefix: string;
  /**
   * Tells every replica (this one included, at once and even while Redis is down). Fire and
   * forget: what cannot be sent goes out when Redis is back, and a replica that was cut off from
   * Redis hears `onGap` when it reconnects.
   */
  publish(channel: string, message: string): void;
  /** Messages on `channel` from any replica. Returns the unsubscribe. */
  subscribe(channel: string, handler: (message: string) => void): () => void;
  /**
   * Called when broadcasts may have been missed (the subscription was lost and is back): whatever
   * was kept on the strength of "I would have heard" must be dropped. Returns the unsubscribe.
   */
  onGap(handler: () => void): () => void;
  close(): Promise<void>;
}

const MAX_UNSENT = 1_000;
// Auto-pipelining: commands issued in one event-loop turn (every request's rate-limit script, the
// scraping count, cache reads) leave in one write. Security bench, board and votes, two runs each:
// the controls cost 4.6–6.0 % with it, 6.2–14.3 % without.
const FAIL_FAST: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, enableAutoPipelining: true };

/** A client for the configured Redis, not yet connected; null when none is configured. */
export function redisClient(config: Pick<Config, 'redisUrl' | 'redisSentinel' | 'redisPassword'>): Redis | null {
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

/** QUIT when connected; a connection still trying would queue the QUIT until Redis is back. */
async function end(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

/** How a deployment's subscriber connection shows in Redis's CLIENT LIST. */
export const subscriberName = (keyPrefix: string) => `${keyPrefix.replace(/[^\w.:-]/g, '_')}subscriber`;

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

/** One process is the whole deployment: broadcasts stay in it, and none is ever missed. */
export function processSharedState(keyPrefix = ''): SharedState {
  const local = new EventEmitter().setMaxListeners(0);
  return {
    redis: null,
    keyPrefix,
    publish: (channel, message) => void local.emit(channel, message),
    subscribe(channel, handler) {
      local.on(channel, handler);
      return () => void local.off(channel, handler);
    },
    onGap: () => () => undefined,
    close: async () => undefined,
  };
}

/**
 * The configured deployment's shared state: Redis (connected, or reconnecting in the background
 * when it is down at start) or, without one configured, this process's.
 */
export async function openSharedState(config: Config, log: Logger): Promise<SharedState> {
  const redis = redisClient(config);
  if (!redis) return processSharedState(config.redisKeyPrefix);
  const prefix = config.redisKeyPrefix;
  // ioredis reconnects by itself; say so once per outage rather than once per retry.
  let healthy = true;
  redis.on('error', (err: Error) => {
    if (healthy) log.error({ err: { message: err.message } }, 'redis unreachable: shared limits fail open and caches stay local until it is back');
    healthy = false;
  });
  // Broadcasts that could not be sent go out once Redis is back (bounded; purges repeat harmlessly).
  const unsent = new Set<string>();
  redis.on('ready', () => {
    if (!healthy) log.info('redis reachable again');
    healthy = true;
    for (const wire of unsent) {
      const split = wire.indexOf('\t');
      redis.publish(wire.slice(0, split), wire.slice(split + 1)).catch(() => undefined);
    }
    unsent.clear();
  });
  await redis.connect().catch(() => undefined);

  // A connection in subscriber mode takes no other commands: a second one, made only when needed.
  const local = new EventEmitter().setMaxListeners(0);
  const gaps = new EventEmitter().setMaxListeners(0);
  const origin = randomUUID();
  const channels = new Set<string>();
  let subscriber: Redis | null = null;
  let subscribed = false;
  const subscriberConnection = () => {
    if (subscriber) return subscriber;
    // Subscriptions wait for the connection rather than fail, and come back after a reconnect.
    const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true, connectionName: subscriberName(prefix) });
    sub.on('error', () => undefined); // said once by the main client's handler
    sub.on('ready', () => {
      // The first ready is the start; any later one follows a lost connection, when messages may have gone by.
      if (subscribed) gaps.emit('gap');
      subscribed = true;
    });
    sub.on('message', (channel: string, text: string) => {
      const split = text.indexOf('\n');
      // Our own messages were delivered locally when published.
      if (text.slice(0, split) === origin) return;
      local.emit(channel.slice(prefix.length), text.slice(split + 1));
    });
    sub.connect().catch(() => undefined);
    subscriber = sub;
    return sub;
  };

  return {
    redis,
    keyPrefix: prefix,
    publish(channel, message) {
      local.emit(channel, message);
      const [wireChannel, wireMessage] = [`${prefix}${channel}`, `${origin}\n${message}`];
      redis.publish(wireChannel, wireMessage).catch(() => {
        if (unsent.size < MAX_UNSENT) unsent.add(`${wireChannel}\t${wireMessage}`);
      });
    },
    subscribe(channel, handler) {
      local.on(channel, handler);
      if (!channels.has(channel)) {
        channels.add(channel);
        subscriberConnection()
          .subscribe(`${prefix}${channel}`)
          .catch(() => undefined);
      }
      return () => void local.off(channel, handler);
    },
    onGap(handler) {
      gaps.on('gap', handler);
      return () => void gaps.off('gap', handler);
    },
    async close() {
      await Promise.all([end(redis), subscriber && end(subscriber)]);
    },
  };
}
