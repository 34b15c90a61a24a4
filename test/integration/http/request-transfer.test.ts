// Import and export of feature requests through the API (issue #18.5): the export leaves personal
// data out unless a justification is given (and is audited either way, the personal one as a
// personal-data access), its CSV cannot carry a formula; the import reports a dry run without
// writing, creates nothing on a re-run, refuses a bad row by its line, imports a Fider export, and
// its placeholder voters' votes pass to the member who signs up with their email.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand, runOperatorCommand } from '../../../src/operator/commands.js';
import { auditEvents, featureRequests, importedRequests, users, votes } from '../../../src/db/schema.js';
import { createTestApp, type Caller, type TestApp } from '../../helpers/app.js';
import { DATABASE_MODES } from '../../helpers/database.js';
import { coupleSignup } from '../../helpers/fixtures.js';
import { mintVerificationLink } from '../../helpers/accounts.js';

const FIDER_CSV = readFileSync(new URL('../../fixtures/fider-posts-export.csv', import.meta.url), 'utf8');
const JUSTIFICATION = 'Customer research interviews need the authors to contact';

const ownCsv = (rows: string[]) => ['external_id,title,description,category,status,voter_emails,created_at', ...rows].join('\n');

describe.each(DATABASE_MODES)('request import and export (%s)', (mode) => {
  let t: TestApp;
  let product: Caller;
  let couple: Caller;

  const audits = async (action: string) => t.services.db.select().from(auditEvents).where(eq(auditEvents.action, action));
  const exportFile = (payload: Record<string, unknown>, caller = product) =>
    t.request(caller, { method: 'POST', url: '/api/feature-requests/export', payload });
  const importFile = (payload: Record<string, unknown>, caller = product) =>
    t.request(caller, { method: 'POST', url: '/api/feature-requests/import', payload });
  const requestCount = async () => (await t.services.db.select({ n: sql<number>`count(*)::int` }).from(featureRequests))[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(mode);
    product = await t.login('product@demo.test');
    couple = await t.login('couple@demo.test');
  }, 120_000);
  afterAll(async () => t?.close());

  it('exports without personal data by default: pseudonymous voters, audited with its row count', async () => {
    const res = await exportFile({ format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body.startsWith('\uFEFFid,title,category,status')).toBe(true);
    const rows = parseCsv(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(Number(res.headers['x-export-records']));
    expect(rows.length).toBeGreaterThan(10);
    const voted = rows.find((r) => r.voters !== '')!;
    expect(voted.voters!.split('; ').every((v) => /^member-[0-9a-f]{12}$/.test(v))).toBe(true);
    for (const row of rows) {
      expect(row.author).toBe('');
      expect(row.description).toBe('');
      expect(row.wedding_context).toBe('');
    }
    expect(res.body).not.toMatch(/@demo\.test|demo couple/i);
    // The same voter has the same pseudonym throughout one export, and another in the next export.
    const pseudonyms = rows.flatMap((r) => (r.voters ? r.voters.split('; ') : []));
    expect(new Set(pseudonyms).size).toBeLessThan(pseudonyms.length);
    const again = parseCsv((await exportFile({ format: 'csv' })).body, { bom: true, columns: true }) as Record<string, string>[];
    expect(again.find((r) => r.id === voted.id)!.voters).not.toBe(voted.voters);

    const [audit] = (await audits('feature_requests_exported')).filter((a) => a.details.personal === false);
    expect(audit).toMatchObject({ actorRole: 'product_team', details: { format: 'csv', records: rows.length, personal: false } });
    expect(audit!.details).not.toHaveProperty('justification');
  });

  it('includes personal fields only with a justification, audited and seen by the insider detections', async () => {
    const short = await exportFile({ format: 'json', justification: 'because' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('justification_required');

    const res = await exportFile({ format: 'json', justification: JUSTIFICATION });
    expect(res.statusCode).toBe(200);
    const items = JSON.parse(res.body) as { author: { email?: string; name?: string }; description: string; votes: { voter: { email?: string } }[] }[];
    expect(items.length).toBe(Number(res.headers['x-export-records']));
    expect(items.some((i) => i.author.email?.endsWith('@demo.test'))).toBe(true);
    expect(items.every((i) => typeof i.description === 'string' && i.description.length > 0)).toBe(true);
    expect(items.flatMap((i) => i.votes).some((v) => v.voter.email?.endsWith('@demo.test'))).toBe(true);

    const exported = (await audits('feature_requests_exported')).find((a) => a.details.personal === true);
    expect(exported!.details).toMatchObject({ format: 'json', records: items.length, justification: JUSTIFICATION });
    const access = (await audits('user_data_accessed')).find((a) => a.details.data_type === 'feature_request_export');
    expect(access!.details).toMatchObject({ kind: 'export', records: items.length, justification: JUSTIFICATION });
    // A whole-board export of personal data is a bulk export to the insider detections.
    const anomaly = (await audits('insider_access_anomaly')).find((a) => a.details.purpose === 'product_team_export');
    expect(anomaly!.details.anomalies).toContain('bulk_export');
  });

  it('prefixes cells a spreadsheet would run as a formula', async () => {
    const title = '=HYPERLINK("http://evil.test","Seating help")';
    const submitted = await t.request(couple, {
      method: 'POST',
      url: '/api/feature-requests',
      payload: {
        title,
        description: 'A formula in the title must stay text when the product team opens the export.',
        category: 'seating',
        urgency: 'low',
        painPoints: [],
        weddingContext: { weddingDate: '2031-06-19', guestCount: 80, country: 'GB', timeZone: 'Europe/London' },
      },
    });
    expect(submitted.statusCode).toBe(201);
    const rows = parseCsv((await exportFile({ format: 'csv' })).body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.id === submitted.json().id)!.title).toBe(`'${title}`);
  });

  it('reports a dry run of a Fider export without writing, then imports it once', async () => {
    const before = await requestCount();
    const dry = await importFile({ csv: FIDER_CSV, mapping: 'fider', dryRun: true });
    expect(dry.statusCode).toBe(200);
    const report = dry.json();
    expect(report).toMatchObject({ dryRun: true, source: 'fider', rows: 5, votes: { created: 0, placeholderMembers: 0 } });
    expect(report.created.map((c: { externalId: string; requestId: string | null }) => [c.externalId, c.requestId])).toEqual([
      ['1', null],
      ['2', null],
      ['3', null],
    ]);
    expect(report.skipped).toEqual([{ row: 5, externalId: '4', reason: 'status_duplicate', message: expect.any(String) }]);
    expect(report.refused).toEqual([{ row: 6, externalId: '5', reason: 'category_unknown', message: expect.any(String) }]);
    expect(await requestCount()).toBe(before);
    expect(await t.services.db.select().from(importedRequests)).toEqual([]);

    const real = (await importFile({ csv: FIDER_CSV, mapping: 'fider', dryRun: false, defaultCategory: 'budget_payments' })).json();
    expect(real.created.map((c: { externalId: string }) => c.externalId)).toEqual(['1', '2', '3', '5']);
    expect(await requestCount()).toBe(before + 4);
    const byExternal = Object.fromEntries(real.created.map((c: { externalId: string; requestId: string }) => [c.externalId, c.requestId]));
    const read = async (id: string) => (await t.request(product, { method: 'GET', url: `/api/feature-requests/${id}` })).json();
    expect(await read(byExternal['1'])).toMatchObject({
      title: 'Seating chart export to PDF',
      description: 'Our caterer wants the table plan as a PDF, with "dietary" icons.',
      category: 'seating',
      status: 'planned',
      createdAt: '2025-11-02T09:14:55.000Z',
    });
    expect(await read(byExternal['2'])).toMatchObject({ category: 'communication', status: 'in_progress' });
    expect(await read(byExternal['3'])).toMatchObject({ status: 'shipped' });
    expect(await read(byExternal['5'])).toMatchObject({ category: 'budget_payments', status: 'open' });
    const [audit] = await audits('feature_requests_imported');
    expect(audit!.details).toMatchObject({ source: 'fider', created: 4 });

    // The same file again: nothing new.
    const rerun = (await importFile({ csv: FIDER_CSV, mapping: 'fider', dryRun: false, defaultCategory: 'budget_payments' })).json();
    expect(rerun.created).toEqual([]);
    expect(rerun.alreadyImported.map((c: { requestId: string }) => c.requestId).sort()).toEqual(Object.values(byExternal).sort());
    expect(await requestCount()).toBe(before + 4);
    expect(await audits('feature_requests_imported')).toHaveLength(1);
  });

  it('refuses a bad row by its line number and writes nothing of it', async () => {
    const before = await requestCount();
    const csv = ownCsv([
      'bad-1,Guest list printing,Print the guest list by table.,guest_management,open,not-an-email,2025-10-01',
      'good-1,RSVP reminder by text,Remind guests by text a week before the RSVP date.,rsvp,open,,2025-10-02',
      'bad-2,Timeline sharing,Share the day timeline with suppliers.,timeline_planning,shipped-ish,,2025-10-03',
    ]);
    const report = (await importFile({ csv, mapping: 'wedsync', source: 'sheet', dryRun: false })).json();
    expect(report.refused).toEqual([
      { row: 2, externalId: 'bad-1', reason: 'voter_email_invalid', message: expect.stringContaining('not-an-email') },
      { row: 4, externalId: 'bad-2', reason: 'status_unknown', message: expect.any(String) },
    ]);
    expect(report.created.map((c: { externalId: string }) => c.externalId)).toEqual(['good-1']);
    expect(await requestCount()).toBe(before + 1);
    const ids = (await t.services.db.select().from(importedRequests).where(eq(importedRequests.source, 'sheet'))).map((r) => r.externalId);
    expect(ids).toEqual(['good-1']);

    const broken = await importFile({ csv: 'external_id,title\n"unterminated,row', mapping: 'wedsync', dryRun: true });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('csv_invalid');
    const unmapped = await importFile({ csv: 'id,name\n1,x', mapping: 'fider', dryRun: true });
    expect(unmapped.statusCode).toBe(400);
    expect(unmapped.json().error).toMatchObject({ code: 'csv_columns_missing' });
  });

  it('imports voters as placeholder members whose votes the member claims on sign-up', async () => {
    const email = `imported.voter.${mode}@example.test`;
    const csv = ownCsv([
      `v-1,Vendor payment reminders,Remind us before each supplier payment is due.,budget_payments,open,${email}; couple@demo.test,2025-09-01`,
      // One row per vote, as some tools export: the same request gains a voter.
      `v-1,,,,,supplier@demo.test,`,
      `v-2,Photo gallery for guests,Let guests upload their photos to one album.,photos_media,open,${email.toUpperCase()},2025-09-02`,
    ]);
    const dry = (await importFile({ csv, mapping: 'wedsync', source: 'votes', dryRun: true })).json();
    expect(dry.votes).toEqual({ created: 4, placeholderMembers: 1 });
    const report = (await importFile({ csv, mapping: 'wedsync', source: 'votes', dryRun: false })).json();
    expect(report.refused).toEqual([]);
    expect(report.votes).toEqual({ created: 4, placeholderMembers: 1 });
    const [first, second] = report.created as { requestId: string; rows: number[] }[];
    expect(first!.rows).toEqual([2, 3]);
    const tally = async (id: string) => (await t.services.db.select().from(featureRequests).where(eq(featureRequests.id, id)))[0]!;
    expect((await tally(first!.requestId)).voteCount).toBe(3);
    expect((await tally(second!.requestId)).voteCount).toBe(1);

    const placeholders = await t.services.db.select().from(users).where(isNotNull(users.importedEmailIndex));
    expect(placeholders).toHaveLength(1);
    // A placeholder cannot sign in, whatever the password.
    for (const password of ['correct horse battery staple', 'imported-voter-guess']) {
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      expect(login.statusCode).toBe(401);
    }
    // Importing again, placeholders and all, creates nothing.
    const rerun = (await importFile({ csv, mapping: 'wedsync', source: 'votes', dryRun: false })).json();
    expect(rerun.votes).toEqual({ created: 0, placeholderMembers: 0 });

    // The votes go to whoever proves they read mail at the address. A bare sign-up, which anyone can
    // make with someone else's address, claims nothing; following the emailed link does.
    const signup = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: coupleSignup({ email }) });
    expect(signup.statusCode).toBe(200);
    expect(await t.services.db.select().from(users).where(eq(users.id, placeholders[0]!.id))).toHaveLength(1);
    expect(await t.services.db.select().from(votes).where(eq(votes.userId, placeholders[0]!.id))).toHaveLength(2);
    const verified = await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token: await mintVerificationLink(t, email) } });
    expect(verified.statusCode).toBe(200);
    const member = verified.json().user.id as string;
    const theirs = await t.services.db.select().from(votes).where(eq(votes.userId, member));
    expect(theirs.map((v) => v.requestId).sort()).toEqual([first!.requestId, second!.requestId].sort());
    expect(await t.services.db.select().from(users).where(eq(users.id, placeholders[0]!.id))).toEqual([]);
    expect((await tally(first!.requestId)).voteCount).toBe(3);
    expect((await tally(second!.requestId)).voteCount).toBe(1);
    const [claimed] = (await audits('imported_votes_claimed')).filter((a) => a.targetId === member);
    expect(claimed!.details).toMatchObject({ votes: 2, requests: 2 });
    // Their votes are theirs now: a further run finds the member, not a new placeholder.
    const after = (await importFile({ csv, mapping: 'wedsync', source: 'votes', dryRun: false })).json();
    expect(after.votes).toEqual({ created: 0, placeholderMembers: 0 });
    expect(
      await t.services.db
        .select()
        .from(votes)
        .where(and(eq(votes.userId, member))),
    ).toHaveLength(2);
  });

  it('runs as operator verbs: export into a new file only, import with a dry run', async () => {
    const verb = (argv: string[]) => {
      const found = findCommand(argv)!;
      return runOperatorCommand({ services: t.services, database: t.database, serving: false }, found.command, found.args, {});
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-transfer-'));
    const out = path.join(dir, 'board.csv');
    const exported = await verb(['export-requests', '--format', 'csv', '--out', out]);
    expect(exported).toMatchObject({ exitCode: 0, output: expect.stringMatching(/^exported \d+ request\(s\) as csv without personal data/) });
    const rows = parseCsv(readFileSync(out, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(Number(/exported (\d+)/.exec(exported.output!)![1]));
    const again = await verb(['export-requests', '--format', 'csv', '--out', out, '--justification', JUSTIFICATION]);
    expect(again).toMatchObject({ exitCode: 1, error: expect.stringContaining('EEXIST') });
    expect(readFileSync(out, 'utf8')).not.toMatch(/@demo\.test/);

    const file = path.join(dir, 'posts.csv');
    writeFileSync(file, FIDER_CSV);
    const dry = await verb(['import-requests', '--file', file, '--mapping', 'fider', '--source', 'fider-cli', '--dry-run']);
    expect(dry.exitCode).toBe(1);
    expect(dry.output).toContain('refused row 6 (5): category_unknown');
    expect(dry.output).toContain('skipped row 5 (4): status_duplicate');
    expect(dry.output).toMatch(/dry run, nothing written: would create 3 request\(s\)/);
    const real = await verb(['import-requests', '--file', file, '--mapping', 'fider', '--source', 'fider-cli', '--default-category', 'rsvp']);
    expect(real).toMatchObject({ exitCode: 0, output: expect.stringMatching(/created 4 request\(s\)/) });
    const missing = await verb(['import-requests', '--file', path.join(dir, 'nope.csv'), '--mapping', 'fider']);
    expect(missing).toMatchObject({ exitCode: 1, error: expect.stringContaining('ENOENT') });
  });

  it('is the product team’s alone', async () => {
    expect((await exportFile({ format: 'csv' }, couple)).statusCode).toBe(403);
    expect((await importFile({ csv: FIDER_CSV, mapping: 'fider', dryRun: true }, couple)).statusCode).toBe(403);
  });
});
