// Outgoing webhooks for the product team: register endpoints with the events they want, change or
// disable them, rotate the signing secret, send a test event, read the delivery log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from '../../../services/webhooks.js';
import { IdParams, responses } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { CreateWebhookBody, DeliveryQuery, UpdateWebhookBody, WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret } from './schemas.js';

/** The product team's wildcard covers it; no customer role holds it. */
const INTEGRATORS = { anyOf: ['feature_requests:webhooks'] } as const;

const webhooks: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/webhooks', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'Outgoing webhook endpoints (secrets are never shown again)',
      response: responses({ 200: Type.Object({ items: Type.Array(WebhookEndpoint) }) }),
    },
    handler: async () => listWebhookEndpoints(services),
  });

  app.post('/api/webhooks', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'Register an endpoint for chosen events; answers with its signing secret, shown this once',
      body: CreateWebhookBody,
      response: responses({ 201: WebhookEndpointWithSecret }),
    },
    handler: async (request, reply) => reply.status(201).send(await createWebhookEndpoint(services, call(request), request.body)),
  });

  app.patch('/api/webhooks/:id', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'Change the URL, description or events, or enable/disable (enabling resets the failure count)',
      params: IdParams,
      body: UpdateWebhookBody,
      response: responses({ 200: WebhookEndpoint }),
    },
    handler: async (request) => updateWebhookEndpoint(services, call(request), request.params.id, request.body),
  });

  app.delete('/api/webhooks/:id', {
    config: { access: INTEGRATORS },
    schema: { tags: ['webhooks'], summary: 'Delete an endpoint and its delivery log', params: IdParams, response: responses({ 204: Type.Null() }) },
    handler: async (request, reply) => {
      await deleteWebhookEndpoint(services, call(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/webhooks/:id/rotate-secret', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'A new signing secret, shown this once; the old one stops at once',
      params: IdParams,
      response: responses({ 200: WebhookEndpointWithSecret }),
    },
    handler: async (request) => rotateWebhookSecret(services, call(request), request.params.id),
  });

  app.post('/api/webhooks/:id/test', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'Send a webhook.test event to this endpoint (delivered by the worker; see its deliveries)',
      params: IdParams,
      response: responses({ 202: Type.Object({ deliveryId: Type.String() }) }),
    },
    handler: async (request, reply) => reply.status(202).send(await sendTestEvent(services, call(request), request.params.id)),
  });

  app.get('/api/webhooks/:id/deliveries', {
    config: { access: INTEGRATORS },
    schema: {
      tags: ['webhooks'],
      summary: 'The delivery log: newest deliveries first, each attempt with status code, duration and error',
      params: IdParams,
      querystring: DeliveryQuery,
      response: responses({ 200: Type.Object({ items: Type.Array(WebhookDelivery) }) }),
    },
    handler: async (request) => listWebhookDeliveries(services, request.params.id, request.query.limit ?? 50),
  });
};

export default webhooks;
