// X-Wedding-Season on every response: clients, caches and dashboards can tell peak from off-season
// without knowing our calendar. Computed at most once a minute; it changes far less often.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { seasonStatus } from '../../../domain/seasons.js';
import type { Services } from '../../../services/context.js';

/** The header's value now (SEASON_REGION's season), recomputed at most once a minute. */
export function weddingSeasonHeader(services: Services): () => string {
  let minute = -1;
  let season = 'off';
  return () => {
    const now = services.now();
    const thisMinute = Math.floor(now.getTime() / 60_000);
    if (thisMinute !== minute) {
      minute = thisMinute;
      season = seasonStatus(now, services.config.seasonRegion).season;
    }
    return season;
  };
}

export default fp(
  async function weddingSeason(app: FastifyInstance, opts: { season: () => string }) {
    app.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('X-Wedding-Season', opts.season());
      done(null, payload);
    });
  },
  { name: 'wedding-season' },
);
