// The key hierarchy (docs/decisions/0014-field-encryption.md):
//
//   master key (ENCRYPTION_MASTER_KEY[_FILE], or DATA_DIR/keys/master.key in embedded mode)
//     ├─ HKDF "audit-chain"  → keys the audit trail's event hashes (decision 0028; never stored)
//     └─ HKDF "keyring-wrap" → key-encryption key, wraps the rows of encryption_keys
//          ├─ data key version N (random; rotation adds N+1, the highest is current)
//          │    ├─ HKDF "fields"    → seals shared content (description, pain points, comments)
//          │    └─ HKDF "user-keys" → wrapped personal keys before migration 0022 (read, then re-wrapped)
//          └─ blind-index key (random, one, never rotated)
//               ├─ HKDF "email-index"    → HMAC of the normalised email (login lookup)
//               ├─ HKDF "search-token"   → HMAC per normalised word (blind full-text search)
//               └─ HKDF "content-digest" → HMAC of title + description (audit content_hash)
//   master key + member KEK version V secret (a file in MEMBER_KEY_DIR, never in the database;
//   src/security/member-keys.ts) → HKDF "member-kek" → wraps each member's personal key (users.data_key)
//                                    └─ HKDF "fields" → seals that member's PII and wedding contexts
//
// Start-up (services/service-context.ts) resolves the master key and loads MEMBER_KEY_DIR; the
// keyring is given both and reads no configuration or key file of its own.
import { createHmac } from 'node:crypto';
import { and, eq, max } from 'drizzle-orm';
import stem from 'wink-porter2-stemmer';
import type { Database } from '../db/client.js';
import { encryptionKeys, users } from '../db/schema.js';
import type { MemberKeyVault } from './member-keys.js';
import { DecryptionError, deriveKey, keyRefOf, newKey, open, seal, unwrapKey, wrapKey, type FieldContext } from './field-encryption.js';

export { DecryptionError, type FieldContext } from './field-encryption.js';

/** How long a process trusts its idea of the current data key version (another replica may rotate). */
const CURRENT_VERSION_TTL_MS = 30_000;

/** The master key given cannot unwrap the keyring stored in the database (start-up reports it as a configuration error). */
export class WrongMasterKey extends Error {
  constructor() {
    super('this master key cannot open the keyring stored in the database (wrong key?)');
  }
}

const keyringRow = (purpose: string, version: number): FieldContext => ({ table: 'encryption_keys', column: purpose, rowId: String(version) });
const userKeyRow = (userId: string): FieldContext => ({ table: 'users', column: 'data_key', rowId: userId });

/** A user's personal key, unwrapped (never stored like this). */
export interface UserKey {
  key: Buffer;
}

/** Encryption switched off by the security benchmark (benchmark-controls.ts): values stay as they are. */
const UNSEALED_USER_KEY: UserKey = { key: Buffer.alloc(32) };

export class Keyring {
  private readonly kek: Buffer;
  private readonly dataKeys = new Map<number, { fields: Buffer; userKeys: Buffer }>();
  private current = 0;
  private currentCheckedAt = 0;
  private memberKeysCheckedAt = 0;
  private emailIndexKey!: Buffer;
  private searchTokenKey!: Buffer;
  private contentDigestKey!: Buffer;
  /** HMAC key of the audit chain's event hashes: from the master key alone, so it is never in the database. */
  readonly auditChainKey: Buffer;

  private constructor(
    private readonly db: Database,
    masterKey: Buffer,
    /** The member key-encryption key versions, outside the database. */
    readonly memberKeys: MemberKeyVault,
    private readonly clock: () => number,
    /** False only where the security benchmark switched encryption off: values are stored as they are. */
    readonly sealing: boolean,
  ) {
    this.kek = deriveKey(masterKey, 'keyring-wrap');
    this.auditChainKey = deriveKey(masterKey, 'audit-chain');
  }

