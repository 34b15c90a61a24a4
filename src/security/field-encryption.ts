// AES-256-GCM for one field value (node:crypto only). A sealed value is compact text that says which
// key sealed it, so reads accept every known key version while a rotation re-encrypts in the
// background:
//
//   v1.k3.<iv>.<ciphertext+tag>   data key version 3 (shared content: descriptions, comments)
//   v1.u.<iv>.<ciphertext+tag>    the row owner's personal key (crypto-shredded on erasure)
//   v1.w2.<iv>.<ciphertext+tag>   member key-encryption key version 2 (a wrapped personal key)
//   v1.m.<iv>.<ciphertext+tag>    the master key's key-encryption key (the keyring's own rows)
//
// iv is 12 random bytes, the tag 16 bytes, both base64url. The additional authenticated data binds
// the ciphertext to its header and to table, column and row, so a value copied to another row or
// column (or relabelled with another key) fails to decrypt instead of showing the wrong data.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * Which key sealed a value: a version of the shared data key, a version of the member key-encryption
 * key (personal keys), the owner's personal key, or (for the keyring's own rows) the key-encryption
 * key derived from the master key.
 */
export type KeyRef = { kind: 'data'; version: number } | { kind: 'member'; version: number } | { kind: 'user' } | { kind: 'master' };

/** Where a value lives: part of what is authenticated. */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string;
}

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

const refText = (ref: KeyRef) => (ref.kind === 'data' ? `k${ref.version}` : ref.kind === 'member' ? `w${ref.version}` : ref.kind === 'user' ? 'u' : 'm');

function aad(header: string, at: FieldContext): Buffer {
  return Buffer.from(`${header}|${at.table}.${at.column}|${at.rowId}`, 'utf8');
}

/** Subkey for one purpose (RFC 5869 HKDF-SHA256; the input is already a uniformly random key). */
export function deriveKey(root: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, 'wedsync-feature-requests', purpose, KEY_BYTES));
}

export const newKey = () => randomBytes(KEY_BYTES);

export function seal(key: Buffer, ref: KeyRef, at: FieldContext, plaintext: string): string {
  const header = `${FORMAT}.${refText(ref)}`;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(header, at));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${header}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** Reads the key reference of a sealed value; throws for anything that is not one. */
export function keyRefOf(sealed: string): KeyRef {
  const [format, ref, iv, body, extra] = sealed.split('.');
  if (format !== FORMAT || !ref || !iv || !body || extra !== undefined) throw new DecryptionError('not a sealed field value');
  if (ref === 'u') return { kind: 'user' };
  if (ref === 'm') return { kind: 'master' };
  const [, kind, version] = /^([kw])([1-9][0-9]{0,8})$/.exec(ref) ?? [];
  if (!version) throw new DecryptionError('unknown key reference');
  return { kind: kind === 'w' ? 'member' : 'data', version: Number(version) };
}

export const isSealed = (value: string) => {
  try {
    keyRefOf(value);
    return true;
  } catch {
    return false;
  }
};

/** Decrypts with `key`, which the caller chose from keyRefOf(sealed). Wrong key, row or tampering throw. */
export function open(key: Buffer, sealed: string, at: FieldContext): string {
  keyRefOf(sealed);
  const [format, ref, ivText, bodyText] = sealed.split('.') as [string, string, string, string];
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new DecryptionError('malformed sealed value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(`${format}.${ref}`, at));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(`cannot decrypt ${at.table}.${at.column} of ${at.rowId}: wrong key, wrong row or tampered`);
  }
}

/** Key wrapping (a key sealed under another key), with the same format and authenticated context. */
export const wrapKey = (kek: Buffer, ref: KeyRef, at: FieldContext, key: Buffer) => seal(kek, ref, at, key.toString('base64url'));

export function unwrapKey(kek: Buffer, wrapped: string, at: FieldContext): Buffer {
  const key = Buffer.from(open(kek, wrapped, at), 'base64url');
  if (key.length !== KEY_BYTES) throw new DecryptionError('wrapped key has the wrong length');
  return key;
}
