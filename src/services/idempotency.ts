// Idempotency-Key storage: a caller's key is claimed before the change runs, its response recorded
// right after, and a repeat is answered from the record. Rows live in the database so every API
// replica shares them (docs/decisions/0019-database-faults.md, "Idempotency-Key").
import { and, eq, lt, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema.js';
import type { Services } from './context.js';
import { ServiceError } from './errors.js';

/** How long a key is remembered (a client retrying later than this makes a new change). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A claim with no response after this long belongs to a request that will never answer: its process
 * died, or the database failed as it committed. Its change may or may not have been applied, so the
 * key is never run again: a repeat gets `409 idempotency_outcome_unknown`. Far above any request's
 * life (statement timeout 5 s, shutdown grace 25 s).
 */
export const IDEMPOTENCY_CLAIM_LEASE_MS = 120_000;

export interface IdempotentRequest {
  caller: string;
  key: string;
  method: string;
  path: string;
  /** The raw body as received (or '' without one). */
  body: string;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `claimedAt` tells this claim from a later one of the same key (after the lease ran out). */
export type Claim = { kind: 'claimed'; claimedAt: Date } | { kind: 'replay'; response: StoredResponse };

const sealedAt = (caller: string, key: string) => ({ table: 'idempotency_keys', column: 'response_body', rowId: `${caller} ${key}` });

/**
 * Claims `key` for this request, or answers what the first request with it got. Refuses with 422
 * `idempotency_key_reused` when the key came with another request, and with 409
 * `idempotency_request_in_progress` (Retry-After) while the first is still running.
 */
export async function claimIdempotencyKey(s: Services, request: IdempotentRequest): Promise<Claim> {
  const now = s.now();
  const bodyHash = s.keyring.contentDigest(`${request.method} ${request.path}\n${request.body}`);
  const row = {
    caller: request.caller,
    key: request.key,
    method: request.method,
    path: request.path,
    bodyHash,
    createdAt: now,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
  };
  // One statement: insert, or take over a key whose 24 h are over.
  const [claimed] = await s.db
    .insert(idempotencyKeys)
    .values(row)
    .onConflictDoUpdate({
      target: [idempotencyKeys.caller, idempotencyKeys.key],
      set: { ...row, responseStatus: null, responseHeaders: null, responseBody: null },
      setWhere: lt(idempotencyKeys.expiresAt, now),
    })
    .returning({ caller: idempotencyKeys.caller });
  if (claimed) return { kind: 'claimed', claimedAt: now };

  const [first] = await s.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.caller, request.caller), eq(idempotencyKeys.key, request.key)));
  // Released between the two statements (the first request failed): the client may simply retry.
  if (!first) throw inProgress();
  if (first.method !== request.method || first.path !== request.path || first.bodyHash !== bodyHash) {
    throw new ServiceError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request');
  }
  if (first.responseStatus === null || first.responseBody === null) {
    throw first.createdAt.getTime() < now.getTime() - IDEMPOTENCY_CLAIM_LEASE_MS ? outcomeUnknown() : inProgress();
  }
  return {
    kind: 'replay',
    response: {
      status: first.responseStatus,
      headers: first.responseHeaders ?? {},
      body: await s.keyring.openShared(first.responseBody, sealedAt(request.caller, request.key)),
    },
  };
}

const outcomeUnknown = () =>
  new ServiceError(
    409,
    'idempotency_outcome_unknown',
    'The first request with this Idempotency-Key never finished (the service or its database failed as it ran): it may or may not have been applied. Check, then send it again with a new key if it is missing',
  );

const inProgress = () =>
  new ServiceError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly', undefined, 1);

/** Records the response of the request that claimed the key (sealed: it may hold personal data). */
export async function recordIdempotentResponse(s: Services, caller: string, key: string, response: StoredResponse): Promise<void> {
  const version = await s.keyring.currentVersion();
  const body = await s.keyring.sealShared(version, sealedAt(caller, key), response.body);
  await s.db
    .update(idempotencyKeys)
    .set({ responseStatus: response.status, responseHeaders: response.headers, responseBody: body })
    .where(and(eq(idempotencyKeys.caller, caller), eq(idempotencyKeys.key, key)));
}

/** Gives a key back when its request was not answered with a result worth repeating (a 5xx, a 429). */
export async function releaseIdempotencyKey(s: Services, caller: string, key: string, claimedAt: Date): Promise<void> {
  await s.db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.caller, caller),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.createdAt, claimedAt),
        sql`${idempotencyKeys.responseStatus} is null`,
      ),
    );
}

/** Housekeeping: keys past their 24 h. For the maintenance schedule; returns how many went. */
export async function purgeExpiredIdempotencyKeys(s: Services): Promise<number> {
  const purged = await s.db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, s.now())).returning({ key: idempotencyKeys.key });
  return purged.length;
}
