// The audit trail is append-only and hash-chained: tampering with rows directly — as someone with
// database access would — is found by the verifier, which names the event.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { openDatabase, rows, type Database } from '../../../src/db/client.js';
import { AuditLanes, purgeExpiredAuditEvents, recordAudit, verifyAuditChains, type AuditWriter } from '../../../src/services/audit.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';
import { MAIN } from '../../helpers/process.js';
import { openKeyring } from '../../../src/services/service-context.js';

const KEY = Buffer.from('an-audit-signing-key-of-32-characters!', 'utf8');
const CHAIN_KEY = Buffer.from('a-chain-key-derived-from-the-master-key', 'utf8');
const KEYS = { chainKey: CHAIN_KEY, signingKey: KEY };
const appender: AuditWriter = { keyring: { auditChainKey: CHAIN_KEY }, auditLanes: new AuditLanes() };
const system = { actor: null, requestId: 'req-1' };

/** Seven login events (1-year chain) and one status change (7-year chain). */
async function recordSome(db: Database, by: AuditWriter = appender) {
  for (let i = 1; i <= 7; i++) {
    await recordAudit(
      by,
      db,
      { actor: { id: '00000000-0000-4000-8000-00000000000' + i, role: 'couple' }, requestId: `req-${i}` },
      {
        action: 'user_logged_in',
        targetType: 'user',
        details: { attempt: i, nested: { b: 2, a: [1, 'x'] } },
      },
    );
  }
  await recordAudit(by, db, system, { action: 'status_changed', targetType: 'feature_request', targetId: 'r1', details: { from: 'open', to: 'planned' } });
}

/** What an intruder with database access does: switch the append-only trigger off and edit. */
async function tamper(db: Database, statements: string[]) {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw('alter table audit_events disable trigger audit_events_append_only'));
    for (const statement of statements) await tx.execute(sql.raw(statement));
    await tx.execute(sql.raw('alter table audit_events enable trigger audit_events_append_only'));
  });
}

/** A point one async flow waits at until another opens it. */
function gate() {
  let open!: () => void;
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { open, passed };
}

async function problems(db: Database) {
  return (await verifyAuditChains(db, KEYS)).flatMap((r) => r.problems);
}

