// The erasure ledger: BACKUP_DIR/erasures.jsonl, append-only, outside the database, so a restore
// of a backup taken before an erasure can re-apply it (reapplyErasures). A SHA-256 of the member id
// and the time only: the ledger holds nothing personal, and a restore finds the member by hashing
// the ids of the restored database.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

export const ERASURE_LEDGER_FILE = 'erasures.jsonl';

export interface ErasureEntry {
  memberHash: string;
  erasedAt: Date;
}

/** How the ledger names a member. */
export const memberHash = (userId: string) => createHash('sha256').update(`wedsync-erased-member:${userId.toLowerCase()}`).digest('hex');

/** Appends and fsyncs one line before returning: the erasure is not committed without it. */
export async function recordErasure(backupDir: string, entry: { userId: string; erasedAt: Date }): Promise<void> {
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const handle = await open(path.join(backupDir, ERASURE_LEDGER_FILE), 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify({ member: memberHash(entry.userId), erased_at: entry.erasedAt.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Every recorded erasure, in order; a torn last line (a crash mid-append) is skipped. Lines written
 * before the ledger hashed ids carry `user_id`: they are hashed as they are read.
 */
export async function readErasures(backupDir: string): Promise<ErasureEntry[]> {
  let text: string;
  try {
    text = await readFile(path.join(backupDir, ERASURE_LEDGER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: ErasureEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as { member?: unknown; user_id?: unknown; erased_at?: unknown };
      if (typeof parsed.erased_at !== 'string') continue;
      const erasedAt = new Date(parsed.erased_at);
      if (typeof parsed.member === 'string') entries.push({ memberHash: parsed.member, erasedAt });
      else if (typeof parsed.user_id === 'string') entries.push({ memberHash: memberHash(parsed.user_id), erasedAt });
    } catch {
      // A partial line from an interrupted append: its erasure was never committed.
    }
  }
  return entries;
}
