// Issue #14, finding 1: someone with SQL access as the application's own database user tries to
// delete the tail of an audit chain or rewrite an event and recompute the chain after it. Each
// attack here succeeded unnoticed before the chain was keyed, checkpointed often and guarded
// without a session switch; now each one is refused or named by `audit verify`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { MIGRATIONS_FOLDER, openDatabase, rows, timestamptz, type Database } from '../../../src/db/client.js';
import { eventHash, GENESIS_HASH, signCheckpoint, type ChainedContent } from '../../../src/domain/audit-chain.js';
import { schedules } from '../../../src/jobs/index.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { CHECKPOINT_AUDIT_CHAINS } from '../../../src/queue/contracts.js';
import { AuditLanes, checkpointAuditChains, purgeExpiredAuditEvents, recordAudit, verifyAuditChains, type AuditWriter } from '../../../src/services/audit.js';
import { createTestApp } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';
import { MAIN } from '../../helpers/process.js';
import { openKeyring } from '../../../src/services/service-context.js';

const SIGNING_KEY = Buffer.from('an-audit-signing-key-of-32-characters!', 'utf8');
const CHAIN_KEY = Buffer.from('a-chain-key-derived-from-the-master-key', 'utf8');
const KEYS = { chainKey: CHAIN_KEY, signingKey: SIGNING_KEY };
const app: AuditWriter = { keyring: { auditChainKey: CHAIN_KEY }, auditLanes: new AuditLanes() };
const admin = { id: '00000000-0000-4000-8000-000000000001', role: 'product_team' };

/** Seven `user_data_accessed` events (7-year chain, lane 0), as staff reading members' data leave. */
async function recordAccesses(db: Database, by: AuditWriter = app) {
  for (let i = 1; i <= 7; i++) {
    await recordAudit(
      by,
      db,
      { actor: admin, requestId: `req-${i}` },
      { action: 'user_data_accessed', targetType: 'user', targetId: `member-${i}`, details: { justification: 'support ticket' } },
    );
  }
}

async function problems(db: Database) {
  return (await verifyAuditChains(db, KEYS)).flatMap((r) => r.problems);
}

/** A statement run as the application's own database user, in a transaction of its own: null when it succeeded. */
async function refusal(db: Database, statements: string[]): Promise<string | null> {
  return db
    .transaction(async (tx) => {
      for (const statement of statements) await tx.execute(sql.raw(statement));
    })
    .then(
      () => null,
      (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
    );
}

/** What an intruder who can switch triggers off (the tables' owner, a superuser) does. */
async function asOwner(db: Database, statements: string[]) {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw('alter table audit_events disable trigger audit_events_append_only'));
    for (const statement of statements) await tx.execute(sql.raw(statement));
    await tx.execute(sql.raw('alter table audit_events enable trigger audit_events_append_only'));
  });
}

interface StoredRow {
  id: string;
  sequence: string;
  previous_hash: string;
  action: string;
  actor_id: string | null;
  actor_role: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
  created_at: string | Date;
}

/**
 * The second attack of the issue: event `sequence` of the 7-year chain edited, every hash from there
 * on recomputed with plain SHA-256 (no key), and the head moved to the new last hash.
 */
async function rewriteWithSha256(db: Database, sequence: number, details: Record<string, unknown>) {
  const stored = rows<StoredRow>(await db.execute(sql`select * from audit_events where chain = '7_years' and lane = 0 order by sequence`));
  let previousHash = GENESIS_HASH;
  const updates: string[] = [];
  for (const row of stored) {
    const content: ChainedContent = {
      chain: '7_years',
      lane: 0,
      action: row.action,
      actorId: row.actor_id,
      actorRole: row.actor_role,
      targetType: row.target_type,
      targetId: row.target_id,
      details: Number(row.sequence) === sequence ? details : row.details,
      requestId: row.request_id,
      createdAt: new Date(row.created_at),
    };
    const hash = eventHash(null, content, previousHash);
    updates.push(
      `update audit_events set details = '${JSON.stringify(content.details)}'::jsonb, previous_hash = '${previousHash}', hash = '${hash}' where id = ${row.id}`,
    );
    previousHash = hash;
  }
  await asOwner(db, updates);
  await db.execute(sql`update audit_chain_heads set hash = ${previousHash} where chain = '7_years' and lane = 0`);
}

