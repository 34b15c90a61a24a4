// Backups on both databases: a set is taken, restored into a scratch database and compared with
// its manifest; tampering with a file or a count is caught and named; erasures survive a restore;
// retention prunes the right sets; the metrics report the outcome.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { MIGRATIONS_FOLDER, type Database } from '../../../src/db/client.js';
import * as schema from '../../../src/db/schema.js';
import { featureRequests, jobs, users } from '../../../src/db/schema.js';
import { DEMO_ACCOUNTS, seedDemo } from '../../../src/demo/seed.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { memberHash, readErasures } from '../../../src/services/backups/erasure-ledger.js';
import { listSets, pruneBackups, reapplyErasures, resolveBackupKey, runBackupSchedule, takeBackup, verifyBackup } from '../../../src/services/backups/index.js';
import { MANIFEST_FILE } from '../../../src/services/backups/sets.js';
import { loadEmbeddedSet } from '../../../src/services/backups/verify.js';
import type { Services } from '../../../src/services/context.js';
import { openKeyring, serviceContext } from '../../../src/services/service-context.js';
import { erasePersonalData, userIdByEmail } from '../../../src/services/gdpr.js';
import { testClock, type TestClock } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase, type DatabaseMode, type TestDatabase } from '../../helpers/database.js';
import { processSharedState } from '../../../src/db/shared-state.js';

/** The newest migration this build ships: what a backup's manifest names as its schema version. */
const LATEST_MIGRATION = (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }).entries.at(
  -1,
)!.tag;

const SERVER_TOOLS = existsSync('/usr/lib/postgresql') || !!process.env.PATH?.split(':').some((dir) => existsSync(path.join(dir, 'pg_dump')));

interface Harness {
  services: Services;
  database: TestDatabase;
  clock: TestClock;
  masterKey: Buffer;
  backupKey: string;
}

async function harness(mode: DatabaseMode, start = new Date()): Promise<Harness> {
  const database = await freshDatabase(mode);
  const backupKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    NODE_ENV: 'test',
    BACKUP_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-backup-test-')),
    BACKUP_ENCRYPTION_KEY: backupKey,
    MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')),
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const clock = testClock(start);
  const masterKey = randomBytes(32);
  const shared = processSharedState();
  const services: Services = serviceContext({
    db: database.db,
    config,
    now: clock.now,
    keyring: await openKeyring(database.db, masterKey, config.memberKeyDir),
    shared,
  });
  await seedDemo(services);
  return { services, database, clock, masterKey, backupKey };
}