  /**
   * Opens the keyring, creating data key version 1 and the blind-index key on first use (safe when
   * several processes race), and checks that the master key can unwrap them: a master key that
   * cannot is a WrongMasterKey. `memberKeys` holds the member key-encryption key versions, loaded
   * by start-up from MEMBER_KEY_DIR.
   */
  static async open(
    db: Database,
    masterKey: Buffer,
    memberKeys: MemberKeyVault,
    { clock = Date.now, sealing = true }: { clock?: () => number; sealing?: boolean } = {},
  ): Promise<Keyring> {
    const keyring = new Keyring(db, masterKey, memberKeys, clock, sealing);
    for (const purpose of ['data', 'blind_index'] as const) {
      await db
        .insert(encryptionKeys)
        .values({ purpose, version: 1, wrappedKey: wrapKey(keyring.kek, { kind: 'master' }, keyringRow(purpose, 1), newKey()) })
        .onConflictDoNothing();
    }
    const [blind] = await db
      .select()
      .from(encryptionKeys)
      .where(and(eq(encryptionKeys.purpose, 'blind_index'), eq(encryptionKeys.version, 1)));
    let blindKey: Buffer;
    try {
      blindKey = unwrapKey(keyring.kek, blind!.wrappedKey, keyringRow('blind_index', 1));
    } catch {
      throw new WrongMasterKey();
    }
    keyring.emailIndexKey = deriveKey(blindKey, 'email-index');
    keyring.searchTokenKey = deriveKey(blindKey, 'search-token');
    keyring.contentDigestKey = deriveKey(blindKey, 'content-digest');
    await keyring.loadDataKeys();
    return keyring;
  }

  private async loadDataKeys(db: Database = this.db) {
    const rows = await db.select().from(encryptionKeys).where(eq(encryptionKeys.purpose, 'data'));
    for (const row of rows) {
      if (this.dataKeys.has(row.version)) continue;
      const root = unwrapKey(this.kek, row.wrappedKey, keyringRow('data', row.version));
      this.dataKeys.set(row.version, { fields: deriveKey(root, 'fields'), userKeys: deriveKey(root, 'user-keys') });
    }
    this.current = Math.max(0, ...this.dataKeys.keys());
    this.currentCheckedAt = this.clock();
  }

  /**
   * The data key version new values are sealed with (re-read from the database every 30 s). Inside a
   * transaction pass it: PGlite has one connection, which the transaction holds.
   */
  async currentVersion(db: Database = this.db): Promise<number> {
    if (this.clock() - this.currentCheckedAt > CURRENT_VERSION_TTL_MS) await this.loadDataKeys(db);
    return this.current;
  }

  private async dataKey(version: number) {
    if (!this.dataKeys.has(version)) await this.loadDataKeys();
    const key = this.dataKeys.get(version);
    if (!key) throw new DecryptionError(`data key version ${version} is not in the keyring`);
    return key;
  }

  /** Adds a new data key version, which becomes current at once here (elsewhere within 30 s). */
  async addVersion(): Promise<{ from: number; to: number }> {
    const [latest] = await this.db
      .select({ version: max(encryptionKeys.version) })
      .from(encryptionKeys)
      .where(eq(encryptionKeys.purpose, 'data'));
    const from = latest?.version ?? 0;
    const to = from + 1;
    await this.db
      .insert(encryptionKeys)
      .values({ purpose: 'data', version: to, wrappedKey: wrapKey(this.kek, { kind: 'master' }, keyringRow('data', to), newKey()) })
      .onConflictDoNothing();
    await this.loadDataKeys();
    return { from, to: this.current };
  }

  // ---- shared content (data key) ------------------------------------------------------------

  async sealShared(version: number, at: FieldContext, plaintext: string): Promise<string> {
    if (!this.sealing) return plaintext;
    return seal((await this.dataKey(version)).fields, { kind: 'data', version }, at, plaintext);
  }

  async openShared(sealed: string, at: FieldContext): Promise<string> {
    if (!this.sealing) return sealed;
    const ref = keyRefOf(sealed);
    if (ref.kind !== 'data') throw new DecryptionError(`${at.table}.${at.column} of ${at.rowId} is not sealed with a data key`);
    return open((await this.dataKey(ref.version)).fields, sealed, at);
  }

  // ---- personal keys (crypto-shredding) -----------------------------------------------------

  /**
   * A new personal key for `userId`, and its wrapped form for users.data_key / member_key_version
   * (key_version: the data key version the row's sweep is on).
   */
  async newUserKey(userId: string, db: Database = this.db): Promise<{ key: UserKey; dataKey: string; keyVersion: number; memberKeyVersion: number | null }> {
    const keyVersion = await this.currentVersion(db);
    if (!this.sealing) return { key: UNSEALED_USER_KEY, dataKey: 'unsealed', keyVersion, memberKeyVersion: null };
    const key = newKey();
    return { key: { key: deriveKey(key, 'fields') }, ...(await this.wrapUserKey(key, userId)), keyVersion };
  }

  /**
   * The newest member KEK version, re-read from MEMBER_KEY_DIR every 30 s (the worker rotates it
   * after erasures); the KEK sweep moves keys wrapped meanwhile under the previous one.
   */
  async currentMemberKeyVersion(): Promise<number> {
    if (this.clock() - this.memberKeysCheckedAt > CURRENT_VERSION_TTL_MS || this.memberKeys.current() === 0) {
      await this.memberKeys.reload();
      this.memberKeysCheckedAt = this.clock();
    }
    return this.memberKeys.current();
  }

