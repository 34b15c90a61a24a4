// The commands PostgreSQL runs for each WAL file are built from paths: they must come out exactly as
// the shell will split them, or not at all.
import { describe, expect, it } from 'vitest';
import { walCommand } from '../../../src/services/backups/physical.js';

const cli = ['/usr/bin/node', '/opt/wsfr/dist/wal-command.js'];

describe('WAL commands for postgresql.conf', () => {
  it('names the archive and the key file in the command, with PostgreSQL placeholders in the right order', () => {
    expect(walCommand({ cli, verb: 'archive-wal', backupDir: '/srv/backups', keyFile: '/etc/wsfr/backup.key' })).toBe(
      'BACKUP_DIR=/srv/backups BACKUP_ENCRYPTION_KEY_FILE=/etc/wsfr/backup.key LOG_LEVEL=warn /usr/bin/node /opt/wsfr/dist/wal-command.js archive-wal "%p" "%f"',
    );
    expect(walCommand({ cli, verb: 'restore-wal', backupDir: '/srv/backups', keyFile: '/k' })).toMatch(/ restore-wal "%f" "%p"$/);
  });

  it('refuses a path the shell would split or interpret', () => {
    for (const backupDir of ['/srv/my backups', "/srv/it's", '/srv/$(reboot)', '/srv/a;b']) {
      expect(() => walCommand({ cli, verb: 'archive-wal', backupDir, keyFile: '/k' })).toThrow(/cannot put .* in a WAL command/);
    }
  });
});
