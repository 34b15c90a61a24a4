// Issue #14 finding 2: after POST /api/privacy/erasure, an attacker who read the `users` data file
// (a dead row version), pg_wal or a backup still had the member's wrapped personal key, and the
// request's sealed wedding context was left in place; with the master key a script printed the
// member's email, phone, venue address and couple names. Here the attacker's copies are taken the
// same way — the sealed values and the wrapped key as they were before the erasure, and the raw bytes
// of the tables' data files — and shown to open nothing once the erasure and its follow-up have run.
import { eq, sql } from 'drizzle-orm';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../src/db/client.js';
import { featureRequests, jobs, users } from '../../../src/db/schema.js';
import { DecryptionError } from '../../../src/security/keyring.js';
import { openUserPii, openWeddingContext } from '../../../src/security/records.js';
import { destroyExpiredMemberKeys, finishErasures } from '../../../src/services/erasure-follow-up.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { openKeyring } from '../../../src/services/service-context.js';
import { signUpVerified } from '../../helpers/accounts.js';
import { NEXT_YEAR } from '../../helpers/fixtures.js';

const DAY = 86_400_000;
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

describe.each(DATABASE_MODES)('erasure leaves nothing recoverable (%s)', (mode) => {
  let t: TestApp;
  let member: Caller;
  let memberId: string;
  let requestId: string;
  const email = `niamh-${mode}@example.test`;

  /** The raw bytes of a table's current data file, as someone with access to the database's disk reads them. */
  async function dataFile(table: 'users' | 'feature_requests'): Promise<string> {
    // Dirty pages reach the file at a checkpoint (without the request statement timeout: the machine is busy).
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = 0`);
      await tx.execute(sql`checkpoint`);
    });
    const [file] = rows<{ bytes: string }>(
      await t.database.db.execute(sql`select encode(pg_read_binary_file(pg_relation_filepath(${table}::regclass)), 'escape') as bytes`),
    );
    return file!.bytes;
  }

  beforeAll(async () => {
    t = await createTestApp(mode, { env: { AI_ENABLED: 'false', ENCRYPTION_MASTER_KEY: MASTER_KEY } });
    const signup = await signUpVerified(t, {
      email,
      password: 'a-long-enough-password',
      displayName: 'Niamh Walsh',
      role: 'couple',
      timeZone: 'Europe/Dublin',
      country: 'IE',
      phone: '+353 87 123 4567',
    });
    expect(signup.statusCode).toBe(200);
    memberId = signup.json().user.id;
    member = await t.login(email, 'a-long-enough-password');
    const submitted = await t.request(member, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: {
        title: 'Seating plan export for the caterer',
        description: 'Let couples send the seating plan with dietary needs straight to the caterer.',
        category: 'seating',
        urgency: 'medium',
        painPoints: ['caterer gets an old list'],
        weddingContext: {
          weddingDate: `${NEXT_YEAR}-06-19`,
          guestCount: 120,
          country: 'IE',
          timeZone: 'Europe/Dublin',
          venueAddress: '4 Harbour Lane, Dingle',
          coupleNames: 'Niamh & Ronan',
        },
      },
    });
    expect(submitted.statusCode).toBe(201);
    requestId = submitted.json().id;
  }, 120_000);
  afterAll(() => t?.close());

  it('nulls every value sealed with the member’s key in the erasure, and the follow-up makes the old copies unreadable after the retention window', async () => {
    const s = t.services;
    // What the attacker keeps from before the erasure: the row versions a dead tuple, pg_wal or a backup hold.
    const [before] = await t.database.db.select().from(users).where(eq(users.id, memberId));
    const [requestBefore] = await t.database.db
      .select({ weddingContext: featureRequests.weddingContext })
      .from(featureRequests)
      .where(eq(featureRequests.id, requestId));
    expect(before!.dataKey).toMatch(/^v1\.w\d+\./);
    expect(requestBefore!.weddingContext).not.toBeNull();
    const wrappedUnder = before!.memberKeyVersion!;
    expect(wrappedUnder).toBeGreaterThan(0);
    /** The attack: the master key and the member KEK directory (the host), and the old row bytes. */
    const attack = async () => {
      const keyring = await openKeyring(t.database.db, Buffer.from(MASTER_KEY, 'base64'), t.config.memberKeyDir);
      const pii = await openUserPii(keyring, before!);
      const context = openWeddingContext(keyring, await keyring.userKey(before!.dataKey, memberId), requestId, requestBefore!.weddingContext);
      return { email: pii?.email, phone: pii?.phone, venue: context?.venueAddress, couple: context?.coupleNames };
    };
    expect(await attack()).toEqual({ email, phone: '+353 87 123 4567', venue: '4 Harbour Lane, Dingle', couple: 'Niamh & Ronan' });

    const erased = await t.request(member, { method: 'POST', url: '/api/privacy/erasure', payload: { confirm: 'erase my account' } });
    expect(erased.statusCode).toBe(200);

    // 1. In the erasure's transaction: nothing sealed with the member's key is left in a live row,
    //    and the follow-up job is queued with the KEK version that wrapped the key.
    const [after] = await t.database.db.select().from(users).where(eq(users.id, memberId));
    expect(after).toMatchObject({ email: 'erased', phone: null, businessAddress: null, dataKey: null, memberKeyVersion: null });
    const contexts = await t.database.db
      .select({ weddingContext: featureRequests.weddingContext })
      .from(featureRequests)
      .where(eq(featureRequests.authorId, memberId));
    expect(contexts).toEqual([{ weddingContext: null }]);
    const queued = await t.database.db.select({ payload: jobs.payload, state: jobs.state }).from(jobs).where(eq(jobs.type, 'finish_erasures'));
    expect(queued).toEqual([{ payload: { memberKeyVersion: wrappedUnder }, state: 'pending' }]);

    // The dead row versions are still in the data files until the follow-up rewrites them.
    expect(await dataFile('users')).toContain(before!.dataKey!);
    expect(await dataFile('feature_requests')).toContain(requestBefore!.weddingContext!);

    // 2 and 3. The follow-up: a new KEK version with every live key re-wrapped, the tables rewritten.
    const followUp = await finishErasures(s, wrappedUnder);
    expect(followUp.rotated).toMatchObject({ from: wrappedUnder, to: wrappedUnder + 1 });
    expect(followUp.rotated!.rewrapped).toBeGreaterThan(0);
    expect(followUp.destroyed).toEqual([]);
    expect(await dataFile('users')).not.toContain(before!.dataKey!);
    expect(await dataFile('feature_requests')).not.toContain(requestBefore!.weddingContext!);
    const [{ n: left } = { n: -1 }] = rows<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from users where data_key is not null and member_key_version is distinct from ${wrappedUnder + 1}`,
      ),
    );
    expect(left).toBe(0);
    // A second run (a retry, or a later erasure of a key wrapped under the old version) rotates no more.
    expect((await finishErasures(s, wrappedUnder)).rotated).toBeNull();

    // Within the backup retention window the old version stays, so a kept backup can still be restored.
    t.clock.advance((t.config.backupRetentionDays - 1) * DAY);
    expect(await destroyExpiredMemberKeys(s)).toEqual([]);
    expect((await attack()).email).toBe(email);

    // Past it, the old version is destroyed: the attacker's copies of the key open nothing, even with
    // the master key and everything in MEMBER_KEY_DIR.
    t.clock.advance(2 * DAY);
    expect(await destroyExpiredMemberKeys(s)).toEqual([wrappedUnder]);
    expect(existsSync(path.join(t.config.memberKeyDir, `v${wrappedUnder}.key`))).toBe(false);
    await expect(attack()).rejects.toThrow(DecryptionError);

    // Everyone else's personal data is still readable, under the new version.
    const product = await t.login('product@demo.test');
    const profile = await t.request(product, { method: 'GET', url: '/api/user/context' });
    expect(profile.statusCode).toBe(200);
    const others = await t.database.db
      .select()
      .from(users)
      .where(sql`${users.dataKey} is not null`);
    const fresh = await openKeyring(t.database.db, Buffer.from(MASTER_KEY, 'base64'), t.config.memberKeyDir);
    for (const row of others) expect((await openUserPii(fresh, row))?.email).toMatch(/@/);
  });
});
