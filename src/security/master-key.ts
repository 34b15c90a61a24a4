// The master key's text form, shared by the configuration (ENCRYPTION_MASTER_KEY) and the key file.
import path from 'node:path';

/** Where the embedded mode keeps a master key it generated (start-up reads and creates it: services/service-context.ts). */
export const masterKeyFile = (dataDir: string) => path.join(dataDir, 'keys', 'master.key');

/** 32 bytes as 64 hex digits or base64/base64url (`openssl rand -base64 32`); null otherwise. */
export function parseMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64url')
      : null;
  return key?.length === 32 ? key : null;
}