describe.each(DATABASE_MODES)('backups (%s)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(mode);
  }, 120_000);
  afterAll(async () => {
    await h?.database.close();
  });

  it.runIf(mode === 'pglite' || SERVER_TOOLS)(
    'takes a sealed set with a manifest, and a restore of it matches the manifest',
    async () => {
      const set = await takeBackup(h.services, 'full');
      const m = set.manifest;
      expect(set.id).toMatch(/^\d{8}T\d{6}Z-full-[0-9a-f]{6}$/);
      expect(m).toMatchObject({ id: set.id, kind: 'full', mode: mode === 'pglite' ? 'embedded' : 'server', schemaVersion: { tag: LATEST_MIGRATION } });
      if (mode === 'postgres') expect(m.walLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      const usersRow = m.tables.find((t) => t.table === 'public.users');
      expect(usersRow?.rows).toBeGreaterThanOrEqual(DEMO_ACCOUNTS.length);
      expect(usersRow?.checksum).toMatch(/^[0-9a-f]{32}$/);
      expect(m.tables.map((t) => t.table)).toContain('drizzle.__drizzle_migrations');
      expect(m.files).toHaveLength(1);
      expect(m.files[0]!.bytes).toBeGreaterThan(1000);
      // The manifest names the key, never holds it; the files are not plaintext.
      const manifestText = readFileSync(path.join(set.dir, MANIFEST_FILE), 'utf8');
      expect(manifestText).not.toContain(h.backupKey);
      expect(manifestText).not.toContain(resolveBackupKey(h.services.config).toString('hex'));
      const sealed = readFileSync(path.join(set.dir, m.files[0]!.name));
      expect(sealed.subarray(0, 8).toString('ascii')).toBe('WSFRBK01');
      expect(sealed.includes(Buffer.from('PGDMP'))).toBe(false);
      // Nothing half-written is left behind.
      expect(readdirSync(h.services.config.backupDir).filter((n) => n.startsWith('.'))).toEqual([]);

      const report = await verifyBackup(h.services);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ id: set.id, ok: true });
      expect(report.tables.every((t) => t.ok && t.restoredRows === t.expectedRows)).toBe(true);
    },
    120_000,
  );

  it.runIf(mode === 'pglite' || SERVER_TOOLS)(
    'a byte changed in a sealed file fails verification, naming the file',
    async () => {
      const set = await takeBackup(h.services, 'incremental');
      const file = path.join(set.dir, set.manifest.files[0]!.name);
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      writeFileSync(file, bytes);
      const report = await verifyBackup(h.services, set.id);
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toContain(`file ${set.manifest.files[0]!.name}`);
    },
    120_000,
  );

  it.runIf(mode === 'pglite' || SERVER_TOOLS)(
    'a row count that does not match fails verification, naming the table',
    async () => {
      const set = await takeBackup(h.services, 'full');
      const manifestPath = path.join(set.dir, MANIFEST_FILE);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const votes = manifest.tables.find((t: { table: string }) => t.table === 'public.votes');
      votes.rows += 1;
      writeFileSync(manifestPath, JSON.stringify(manifest));
      const report = await verifyBackup(h.services, set.id);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([`table public.votes: ${votes.rows - 1} rows restored, the manifest says ${votes.rows}`]);
      expect(report.tables.find((t) => t.table === 'public.votes')).toMatchObject({ ok: false, restoredRows: votes.rows - 1 });
    },
    120_000,
  );

  it.runIf(mode === 'pglite' || SERVER_TOOLS)(
    'the metrics report the newest backup and verification, the same in every process',
    async () => {
      h.clock.advance(3_600_000);
      const set = await takeBackup(h.services, 'full');
      await verifyBackup(h.services, set.id);
      // A second process's registry over the same database reads the same catalogue.
      const metrics = createMetrics(h.services, async () => true);
      const text = await metrics.scrape();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(value('backup_last_success_timestamp_seconds')).toBeCloseTo(new Date(set.manifest.finishedAt).getTime() / 1000, 0);
      expect(value('backup_last_verify_success')).toBe(1);
      expect(value('backup_last_size_bytes')).toBe(set.manifest.files[0]!.bytes);
      expect(value('backup_duration_seconds')).toBeGreaterThanOrEqual(0);
    },
    120_000,
  );
});

