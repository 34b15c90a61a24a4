// Schemas shared by several route folders. Each folder keeps its own request schemas beside it.
import { Type, type StringOptions, type TSchema } from '@sinclair/typebox';
import { BUSINESS_SIZES, STATUSES, SUPPLIER_TYPES, URGENCIES, USER_ROLES } from '../domain/feature-requests.js';

/** A string enum that keeps its literal type (TypeBox's union over a mapped array would lose it). */
export const literals = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/**
 * Text people write: `minLength`–`maxLength` characters and not blank — at least `minLength` remain
 * once surrounding whitespace is trimmed (the services trim), so eight spaces are no title.
 */
export const Text = (minLength: number, maxLength: number, options: StringOptions = {}) =>
  Type.String({ minLength, maxLength, pattern: minLength <= 1 ? '\\S' : `^\\s*\\S[\\s\\S]{${minLength - 2},}\\S\\s*$`, ...options });

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID' });
export const IdParams = Type.Object({ id: Uuid });
export const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Status = literals(STATUSES);
export const Urgency = literals(URGENCIES);
export const UserRole = literals(USER_ROLES);
export const SupplierType = literals(SUPPLIER_TYPES);
export const BusinessSize = literals(BUSINESS_SIZES);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, machine-readable' }),
      message: Type.String({ description: 'For people' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse' },
);

const errorRef = Type.Ref('ErrorResponse');
/** Declares the success schema(s) plus the shared error shape for every 4xx/5xx. */
export const responses = <T extends Record<number, TSchema>>(ok: T) => ({ ...ok, '4xx': errorRef, '5xx': errorRef });

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page' })) });

export const Author = Type.Object({ id: Nullable(Uuid), displayName: Type.String(), role: UserRole });

/**
 * Per-route body limits, below the global BODY_LIMIT_BYTES: each fits the largest valid body with
 * every character \u-escaped (6 bytes), so only an invalid body is cut off — before it is parsed.
 */
export const BODY_LIMITS = {
  /** Sign-in, sign-up, API token names. */
  auth: 16 * 1024,
  /** A comment or a status justification (5000 characters at most). */
  text: 48 * 1024,
  /** A feature request with its description, pain points and wedding context. */
  featureRequest: 64 * 1024,
  /** A CSV import (IMPORT_CSV_MAX_CHARS characters) with its column mapping. */
  requestImport: 6 * 1_000_000 + 16 * 1024,
} as const;
