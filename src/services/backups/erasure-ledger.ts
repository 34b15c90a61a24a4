// The erasure ledger: BACKUP_DIR/erasures.jsonl, append-only, outside the database, so a restore
// of a backup taken before an erasure can re-apply it (reapplyErasures). Ids and times only: the
// ledger holds no personal data.
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

export const ERASURE_LEDGER_FILE = 'erasures.jsonl';

export interface ErasureEntry {
  userId: string;
  erasedAt: Date;
}

/** Appends and fsyncs one line before returning: the erasure is not committed without it. */
export async function recordErasure(backupDir: string, entry: ErasureEntry): Promise<void> {
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  const handle = await open(path.join(backupDir, ERASURE_LEDGER_FILE), 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify({ user_id: entry.userId, erased_at: entry.erasedAt.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every recorded erasure, in order; a torn last line (a crash mid-append) is skipped. */
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
      const parsed = JSON.parse(line) as { user_id?: unknown; erased_at?: unknown };
      if (typeof parsed.user_id === 'string' && typeof parsed.erased_at === 'string') entries.push({ userId: parsed.user_id, erasedAt: new Date(parsed.erased_at) });
    } catch {
      // A partial line from an interrupted append: its erasure was never committed.
    }
  }
  return entries;
}
