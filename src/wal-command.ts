#!/usr/bin/env node
// PostgreSQL's archive_command and restore_command: `node dist/wal-command.js archive-wal %p %f` and
// `… restore-wal %f %p` (also reachable as verbs of dist/main.js). A separate, small entry because
// PostgreSQL starts it once per 16 MB WAL segment, and during a recovery once per segment replayed
// and per timeline history it probes: loading the whole application for each would slow recovery.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { backupKey } from './security/backup-encryption.js';
import { archiveWalSegment, restoreWalSegment, walArchiveDir } from './services/backups/physical.js';

const WAL_VERBS = ['archive-wal', 'restore-wal'] as const;

/** The key that seals backups: BACKUP_ENCRYPTION_KEY, else derived from the master key. */
export function configuredBackupKey(config: Config): Buffer {
  if (!config.backupEncryptionKey && !config.encryptionMasterKey) {
    throw new ConfigError(['BACKUP_ENCRYPTION_KEY: server-mode backups need it or ENCRYPTION_MASTER_KEY (the backup key is derived from it)']);
  }
  return backupKey(config.encryptionMasterKey!, config.backupEncryptionKey);
}

/**
 * Runs one WAL verb; the exit code PostgreSQL reads. restore-wal exits 1 quietly when the archive
 * has no such file: PostgreSQL asks for files that may not exist (the next timeline's history).
 */
export async function runWalVerb(config: Config, verb: (typeof WAL_VERBS)[number], [first, second]: string[]): Promise<number> {
  if (!first || !second) {
    console.error(
      verb === 'archive-wal'
        ? 'usage: archive-wal PATH NAME (archive_command = \'… archive-wal "%p" "%f"\')'
        : 'usage: restore-wal NAME PATH (restore_command = \'… restore-wal "%f" "%p"\')',
    );
    return 64;
  }
  const archiveDir = walArchiveDir(config.backupDir);
  const key = configuredBackupKey(config);
  if (verb === 'archive-wal') {
    const done = await archiveWalSegment({ sourcePath: path.resolve(first), walName: second, archiveDir, key });
    if (done === 'already archived') console.error(`${second}: already archived with the same contents`);
    return 0;
  }
  return (await restoreWalSegment({ walName: first, targetPath: path.resolve(second), archiveDir, key })) ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [verb, ...args] = process.argv.slice(2);
  const run = async () => {
    if (!WAL_VERBS.includes(verb as (typeof WAL_VERBS)[number])) {
      console.error(`usage: ${WAL_VERBS.join(' | ')} …`);
      return 64;
    }
    return runWalVerb(loadConfig(), verb as (typeof WAL_VERBS)[number], args);
  };
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(err instanceof ConfigError ? 78 : 1);
    },
  );
}