describe('backup schedule, retention and erasures (embedded)', () => {
  it('the scheduled round takes what is due, verifies it, and takes nothing more within the slot', async () => {
    // 14 January 2027 10:00 UTC: off-season, a Thursday; a fresh installation owes a full backup.
    const h = await harness('pglite', new Date('2027-01-14T10:00:00Z'));
    try {
      const first = await runBackupSchedule(h.services);
      expect(first.taken?.manifest.kind).toBe('full');
      expect(first.verification).toMatchObject({ ok: true });
      h.clock.advance(5 * 60_000);
      expect((await runBackupSchedule(h.services)).taken).toBeNull();
      // 14:00 is the next incremental slot (08:00, 14:00, 20:00 after the 02:00 full).
      h.clock.set('2027-01-14T14:01:00Z');
      expect((await runBackupSchedule(h.services)).taken?.manifest.kind).toBe('incremental');
    } finally {
      await h.database.close();
    }
  }, 180_000);

  it('prunes sets past the retention period but keeps the newest verified full backup', async () => {
    const h = await harness('pglite', new Date('2027-01-01T03:00:00Z'));
    try {
      const oldVerifiedFull = await takeBackup(h.services, 'full');
      await verifyBackup(h.services, oldVerifiedFull.id);
      h.clock.set('2027-01-02T09:00:00Z');
      const oldIncremental = await takeBackup(h.services, 'incremental');
      h.clock.set('2027-03-20T03:00:00Z');
      const unverifiedFull = await takeBackup(h.services, 'full');
      // 91 days after the first set: both January sets are past 90 days; the full is the newest verified one.
      h.clock.set('2027-04-02T12:00:00Z');
      expect(await pruneBackups(h.services)).toEqual([oldIncremental.id]);
      expect((await listSets(h.services.config.backupDir)).map((s) => s.id)).toEqual([oldVerifiedFull.id, unverifiedFull.id]);
      // Once a newer full is verified, the old one goes too.
      await verifyBackup(h.services, unverifiedFull.id);
      expect(await pruneBackups(h.services)).toEqual([oldVerifiedFull.id]);
      expect((await listSets(h.services.config.backupDir)).map((s) => s.id)).toEqual([unverifiedFull.id]);
    } finally {
      await h.database.close();
    }
  }, 180_000);

  it('an erasure after a backup is recorded outside the database and re-applied after restoring it', async () => {
    const h = await harness('pglite');
    try {
      const set = await takeBackup(h.services, 'full');
      const email = DEMO_ACCOUNTS.find((a) => a.role === 'couple')!.email;
      const userId = await userIdByEmail(h.services, email);
      h.clock.advance(60_000);
      await erasePersonalData(h.services, { actor: null, via: 'cli' }, userId);
      expect((await readErasures(h.services.config.backupDir)).map((e) => e.memberHash)).toEqual([memberHash(userId)]);
      // Nothing personal in the ledger: neither the email nor the member id itself.
      const ledger = readFileSync(path.join(h.services.config.backupDir, 'erasures.jsonl'), 'utf8');
      expect(ledger).not.toContain(email);
      expect(ledger).not.toContain(userId);

      // The restored database still holds the member, as they were when the backup was taken.
      const restored = await loadEmbeddedSet(set, resolveBackupKey(h.services.config));
      try {
        const db = drizzle(restored, { schema }) as unknown as Database;
        const services: Services = { ...h.services, db, keyring: await openKeyring(db, h.masterKey, h.services.config.memberKeyDir) };
        const before = await db.select({ erasedAt: users.erasedAt }).from(users).where(eq(users.id, userId));
        expect(before[0]?.erasedAt).toBeNull();
        const sealedBefore = await db
          .select({ weddingContext: featureRequests.weddingContext })
          .from(featureRequests)
          .where(eq(featureRequests.authorId, userId));
        expect(sealedBefore.some((c) => c.weddingContext !== null)).toBe(true);
        expect(await userIdByEmail(services, email)).toBe(userId);

        const result = await reapplyErasures(services, new Date(set.manifest.startedAt));
        expect(result).toEqual({ reapplied: [userId], absent: [] });
        const [after] = await db
          .select({ erasedAt: users.erasedAt, displayName: users.displayName, email: users.email, dataKey: users.dataKey })
          .from(users)
          .where(eq(users.id, userId));
        expect(after?.erasedAt).not.toBeNull();
        expect(after?.email).toBe('erased');
        expect(after?.dataKey).toBeNull();
        const contexts = await db.select({ weddingContext: featureRequests.weddingContext }).from(featureRequests).where(eq(featureRequests.authorId, userId));
        expect(contexts.every((c) => c.weddingContext === null)).toBe(true);
        // The restored database's own copies of the key are left to the KEK rotation, queued there.
        expect(await db.select({ type: jobs.type }).from(jobs).where(eq(jobs.type, 'finish_erasures'))).toEqual([{ type: 'finish_erasures' }]);
        await expect(userIdByEmail(services, email)).rejects.toThrow();
        // Re-applying does not grow the ledger.
        expect(await readErasures(h.services.config.backupDir)).toHaveLength(1);
      } finally {
        await restored.close();
      }
    } finally {
      await h.database.close();
    }
  }, 180_000);
});
