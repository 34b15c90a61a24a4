// Failures a caller can act on. Services throw these; the HTTP layer turns them into
// `{ error: { code, message, details } }` with the status they carry.

export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds until trying again can succeed (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string, code = 'forbidden') => new ServiceError(403, code, message);
export const badRequest = (code: string, message: string, details?: unknown) => new ServiceError(400, code, message, details);
export const conflict = (code: string, message: string, details?: unknown) => new ServiceError(409, code, message, details);

/** The database cannot serve or accept writes right now (src/db/faults.ts classifies): try again soon. */
export const databaseUnavailable = (retryAfterSeconds: number, details?: unknown) =>
  new ServiceError(503, 'database_unavailable', 'The database is unavailable right now; try again shortly', details, retryAfterSeconds);
