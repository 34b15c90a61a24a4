// Text the database cannot keep as it was sent: NUL (PostgreSQL's text and jsonb refuse it — a 500),
// unpaired UTF-16 surrogates (encoded as U+FFFD on the way in) and U+FEFF (the embedded database
// drops a leading one on the way out). Refused before validation, on every route, in bodies (keys
// included), query strings and path parameters, so whatever is stored reads back exactly as sent.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../../../services/errors.js';

// NUL is what the database cannot store: matching it is the point.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|\ufeff|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or object key) in `value` that cannot be stored, or null. */
export function unstorableTextAt(value: unknown, root: string): string | null {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return path;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (UNSTORABLE.test(key)) return path;
        pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

export default fp(
  async function storableText(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      const field = unstorableTextAt(request.body, 'body') ?? unstorableTextAt(request.query, 'querystring') ?? unstorableTextAt(request.params, 'params');
      if (field) {
        throw badRequest('validation_failed', 'The request is not valid: see details', [
          { field, message: 'must not contain NUL, U+FEFF or unpaired surrogate characters' },
        ]);
      }
    });
  },
  { name: 'storable-text' },
);
