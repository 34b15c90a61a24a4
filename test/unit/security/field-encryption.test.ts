// The sealed-field format on its own: what decrypts, and everything that must not.
import { describe, expect, it } from 'vitest';
import { DecryptionError, deriveKey, isSealed, keyRefOf, newKey, open, seal, unwrapKey, wrapKey } from '../../../src/security/field-encryption.js';
import { normaliseWords } from '../../../src/security/keyring.js';
import { parseMasterKey } from '../../../src/security/master-key.js';

const at = { table: 'feature_requests', column: 'description', rowId: '6f1c1c0e-0000-4000-8000-000000000001' };
const text = 'Our ceilidh band needs the timeline — café at 14:00 🎻';

describe('sealed field values', () => {
  it('round-trips text, with a fresh IV each time and the key version in the header', () => {
    const key = newKey();
    const a = seal(key, { kind: 'data', version: 3 }, at, text);
    const b = seal(key, { kind: 'data', version: 3 }, at, text);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.k3\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('ceilidh');
    expect(keyRefOf(a)).toEqual({ kind: 'data', version: 3 });
    expect(keyRefOf(seal(key, { kind: 'user' }, at, text))).toEqual({ kind: 'user' });
    expect(open(key, a, at)).toBe(text);
    expect(open(key, seal(key, { kind: 'data', version: 1 }, at, ''), at)).toBe('');
  });

  it('fails with the wrong key', () => {
    const sealed = seal(newKey(), { kind: 'data', version: 1 }, at, text);
    expect(() => open(newKey(), sealed, at)).toThrow(DecryptionError);
  });

  it('fails when moved to another row or column (the AAD binds them)', () => {
    const key = newKey();
    const sealed = seal(key, { kind: 'data', version: 1 }, at, text);
    expect(() => open(key, sealed, { ...at, rowId: '6f1c1c0e-0000-4000-8000-000000000002' })).toThrow(DecryptionError);
    expect(() => open(key, sealed, { ...at, column: 'pain_points' })).toThrow(DecryptionError);
    expect(() => open(key, sealed, { ...at, table: 'comments' })).toThrow(DecryptionError);
  });

  it('fails when the tag, the ciphertext or the key label is tampered with', () => {
    const key = newKey();
    const sealed = seal(key, { kind: 'data', version: 1 }, at, text);
    const [format, ref, iv, body] = sealed.split('.') as [string, string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    const flip = (i: number) => {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 1;
      return [format, ref, iv, copy.toString('base64url')].join('.');
    };
    expect(() => open(key, flip(bytes.length - 1), at)).toThrow(DecryptionError); // tag
    expect(() => open(key, flip(0), at)).toThrow(DecryptionError); // ciphertext
    expect(() => open(key, [format, 'k2', iv, body].join('.'), at)).toThrow(DecryptionError); // relabelled version
    expect(() => open(key, [format, ref, iv, body.slice(0, 10)].join('.'), at)).toThrow(DecryptionError); // truncated
  });

  it('recognises only its own format', () => {
    for (const value of ['plain text', 'v1.k0.a.b', 'v2.k1.a.b', 'v1.k1.a', 'v1.x.a.b', 'v1.k1.a.b.c']) {
      expect(isSealed(value)).toBe(false);
      expect(() => keyRefOf(value)).toThrow(DecryptionError);
    }
  });

  it('wraps keys under a key-encryption key, bound to where they are stored', () => {
    const kek = newKey();
    const key = newKey();
    const where = { table: 'users', column: 'data_key', rowId: 'u1' };
    const wrapped = wrapKey(kek, { kind: 'data', version: 2 }, where, key);
    expect(unwrapKey(kek, wrapped, where).equals(key)).toBe(true);
    expect(() => unwrapKey(kek, wrapped, { ...where, rowId: 'u2' })).toThrow(DecryptionError);
  });

  it('derives different subkeys per purpose, the same for the same purpose', () => {
    const root = newKey();
    expect(deriveKey(root, 'fields').equals(deriveKey(root, 'fields'))).toBe(true);
    expect(deriveKey(root, 'fields').equals(deriveKey(root, 'user-keys'))).toBe(false);
  });
});

describe('search words', () => {
  it('lower-cases, folds accents, drops stop words and stems', () => {
    expect(normaliseWords('The Harpists and CAFÉ bookings, for our wedding!')).toEqual(['harpist', 'cafe', 'book', 'wed']);
    expect(normaliseWords("'); DROP TABLE x;-- & | !")).toEqual(['drop', 'tabl', 'x']);
    expect(normaliseWords('& | !')).toEqual([]);
  });
});

describe('master key text', () => {
  it('accepts 32 bytes as hex or base64, nothing else', () => {
    const key = newKey();
    expect(parseMasterKey(key.toString('hex'))!.equals(key)).toBe(true);
    expect(parseMasterKey(`${key.toString('base64')}\n`)!.equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url'))!.equals(key)).toBe(true);
    expect(parseMasterKey('correct horse battery staple')).toBeNull();
    expect(parseMasterKey(key.subarray(0, 16).toString('hex'))).toBeNull();
  });
});
