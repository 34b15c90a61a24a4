// The one place that decides which database errors are faults of the database itself (unreachable,
// restarting, read-only, full, overloaded, too slow) rather than of the request: the HTTP layer
// answers those with 503 + Retry-After, and transactions may be retried only by the rule in
// docs/decisions/0019-database-faults.md. Both drivers are covered: postgres.js (server) and PGlite.

export type DatabaseFaultKind = 'unreachable' | 'timeout' | 'shutting_down' | 'read_only' | 'disk_full' | 'overloaded';

export interface DatabaseFault {
  kind: DatabaseFaultKind;
  /** Seconds after which a retry is worth trying (sent as Retry-After). */
  retryAfterSeconds: number;
  /** The driver's or server's code (SQLSTATE, errno name), for logs. */
  cause: string;
}

/** Socket and postgres.js connection errors: the connection is gone or never came. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** SQLSTATEs outside class 08 that mean "the database, not your request". */
const SQLSTATE_FAULTS: Record<string, DatabaseFaultKind> = {
  '57P01': 'shutting_down', // admin_shutdown (also pg_terminate_backend)
  '57P02': 'shutting_down', // crash_shutdown
  '57P03': 'shutting_down', // cannot_connect_now: starting up, shutting down, in recovery
  '57014': 'timeout', // query_canceled: our statement_timeout
  '55P03': 'timeout', // lock_not_available: lock_timeout
  '25006': 'read_only', // read_only_sql_transaction: a standby, or a primary being demoted
  '53100': 'disk_full',
  '53200': 'overloaded', // out_of_memory
  '53300': 'overloaded', // too_many_connections
  '58030': 'disk_full', // io_error: the file system refused a write (full or read-only)
};

/**
 * PGlite runs PostgreSQL on an Emscripten file system: a refused write surfaces as an `ErrnoError`
 * with Emscripten's (WASI) errno numbers rather than a SQLSTATE.
 */
const EMSCRIPTEN_ERRNO: Record<number, { kind: DatabaseFaultKind; name: string }> = {
  51: { kind: 'disk_full', name: 'ENOSPC' },
  69: { kind: 'read_only', name: 'EROFS' },
  2: { kind: 'read_only', name: 'EACCES' },
  29: { kind: 'disk_full', name: 'EIO' },
};

const RETRY_AFTER: Record<DatabaseFaultKind, number> = {
  unreachable: 2,
  timeout: 2,
  shutting_down: 2,
  read_only: 2,
  overloaded: 2,
  // A full disk needs an operator; asking clients back every 2 s would only add load.
  disk_full: 30,
};

/** Drizzle wraps driver errors (`DrizzleQueryError`): look through the `cause` chain. */
function* causes(err: unknown): Generator<Record<string, unknown>> {
  for (let current = err, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

function classify(e: Record<string, unknown>): { kind: DatabaseFaultKind; cause: string } | null {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'CONNECT_TIMEOUT') return { kind: 'timeout', cause: code };
  if (code && CONNECTION_CODES.has(code)) return { kind: 'unreachable', cause: code };
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('08')) return { kind: 'unreachable', cause: code }; // connection_exception class
    const kind = SQLSTATE_FAULTS[code];
    if (kind) return { kind, cause: code };
  }
  if (e.name === 'ErrnoError' && typeof e.errno === 'number') {
    const known = EMSCRIPTEN_ERRNO[e.errno];
    if (known) return { kind: known.kind, cause: known.name };
  }
  // PGlite after close() (shutdown in progress): the database is no longer there for this process.
  if (typeof e.message === 'string' && e.message === 'PGlite is closed') return { kind: 'shutting_down', cause: 'pglite_closed' };
  if (e.name === 'DatabaseDeadlineError') return { kind: 'timeout', cause: 'deadline' };
  return null;
}

/** The fault behind an error, or null when the error is not the database's fault. */
export function databaseFault(err: unknown): DatabaseFault | null {
  for (const e of causes(err)) {
    const found = classify(e);
    if (found) return { ...found, retryAfterSeconds: RETRY_AFTER[found.kind] };
  }
  return null;
}

/** The server rolled the transaction back to resolve a conflict: running it again is correct. */
export function isConflictRollback(err: unknown): boolean {
  for (const e of causes(err)) if (e.code === '40001' || e.code === '40P01') return true;
  return false;
}

/** A connection that broke (or never came): nothing the transaction did can have committed. */
export function isConnectionLoss(err: unknown): boolean {
  const fault = databaseFault(err);
  return fault !== null && (fault.kind === 'unreachable' || fault.kind === 'shutting_down') && fault.cause !== 'pglite_closed';
}

/** Codes that prove nothing reached the server: the connection was never made. */
const NEVER_SENT: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT', '57P03']);

/**
 * Whether a change that failed with this error may nevertheless have been committed: the connection
 * broke after a statement (or COMMIT) may have reached the server. Refused connections, read-only,
 * full or overloaded databases and cancelled statements are certain failures: nothing was applied.
 */
export function outcomeUncertain(err: unknown): boolean {
  const fault = databaseFault(err);
  if (!fault) return false;
  // Our own deadline answered the client while the statement may still be running on the server.
  if (fault.cause === 'deadline') return true;
  if (fault.kind !== 'unreachable' && fault.kind !== 'shutting_down') return false;
  return !NEVER_SENT.has(fault.cause) && fault.cause !== 'pglite_closed';
}

/**
 * Whether a failed transaction may run again (docs/decisions/0019-database-faults.md): after a
 * conflict rollback the server reported (40001, 40P01), or after a lost connection when the error was
 * raised inside the transaction's work — before COMMIT was sent. A connection lost at COMMIT leaves
 * the outcome unknown: that is answered as 503, and the client's Idempotency-Key makes its retry safe.
 */
export function mayRetryTransaction(err: unknown, raisedBeforeCommit: boolean): boolean {
  return isConflictRollback(err) || (raisedBeforeCommit && isConnectionLoss(err));
}

/** The value PostgreSQL quotes back at the end of a message ('invalid input syntax for type uuid: "…"'). */
const QUOTED_VALUE = /: "(?:[^"]|"")*"$/;

/**
 * An error as it may be logged or kept: the statement's text, never its parameters (Drizzle puts
 * them in the message and `params`; postgres.js in `parameters`), nor the values PostgreSQL quotes
 * back in a message or `detail` — they can be personal data, secrets or an attacker's input.
 */
export function withoutStatementValues<T>(err: T, depth = 0): T {
  if (!(err instanceof Error) || depth > 5) return err;
  const { params: _params, parameters: _parameters, detail: _detail, cause: _cause, ...props } = err as unknown as Record<string, unknown>;
  // Drizzle's message is "Failed query: <sql>\nparams: <values>"; a driver's is PostgreSQL's own.
  const message =
    typeof props.query === 'string' && err.message.startsWith('Failed query: ')
      ? `Failed query: ${props.query}`
      : err.message.replace(QUOTED_VALUE, ': "[value]"');
  const copy = Object.assign(new Error(message, err.cause === undefined ? undefined : { cause: withoutStatementValues(err.cause, depth + 1) }), props);
  copy.name = err.name;
  copy.stack = err.stack?.replace(err.message, message);
  return copy as T;
}