  private async wrapUserKey(key: Buffer, userId: string): Promise<{ dataKey: string; memberKeyVersion: number }> {
    const version = await this.currentMemberKeyVersion();
    return { dataKey: wrapKey(await this.memberKeys.key(version), { kind: 'member', version }, userKeyRow(userId), key), memberKeyVersion: version };
  }

  private async unwrapUserKeyRaw(wrapped: string, userId: string): Promise<Buffer> {
    const ref = keyRefOf(wrapped);
    if (ref.kind === 'member') return unwrapKey(await this.memberKeys.key(ref.version), wrapped, userKeyRow(userId));
    // Wrapped by a data key before migration 0022, until the member KEK sweep reaches it.
    if (ref.kind !== 'data') throw new DecryptionError(`personal key of ${userId} is not wrapped by a key-encryption key`);
    return unwrapKey((await this.dataKey(ref.version)).userKeys, wrapped, userKeyRow(userId));
  }

  /** The user's personal key from users.data_key; null when shredded (or the user is gone). */
  async userKey(wrapped: string | null | undefined, userId: string | null | undefined): Promise<UserKey | null> {
    if (!wrapped || !userId) return null;
    if (!this.sealing) return UNSEALED_USER_KEY;
    return { key: deriveKey(await this.unwrapUserKeyRaw(wrapped, userId), 'fields') };
  }

  /** Rotation: the same personal key, wrapped by the newest member KEK version. */
  async rewrapUserKey(wrapped: string, userId: string): Promise<{ dataKey: string; memberKeyVersion: number }> {
    return this.wrapUserKey(await this.unwrapUserKeyRaw(wrapped, userId), userId);
  }

  sealPersonal(key: UserKey, at: FieldContext, plaintext: string): string {
    if (!this.sealing) return plaintext;
    return seal(key.key, { kind: 'user' }, at, plaintext);
  }

  openPersonal(key: UserKey, sealed: string, at: FieldContext): string {
    if (!this.sealing) return sealed;
    if (keyRefOf(sealed).kind !== 'user') throw new DecryptionError(`${at.table}.${at.column} of ${at.rowId} is not sealed with a personal key`);
    return open(key.key, sealed, at);
  }

  // ---- blind indexes ------------------------------------------------------------------------

  /** Login lookup key: HMAC of the (already normalised) email. */
  emailIndex(normalisedEmail: string): string {
    return createHmac('sha256', this.emailIndexKey).update(normalisedEmail).digest('base64url');
  }

  /** Keyed fingerprint of content (audit `content_hash`): equal texts match, guesses cannot be tested. */
  contentDigest(text: string): string {
    return createHmac('sha256', this.contentDigestKey).update(text).digest('hex');
  }

  /**
   * The blind full-text index of a text: one HMAC (first 12 bytes) per distinct normalised word.
   * Matching is by equality of whole normalised words; the same function serves queries and rows,
   * and other code (duplicate detection) may use it to fetch candidates with `search_tokens && …`.
   */
  searchTokenHashes(text: string): string[] {
    return [...new Set(normaliseWords(text))].map((word) => this.blindDigest(word));
  }

  /**
   * A keyed digest for another blind index over encrypted text — the duplicate detector's term
   * index passes `duplicate-term`. The purpose keeps its digests apart from the search tokens'.
   */
  blindDigest(value: string, purpose?: string): string {
    const input = purpose === undefined ? value : `${purpose}\u0000${value}`;
    return createHmac('sha256', this.searchTokenKey).update(input).digest().subarray(0, 12).toString('base64url');
  }
}

/** Words too common to narrow a search (as PostgreSQL's English configuration drops them). */
const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by can do for from has have i if in into is it its me my no not of on or our so that the their them then there these they this to too was we were what when which who will with you your'.split(
    ' ',
  ),
);

/** Lower-cased, accents folded, split on anything but letters and digits, stop words dropped, Porter-stemmed. */
export function normaliseWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && w.length <= 64 && !STOP_WORDS.has(w))
    .map((w) => stem(w));
}

/**
 * Crypto-shredding for erasure: drops the user's wrapped personal key. Copies of it in dead row
 * versions, the WAL and backups stay wrapped under the current member KEK version, which the
 * follow-up of the erasure supersedes and which is destroyed once no kept backup can need it
 * (src/services/erasure-follow-up.ts): only then is the key gone for good.
 */
export async function shredUserKey(tx: Database, userId: string): Promise<boolean> {
  const shredded = await tx.update(users).set({ dataKey: null, memberKeyVersion: null }).where(eq(users.id, userId)).returning({ id: users.id });
  return shredded.length > 0;
}
