// The escalation engine's routes: Alertmanager's webhook (its own Bearer secret), and the incident
// list, timeline, acknowledge and resolve for the product team, who run the platform.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { bearerMatches } from '../../../security/constant-time.js';
import { acknowledgeIncident, getIncident, listIncidents, onCallSchedule, receiveAlertmanagerWebhook, resolveIncident } from '../../../services/incidents.js';
import { IdParams, responses } from '../../schemas.js';
import { errorBody } from '../../plugins/app/errors.js';
import type { RouteDeps } from '../index.js';
import { AlertmanagerWebhook, IncidentDetail, IncidentQuery, IncidentSummary, ResolveBody, WebhookOutcome } from './schemas.js';

/** Operators of the platform: the product team, through the permission that already guards /api/platform/health. */
const OPERATORS = { anyOf: ['analytics:platform_health'] } as const;

const ops: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  // Fail at start-up, not at 3 a.m., when the roster file is unreadable; say once which roster runs.
  const roster = onCallSchedule(services);
  if (!services.config.oncallScheduleFile) app.log.debug('escalation: ONCALL_SCHEDULE_FILE is not set, using the built-in demo on-call roster');
  else app.log.debug({ teams: Object.keys(roster.schedule.teams).length }, 'escalation: on-call roster loaded');
  if (!services.config.escalationWebhookUrl && !services.config.smtpUrl) {
    app.log.warn('escalation: neither ESCALATION_WEBHOOK_URL nor SMTP_URL is set; incidents are recorded but nobody is notified');
  }

  // Checked before the body is parsed or validated: a caller without the secret learns nothing.
  const webhookToken = async (request: FastifyRequest, reply: FastifyReply) => {
    if (bearerMatches(request.headers.authorization, services.config.alertmanagerWebhookToken)) return;
    return reply
      .status(401)
      .send(
        errorBody(
          'unauthenticated',
          services.config.alertmanagerWebhookToken
            ? 'Bearer ALERTMANAGER_WEBHOOK_TOKEN required'
            : 'The Alertmanager webhook is disabled: ALERTMANAGER_WEBHOOK_TOKEN is not set',
        ),
      );
  };

  app.post('/api/ops/alertmanager/webhook', {
    config: { access: 'alertmanager' },
    onRequest: webhookToken,
    schema: {
      tags: ['ops'],
      summary: 'Alertmanager webhook (v4): firing alerts open or repeat incidents, resolved ones resolve them',
      description: 'Authorization: Bearer ALERTMANAGER_WEBHOOK_TOKEN (not an account API token).',
      body: AlertmanagerWebhook,
      response: responses({ 200: WebhookOutcome }),
    },
    handler: async (request) => receiveAlertmanagerWebhook(services, request.body, request.id),
  });

  app.get('/api/ops/incidents', {
    config: { access: OPERATORS },
    schema: {
      tags: ['ops'],
      summary: 'Incidents, newest first; status=unresolved for open and acknowledged ones',
      querystring: IncidentQuery,
      response: responses({ 200: Type.Object({ items: Type.Array(IncidentSummary) }) }),
    },
    handler: async (request) => listIncidents(services, { status: request.query.status, limit: request.query.limit ?? 50 }),
  });

  app.get('/api/ops/incidents/:id', {
    config: { access: OPERATORS },
    schema: {
      tags: ['ops'],
      summary: 'An incident with its escalation timeline: steps, who was picked and why, every delivery',
      params: IdParams,
      response: responses({ 200: IncidentDetail }),
    },
    handler: async (request) => getIncident(services, request.params.id),
  });

  app.post('/api/ops/incidents/:id/acknowledge', {
    config: { access: OPERATORS },
    schema: {
      tags: ['ops'],
      summary: 'Acknowledge: stops further escalation (idempotent)',
      params: IdParams,
      response: responses({ 200: IncidentDetail }),
    },
    handler: async (request) => acknowledgeIncident(services, call(request), request.params.id),
  });

  app.post('/api/ops/incidents/:id/resolve', {
    config: { access: OPERATORS },
    schema: {
      tags: ['ops'],
      summary: 'Resolve with a note: stops escalation; a new firing alert opens a new incident',
      params: IdParams,
      body: ResolveBody,
      response: responses({ 200: IncidentDetail }),
    },
    handler: async (request) => resolveIncident(services, call(request), request.params.id, request.body.note),
  });
};

export default ops;
