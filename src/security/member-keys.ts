// The member key-encryption key (KEK) versions that wrap every member's personal key (users.data_key).
// docs/decisions/0029-member-kek-outside-the-database.md.
//
// A version is a random 32-byte secret in its own file, MEMBER_KEY_DIR/v<N>.key — never in the
// database, so it is not in dead row versions, the WAL or backups. The wrapping key is
// HKDF(master key, salt = that secret, "member-kek"): the files alone open nothing, and once a
// version's file is destroyed the master key plus every old copy of the database cannot unwrap the
// personal keys wrapped under it. Rotation (after erasures) adds a version and re-wraps the live keys;
// a superseded version is destroyed when no backup that could need it is kept any longer.
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DecryptionError, KEY_BYTES } from './field-encryption.js';

export interface MemberKekVersion {
  version: number;
  createdAt: Date;
}

const VERSION_FILE = /^v([1-9][0-9]{0,8})\.key$/;
const fileOf = (dir: string, version: number) => path.join(dir, `v${version}.key`);

interface StoredVersion {
  version: number;
  secret: string;
  created_at: string;
}

/** Flushes a directory entry (a created or removed file) to disk. */
async function syncDir(dir: string) {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class MemberKeyVault {
  private readonly keys = new Map<number, { key: Buffer; createdAt: Date }>();

  constructor(
    readonly dir: string,
    private readonly masterKey: Buffer,
  ) {}

  /** Reads the versions present in the directory (another process may have added or destroyed some). */
  async reload(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') names = [];
      else throw err;
    }
    const present = new Set<number>();
    for (const name of names) {
      const version = Number(VERSION_FILE.exec(name)?.[1] ?? 0);
      if (!version) continue;
      present.add(version);
      if (this.keys.has(version)) continue;
      const stored = JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as StoredVersion;
      const secret = Buffer.from(stored.secret, 'base64');
      if (stored.version !== version || secret.length !== KEY_BYTES) throw new Error(`${path.join(this.dir, name)}: not a member key-encryption key`);
      this.keys.set(version, { key: Buffer.from(hkdfSync('sha256', this.masterKey, secret, 'member-kek', KEY_BYTES)), createdAt: new Date(stored.created_at) });
    }
    // A version destroyed elsewhere is forgotten here too.
    for (const version of [...this.keys.keys()]) if (!present.has(version)) this.keys.delete(version);
  }

  /** The newest version (0: none yet). */
  current(): number {
    return Math.max(0, ...this.keys.keys());
  }

  versions(): MemberKekVersion[] {
    return [...this.keys.entries()].map(([version, { createdAt }]) => ({ version, createdAt })).sort((a, b) => a.version - b.version);
  }

  /** The wrapping key of `version`; a destroyed or unknown version throws DecryptionError. */
  async key(version: number): Promise<Buffer> {
    if (!this.keys.has(version)) await this.reload();
    const entry = this.keys.get(version);
    if (!entry) throw new DecryptionError(`member key-encryption key version ${version} is not in ${this.dir} (destroyed?)`);
    return entry.key;
  }

  /**
   * Creates version current + 1 (the first when there is none). Written to a temporary file and
   * hard-linked into place, so two processes racing for the same number leave one whole file.
   */
  async addVersion(now: Date): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    await this.reload();
    const version = this.current() + 1;
    const stored: StoredVersion = { version, secret: randomBytes(KEY_BYTES).toString('base64'), created_at: now.toISOString() };
    const temp = path.join(this.dir, `.v${version}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(stored)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, fileOf(this.dir, version));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(temp);
    }
    await syncDir(this.dir);
    await this.reload();
    return this.current();
  }

  /**
   * Destroys a version: its file is overwritten and removed. Every personal key still wrapped under
   * it — in dead rows, the WAL, backups — can never be unwrapped again.
   */
  async destroy(version: number): Promise<void> {
    const file = fileOf(this.dir, version);
    try {
      const handle = await open(file, 'r+');
      try {
        const { size } = await handle.stat();
        await handle.write(Buffer.alloc(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rm(file);
      await syncDir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.keys.delete(version);
  }
}
