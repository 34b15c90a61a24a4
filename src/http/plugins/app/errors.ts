// One error shape for every failure: { error: { code, message, details } }. Client mistakes get a
// 4xx that says what to fix; a database fault (src/db/faults.ts) is a 503 with Retry-After;
// anything unexpected is logged and answered with a bland 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { databaseFault, outcomeUncertain, withoutStatementValues } from '../../../db/faults.js';
import { badRequest, databaseUnavailable, ServiceError } from '../../../services/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Fastify's own client errors, renamed to codes a client can switch on. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Fastify's `frameworkErrors`: what it meets before routing — a URL it cannot decode, a path segment
 * over `maxParamLength`. Same shape as every other error, and the URL is not echoed back.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.status(414).send(errorBody('uri_too_long', 'A segment of the URL path is too long'));
  return reply.status(400).send(errorBody('bad_url', 'The URL is not valid'));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set with a 503 when the database failed after a statement may have reached it. */
    changeOutcomeUncertain: boolean;
  }
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.decorateRequest('changeOutcomeUncertain', false);
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof ServiceError) {
        if (err.retryAfterSeconds) reply.header('Retry-After', String(err.retryAfterSeconds));
        return reply.status(err.statusCode).send(errorBody(err.code, err.message, err.details));
      }
      if (err.validation) {
        const details = err.validation.map((v) => ({
          field: `${err.validationContext ?? ''}${v.instancePath}`.replace(/\//g, '.') || err.validationContext,
          message: v.message,
          ...(v.keyword === 'additionalProperties' ? { unexpected: (v.params as { additionalProperty?: string }).additionalProperty } : {}),
        }));
        return reply.status(400).send(errorBody('validation_failed', 'The request is not valid: see details', details));
      }
      const fault = databaseFault(err);
      if (fault) {
        // A change may have committed although the client is told 503: its Idempotency-Key must not be given back.
        request.changeOutcomeUncertain = outcomeUncertain(err);
        request.log.warn({ fault: fault.kind, cause: fault.cause, err: { message: withoutStatementValues(err).message } }, 'database unavailable');
        const unavailable = databaseUnavailable(fault.retryAfterSeconds, { reason: fault.kind });
        reply.header('Retry-After', String(unavailable.retryAfterSeconds));
        return reply.status(503).send(errorBody(unavailable.code, unavailable.message, unavailable.details));
      }
      const status = err.statusCode ?? 500;
      if (status < 500) {
        // The JSON parser's SyntaxError (including prototype-poisoning rejections) arrives as a 400.
        const code = FASTIFY_CODES[err.code] ?? (err.name === 'SyntaxError' ? 'invalid_json' : 'bad_request');
        return reply.status(status).send(errorBody(code, err.message));
      }
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send(errorBody('internal_error', 'Something went wrong on our side; it has been logged'));
    });

    // Ajv coerces a query or path value such as "1e309" to Infinity and then skips minimum/maximum
    // (it checks limits on finite numbers only): refuse it as the validation failure it is.
    app.addHook('preHandler', async (request) => {
      for (const [part, values] of [
        ['querystring', request.query],
        ['params', request.params],
      ] as const) {
        for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
          if ([value].flat().some((v) => typeof v === 'number' && !Number.isFinite(v))) {
            throw badRequest('validation_failed', 'The request is not valid: see details', [{ field: `${part}.${name}`, message: 'must be a finite number' }]);
          }
        }
      }
    });

    // The path is not echoed back: a reflected URL is a phishing and log-injection aid (issue #14).
    app.setNotFoundHandler((_request, reply) =>
      reply.status(404).send(errorBody('route_not_found', 'There is no such route; see /api/openapi.json for the API')),
    );
  },
  { name: 'errors' },
);
