// The key that signs audit checkpoints (HMAC-SHA256). From AUDIT_SIGNING_KEY / _FILE; in embedded
// mode without one, generated once into DATA_DIR (0600, beside the database but never inside it),
// so `npm start` keeps working. A server deployment must supply it: replicas have to agree on it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

export const GENERATED_KEY_FILE = 'audit-signing.key';

export interface SigningKey {
  key: Buffer;
  /** Set when this call created the key file: the caller logs where. */
  generatedAt?: string;
}

export function auditSigningKey(config: Config): SigningKey {
  if (config.auditSigningKey) return { key: Buffer.from(config.auditSigningKey, 'utf8') };
  if (config.databaseUrl) throw new Error('AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) is required with DATABASE_URL');
  const file = path.join(config.dataDir, GENERATED_KEY_FILE);
  try {
    return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  // 'wx': two processes starting at once cannot overwrite each other's key.
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8') };
  }
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8'), generatedAt: file };
}
