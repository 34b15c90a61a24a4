// Field encryption end to end, on PGlite and PostgreSQL: what the API returns is plaintext, what the
// database holds is not; blind indexes keep login and search working; rotation moves every row to a
// new key while reads go on; shredding a personal key makes that person's data unreadable.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { MIGRATIONS_FOLDER, rows } from '../../../src/db/client.js';
import { comments, encryptionKeys, featureRequests, users } from '../../../src/db/schema.js';
import { DecryptionError, shredUserKey } from '../../../src/security/keyring.js';
import { emailIndexOf } from '../../../src/security/records.js';
import { reencryptAll, rotateKeys, rotateKeysIfDue, sealPlaintextRows } from '../../../src/services/key-rotation.js';
import { hashPassword, logIn } from '../../../src/services/accounts.js';
import type { Services } from '../../../src/services/context.js';
import { openKeyring, serviceContext } from '../../../src/services/service-context.js';
import { getFeatureRequest, listFeatureRequests } from '../../../src/services/feature-requests.js';
import { anonymous, createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES, freshDatabase, type TestDatabase } from '../../helpers/database.js';
import { processSharedState } from '../../../src/db/shared-state.js';
import { signUpVerified } from '../../helpers/accounts.js';
import { NEXT_YEAR } from '../../helpers/fixtures.js';

/** Every row of every table of ours, as text: what someone with a copy of the database sees. */
async function rawDatabaseText(t: TestApp): Promise<string> {
  const tables = rows<{ name: string }>(await t.database.db.execute(sql`select tablename as name from pg_tables where schemaname = 'public'`));
  const dumps = await Promise.all(
    tables.map(
      async ({ name }) =>
        rows<{ dump: string | null }>(await t.database.db.execute(sql`select string_agg(t::text, E'\n') as dump from ${sql.identifier(name)} t`))[0]?.dump ??
        '',
    ),
  );
  return dumps.join('\n');
}

const weddingRequest = (marker: string) => ({
  title: 'Seating chart printing',
  description: `Please add ${marker} to the seating chart export.`,
  category: 'seating',
  urgency: 'low',
  painPoints: [`pain ${marker}`],
  weddingContext: {
    weddingDate: `${NEXT_YEAR}-08-21`,
    guestCount: 90,
    country: 'IE',
    timeZone: 'Europe/Dublin',
    venueAddress: `1 ${marker} Street`,
    coupleNames: `Ada ${marker} & Ben`,
  },
});

