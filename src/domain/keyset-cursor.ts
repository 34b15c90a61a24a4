// What a keyset cursor may carry back to the database. A cursor is client input: its values must be
// ones PostgreSQL takes as the column's type, or the query fails (a 500) instead of the caller
// getting a 400.

/** A UUID as PostgreSQL's uuid type reads it (8-4-4-4-12 hex digits), not just 36 of [0-9a-f-]. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * An instant in years 1–9999. JavaScript dates reach year ±275760, written `+275760-09-13T…`,
 * which timestamptz refuses; no row of ours lies outside these years.
 */
export function cursorInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  const year = at.getUTCFullYear();
  return Number.isNaN(at.getTime()) || year < 1 || year > 9999 ? null : at;
}
