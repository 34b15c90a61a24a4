// PostgreSQL failover through a real pg_auto_failover formation (deploy/pg-auto-failover/formation.sh:
// monitor, primary, synchronous secondary on loopback): the app's database module, given the
// multi-host URL, writes again within 15 s of each fault and keeps every write it acknowledged.
// Skipped (with a warning) when pg_auto_failover or Redis's tools are not installed, unless
// REQUIRE_HA_TOOLS=1 (CI), where that is a failure.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral, openDatabase, rows, type DatabaseHandle } from '../../../src/db/client.js';
import { missingHaTools, startPgFormation, type PgFormation } from '../../../src/drills/ha-setups.js';
import { ROOT } from '../../helpers/ops-tools.js';

const missing = missingHaTools();
const required = process.env.REQUIRE_HA_TOOLS === '1';
if (missing.length > 0 && !required) {
  console.warn(
    `PostgreSQL failover tests skipped: ${missing.join(', ')} not installed (apt-get install postgresql-15-auto-failover redis-sentinel; CI sets REQUIRE_HA_TOOLS=1).`,
  );
}

const RTO_LIMIT_MS = 15_000;

/** One write after another, each a fresh row; remembers which were acknowledged and when writing resumed. */
function steadyWrites(database: DatabaseHandle) {
  const acknowledged: string[] = [];
  let failed = 0;
  let running = true;
  let faultAt: number | null = null;
  let resumedAt: number | null = null;
  const loop = (async () => {
    while (running) {
      const id = randomUUID();
      const sentAt = performance.now();
      try {
        await database.db.execute(sql`insert into failover_writes (id) values (${id})`);
        acknowledged.push(id);
        if (faultAt !== null && resumedAt === null && sentAt >= faultAt) resumedAt = performance.now();
        await sleep(10);
      } catch {
        failed++;
        await sleep(100);
      }
    }
  })();
  return {
    acknowledged,
    failed: () => failed,
    markFault: () => (faultAt = performance.now()),
    /** Fault → completion of the first write sent after it; null while none has succeeded. */
    rtoMs: () => (resumedAt === null || faultAt === null ? null : resumedAt - faultAt),
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe.skipIf(missing.length > 0 && !required)('PostgreSQL failover through a pg_auto_failover formation', () => {
  let formation: PgFormation | undefined;
  let database: DatabaseHandle | undefined;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`REQUIRE_HA_TOOLS=1 but not installed: ${missing.join(', ')}`);
    formation = await startPgFormation(ROOT, mkdtempSync(path.join(tmpdir(), 'wsfr-pgaf-')));
    database = await openDatabase({ kind: 'server', url: formation.databaseUrl, poolSize: 4 });
    await database.migrate();
    await database.db.execute(sql`create table failover_writes (id uuid primary key)`);
  }, 300_000);

  afterAll(async () => {
    await database?.close();
    await formation?.destroy();
  }, 120_000);

  /** Writes before, through and after the fault; then every acknowledged write must be there. */
  async function survives(fault: (primary: string) => Promise<void>) {
    const before = await formation!.primary();
    const writes = steadyWrites(database!);
    while (writes.acknowledged.length < 50) await sleep(20);
    writes.markFault();
    await fault(before);
    const deadline = performance.now() + 60_000;
    while (writes.rtoMs() === null && performance.now() < deadline) await sleep(100);
    const resumed = writes.acknowledged.length;
    while (writes.acknowledged.length < resumed + 50 && performance.now() < deadline) await sleep(20);
    await writes.stop();

    const [stored] = rows<{ n: number }>(
      await database!.db.execute(sql`select count(*)::int as n from failover_writes where id = any(${arrayLiteral(writes.acknowledged)}::uuid[])`),
    );
    return { before, rtoMs: writes.rtoMs(), acknowledged: writes.acknowledged.length, stored: stored?.n, failed: writes.failed() };
  }

  it('follows a planned failover (pg_autoctl perform failover) to the other node', async () => {
    const result = await survives(() => formation!.performFailover());
    expect(result.rtoMs).not.toBeNull();
    expect(result.rtoMs!).toBeLessThan(RTO_LIMIT_MS);
    expect(result.stored).toBe(result.acknowledged);
    expect(await formation!.primary()).not.toBe(result.before);
    await formation!.heal();
  }, 180_000);

  it('promotes the synchronous secondary when the primary machine is lost (kill -9 of pg_autoctl and PostgreSQL), losing no acknowledged write', async () => {
    const result = await survives((primary) => formation!.crash(primary));
    expect(result.failed).toBeGreaterThan(0);
    expect(result.rtoMs).not.toBeNull();
    expect(result.rtoMs!).toBeLessThan(RTO_LIMIT_MS);
    expect(result.stored).toBe(result.acknowledged);
    expect(await formation!.primary()).not.toBe(result.before);
  }, 180_000);
});
