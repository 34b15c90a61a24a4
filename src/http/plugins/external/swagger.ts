// The OpenAPI document, generated from the routes' TypeBox schemas and served at /api/openapi.json.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'WedSync Feature Requests API',
          description: 'Submit, browse, vote on and triage wedding-industry feature requests.',
          version: '1',
        },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'wsfr_session', description: 'Writes also need the X-CSRF-Token header' },
            bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/auth/tokens' },
          },
        },
        security: [{ session: [] }, { bearer: [] }],
      },
    });
  },
  { name: 'openapi' },
);
