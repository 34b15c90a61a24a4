// Start-up's one place for the service context: the master key and MEMBER_KEY_DIR resolved into the
// keyring, and everything the use cases remember between calls, per deployment (services.state) or
// per process (audit lanes, the sentence encoder, caches). main.ts, the tests and the benchmarks
// all build their context here, so no module needs state of its own.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isNotNull, sql } from 'drizzle-orm';
import { createUniversalSentenceEncoder, type EmbeddingModel } from '../ai/embedding-model.js';
import { ConfigError, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import { encryptionKeys, users } from '../db/schema.js';
import type { SharedState } from '../db/shared-state.js';
import { createThreatMetrics } from '../ops/threat-metrics.js';
import type { SecurityControls } from '../security/benchmark-controls.js';
import { newKey } from '../security/field-encryption.js';
import { Keyring, WrongMasterKey } from '../security/keyring.js';
import { parseMasterKey, masterKeyFile } from '../security/master-key.js';
import { MemberKeyVault } from '../security/member-keys.js';
import { AuditLanes } from './audit.js';
import type { Services } from './context.js';
import { deploymentState } from './deployment-state.js';
import { duplicateDetectionCaches } from './duplicate-detection.js';

/**
 * Where the master key comes from. Configured: used as is. Otherwise only the embedded mode may
 * create one — and only for a database that has no keyring yet, so a lost key file is an error
 * rather than a fresh key that silently cannot read the existing data. Production and server mode
 * (several processes that must share one key) need it configured.
 */
export async function resolveMasterKey(config: Config, db: Database, log: { info(msg: string): void }): Promise<Buffer> {
  requireMasterKeyWhereNeeded(config);
  if (config.encryptionMasterKey) return config.encryptionMasterKey;
  const file = masterKeyFile(config.dataDir);
  if (existsSync(file)) {
    const key = parseMasterKey(readFileSync(file, 'utf8'));
    if (!key) throw new ConfigError([`${file}: not a 32-byte key (base64 or hex)`]);
    return key;
  }
  const [keyring] = await db.select({ n: sql<number>`count(*)::int` }).from(encryptionKeys);
  if ((keyring?.n ?? 0) > 0) {
    throw new ConfigError([`ENCRYPTION_MASTER_KEY: the database is encrypted but ${file} is missing; restore that file or set ENCRYPTION_MASTER_KEY`]);
  }
  const key = newKey();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  log.info(`generated a new encryption master key in ${file} (mode 0600); back it up apart from the database: without it the data cannot be read`);
  return key;
}

/** Checked before anything opens the database: production and server mode need a configured key. */
export function requireMasterKeyWhereNeeded(config: Config): void {
  if (config.encryptionMasterKey || !(config.production || config.databaseUrl)) return;
  throw new ConfigError([
    `ENCRYPTION_MASTER_KEY: required ${config.production ? 'when NODE_ENV=production' : 'with DATABASE_URL (every process must share it)'}; generate one with \`openssl rand -base64 32\` and set it or ENCRYPTION_MASTER_KEY_FILE`,
  ]);
}

/**
 * The keyring over `masterKey` and the member key-encryption key versions in `memberKeyDir`
 * (config.memberKeyDir). The first version is created there on first use — unless the database
 * already has personal keys wrapped by one, which means the directory was lost or not mounted.
 */
export async function openKeyring(
  db: Database,
  masterKey: Buffer,
  memberKeyDir: string,
  options: { clock?: () => number; sealing?: boolean } = {},
): Promise<Keyring> {
  const memberKeys = new MemberKeyVault(memberKeyDir, masterKey);
  await memberKeys.reload();
  if (memberKeys.current() === 0) {
    const [wrapped] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(isNotNull(users.memberKeyVersion));
    if ((wrapped?.n ?? 0) > 0) {
      throw new ConfigError([
        `MEMBER_KEY_DIR: ${memberKeyDir} holds no member key-encryption key but the database has personal keys wrapped by one; restore that directory from its backup`,
      ]);
    }
    await memberKeys.addVersion(new Date((options.clock ?? Date.now)()));
  }
  try {
    return await Keyring.open(db, masterKey, memberKeys, options);
  } catch (err) {
    if (err instanceof WrongMasterKey) throw new ConfigError([`ENCRYPTION_MASTER_KEY: ${err.message}`]);
    throw err;
  }
}

/** The parts start-up opens; the rest of the context is built from them. */
export interface ServiceParts {
  db: Database;
  config: Config;
  now: () => Date;
  keyring: Keyring;
  shared: SharedState;
  /** bench/security-server.ts only (see benchmark-controls.ts). */
  benchmarkControls?: Readonly<SecurityControls>;
  /** One encoder for several contexts in a process (the tests'); by default the context's own. */
  embeddingModel?: EmbeddingModel;
}

export function serviceContext({ db, config, now, keyring, shared, benchmarkControls, embeddingModel }: ServiceParts): Services {
  return {
    db,
    config,
    now,
    keyring,
    shared,
    state: deploymentState(shared, now, config),
    auditLanes: new AuditLanes(),
    embeddingModel: embeddingModel ?? createUniversalSentenceEncoder({ enabled: config.aiEnabled }),
    threatMetrics: createThreatMetrics(),
    caches: { duplicates: duplicateDetectionCaches(), probeCredential: undefined, mailTransports: new Map(), onCallRosters: new Map() },
    ...(benchmarkControls && { benchmarkControls }),
  };
}
