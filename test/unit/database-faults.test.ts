// Which database errors are faults of the database (503 database_unavailable) and which failed
// transactions may run again (decision 0019). Shapes are those postgres.js, PGlite and Drizzle raise.
import { describe, expect, it } from 'vitest';
import { databaseFault, mayRetryTransaction, outcomeUncertain } from '../../src/db/faults.js';

const pg = (code: string) => Object.assign(new Error(`server said ${code}`), { name: 'PostgresError', code });
const socket = (code: string) => Object.assign(new Error(`${code}: socket`), { code });
const drizzle = (cause: unknown) => Object.assign(new Error('Failed query: insert …'), { cause });

describe('databaseFault', () => {
  it.each([
    [socket('ECONNREFUSED'), 'unreachable'],
    [socket('ECONNRESET'), 'unreachable'],
    [socket('CONNECTION_CLOSED'), 'unreachable'],
    [socket('CONNECTION_ENDED'), 'unreachable'],
    [socket('CONNECT_TIMEOUT'), 'timeout'],
    [pg('08006'), 'unreachable'],
    [pg('57P01'), 'shutting_down'],
    [pg('57P02'), 'shutting_down'],
    [pg('57P03'), 'shutting_down'],
    [pg('57014'), 'timeout'],
    [pg('25006'), 'read_only'],
    [pg('53100'), 'disk_full'],
    [pg('53300'), 'overloaded'],
    [drizzle(pg('25006')), 'read_only'],
    [Object.assign(new Error('FS error'), { name: 'ErrnoError', errno: 51 }), 'disk_full'],
    [Object.assign(new Error('FS error'), { name: 'ErrnoError', errno: 69 }), 'read_only'],
  ])('%s → %s', (err, kind) => {
    const fault = databaseFault(err);
    expect(fault?.kind).toBe(kind);
    expect(fault!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([pg('23505'), pg('22P02'), pg('40001'), new Error('no such request'), drizzle(pg('23503')), null, 'text'])('is not a fault: %s', (err) => {
    expect(databaseFault(err)).toBeNull();
  });
});

describe('mayRetryTransaction', () => {
  it('retries conflicts the server rolled back, wherever they were raised', () => {
    expect(mayRetryTransaction(pg('40001'), false)).toBe(true);
    expect(mayRetryTransaction(drizzle(pg('40P01')), true)).toBe(true);
  });
  it('retries a lost connection only before COMMIT was sent', () => {
    expect(mayRetryTransaction(socket('ECONNRESET'), true)).toBe(true);
    expect(mayRetryTransaction(pg('57P01'), true)).toBe(true);
    expect(mayRetryTransaction(socket('ECONNRESET'), false)).toBe(false);
    expect(mayRetryTransaction(socket('CONNECTION_CLOSED'), false)).toBe(false);
  });
  it('never retries a timeout, a full disk, a read-only database or a request error', () => {
    for (const err of [pg('57014'), pg('53100'), pg('25006'), pg('23505')]) expect(mayRetryTransaction(err, true)).toBe(false);
  });
});

describe('outcomeUncertain', () => {
  const error = (code: string) => Object.assign(new Error(code), { code });
  it('a connection lost after a statement may have reached the server, or our own deadline: the change may have committed', () => {
    for (const code of ['ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'EPIPE', '57P01', '08006'])
      expect(outcomeUncertain(error(code)), code).toBe(true);
    expect(outcomeUncertain(Object.assign(new Error('slow'), { name: 'DatabaseDeadlineError' }))).toBe(true);
  });
  it('a refused connection, a read-only or full database, a cancelled statement or a request error: nothing was applied', () => {
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', '57P03', '25006', '53100', '57014', '23505'])
      expect(outcomeUncertain(error(code)), code).toBe(false);
    expect(outcomeUncertain(new Error('PGlite is closed'))).toBe(false);
  });
});