describe.each(DATABASE_MODES)('audit chain (%s)', (mode) => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  it('chains each retention class contiguously and verifies clean', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    const reports = await verifyAuditChains(database.db, KEYS);
    expect(reports.map((r) => [r.chain, r.events, r.problems])).toEqual([
      ['7_years', 1, []],
      ['3_years', 0, []],
      ['1_year', 7, []],
    ]);
    const chained = rows<{ sequence: string; previous_hash: string; hash: string }>(
      await database.db.execute(sql`select sequence, previous_hash, hash from audit_events where chain = '1_year' order by sequence`),
    );
    expect(chained.map((r) => Number(r.sequence))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(chained[0]!.previous_hash).toBe('0'.repeat(64));
    for (let i = 1; i < chained.length; i++) expect(chained[i]!.previous_hash).toBe(chained[i - 1]!.hash);
  });

  it('refuses UPDATE, DELETE and TRUNCATE from the application', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    for (const statement of ["update audit_events set action = 'nothing' where sequence = 1", 'delete from audit_events', 'truncate audit_events']) {
      const refusal = await database.db.execute(sql.raw(statement)).then(
        () => null,
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      );
      expect(refusal).toMatch(/audit_events is append-only/);
    }
    expect(await problems(database.db)).toEqual([]);
  });

  it('names a modified event', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    const [row] = rows<{ id: string }>(await database.db.execute(sql`select id from audit_events where chain = '1_year' and sequence = 3`));
    await tamper(database.db, [`update audit_events set details = '{"attempt": 99}' where chain = '1_year' and sequence = 3`]);
    expect(await problems(database.db)).toEqual([`1_year chain: event 3 (id ${row!.id}) was modified`]);
  });

  it('names an event whose hash was recomputed after editing it (its successor no longer links)', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    await tamper(database.db, [`update audit_events set hash = repeat('a', 64) where chain = '1_year' and sequence = 4`]);
    expect((await problems(database.db)).join('\n')).toMatch(/1_year chain: event 4 \(id \d+\) was modified/);
  });

  it('names a deleted event, and deleted events at the end of a chain', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    await tamper(database.db, [`delete from audit_events where chain = '1_year' and sequence = 3`, `delete from audit_events where chain = '7_years'`]);
    expect(await problems(database.db)).toEqual(['7_years chain: event 1 was deleted', '1_year chain: event 3 was deleted']);
  });

  it('names reordered events', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    const ids = rows<{ id: string; sequence: string }>(
      await database.db.execute(sql`select id, sequence from audit_events where chain = '1_year' and sequence in (2, 5)`),
    );
    const idAt = (s: number) => ids.find((r) => Number(r.sequence) === s)!.id;
    await tamper(database.db, [
      `update audit_events set sequence = -2 where chain = '1_year' and sequence = 2`,
      `update audit_events set sequence = 2 where chain = '1_year' and sequence = 5`,
      `update audit_events set sequence = 5 where chain = '1_year' and sequence = -2`,
    ]);
    expect((await problems(database.db)).sort()).toEqual([
      `1_year chain: event at sequence 2 (id ${idAt(5)}) was moved there from sequence 5`,
      `1_year chain: event at sequence 5 (id ${idAt(2)}) was moved there from sequence 2`,
    ]);
  });

  it('purges expired events behind a signed checkpoint and still verifies; a forged checkpoint is found', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    const inTwoYears = new Date(Date.now() + 2 * 366 * 86_400_000);
    const results = await purgeExpiredAuditEvents(database.db, KEY, inTwoYears);
    expect(results).toEqual([
      { chain: '7_years', lane: 0, purged: 0, checkpointSequence: null },
      { chain: '3_years', lane: 0, purged: 0, checkpointSequence: null },
      { chain: '1_year', lane: 0, purged: 7, checkpointSequence: 7 },
    ]);
    await recordAudit(appender, database.db, system, { action: 'user_logged_in', targetType: 'user' });
    const reports = await verifyAuditChains(database.db, KEYS);
    expect(reports.find((r) => r.chain === '1_year')).toMatchObject({ from: 8, to: 8, events: 1, problems: [] });
    expect(reports.flatMap((r) => r.problems)).toEqual([]);

    // Deleting the event after the checkpoint is still seen…
    await tamper(database.db, [`delete from audit_events where chain = '1_year' and sequence = 8`]);
    expect(await problems(database.db)).toEqual(['1_year chain: event 8 was deleted']);
    // …and so is a checkpoint not signed with the key.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw('alter table audit_checkpoints disable trigger audit_checkpoints_append_only'));
      await tx.execute(sql.raw(`update audit_checkpoints set signature = repeat('0', 64) where chain = '7_years' and kind = 'anchor'`));
      await tx.execute(sql.raw('alter table audit_checkpoints enable trigger audit_checkpoints_append_only'));
    });
    expect(await problems(database.db)).toContain('7_years chain: checkpoint at sequence 1 has an invalid signature');
  });

  it('a chain rewritten from scratch contradicts the signed anchor taken before', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    await purgeExpiredAuditEvents(database.db, KEY, new Date());
    // Rewrite event 7_years/1 and its hash, and move the head to match: self-consistent, but not signed.
    await tamper(database.db, [`update audit_events set hash = repeat('b', 64) where chain = '7_years'`]);
    await database.db.execute(sql`update audit_chain_heads set hash = repeat('b', 64) where chain = '7_years' and lane = 0`);
    expect(await problems(database.db)).toContain('7_years chain: event 1 is missing or does not match the signed checkpoint taken there');
  });

  it('keeps every lane contiguous under concurrent writers, and loses no event', async () => {
    database = await freshDatabase(mode);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        database.db.transaction(async (tx) => {
          await recordAudit(appender, tx, system, { action: 'api_call', targetId: String(i) });
          await recordAudit(appender, tx, system, { action: 'status_changed', targetId: String(i) });
        }),
      ),
    );
    const reports = await verifyAuditChains(database.db, KEYS);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    const perChain = (chain: string) => reports.filter((r) => r.chain === chain);
    for (const chain of ['7_years', '1_year']) {
      expect(
        perChain(chain).reduce((sum, r) => sum + r.events, 0),
        chain,
      ).toBe(30);
      // Each lane's sequence runs 1…n with no gap: the events are its whole length.
      for (const r of perChain(chain)) expect([r.from, r.to], `${chain} lane ${r.lane}`).toEqual([1, r.events]);
    }
    const targets = rows<{ target_id: string }>(await database.db.execute(sql`select target_id from audit_events where chain = '7_years'`));
    expect(new Set(targets.map((r) => r.target_id)).size).toBe(30);
  });

  it('names the lane of a tampered event', async () => {
    database = await freshDatabase(mode);
    await recordSome(database.db);
    // An event moved into another lane: lane 0 now misses it, and in lane 4 it neither matches its
    // hash (which covered lane 0) nor follows anything.
    await tamper(database.db, [`update audit_events set lane = 4 where chain = '1_year' and sequence = 7`]);
    expect(await problems(database.db)).toEqual([
      '1_year chain: event 7 was deleted',
      `1_year chain, lane 4: event 7 (id ${await idOf(database.db, 4, 7)}) was modified`,
      '1_year chain, lane 4: events 1–6 were deleted',
      // Nothing was ever appended to lane 4: its head still says 0.
      '1_year chain, lane 4: the head says 0 but event 7 is stored',
    ]);
  });
});

