// Idempotency-Key on every change (POST/PUT/PATCH/DELETE): a client that lost the reply (a dropped
// connection, a 503 during a failover) sends the same request with the same key again and gets the
// first response — status, body, Content-Type and Location — with `Idempotent-Replayed: true`,
// instead of a second change. Per caller; 24 h; stored in the database (src/services/idempotency.ts).
//
// The response is recorded right after the change commits and before its bytes leave (onSend): a
// client never sees an answer that is not recorded. The window: a process that dies between COMMIT
// and that record leaves a claim without a response, which can be taken over after
// IDEMPOTENCY_CLAIM_LEASE_MS — a retry after that makes the change again (decision 0019).
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Services } from '../../../services/context.js';
import { badRequest } from '../../../services/errors.js';
import { claimIdempotencyKey, IDEMPOTENCY_CLAIM_LEASE_MS, recordIdempotentResponse, releaseIdempotencyKey } from '../../../services/idempotency.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false: the route takes no Idempotency-Key — it changes nothing a retry could duplicate, or its
     * response carries a secret (a session, an API token) that must never be stored.
     */
    idempotency?: boolean;
  }
  interface FastifyRequest {
    idempotencyClaim: { caller: string; key: string; claimedAt: Date } | null;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** 1–255 visible ASCII characters (a UUID is the usual choice). */
const VALID_KEY = /^[\x21-\x7E]{1,255}$/;
const CHANGES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The headers a replay repeats; the rest (request id, security headers) belong to the new reply. */
const REPLAYED_HEADERS = ['content-type', 'location'];
const RELEASE_RETRY_MS = 1000;

/** A signed-in caller is one account however it signs in; anonymous callers are told apart by address. */
const callerOf = (request: FastifyRequest) => (request.principal ? `user:${request.principal.id}` : `address:${request.ip}`);

export default fp(
  async function idempotency(app: FastifyInstance, { services }: { services: Services }) {
    app.decorateRequest('idempotencyClaim', null);

    /**
     * A request that failed because the database did (a 503) usually cannot give its key back at that
     * moment either. Left claimed, the client's retry would get 409 until the claim's lease ends, long
     * after the database is back: the release is tried again every second until it goes through.
     */
    const release = async (claim: { caller: string; key: string; claimedAt: Date }, log: FastifyBaseLogger, attempt = 0): Promise<void> => {
      try {
        await releaseIdempotencyKey(services, claim.caller, claim.key, claim.claimedAt);
      } catch (err) {
        if (attempt === 0) log.warn({ err }, 'could not release an Idempotency-Key yet: trying again every second');
        if ((attempt + 1) * RELEASE_RETRY_MS < IDEMPOTENCY_CLAIM_LEASE_MS) setTimeout(() => void release(claim, log, attempt + 1), RELEASE_RETRY_MS).unref();
      }
    };

    app.addHook('preHandler', async (request, reply) => {
      if (!CHANGES.has(request.method) || request.routeOptions.config.idempotency === false) return;
      const given = request.headers[IDEMPOTENCY_HEADER];
      if (given === undefined) return;
      if (typeof given !== 'string' || !VALID_KEY.test(given)) {
        throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters (e.g. a UUID), sent once');
      }
      const caller = callerOf(request);
      const claim = await claimIdempotencyKey(services, {
        caller,
        key: given,
        method: request.method,
        path: request.url,
        body: request.body === undefined ? '' : JSON.stringify(request.body),
      });
      if (claim.kind === 'claimed') {
        request.idempotencyClaim = { caller, key: given, claimedAt: claim.claimedAt };
        return;
      }
      reply.headers(claim.response.headers).header(REPLAYED_HEADER, 'true').status(claim.response.status);
      return reply.send(claim.response.body);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      request.idempotencyClaim = null;
      // Only a change is worth repeating. A refusal (4xx) changed nothing — and leaves no row behind,
      // not even this record — and a 5xx or 429 says nothing a retry should repeat: the key is given back.
      const worthRepeating = reply.statusCode < 300 && (typeof payload === 'string' || Buffer.isBuffer(payload) || payload == null);
      if (!worthRepeating) {
        // Unless the database failed after the change may have committed: then the key stays claimed,
        // and a repeat is told the first outcome is unknown rather than run a second time.
        if (!request.changeOutcomeUncertain) await release(claim, request.log);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      // The change has committed: its answer goes out even if it cannot be recorded (the database just
      // failed). The claim then stays unanswered — a repeat gets 409 until the lease ends (decision 0019).
      await recordIdempotentResponse(services, claim.caller, claim.key, {
        status: reply.statusCode,
        headers,
        body: payload == null ? '' : payload.toString(),
      }).catch((err: unknown) => request.log.warn({ err }, 'could not record the response of an Idempotency-Key'));
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['errors'] },
);