describe.each(DATABASE_MODES)('audit trail against database insiders (%s)', (mode) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('no session setting lets the application user delete or update audit events', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    // The first attack: the purge's old switch, set by anyone, then the tail deleted.
    for (const set of ["set wedsync.audit_purge = 'on'", "set local wedsync.audit_purge = 'on'", "select set_config('wedsync.audit_purge', 'on', false)"]) {
      expect(await refusal(database.db, [set, "delete from audit_events where chain = '7_years' and sequence > 4"])).toMatch(
        /audit_events is append-only: DELETE refused/,
      );
      expect(await refusal(database.db, [set, "update audit_events set details = '{}' where chain = '7_years' and sequence = 5"])).toMatch(
        /audit_events is append-only: UPDATE refused/,
      );
    }
    expect(await refusal(database.db, ['truncate audit_events'])).toMatch(/append-only/);
    expect(await refusal(database.db, ['truncate audit_checkpoints'])).toMatch(/append-only/);
    expect(await refusal(database.db, ['update audit_keyed_chain_starts set sequence = 1000'])).toMatch(/audit_keyed_chain_starts is append-only/);
    expect(await refusal(database.db, ['delete from audit_keyed_chain_starts'])).toMatch(/audit_keyed_chain_starts is append-only/);
    const left = rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from audit_events where chain = '7_years'`));
    expect(left[0]!.n).toBe(7);
    expect(await problems(database.db)).toEqual([]);
  });

  it('a purge checkpoint forged to unlock a delete lets it through only to be named by verify', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    // The guard trusts a purge checkpoint taken after the events' retention ran out; the intruder
    // cannot sign one, so the deletion it allows is reported.
    const [head] = rows<{ hash: string }>(await database.db.execute(sql`select hash from audit_events where chain = '7_years' and sequence = 7`));
    const future = new Date(Date.now() + 8 * 366 * 86_400_000);
    expect(
      await refusal(database.db, [
        `insert into audit_checkpoints (chain, lane, sequence, hash, kind, signature, created_at) values ('7_years', 0, 7, '${head!.hash}', 'purge', '${'0'.repeat(64)}', '${future.toISOString()}')`,
        "delete from audit_events where chain = '7_years' and sequence > 4",
        "update audit_chain_heads set sequence = 4, hash = (select hash from audit_events where chain = '7_years' and sequence = 4) where chain = '7_years' and lane = 0",
      ]),
    ).toBeNull();
    expect(await problems(database.db)).toEqual(['7_years chain: checkpoint at sequence 7 has an invalid signature']);
  });

  it('an event edited and the chain recomputed forward with SHA-256 is found: the hashes are keyed', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    await rewriteWithSha256(database.db, 5, { justification: 'nothing to see' });
    const found = await problems(database.db);
    expect(found[0]).toMatch(/^7_years chain: event 1 \(id \d+\) was modified$/);
    expect(found).toHaveLength(7);
  });

  it('a tail deleted (head moved back) after a scheduled checkpoint contradicts it; the checkpoint job signs only new heads', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    const signed = await checkpointAuditChains(database.db, SIGNING_KEY, new Date());
    expect(signed.filter((r) => r.signed)).toEqual([{ chain: '7_years', lane: 0, sequence: 7, signed: true }]);
    // Nothing new: nothing signed again.
    expect((await checkpointAuditChains(database.db, SIGNING_KEY, new Date())).filter((r) => r.signed)).toEqual([]);
    await asOwner(database.db, ["delete from audit_events where chain = '7_years' and sequence > 4"]);
    await database.db.execute(
      sql`update audit_chain_heads set sequence = 4, hash = (select hash from audit_events where chain = '7_years' and sequence = 4) where chain = '7_years' and lane = 0`,
    );
    expect(await problems(database.db)).toEqual(['7_years chain: event 7 is missing or does not match the signed checkpoint taken there']);
  });

  it('a signed anchor relabelled as a purge checkpoint does not move where verification starts', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    await checkpointAuditChains(database.db, SIGNING_KEY, new Date());
    await rewriteWithSha256(database.db, 2, { justification: 'nothing to see' });
    await refusal(database.db, [
      `insert into audit_checkpoints (chain, lane, sequence, hash, kind, signature, created_at)
      select chain, lane, sequence, hash, 'purge', signature, created_at from audit_checkpoints where chain = '7_years' and kind = 'anchor'`,
    ]);
    expect(await problems(database.db)).toContain('7_years chain: checkpoint at sequence 7 has an invalid signature');
  });

  it('a head shorter than one recorded outside is named even when nothing inside the database shows it', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    // No checkpoint yet: the cut tail leaves a self-consistent chain…
    await asOwner(database.db, ["delete from audit_events where chain = '7_years' and sequence > 4"]);
    await database.db.execute(
      sql`update audit_chain_heads set sequence = 4, hash = (select hash from audit_events where chain = '7_years' and sequence = 4) where chain = '7_years' and lane = 0`,
    );
    expect(await problems(database.db)).toEqual([]);
    // …but not against the head Prometheus (or `audit checkpoint`) recorded.
    const reports = await verifyAuditChains(
      database.db,
      KEYS,
      new Map([
        ['7_years', 7],
        ['1_year:3', 0],
      ]),
    );
    expect(reports.flatMap((r) => r.problems)).toEqual(['7_years chain: head is at 4, shorter than the 7 recorded before (events were deleted from the end)']);
    expect(reports.find((r) => r.chain === '1_year' && r.lane === 3)).toMatchObject({ to: 0, problems: [] });
  });

  it('the retention purge still deletes expired events, and only those', async () => {
    database = await freshDatabase(mode);
    await recordAccesses(database.db);
    const inEightYears = new Date(Date.now() + 8 * 366 * 86_400_000);
    const purged = await purgeExpiredAuditEvents(database.db, SIGNING_KEY, inEightYears);
    expect(purged.find((r) => r.chain === '7_years')).toEqual({ chain: '7_years', lane: 0, purged: 7, checkpointSequence: 7 });
    expect(await problems(database.db)).toEqual([]);
    // A purge checkpoint does not unlock events that have not expired by its date.
    await recordAudit(app, database.db, { actor: admin }, { action: 'user_data_accessed', targetType: 'user', targetId: 'member-8' });
    await purgeExpiredAuditEvents(database.db, SIGNING_KEY, new Date());
    expect(await refusal(database.db, ["delete from audit_events where chain = '7_years'"])).toMatch(/append-only: DELETE refused/);
  });

  it('exports every lane’s head as wedsync_audit_chain_head_sequence', async () => {
    const t = await createTestApp(mode, { seed: false });
    try {
      await recordAccesses(t.database.db, t.services);
      await recordAudit(t.services, t.database.db, { actor: null }, { action: 'user_logged_in', targetType: 'user' });
      const text = await createMetrics(t.services, async () => true).scrape();
      expect(text).toMatch(/^# TYPE wedsync_audit_chain_head_sequence gauge$/m);
      expect(text).toMatch(/^wedsync_audit_chain_head_sequence\{chain="7_years",lane="0"\} 7$/m);
      expect(text).toMatch(/^wedsync_audit_chain_head_sequence\{chain="1_year",lane="0"\} 1$/m);
      expect(text).toMatch(/^wedsync_audit_chain_head_sequence\{chain="3_years",lane="0"\} 0$/m);
    } finally {
      await t.close();
    }
  });
});

describe.each(DATABASE_MODES)('upgrading a trail written before the chain was keyed (%s)', (mode) => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  /** Appends one event the way the previous release did: plain SHA-256, head advanced in step. */
  async function appendLegacy(db: Database, targetId: string) {
    const [head] = rows<{ sequence: string; hash: string }>(
      await db.execute(sql`select sequence, hash from audit_chain_heads where chain = '7_years' and lane = 0`),
    );
    const content: ChainedContent = {
      chain: '7_years',
      lane: 0,
      action: 'user_data_accessed',
      actorId: admin.id,
      actorRole: admin.role,
      targetType: 'user',
      targetId,
      details: {},
      requestId: null,
      createdAt: new Date(),
    };
    const sequence = Number(head!.sequence) + 1;
    const hash = eventHash(null, content, head!.hash);
    await db.execute(sql`update audit_chain_heads set sequence = ${sequence}, hash = ${hash} where chain = '7_years' and lane = 0`);
    await db.execute(sql`insert into audit_events (chain, lane, sequence, previous_hash, hash, action, actor_id, actor_role, target_type, target_id, details, created_at)
      values ('7_years', 0, ${sequence}, ${head!.hash}, ${hash}, ${content.action}, ${admin.id}::uuid, ${admin.role}, 'user', ${targetId}, '{}'::jsonb, ${timestamptz(content.createdAt)})`);
    return { sequence, hash };
  }

  it('verifies the old SHA-256 events and old checkpoints, keys every new one, and refuses SHA-256 after the upgrade', async () => {
    database = await freshDatabase(mode, undefined, { migrate: false });
    const previous = mkdtempSync(path.join(tmpdir(), 'wsfr-previous-'));
    cpSync(MIGRATIONS_FOLDER, previous, { recursive: true });
    const journalFile = path.join(previous, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.slice(
      0,
      journal.entries.findIndex((e) => e.tag.endsWith('_audit_keyed_chain')),
    );
    writeFileSync(journalFile, JSON.stringify(journal));
    await (mode === 'pglite' ? migratePglite : migratePostgres)(database.db as never, { migrationsFolder: previous });

    for (let i = 1; i <= 3; i++) await appendLegacy(database.db, `old-${i}`);
    // The previous release's anchor, signed without its kind.
    const [old] = rows<{ hash: string }>(await database.db.execute(sql`select hash from audit_chain_heads where chain = '7_years' and lane = 0`));
    const at = new Date();
    await database.db.execute(sql`insert into audit_checkpoints (chain, lane, sequence, hash, kind, signature, created_at)
      values ('7_years', 0, 3, ${old!.hash}, 'anchor', ${signCheckpoint(SIGNING_KEY, { chain: '7_years', lane: 0, sequence: 3, hash: old!.hash, createdAt: at })}, ${timestamptz(at)})`);

    await database.migrate();
    await recordAudit(app, database.db, { actor: admin }, { action: 'user_data_accessed', targetType: 'user', targetId: 'new-4' });
    expect((await verifyAuditChains(database.db, KEYS)).find((r) => r.chain === '7_years' && r.lane === 0)).toMatchObject({ events: 4, problems: [] });

    // After the upgrade, an event hashed the old way is a forgery.
    await appendLegacy(database.db, 'forged-5');
    expect((await problems(database.db)).join('\n')).toMatch(/7_years chain: event 5 \(id \d+\) was modified/);
  });
});

describe('audit checkpoints on a schedule and on demand', () => {
  it('schedules checkpoint_audit_chains every AUDIT_CHECKPOINT_INTERVAL_SECONDS (5 minutes unless set)', () => {
    const every = (env: Record<string, string>) => schedules(loadConfig(env)).find((s) => s.job.type === CHECKPOINT_AUDIT_CHAINS.type)?.everyMs;
    expect(every({})).toBe(300_000);
    expect(every({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '120' })).toBe(120_000);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0' })).toThrow(/AUDIT_CHECKPOINT_INTERVAL_SECONDS/);
  });

  it('`audit checkpoint` signs the heads and prints them; `audit verify --expect` fails naming a shortened lane', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wsfr-audit-'));
    const masterKey = randomBytes(32);
    const memberKeyDir = mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-'));
    const env = {
      DATA_DIR: dataDir,
      ENCRYPTION_MASTER_KEY: masterKey.toString('hex'),
      AUDIT_SIGNING_KEY: SIGNING_KEY.toString('utf8'),
      MEMBER_KEY_DIR: memberKeyDir,
    };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [...MAIN, 'audit', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    let database = await openDatabase({ kind: 'embedded', dataDir });
    await database.migrate();
    await recordAccesses(database.db, { keyring: await openKeyring(database.db, masterKey, memberKeyDir), auditLanes: new AuditLanes() });
    await database.close();

    const checkpoint = run('checkpoint');
    expect(checkpoint.status).toBe(0);
    expect(checkpoint.stdout).toMatch(/^signed 1 checkpoint /m);
    expect(checkpoint.stdout).toContain('--expect 7_years=7 --expect 3_years=0 --expect 1_year=0');
    expect(run('verify', '--expect', '7_years=7').status).toBe(0);

    database = await openDatabase({ kind: 'embedded', dataDir });
    await asOwner(database.db, ["delete from audit_events where chain = '7_years' and sequence > 4"]);
    await database.db.execute(
      sql`update audit_chain_heads set sequence = 4, hash = (select hash from audit_events where chain = '7_years' and sequence = 4) where chain = '7_years' and lane = 0`,
    );
    await database.close();
    const verify = run('verify', '--expect', '7_years=7', '--expect', '1_year:3=0');
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain('7_years chain: head is at 4, shorter than the 7 recorded before (events were deleted from the end)');

    const wrong = run('verify', '--expect', '9_years=3');
    expect(wrong.status).toBe(64);
    expect(wrong.stderr).toMatch(/--expect 9_years=3: not LANE=SEQUENCE/);
  }, 180_000);
});
