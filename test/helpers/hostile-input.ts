// fast-check arbitraries for a bad-input campaign: hostile strings and values, values that satisfy a
// JSON Schema (the OpenAPI document's), and whole requests — path parameters, query strings, headers
// and bodies — mixing valid, nearly valid and hostile parts. No maintained library turns JSON Schema
// into fast-check 4 arbitraries, hence the small generator below.
import fc from 'fast-check';

/** What attackers, fuzzers and unlucky clients send. Escapes, not literals, for the invisible ones. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "1'; DROP TABLE users;--",
  "Robert'); DROP TABLE feature_requests;--",
  '" OR 1=1 --',
  '$$; select pg_sleep(5); $$',
  "'; copy (select '') to program 'id'; --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone \udfff low surrogate',
  '\ufeffbyte order mark',
  '\u202eevil\u202c',
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dalgo',
  '\u{1f469}\u200d\u2764\ufe0f\u200d\u{1f48b}\u200d\u{1f468}',
  '\u{1d54e}\u{1d556}\u{1d555}\u{1d555}\u{1d55a}\u{1d55f}\u{1d558}',
  '\ufdfa',
  '\r\nSet-Cookie: pwned=1',
  'line\nbreak\r\n',
  '\t',
  ' ',
  '',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  '[]',
  '{}',
];

// URLs carry UTF-8, which cannot encode an unpaired surrogate (lib ES2023 has no String#toWellFormed).
const toWellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const KEYS = ['__proto__', 'constructor', 'prototype', 'isAdmin', 'role', 'verified', '$where', 'a.b', '', '\u0000'];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // Far beyond any field's limit, still under the body limits: the schema must refuse them.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '\u00e9', '\u{1f470}', "'"), fc.integer({ min: 300, max: 20_000 })).map(([c, n]) => c.repeat(n)) },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 }));

/** Any JSON value of the wrong kind: numbers at the edges, nesting, hostile keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, true, false, null) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// ---- values that satisfy a JSON Schema -----------------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minProperties?: number;
  additionalProperties?: boolean | JsonSchema;
}

/** Arbitraries for fields whose valid values the schema alone does not pin down (a service checks them). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

// Code points, not graphemes: the campaign cuts strings between them on purpose.
// eslint-disable-next-line @typescript-eslint/no-misused-spread
const codePoints = (s: string) => [...s];

/**
 * Text of [min, max] code points (Ajv's count) — which the schema accepts whatever is in it: often
 * hostile, sometimes with a NUL, a byte order mark or an unpaired surrogate.
 */
function textWithin(min: number, max: number): fc.Arbitrary<string> {
  const upper = Math.min(max, 400);
  return fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength: min, maxLength: upper }),
      fc.string({ unit: 'binary', minLength: min, maxLength: upper }),
      fc.constantFrom(...HOSTILE_STRINGS),
    )
    .map((s) => {
      const points = codePoints(s).slice(0, upper);
      while (points.length < min) points.push('x');
      return points.join('');
    });
}

const isoDate = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });

function stringArb(schema: JsonSchema, idPool: readonly string[]): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  const fits = (s: string) => codePoints(s).length >= min && codePoints(s).length <= max;
  switch (schema.format) {
    case 'uuid':
      return idPool.length > 0 ? fc.oneof(fc.constantFrom(...idPool), fc.uuid()) : fc.uuid();
    case 'date':
      return isoDate.map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return isoDate.map((d) => d.toISOString());
    case 'email':
      return fitting(fc.emailAddress(), fits, 'an email address');
  }
  if (schema.pattern) return fitting(fc.stringMatching(new RegExp(schema.pattern)), fits, `pattern ${schema.pattern}`);
  return textWithin(min, max);
}

/**
 * `arb` kept to the lengths that fit. fast-check's filter retries synchronously without end, where no
 * test timeout can stop it: a pattern like `^[a-z]+$` with minLength 20 almost never fits and hung
 * the whole run. Such a field fails here at once instead, and needs a hint.
 */
function fitting(arb: fc.Arbitrary<string>, fits: (s: string) => boolean, what: string): fc.Arbitrary<string> {
  const hits = fc.sample(arb, { numRuns: 200, seed: 1 }).filter(fits).length;
  if (hits < 20) throw new Error(`${what}: only ${hits} of 200 generated strings fit minLength/maxLength; give the field a hint`);
  return arb.filter(fits);
}

