// How sentence embeddings are stored: request_embeddings.embedding holds the float32 values as
// little-endian bytes (a tenth of the size of real[] on the wire, and no parsing), written and read here.
import { sql } from 'drizzle-orm';

export const embeddingBytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * The select-list item that reads `request_embeddings e`'s embedding as hex text, as `embedding`:
 * PGlite decodes a bytea column ten times slower than Buffer decodes hex (it was most of a duplicate
 * search's time in embedded mode), and on the server both are the same bytes on the wire.
 */
export const EMBEDDING_HEX = sql.raw(`encode(e.embedding, 'hex') as embedding`);

/** A copy into its own buffer: a decoded Buffer need not be 4-byte aligned for a Float32Array view. */
export function embeddingFromHex(hex: string): Float32Array {
  const bytes = Buffer.from(hex, 'hex');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