describe.each(DATABASE_MODES)('field encryption (%s)', (mode) => {
  let t: TestApp;
  let couple: Caller;
  let product: Caller;
  beforeAll(async () => {
    t = await createTestApp(mode);
    [couple, product] = await Promise.all([t.login('couple@demo.test'), t.login('product@demo.test')]);
  });
  afterAll(() => t?.close());

  const get = (caller: Caller, url: string) => t.request(caller, { method: 'GET', url });

  it('stores a marker written into every encrypted field nowhere in the database, and reads it back', async () => {
    const marker = `zqvx${randomBytes(6).toString('hex')}marker`;
    const phone = `+44 ${String(Date.now()).slice(-10)}`;
    const signup = await signUpVerified(t, {
      email: `${marker}@example.test`,
      password: 'long enough password',
      displayName: 'Marker venue',
      role: 'wedding_supplier',
      timeZone: 'Europe/Dublin',
      phone,
      supplierType: 'venue',
      businessName: 'Marker Barn',
      businessSize: 'small',
      businessAddress: `2 ${marker} Lane`,
    });
    expect(signup.statusCode).toBe(200);
    expect(signup.json().user.email).toBe(`${marker}@example.test`);
    const created = await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest(marker) });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const edited = await t.request(couple, {
      method: 'PATCH',
      url: `/api/feature-requests/${id}`,
      payload: { painPoints: [`pain ${marker}`, `edited ${marker}`] },
    });
    expect(edited.statusCode).toBe(200);
    expect(
      (await t.request(couple, { method: 'POST', url: `/api/feature-requests/${id}/comments`, payload: { content: `comment ${marker}` } })).statusCode,
    ).toBe(201);

    // The API answers in plaintext, as before.
    const full = (await get(product, `/api/feature-requests/${id}`)).json();
    expect(full.description).toContain(marker);
    expect(full.painPoints).toEqual([`pain ${marker}`, `edited ${marker}`]);
    expect(full.weddingContext).toMatchObject({ venueAddress: `1 ${marker} Street`, coupleNames: `Ada ${marker} & Ben`, country: 'IE' });
    expect((await get(couple, `/api/feature-requests/${id}/comments`)).json().items.map((c: { content: string }) => c.content)).toContain(`comment ${marker}`);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `${marker.toUpperCase()}@EXAMPLE.TEST `, password: 'long enough password' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.email).toBe(`${marker}@example.test`);
    // Blind search finds it by a word of the (encrypted) description, for a reader of descriptions.
    expect((await get(product, `/api/feature-requests?q=${marker}&limit=10`)).json().items.map((i: { id: string }) => i.id)).toEqual([id]);

    // The database holds none of it: not in rows, not in the search index, not in the audit trail.
    const raw = await rawDatabaseText(t);
    expect(raw).toContain(id);
    expect(raw.toLowerCase()).not.toContain(marker);
    expect(raw).not.toContain(phone.slice(4));
    const [row] = await t.database.db.select().from(featureRequests).where(eq(featureRequests.id, id));
    expect(row!.description).toMatch(/^v1\.k1\./);
    expect(row!.weddingContext).toMatch(/^v1\.u\./);
    expect(row!.country).toBe('IE'); // the coarse analytics column stays
  });

  it('logs in by a blind index of the normalised email, and keeps addresses unique', async () => {
    const email = `Mixed.Case-${mode}@Example.test`;
    const signup = await signUpVerified(t, { email, password: 'long enough password', displayName: 'Mixed', role: 'couple', timeZone: 'Europe/Paris' });
    expect(signup.statusCode).toBe(200);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, signup.json().user.id));
    expect(row!.emailIndex).toBe(emailIndexOf(t.services.keyring, email));
    expect(row!.emailIndex).not.toContain('mixed');
    expect(row!.email).toMatch(/^v1\.u\./);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: email.toLowerCase(), password: 'long enough password', displayName: 'Twin', role: 'couple', timeZone: 'Europe/Paris' },
    });
    expect(again.statusCode).toBe(200);
    expect(await t.database.db.$count(users, eq(users.emailIndex, row!.emailIndex))).toBe(1);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `  ${email.toLowerCase()}`, password: 'long enough password' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.email).toBe(email);
  });

  it('searches through the blind token index: every word must match, stop words and syntax alone match nothing', async () => {
    const word = `fiddle${randomBytes(3).toString('hex')}`;
    const { id } = (
      await t.request(couple, {
        method: 'POST',
        url: '/api/feature-requests',
        payload: { ...weddingRequest('x'), title: 'Band booking', description: `The ${word} players and the harpists need a stage plan.` },
      })
    ).json();
    const search = async (q: string) =>
      (await get(product, `/api/feature-requests?q=${encodeURIComponent(q)}&limit=100`)).json().items.map((i: { id: string }) => i.id);
    expect(await search(`${word.toUpperCase()} harpist`)).toContain(id);
    expect(await search(`${word} booking`)).toContain(id); // title words too
    expect(await search(`${word} ceilidh`)).not.toContain(id);
    expect(await search('the and of')).toEqual([]);
    const [row] = await t.database.db.select({ tokens: featureRequests.searchTokens }).from(featureRequests).where(eq(featureRequests.id, id));
    expect(row!.tokens).toEqual(expect.arrayContaining(t.services.keyring.searchTokenHashes(`${word} harpist`)));
    expect(row!.tokens.join(' ')).not.toMatch(/fiddle|harp/);
  });

  it('refuses a ciphertext moved to another row', async () => {
    const [a, b] = await t.database.db.select({ id: featureRequests.id, description: featureRequests.description }).from(featureRequests).limit(2);
    await t.database.db.update(featureRequests).set({ description: b!.description }).where(eq(featureRequests.id, a!.id));
    await expect(getFeatureRequest(t.services, { id: randomUUID(), role: 'product_team', verified: true, timeZone: 'Europe/London' }, a!.id)).rejects.toThrow(
      DecryptionError,
    );
    expect((await get(product, `/api/feature-requests/${a!.id}`)).statusCode).toBe(500);
    await t.database.db.update(featureRequests).set({ description: a!.description }).where(eq(featureRequests.id, a!.id));
  });

  it('crypto-shreds: without the personal key the wedding context and email are gone, the content stays', async () => {
    const signup = await signUpVerified(t, {
      email: `shred-${mode}@example.test`,
      password: 'long enough password',
      displayName: 'Shred',
      role: 'couple',
      timeZone: 'Europe/Paris',
    });
    const caller = { headers: { cookie: `wsfr_session=${signup.cookies[0]!.value}` }, csrfToken: signup.json().csrfToken };
    const { id } = (await t.request(caller, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest('shredme') })).json();
    expect((await get(product, `/api/feature-requests/${id}`)).json().weddingContext.venueAddress).toBe('1 shredme Street');
    await t.services.db.transaction((tx) => shredUserKey(tx, signup.json().user.id));
    const after = (await get(product, `/api/feature-requests/${id}`)).json();
    expect(after.weddingContext).toBeNull();
    expect(after.description).toContain('shredme');
    expect((await get(caller, '/api/user/context')).json().user.email).toBe('');
  });

  it('rotates: a new version seals new writes, old ones still read, the sweep moves every row, the old version retires', async () => {
    const sample = (await get(anonymous, '/api/feature-requests?limit=5&sort=top')).json().items.map((i: { id: string }) => i.id) as string[];
    const before = await Promise.all(sample.map(async (id) => (await get(product, `/api/feature-requests/${id}`)).json()));
    const [oldRow] = await t.database.db.select().from(featureRequests).where(eq(featureRequests.id, sample[0]!));

    const { from, to } = await t.services.keyring.addVersion();
    expect(to).toBe(from + 1);
    // Mid-rotation: rows on both versions, all readable.
    const { id: fresh } = (await t.request(couple, { method: 'POST', url: '/api/feature-requests', payload: weddingRequest('midrotation') })).json();
    const [freshRow] = await t.database.db.select().from(featureRequests).where(eq(featureRequests.id, fresh));
    expect(freshRow!.keyVersion).toBe(to);
    expect((await get(product, `/api/feature-requests/${sample[0]}`)).json()).toEqual(before[0]);

    const result = await reencryptAll(t.services, { batchSize: 7 });
    expect(result.reencrypted.featureRequests).toBeGreaterThan(100);
    expect(result.reencrypted.users).toBeGreaterThan(50);
    expect(result.reencrypted.comments).toBeGreaterThan(50);
    for (const table of [users, featureRequests, comments]) {
      const versions = await t.database.db.selectDistinct({ v: table.keyVersion }).from(table);
      expect(versions).toEqual([{ v: to }]);
    }
    const [newRow] = await t.database.db.select().from(featureRequests).where(eq(featureRequests.id, sample[0]!));
    expect(newRow!.description).not.toBe(oldRow!.description);
    expect(newRow!.description).toMatch(new RegExp(`^v1\\.k${to}\\.`));
    expect(newRow!.weddingContext).toBe(oldRow!.weddingContext); // personal key re-wrapped instead
    expect(await Promise.all(sample.map(async (id) => (await get(product, `/api/feature-requests/${id}`)).json()))).toEqual(before);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'couple@demo.test', password: 'wedding-demo' } })).statusCode).toBe(
      200,
    );
    const keys = await t.database.db.select().from(encryptionKeys).where(eq(encryptionKeys.purpose, 'data'));
    expect(keys.find((k) => k.version === from)!.retiredAt).not.toBeNull();
    expect(keys.find((k) => k.version === to)!.retiredAt).toBeNull();

    // The CLI path and the 90-day schedule, audited.
    const cli = await rotateKeys(t.services, 'cli', { batchSize: 50 });
    expect(cli.to).toBe(to + 1);
    expect((await rotateKeysIfDue(t.services)).to).toBe(cli.to);
    t.clock.advance(91 * 86_400_000);
    expect((await rotateKeysIfDue(t.services)).to).toBe(cli.to + 1);
    const audit = rows<{ action: string; details: { trigger?: string } }>(
      await t.database.db.execute(sql`select action, details from audit_events where action like 'encryption_%' order by id`),
    );
    expect(audit.filter((a) => a.action === 'encryption_key_rotated').map((a) => a.details.trigger)).toEqual(['cli', 'schedule']);
    expect(audit.filter((a) => a.action === 'encryption_reencryption_completed')).toHaveLength(2);
  });
});

