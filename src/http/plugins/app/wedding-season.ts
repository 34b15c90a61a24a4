// X-Wedding-Season on every response: clients, caches and dashboards can tell peak from off-season
// without knowing our calendar. Computed at most once a minute; it changes far less often.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { seasonStatus } from '../../../domain/seasons.js';
import type { Services } from '../../../services/context.js';

export default fp(
  async function weddingSeason(app: FastifyInstance, opts: { services: Services }) {
    const { services } = opts;
    let minute = -1;
    let season = 'off';
    app.addHook('onSend', async (_request, reply) => {
      const now = services.now();
      const thisMinute = Math.floor(now.getTime() / 60_000);
      if (thisMinute !== minute) {
        minute = thisMinute;
        season = seasonStatus(now, services.config.seasonRegion).season;
      }
      reply.header('X-Wedding-Season', season);
    });
  },
  { name: 'wedding-season' },
);