async function idOf(db: Database, lane: number, sequence: number) {
  return rows<{ id: string }>(await db.execute(sql`select id from audit_events where chain = '1_year' and lane = ${lane} and sequence = ${sequence}`))[0]!.id;
}

// Only a server has concurrent transactions: PGlite runs one at a time on its single connection.
describe.runIf(DATABASE_MODES.includes('postgres'))('audit chain lanes (postgres)', () => {
  let database: TestDatabase;
  afterEach(async () => database?.close());

  it('a writer does not wait for another’s commit: it appends to a free lane, and purge and verify cover it', async () => {
    database = await freshDatabase('postgres');
    const held = gate();
    const recorded = gate();
    const first = database.db.transaction(async (tx) => {
      await recordAudit(appender, tx, system, { action: 'status_changed', targetId: 'first' });
      recorded.open();
      await held.passed;
    });
    await recorded.passed;
    const second = database.db.transaction((tx) => recordAudit(appender, tx, system, { action: 'status_changed', targetId: 'second' }));
    const waited = await Promise.race([second.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5_000))]);
    held.open();
    await first;
    expect(waited, 'the second writer queued behind the first one’s open transaction').toBe(false);

    const lanes = rows<{ target_id: string; lane: number }>(
      await database.db.execute(sql`select target_id, lane from audit_events where chain = '7_years' order by lane`),
    );
    expect(lanes).toEqual([
      { target_id: 'first', lane: 0 },
      { target_id: 'second', lane: 1 },
    ]);
    expect((await verifyAuditChains(database.db, KEYS)).filter((r) => r.chain === '7_years').map((r) => [r.lane, r.events, r.problems])).toEqual([
      [0, 1, []],
      [1, 1, []],
    ]);
    const inEightYears = new Date(Date.now() + 8 * 366 * 86_400_000);
    expect((await purgeExpiredAuditEvents(database.db, KEY, inEightYears)).filter((r) => r.chain === '7_years')).toEqual([
      { chain: '7_years', lane: 0, purged: 1, checkpointSequence: 1 },
      { chain: '7_years', lane: 1, purged: 1, checkpointSequence: 1 },
    ]);
    expect(await problems(database.db)).toEqual([]);
    // Lane 1's purge checkpoint is signed for lane 1: moved to lane 0, it no longer verifies.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw('alter table audit_checkpoints disable trigger audit_checkpoints_append_only'));
      await tx.execute(sql.raw(`update audit_checkpoints set lane = 2 where chain = '7_years' and lane = 1 and kind = 'purge'`));
      await tx.execute(sql.raw('alter table audit_checkpoints enable trigger audit_checkpoints_append_only'));
    });
    expect(await problems(database.db)).toContain('7_years chain, lane 2: checkpoint at sequence 1 has an invalid signature');
  });

  it('when every lane is held, a writer waits for one and then appends there', async () => {
    database = await freshDatabase('postgres');
    const held = gate();
    const locked = gate();
    // Another session holds every 7-year lane's head, as 16 writers in the middle of their transactions would.
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`select lane from audit_chain_heads where chain = '7_years' for update`);
      locked.open();
      await held.passed;
    });
    await locked.passed;
    let done = false;
    const writer = recordAudit(appender, database.db, system, { action: 'status_changed', targetId: 'patient' }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(done, 'appended while every lane was held').toBe(false);
    held.open();
    await holder;
    await writer;
    expect(await problems(database.db)).toEqual([]);
    const [event] = rows<{ target_id: string; sequence: string }>(
      await database.db.execute(sql`select target_id, sequence from audit_events where chain = '7_years'`),
    );
    expect({ ...event, sequence: Number(event!.sequence) }).toEqual({ target_id: 'patient', sequence: 1 });
  });
});

