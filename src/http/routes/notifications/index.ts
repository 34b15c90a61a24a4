// The signed-in user's notifications and how they want to get them, and the one-click unsubscribe
// link of member emails (RFC 8058), which works without signing in.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { checkUnsubscribeToken, preferencesOf, setPreferences, unsubscribe } from '../../../services/member-email.js';
import { listNotifications, markNotificationsRead } from '../../../services/notifications.js';
import { DateTime, literals, Nullable, responses, Uuid } from '../../schemas.js';
import type { RouteDeps } from '../index.js';
import { unsubscribePage } from './unsubscribe-page.js';

const Notification = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'status_changed | request_merged | comment_posted | supplier_verification' }),
  requestId: Nullable(Uuid),
  requestTitle: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  readAt: Nullable(DateTime),
  createdAt: DateTime,
});

const Preferences = Type.Object({
  inApp: Type.Boolean({ description: 'Show notifications in the inbox (the bell)' }),
  email: literals(['instant', 'daily', 'weekly', 'off'] as const, 'Email each notification at once, in a daily or weekly digest, or not at all'),
});

const UnsubscribeQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

const notifications: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  // RFC 8058: mail clients POST `List-Unsubscribe=One-Click` as a form; its content does not matter.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => done(null, body));

  app.get('/api/notifications', {
    config: { access: 'signed_in' },
    schema: {
      tags: ['notifications'],
      summary: 'What changed on requests you submitted, voted for or discuss, newest first',
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

  app.get('/api/notifications/preferences', {
    config: { access: 'signed_in' },
    schema: { tags: ['notifications'], summary: 'How you hear about your requests: in the inbox, by email', response: responses({ 200: Preferences }) },
    handler: async (request) => preferencesOf(services, call(request).actor.id),
  });

  app.put('/api/notifications/preferences', {
    config: { access: 'signed_in' },
    schema: {
      tags: ['notifications'],
      summary: 'Change how you hear about your requests (either channel still needs your feature_feedback consent)',
      body: Type.Partial(Preferences, { additionalProperties: false, minProperties: 1 }),
      response: responses({ 200: Preferences }),
    },
    handler: async (request) => setPreferences(services, call(request), request.body),
  });

  // The link in every member email: GET shows a confirmation (link scanners must not unsubscribe
  // anyone), POST — the button there, or a mail client's one-click — turns member emails off.
  app.get('/unsubscribe', {
    config: { access: 'public' },
    schema: { hide: true, querystring: UnsubscribeQuery },
    handler: async (request, reply) => {
      checkUnsubscribeToken(services, request.query.token);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send(unsubscribePage({ state: 'confirm', token: request.query.token }));
    },
  });

  app.post('/unsubscribe', {
    config: { access: 'public', csrf: false, idempotency: false },
    schema: { hide: true, querystring: UnsubscribeQuery },
    handler: async (request, reply) => {
      await unsubscribe(services, request.query.token);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(unsubscribePage({ state: 'done' }));
    },
  });
};

export default notifications;
