// The in-product health page: is each part of the platform working, how busy is it, and which
// wedding season are we in. Cheap enough to poll every 10 seconds.
import type { DatabaseHandle } from '../db/client.js';
import { seasonStatus } from '../domain/seasons.js';
import { QUEUES, queueOverview } from '../queue/queue.js';
import type { Services } from '../services/context.js';
import type { Metrics } from './metrics.js';

export type ComponentStatus = 'operational' | 'degraded' | 'down';

/** A due job waiting longer than this means workers are missing or swamped. */
const QUEUE_DELAY_DEGRADED_SECONDS = 300;
/** More than this share of 5xx over the window degrades the API (the alert's threshold). */
const ERROR_RATE_DEGRADED = 0.01;

export async function platformHealth(services: Services, database: DatabaseHandle, metrics: Metrics) {
  const now = services.now();
  const traffic = metrics.recentTraffic();
  const started = performance.now();
  const databaseCheck = await database
    .isMigrated()
    .then((migrated) => ({ status: (migrated ? 'operational' : 'degraded') as ComponentStatus, detail: migrated ? undefined : 'migrations pending' }))
    .catch((err: Error) => ({ status: 'down' as ComponentStatus, detail: err.message }));
  const databaseLatencyMs = Math.round((performance.now() - started) * 10) / 10;

  const overview = databaseCheck.status === 'down' ? [] : await queueOverview(services.db, now).catch(() => []);
  const queues = QUEUES.map((queue) => {
    const q = overview.find((o) => o.queue === queue);
    return {
      queue,
      pending: q?.pending ?? 0,
      running: q?.running ?? 0,
      dead: q?.dead ?? 0,
      oldestDueSeconds: q?.oldestDueSeconds === null || q?.oldestDueSeconds === undefined ? null : Math.round(q.oldestDueSeconds),
    };
  });
  const stalled = queues.filter((q) => (q.oldestDueSeconds ?? 0) > QUEUE_DELAY_DEGRADED_SECONDS);
  const dead = queues.filter((q) => q.dead > 0);

  const components: { name: string; status: ComponentStatus; detail: string }[] = [
    {
      name: 'api',
      status: traffic.errorRate > ERROR_RATE_DEGRADED ? 'degraded' : 'operational',
      detail: `${traffic.requests} requests in ${traffic.windowSeconds / 60} min, ${(traffic.errorRate * 100).toFixed(2)}% server errors`,
    },
    { name: 'database', status: databaseCheck.status, detail: databaseCheck.detail ?? `answered in ${databaseLatencyMs} ms` },
    {
      name: 'background_jobs',
      status: databaseCheck.status === 'down' ? 'down' : stalled.length || dead.length ? 'degraded' : 'operational',
      detail: stalled.length
        ? `waiting over ${QUEUE_DELAY_DEGRADED_SECONDS / 60} min: ${stalled.map((q) => q.queue).join(', ')}`
        : dead.length
          ? `dead-lettered jobs in ${dead.map((q) => q.queue).join(', ')}`
          : 'jobs flowing',
    },
  ];
  const worst: ComponentStatus = components.some((c) => c.status === 'down')
    ? 'down'
    : components.some((c) => c.status === 'degraded')
      ? 'degraded'
      : 'operational';
  return { status: worst, checkedAt: now, components, season: seasonStatus(now, services.config.seasonRegion), queues, traffic };
}
