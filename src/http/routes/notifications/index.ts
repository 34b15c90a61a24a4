// The signed-in user's notifications.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listNotifications, markNotificationsRead } from '../../../services/notifications.js';
import { DateTime, Nullable, responses, Uuid } from '../../schemas.js';
import type { RouteDeps } from '../index.js';

const Notification = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'status_changed' }),
  requestId: Nullable(Uuid),
  requestTitle: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  readAt: Nullable(DateTime),
  createdAt: DateTime,
});

const notifications: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/notifications', {
    config: { access: 'signed_in' },
    schema: {
      tags: ['notifications'],
      summary: 'What changed on requests you submitted or voted for, newest first',
      querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(Notification), unread: Type.Integer() }) }),
    },
    handler: async (request) => listNotifications(services, call(request), { unreadOnly: request.query.unread ?? false, limit: request.query.limit ?? 50 }),
  });

  app.post('/api/notifications/read', {
    config: { access: 'signed_in' },
    schema: {
      tags: ['notifications'],
      summary: 'Mark notifications as read (all of yours when no ids are given)',
      body: Type.Object({ ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100 })) }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ updated: Type.Integer() }) }),
    },
    handler: async (request) => markNotificationsRead(services, call(request), request.body.ids),
  });
};

export default notifications;