export function schemaValue(schema: JsonSchema, hints: Hints, idPool: readonly string[], name?: string): fc.Arbitrary<unknown> {
  if (name !== undefined && hints[name]) return hints[name];
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => schemaValue(s, hints, idPool, name)));
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => schemaValue({ ...schema, type }, hints, idPool, name)));
  switch (schema.type) {
    case 'string':
      return stringArb(schema, idPool);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({
        min: schema.exclusiveMinimum ?? schema.minimum ?? -1e6,
        minExcluded: schema.exclusiveMinimum !== undefined,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(schema.items ? schemaValue(schema.items, hints, idPool) : fc.jsonValue({ maxDepth: 1 }), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)),
      });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0) {
        // A free-form map (e.g. alert labels): string keys and values.
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 });
      }
      const model = Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, schemaValue(sub, hints, idPool, key)]));
      return fc
        .record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in model) })
        .filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---- whole requests ------------------------------------------------------------------------------

export type Body = { kind: 'none' } | { kind: 'json'; value: unknown; pollute?: string } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: number[] };

/** Bodies that are not JSON, or JSON that a naive parser would let poison prototypes. */
const RAW_BODIES = [
  '{"title": ',
  '',
  'null',
  '[]',
  '"just a string"',
  '{"__proto__":{"role":"product_team","isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '{"x":"\\u0000"}',
  '{"x":"\\ud800"}',
  '['.repeat(3000) + ']'.repeat(3000),
  '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
  `{"x":${'9'.repeat(400)}}`,
  '{"x":1e999}',
];

/** A JSON body made a little wrong: one field of the wrong kind, a required one dropped, or a poison key. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc.tuple(valid, fc.nat(), hostileValue, fc.constantFrom('replace', 'drop', 'add', 'pollute')).map(([value, pick, bad, how]): Body => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'json', value: bad };
    const copy: Record<string, unknown> = { ...value };
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? keys[pick % keys.length]! : 'unexpected';
    if (how === 'pollute') return { kind: 'json', value: copy, pollute: pick % 2 === 0 ? '__proto__' : 'constructor' };
    if (how === 'drop') delete copy[key];
    else if (how === 'add') copy[`x${pick % 7}`] = bad;
    else copy[key] = bad;
    return { kind: 'json', value: copy };
  });
}

/** A body the schema accepts (none for methods without one). */
export function validBodyArb(schema: JsonSchema | undefined, hints: Hints, idPool: readonly string[], takesBody: boolean): fc.Arbitrary<Body> {
  if (!takesBody || !schema) return fc.constant<Body>({ kind: 'none' });
  return schemaValue(schema, hints, idPool).map((value): Body => ({ kind: 'json', value }));
}

