// Backup files are sealed with AES-256-GCM as streams, so a base backup of any size is encrypted as
// it is written and never touches the disk in the clear. Layout of a sealed file:
//
//   "WSFRBK01" (8) | key fingerprint (8) | IV (12) | ciphertext … | GCM tag (16)
//
// The magic and fingerprint are authenticated (AAD), so a file sealed under another key is refused by
// name before any byte is decrypted. The key is never stored beside the backup: it comes from
// BACKUP_ENCRYPTION_KEY, or is derived from the field-encryption master key (HKDF "backups").
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deriveKey } from './field-encryption.js';

const MAGIC = Buffer.from('WSFRBK01', 'ascii');
const FINGERPRINT_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SEALED_HEADER_BYTES = MAGIC.length + FINGERPRINT_BYTES + IV_BYTES;

export class BackupDecryptionError extends Error {
  override name = 'BackupDecryptionError';
}

/** The backup key: the configured one, else one derived from the master key (never the master key itself). */
export function backupKey(masterKey: Buffer, configured?: Buffer): Buffer {
  return configured ?? deriveKey(masterKey, 'backups');
}

/** Names a key without revealing it: which key sealed a file, for the manifest and error messages. */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256')
    .update('wsfr-backup-key')
    .update(key)
    .digest('hex')
    .slice(0, FINGERPRINT_BYTES * 2);
}

/** A Transform that seals what flows through it; the sealed bytes' SHA-256 is `digest()` once it has ended. */
export function sealingStream(key: Buffer): Transform & { digest(): string } {
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([MAGIC, Buffer.from(keyFingerprint(key), 'hex'), iv]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header.subarray(0, MAGIC.length + FINGERPRINT_BYTES));
  const hash = createHash('sha256');
  let sealedDigest = '';
  const emit = (stream: Transform, chunk: Buffer) => {
    if (chunk.length === 0) return;
    hash.update(chunk);
    stream.push(chunk);
  };
  const stream = new Transform({
    construct(callback) {
      emit(this, header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      emit(this, cipher.update(chunk));
      callback();
    },
    flush(callback) {
      emit(this, cipher.final());
      emit(this, cipher.getAuthTag());
      sealedDigest = hash.digest('hex');
      callback();
    },
  });
  return Object.assign(stream, { digest: () => sealedDigest });
}

/** Seals `source` into the file `target`; returns the sealed file's SHA-256 and size. */
export async function sealToFile(source: Readable, target: string, key: Buffer): Promise<{ sha256: string; bytes: number }> {
  const sealing = sealingStream(key);
  await pipeline(source, sealing, createWriteStream(target, { mode: 0o600 }));
  return { sha256: sealing.digest(), bytes: (await stat(target)).size };
}

/**
 * The plaintext of a sealed file as a stream. GCM authenticates at the end, so a consumer must treat
 * the stream's error as "everything read is void" (restores write to a scratch place and only keep
 * the result when the stream ended cleanly).
 */
export async function openSealedFile(file: string, key: Buffer): Promise<Readable> {
  const { size } = await stat(file);
  if (size < SEALED_HEADER_BYTES + TAG_BYTES) throw new BackupDecryptionError(`${file} is too short to be a sealed backup file`);
  const handle = await open(file, 'r');
  const header = Buffer.alloc(SEALED_HEADER_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await handle.read(header, 0, SEALED_HEADER_BYTES, 0);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupDecryptionError(`${file} is not a sealed backup file`);
  const fingerprint = header.subarray(MAGIC.length, MAGIC.length + FINGERPRINT_BYTES).toString('hex');
  if (fingerprint !== keyFingerprint(key)) {
    throw new BackupDecryptionError(`${file} was sealed with key ${fingerprint}, not the configured backup key ${keyFingerprint(key)}`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length + FINGERPRINT_BYTES));
  decipher.setAAD(header.subarray(0, MAGIC.length + FINGERPRINT_BYTES));
  decipher.setAuthTag(tag);
  const body = createReadStream(file, { start: SEALED_HEADER_BYTES, end: size - TAG_BYTES - 1 });
  const plain = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decipher.update(chunk));
    },
    flush(callback) {
      try {
        callback(null, decipher.final());
      } catch {
        callback(new BackupDecryptionError(`${file}: authentication failed (the file was altered or truncated)`));
      }
    },
  });
  body.on('error', (err) => plain.destroy(err));
  return body.pipe(plain);
}

/** SHA-256 of a file as stored, for checking a sealed file against its manifest before opening it. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
