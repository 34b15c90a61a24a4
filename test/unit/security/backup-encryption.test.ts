import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupKey, BackupDecryptionError, fileSha256, keyFingerprint, openSealedFile, sealToFile } from '../../../src/security/backup-encryption.js';

describe('backup encryption (AES-256-GCM streams)', () => {
  let dir: string;
  const key = backupKey(randomBytes(32));
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wsfr-backup-enc-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('round-trips a stream, stores no plaintext and reports the sealed file checksum', async () => {
    const plaintext = 'Claridge Hotel seating plan, '.repeat(10_000);
    const file = path.join(dir, 'a.enc');
    const sealed = await sealToFile(Readable.from([Buffer.from(plaintext)]), file, key);
    const onDisk = await readFile(file);
    expect(onDisk.includes(Buffer.from('Claridge'))).toBe(false);
    expect(sealed.bytes).toBe(onDisk.length);
    expect(sealed.sha256).toBe(await fileSha256(file));
    expect(await text(await openSealedFile(file, key))).toBe(plaintext);
  });

  it('refuses another key by fingerprint before decrypting', async () => {
    const file = path.join(dir, 'b.enc');
    await sealToFile(Readable.from([Buffer.from('wedding data')]), file, key);
    const other = backupKey(randomBytes(32));
    await expect(openSealedFile(file, other)).rejects.toThrow(keyFingerprint(key));
  });

  it('fails authentication when one byte of the ciphertext is altered', async () => {
    const file = path.join(dir, 'c.enc');
    await sealToFile(Readable.from([Buffer.from('x'.repeat(5000))]), file, key);
    const bytes = await readFile(file);
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(file, bytes);
    await expect(text(await openSealedFile(file, key))).rejects.toBeInstanceOf(BackupDecryptionError);
  });

  it('a configured backup key wins over the derived one, and the derived one is not the master key', () => {
    const master = randomBytes(32);
    const configured = randomBytes(32);
    expect(backupKey(master, configured)).toBe(configured);
    expect(backupKey(master).equals(master)).toBe(false);
    expect(backupKey(master).equals(backupKey(master))).toBe(true);
  });
});