export function bodyArb(schema: JsonSchema | undefined, hints: Hints, idPool: readonly string[], takesBody: boolean): fc.Arbitrary<Body> {
  const raw = fc.oneof(
    fc.constantFrom(...RAW_BODIES).map((text): Body => ({ kind: 'text', text })),
    fc.string({ unit: 'binary', maxLength: 60 }).map((text): Body => ({ kind: 'text', text })),
    // Not UTF-8 at all.
    fc
      .array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 16 })
      .map((bytes): Body => ({ kind: 'bytes', bytes: [0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, ...bytes, 0x22, 0x7d] })),
  );
  const anyJson = fc.jsonValue({ maxDepth: 3 }).map((value): Body => ({ kind: 'json', value }));
  if (!takesBody)
    return fc.oneof({ weight: 6, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: anyJson });
  const valid = schema ? schemaValue(schema, hints, idPool) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((value): Body => ({ kind: 'json', value })) },
    { weight: 4, arbitrary: mutated(valid) },
    { weight: 1, arbitrary: anyJson },
    { weight: 2, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

/** The JSON text of a body, with a poison key spliced in as the object's first member when asked. */
export function jsonText(body: Extract<Body, { kind: 'json' }>): string {
  const text = JSON.stringify(body.value) ?? 'null';
  if (!body.pollute || !text.startsWith('{')) return text;
  const poison = `"${body.pollute}":${body.pollute === '__proto__' ? '{"role":"product_team"}' : '{"prototype":{"isAdmin":true}}'}`;
  return text === '{}' ? `{${poison}}` : `{${poison},${text.slice(1)}`;
}

/**
 * Query strings. Valid: some declared parameters with values their schema accepts. Hostile: declared
 * parameters valid or hostile, unknown and poison keys, broken escapes.
 */
export function queryArb(params: { name: string; schema: JsonSchema }[], hints: Hints, idPool: readonly string[], hostile: boolean): fc.Arbitrary<string> {
  const value = (p: { name: string; schema: JsonSchema }) =>
    hostile ? fc.oneof(schemaValue(p.schema, hints, idPool, p.name), hostileString) : schemaValue(p.schema, hints, idPool, p.name);
  const declared = params.map((p) => fc.option(value(p), { nil: undefined }).map((v) => [p.name, v] as const));
  const extra = hostile ? fc.array(fc.tuple(hostileKey, hostileString), { maxLength: 2 }) : fc.constant([]);
  const rawTail = hostile
    ? fc.constantFrom('', '', '', '&%', '&%E0%A4%A', '&a[b][c]=1', '&__proto__[polluted]=1', '&constructor[prototype][polluted]=1', '&limit=1&limit=2', '&&&=&')
    : fc.constant('');
  return fc.tuple(fc.tuple(...declared), extra, rawTail).map(([given, more, tail]) => {
    const pairs = [...given.filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as const), ...more];
    const text = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(toWellFormed(v))}`).join('&') + tail;
    return text === '' ? '' : `?${text}`;
  });
}

/** A path parameter (URL-encoded): a valid value (known ids first), or else a random id or something hostile. */
export function pathParamArb(schema: JsonSchema | undefined, hints: Hints, idPool: readonly string[], name: string, hostile: boolean): fc.Arbitrary<string> {
  const valid = schema ? schemaValue(schema, hints, idPool, name).map(String) : fc.constantFrom(...idPool);
  const value = hostile ? fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: fc.uuid() }, { weight: 2, arbitrary: hostileString }) : valid;
  return value.map((v) => encodeURIComponent(toWellFormed(v)));
}

/** Headers a client controls. Values stay within what HTTP can carry (Latin-1, no line breaks). */
const headerValue = hostileString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 2000));
export const HEADER_NAMES = [
  'x-request-id',
  'accept',
  'accept-language',
  'user-agent',
  'x-forwarded-for',
  'idempotency-key',
  'origin',
  'referer',
  'if-none-match',
];
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '',
];

/** Only the headers the route declares (e.g. X-Access-Justification), with values their schema accepts. */
export function validHeadersArb(declared: { name: string; schema: JsonSchema }[], hints: Hints): fc.Arbitrary<Record<string, string>> {
  return fc.record(Object.fromEntries(declared.map((h) => [h.name, schemaValue(h.schema, hints, [], h.name).map(String)])));
}

export function headersArb(extra: { name: string; schema: JsonSchema }[], hints: Hints): fc.Arbitrary<Record<string, string>> {
  const declared = extra.map((h) =>
    fc.option(fc.oneof(schemaValue(h.schema, hints, [], h.name).map(String), headerValue), { nil: undefined }).map((v) => [h.name, v] as const),
  );
  const common = HEADER_NAMES.map((name) => fc.option(headerValue, { nil: undefined, freq: 3 }).map((v) => [name, v] as const));
  return fc
    .tuple(fc.tuple(...declared, ...common), fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue), { nil: undefined, freq: 2 }))
    .map(([pairs, contentType]) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of pairs) if (value !== undefined) headers[name] = value;
      if (contentType !== undefined) headers['content-type'] = contentType;
      return headers;
    });
}

// ---- values a service reads inside a string ---------------------------------------------------------

/**
 * Time zones as clients send them: IANA ones, and names that only look like one (issue #14: a
 * sign-up in "Mars/Olympus" was stored, and its account's context answered 500 ever after).
 */
export const timeZoneArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Europe/London', 'Asia/Kolkata', 'America/New_York', 'Pacific/Auckland') },
  { weight: 1, arbitrary: fc.constantFrom('Mars/Olympus', 'Europe/Atlantis', 'UTC+25', 'Etc/GMT+99', '../../etc/localtime', 'europe/london ') },
  { weight: 1, arbitrary: hostileString },
);

/** Instants JavaScript accepts but a timestamptz does not, and the edges of JavaScript's own range. */
const EDGE_INSTANTS = [
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
];
/** Strings a loose id check (36 of [0-9a-f-]) lets through that are not UUIDs. */
const LOOKALIKE_IDS = ['-'.repeat(36), 'f'.repeat(36), '00000000-0000-0000-0000-00000000000-', '----------------------------------ab'];

/**
 * Cursors: the genuine one a list produced, and ones shaped like every list's encoding (base64url of
 * JSON `[value, id]` or `[at, id, id]`, or of `at|id`) carrying values at the edges — the campaign
 * only sent the genuine cursor or noise before, so it never reached the database with a bad value.
 */
export function cursorArb(genuine: string): fc.Arbitrary<string> {
  const instant = fc.oneof(
    fc.constantFrom(...EDGE_INSTANTS),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  );
  const value = fc.oneof(instant, fc.constantFrom(1e308, -1e308, 0, -0, 2 ** 53 + 1), fc.double(), hostileString);
  const id = fc.oneof(fc.uuid(), fc.constantFrom(...LOOKALIKE_IDS), fc.stringMatching(/^[0-9a-f-]{36}$/));
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(genuine) },
    { weight: 2, arbitrary: fc.tuple(value, id).map((pair) => b64(JSON.stringify(pair))) },
    { weight: 1, arbitrary: fc.tuple(instant, id, id).map((triple) => b64(JSON.stringify(triple))) },
    { weight: 2, arbitrary: fc.tuple(instant, id).map(([at, i]) => b64(`${at}|${i}`)) },
  );
}
