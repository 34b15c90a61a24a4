// Privacy: the signed-in person's GDPR rights (export, rectification, erasure, restriction,
// consent) and the product team's justified access to someone's personal data.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { CONSENT_PURPOSES } from '../../../domain/consent.js';
import { isValidTimeZone } from '../../../domain/seasons.js';
import { recordConsent, consentState } from '../../../services/consent.js';
import { badRequest } from '../../../services/errors.js';
import { accessUserDetails, erasePersonalData, exportPersonalData, ownProfile, rectifyProfile, restrictProcessing } from '../../../services/gdpr.js';
import { DateTime, IdParams, literals, Nullable, responses, Text } from '../../schemas.js';
import { Account } from '../auth/schemas.js';
import type { RouteDeps } from '../index.js';

const tags = ['privacy'];
const JUSTIFICATION_HEADER = 'x-access-justification';

const Anything = Type.Record(Type.String(), Type.Unknown());
const PersonalDataExport = Type.Object({
  format: Type.String(),
  exportedAt: Type.String(),
  policyVersion: Type.String(),
  account: Anything,
  consents: Anything,
  featureRequests: Type.Array(Anything),
  votes: Type.Array(Anything),
  comments: Type.Array(Anything),
  notifications: Type.Array(Anything),
  follows: Type.Array(Type.Object({ requestId: Type.String(), following: Type.Boolean(), createdAt: DateTime, updatedAt: DateTime })),
  apiTokens: Type.Array(Anything),
  auditEvents: Type.Array(Anything),
});
const PersonalAccount = Type.Composite([
  Account,
  Type.Object({ phone: Nullable(Type.String()), businessAddress: Nullable(Type.String()) }),
  Type.Partial(Type.Object({ processingRestricted: Type.Boolean(), erasedAt: Nullable(DateTime) })),
]);
const Purpose = literals(CONSENT_PURPOSES);
const ConsentState = Type.Object({
  policyVersion: Type.String(),
  consents: Type.Object({ feature_feedback: Type.Boolean(), ai_analysis: Type.Boolean(), trend_analytics: Type.Boolean() }),
  evidenceIntact: Type.Boolean(),
  evidence: Type.Array(
    Type.Object({
      purpose: Purpose,
      granted: Type.Boolean(),
      method: Type.String(),
      policyVersion: Type.String(),
      recordedBy: Nullable(Type.String()),
      createdAt: DateTime,
      previousHash: Type.String(),
      hash: Type.String(),
    }),
  ),
});
const ProfileBody = Type.Object(
  {
    displayName: Type.Optional(Text(1, 100)),
    phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 ()-]{5,30}$' }))),
    businessName: Type.Optional(Nullable(Text(1, 200))),
    businessAddress: Type.Optional(Nullable(Text(1, 500))),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
const JustificationHeaders = Type.Object({
  [JUSTIFICATION_HEADER]: Type.Optional(
    Type.String({ description: 'Why you need this person’s personal data (at least 10 characters); recorded in the audit trail' }),
  ),
});

/** Product-team access to PII is refused without a written reason (the brief's access_justification). */
function justification(request: FastifyRequest): string {
  const value = request.headers[JUSTIFICATION_HEADER];
  const reason = typeof value === 'string' ? value.trim() : '';
  if (reason.length < 10) {
    throw badRequest('justification_required', 'Access to personal data needs a reason: send the X-Access-Justification header (at least 10 characters)', {
      header: 'X-Access-Justification',
    });
  }
  return reason;
}

const privacy: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  const subject = (request: FastifyRequest) => {
    const c = call(request);
    return { ...c, via: 'api' as const };
  };

  app.get('/api/privacy/export', {
    config: { access: 'signed_in' },
    schema: { tags, summary: 'Everything WedSync holds about you, as JSON (access and portability)', response: responses({ 200: PersonalDataExport }) },
    handler: async (request, reply) => {
      const c = subject(request);
      reply.header('content-disposition', 'attachment; filename="wedsync-personal-data.json"');
      return exportPersonalData(services, c, c.actor.id);
    },
  });

  // Your own details as rectification and restriction see them (phone, business address and whether
  // processing is restricted are not in the session's account), without an audited full export.
  app.get('/api/privacy/profile', {
    config: { access: 'signed_in' },
    schema: { tags, summary: 'Your profile with contact details and whether processing is restricted', response: responses({ 200: PersonalAccount }) },
    handler: async (request) => ownProfile(services, call(request).actor.id),
  });

  app.patch('/api/privacy/profile', {
    config: { access: 'signed_in' },
    schema: { tags, summary: 'Correct your profile (rectification)', body: ProfileBody, response: responses({ 200: PersonalAccount }) },
    handler: async (request) => {
      const { timeZone } = request.body;
      if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
        throw badRequest('invalid_time_zone', `Unknown time zone ${JSON.stringify(timeZone)}`);
      }
      return rectifyProfile(services, subject(request), request.body);
    },
  });

  app.post('/api/privacy/erasure', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Erase your account (right to be forgotten): personal data removed, contributions kept as "Former member"',
      body: Type.Object({ confirm: Type.Literal('erase my account') }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ erased: Type.Boolean(), votesKept: Type.Integer() }) }),
    },
    handler: async (request) => {
      const c = subject(request);
      return erasePersonalData(services, c, c.actor.id);
    },
  });

  app.put('/api/privacy/restriction', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Restrict (or lift the restriction of) processing: halts AI analysis and analytics for you',
      body: Type.Object({ restricted: Type.Boolean() }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ restricted: Type.Boolean() }) }),
    },
    handler: async (request) => {
      const c = subject(request);
      return restrictProcessing(services, c, c.actor.id, request.body.restricted);
    },
  });

  app.get('/api/privacy/consents', {
    config: { access: 'signed_in' },
    schema: { tags, summary: 'Your consent per purpose, with its hash-chained evidence', response: responses({ 200: ConsentState }) },
    handler: async (request) => consentState(services, call(request).actor.id),
  });

  app.put('/api/privacy/consents/:purpose', {
    config: { access: 'signed_in' },
    schema: {
      tags,
      summary: 'Give or withdraw consent for one purpose; withdrawal takes effect at once',
      params: Type.Object({ purpose: Purpose }),
      body: Type.Object({ granted: Type.Boolean() }, { additionalProperties: false }),
      response: responses({ 200: ConsentState }),
    },
    handler: async (request) => {
      const c = call(request);
      return recordConsent(services, { actor: c.actor, requestId: c.requestId, method: 'api' }, c.actor.id, request.params.purpose, request.body.granted);
    },
  });

  app.get('/api/privacy/users/:id', {
    config: { access: { anyOf: ['user_feedback:read'] } },
    schema: {
      tags,
      summary: 'A member’s account and contact details (product team; X-Access-Justification required and audited)',
      params: IdParams,
      headers: JustificationHeaders,
      response: responses({ 200: PersonalAccount }),
    },
    handler: async (request) => accessUserDetails(services, subject(request), request.params.id, justification(request)),
  });

  app.get('/api/privacy/users/:id/export', {
    config: { access: { anyOf: ['user_feedback:read'] } },
    schema: {
      tags,
      summary: 'A member’s personal-data export, for a request they made to the team (X-Access-Justification required and audited)',
      params: IdParams,
      headers: JustificationHeaders,
      response: responses({ 200: PersonalDataExport }),
    },
    handler: async (request) => exportPersonalData(services, subject(request), request.params.id, justification(request)),
  });
};

export default privacy;