describe.each(DATABASE_MODES)('audit verify command (%s)', (mode) => {
  it('exits 0 on an intact trail and 1 naming the event after tampering', async () => {
    let env: Record<string, string>;
    let database: TestDatabase;
    // The chain is keyed from the master key: the command must be given the one the events were written with.
    const masterKey = randomBytes(32);
    const memberKeyDir = mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-'));
    if (mode === 'pglite') {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wsfr-audit-'));
      env = { DATA_DIR: dataDir, ENCRYPTION_MASTER_KEY: masterKey.toString('hex'), MEMBER_KEY_DIR: memberKeyDir };
      database = await openDatabase({ kind: 'embedded', dataDir });
      await database.migrate();
    } else {
      database = await freshDatabase('postgres');
      // Server mode refuses to start without the field-encryption master key.
      env = {
        DATABASE_URL: database.url!,
        AUDIT_SIGNING_KEY: KEY.toString('utf8'),
        ENCRYPTION_MASTER_KEY: masterKey.toString('hex'),
        MEMBER_KEY_DIR: memberKeyDir,
      };
    }
    const verify = () => spawnSync(process.execPath, [...MAIN, 'audit', 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    try {
      await recordSome(database.db, { keyring: await openKeyring(database.db, masterKey, memberKeyDir), auditLanes: new AuditLanes() });
      if (mode === 'pglite') await database.close();
      const intact = verify();
      expect(intact.stdout).toMatch(/1_year: OK \(7 events, sequence 1–7\)/);
      expect(intact.status).toBe(0);
      if (mode === 'pglite') {
        expect(loadConfig(env).auditSigningKey).toBeUndefined();
        database = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR! });
      }
      await tamper(database.db, [`update audit_events set action = 'user_signed_up' where chain = '1_year' and sequence = 6`]);
      if (mode === 'pglite') await database.close();
      const tampered = verify();
      expect(tampered.stdout).toMatch(/1_year: TAMPERED/);
      expect(tampered.stdout).toMatch(/1_year chain: event 6 \(id \d+\) was modified/);
      expect(tampered.status).toBe(1);
    } finally {
      if (mode === 'postgres') await database.close();
    }
  }, 120_000);
});
