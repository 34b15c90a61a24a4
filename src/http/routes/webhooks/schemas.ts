// Request and response shapes of the outgoing-webhook routes.
import { Type } from '@sinclair/typebox';
import { WEBHOOK_EVENTS } from '../../../domain/webhooks.js';
import { DateTime, literals, Nullable, Text } from '../../schemas.js';

const WebhookEvent = literals(WEBHOOK_EVENTS);
const Events = Type.Array(WebhookEvent, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true });
const Url = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://', description: 'http(s) URL of the receiver' });

export const CreateWebhookBody = Type.Object({ url: Url, description: Type.Optional(Text(0, 200)), events: Events }, { additionalProperties: false });

export const UpdateWebhookBody = Type.Object(
  { url: Type.Optional(Url), description: Type.Optional(Text(0, 200)), events: Type.Optional(Events), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookEndpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String()),
  consecutiveFailures: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const WebhookEndpointWithSecret = Type.Composite([
  WebhookEndpoint,
  Type.Object({ secret: Type.String({ description: 'The Standard Webhooks signing secret (whsec_…): shown this once, store it in the receiver' }) }),
]);

export const WebhookDelivery = Type.Object({
  id: Type.String(),
  messageId: Type.String({ description: 'The webhook-id header: the same on every attempt' }),
  eventType: Type.String(),
  state: literals(['pending', 'delivered', 'failed', 'abandoned'] as const),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      statusCode: Nullable(Type.Integer()),
      durationMs: Type.Integer(),
      error: Nullable(Type.String()),
      attemptedAt: DateTime,
    }),
  ),
  createdAt: DateTime,
  deliveredAt: Nullable(DateTime),
});

export const DeliveryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) });