describe.each(DATABASE_MODES)('upgrading a database from before field encryption (%s)', (mode) => {
  let database: TestDatabase | undefined;
  afterAll(() => database?.close());

  it('migrates the old columns and seals the old rows: login, reads and search work, no plaintext is left', async () => {
    database = await freshDatabase(mode, undefined, { migrate: false });
    // The schema as the previous release left it: every migration before field encryption.
    const previous = mkdtempSync(path.join(tmpdir(), 'wsfr-previous-'));
    cpSync(MIGRATIONS_FOLDER, previous, { recursive: true });
    const journalFile = path.join(previous, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.slice(
      0,
      journal.entries.findIndex((e) => e.tag.endsWith('_field_encryption')),
    );
    writeFileSync(journalFile, JSON.stringify(journal));
    await (mode === 'pglite' ? migratePglite : migratePostgres)(database.db as never, { migrationsFolder: previous });

    const marker = `oldrow${randomBytes(4).toString('hex')}`;
    const passwordHash = await hashPassword('old password 123');
    const [user] = rows<{ id: string }>(
      await database.db.execute(sql`insert into users (email, email_index, password_hash, display_name, role, region, time_zone, phone)
        values (${`Old.${marker}@Example.test`}, ${`old.${marker}@example.test`}, ${passwordHash}, 'Old couple', 'couple', 'northern_hemisphere', 'Europe/London', '+44 1234 567890') returning id`),
    );
    const [request] = rows<{ id: string }>(
      await database.db
        .execute(sql`insert into feature_requests (author_id, title, description, pain_points, category, urgency, user_type, wedding_context, country, region)
        values (${user!.id}, 'Old request', ${`A ${marker} description`}, ${JSON.stringify([`old ${marker}`, 'second'])}::jsonb, 'seating', 'low', 'couple',
          ${JSON.stringify({ weddingDate: `${NEXT_YEAR}-05-01`, guestCount: 40, country: 'GB', timeZone: 'Europe/London', coupleNames: `${marker} & Co` })}::jsonb, 'GB', 'northern_hemisphere') returning id`),
    );
    await database.db.execute(
      sql`insert into comments (request_id, author_id, author_role, content) values (${request!.id}, ${user!.id}, 'couple', ${`old comment ${marker}`})`,
    );

    await database.migrate();
    const config = loadConfig({ NODE_ENV: 'test', MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')) });
    const now = () => new Date();
    const shared = processSharedState();
    const services: Services = serviceContext({
      db: database.db,
      config,
      now,
      keyring: await openKeyring(database.db, randomBytes(32), config.memberKeyDir),
      shared,
    });
    expect(await sealPlaintextRows(services)).toEqual({ users: 1, featureRequests: 1, comments: 1 });

    const raw = rows<{ dump: string }>(
      await database.db.execute(
        sql`select concat_ws(E'\n', (select string_agg(u::text, ' ') from users u), (select string_agg(f::text, ' ') from feature_requests f), (select string_agg(c::text, ' ') from comments c)) as dump`,
      ),
    )[0]!.dump;
    expect(raw.toLowerCase()).not.toContain(marker);
    const grant = await logIn(services, `old.${marker}@example.test`, 'old password 123');
    expect(grant.user.email).toBe(`Old.${marker}@Example.test`);
    const actor = { id: user!.id, role: 'couple' as const, verified: true, timeZone: 'Europe/London' };
    const full = await getFeatureRequest(services, actor, request!.id);
    expect(full).toMatchObject({
      description: `A ${marker} description`,
      painPoints: [`old ${marker}`, 'second'],
      weddingContext: { guestCount: 40, coupleNames: `${marker} & Co` },
    });
    const [row] = await database.db.select({ guestCount: featureRequests.guestCount }).from(featureRequests);
    expect(row!.guestCount).toBe(40);
    // Its author finds it by a word of the description; anyone by a word of its title.
    expect((await listFeatureRequests(services, actor, { sort: 'new', q: marker, limit: 10 })).items.map((i) => i.id)).toEqual([request!.id]);
    expect((await listFeatureRequests(services, null, { sort: 'new', q: 'old request', limit: 10 })).items.map((i) => i.id)).toEqual([request!.id]);
  });
});
