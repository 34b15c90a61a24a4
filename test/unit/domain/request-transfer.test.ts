// The pure rules of import and export: CSV cells that cannot run as formulas, and how rows of
// another tool's CSV become requests (or are refused by line, with a reason).
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_MAPPINGS, csvCell, csvLine, missingColumns, planImport } from '../../../src/domain/request-transfer.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const OPTIONS = { categories: ['seating', 'rsvp', 'communication'] };
const row = (overrides: Record<string, string>) => ({
  external_id: 'x-1',
  title: 'Table plan as PDF',
  description: '',
  category: 'seating',
  status: 'open',
  voter_emails: '',
  created_at: '',
  ...overrides,
});

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2', "'-2"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=cmd', "'\t=cmd"],
    ['=HYPERLINK("http://evil.test")', `"'=HYPERLINK(""http://evil.test"")"`],
    ['a, b', '"a, b"'],
    ['two\nlines', '"two\nlines"'],
    ['plain', 'plain'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves numbers alone (a negative count is not a formula) and writes nothing for null', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
  });

  it('round-trips through a CSV parser as the prefixed text', () => {
    const line = csvLine(['=2*3', 'said "hi", left', 'Zoë'.normalize()]);
    expect(parseCsv(line)).toEqual([["'=2*3", 'said "hi", left', 'Zoë']]);
  });
});

describe('planImport', () => {
  const mapping = BUILT_IN_MAPPINGS.wedsync;

  it('maps peer statuses and categories, and reads dates without a zone as UTC', () => {
    const plan = planImport(
      [row({ status: 'Under Review', created_at: '2025-11-02 09:14:55' }), row({ external_id: 'x-2', status: 'completed', category: 'guests, communication' })],
      mapping,
      OPTIONS,
      NOW,
    );
    expect(plan.refused).toEqual([]);
    expect(plan.requests.map((r) => [r.status, r.category, r.createdAt?.toISOString() ?? null])).toEqual([
      ['under_review', 'seating', '2025-11-02T09:14:55.000Z'],
      ['shipped', 'communication', null],
    ]);
  });

  it('refuses bad rows by line number (the header is line 1) and skips duplicates', () => {
    const plan = planImport(
      [
        row({ external_id: '' }),
        row({ external_id: 'a', title: '' }),
        row({ external_id: 'b', status: 'someday' }),
        row({ external_id: 'c', category: 'catering' }),
        row({ external_id: 'd', voter_emails: 'ok@example.test; nope' }),
        row({ external_id: 'e', created_at: '2030-01-01' }),
        row({ external_id: 'f', title: 'Hidden\u202Etxt.exe' }),
        row({ external_id: 'g', status: 'duplicate' }),
      ],
      mapping,
      OPTIONS,
      NOW,
    );
    expect(plan.requests).toEqual([]);
    expect(plan.refused.map((p) => [p.row, p.reason])).toEqual([
      [2, 'external_id_missing'],
      [3, 'title_missing'],
      [4, 'status_unknown'],
      [5, 'category_unknown'],
      [6, 'voter_email_invalid'],
      [7, 'created_at_in_future'],
      [8, 'unreadable_text'],
    ]);
    expect(plan.skipped.map((p) => [p.row, p.reason])).toEqual([[9, 'status_duplicate']]);
  });

  it('gathers the voters of rows sharing an external id, once each', () => {
    const plan = planImport(
      [row({ voter_emails: 'A@example.test' }), row({ title: '', voter_emails: 'a@example.test, b@example.test' })],
      mapping,
      OPTIONS,
      NOW,
    );
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]).toMatchObject({ rows: [2, 3], voterEmails: ['a@example.test', 'b@example.test'] });
  });

  it('uses the default category for rows without one of ours', () => {
    const plan = planImport([row({ category: '' })], mapping, { ...OPTIONS, defaultCategory: 'rsvp' }, NOW);
    expect(plan.requests[0]!.category).toBe('rsvp');
  });
});

describe('missingColumns', () => {
  it('asks a built-in mapping for the id and title only, a written one for every column it names', () => {
    expect(missingColumns(['external_id', 'title'], BUILT_IN_MAPPINGS.wedsync, true)).toEqual([]);
    expect(missingColumns(['id', 'name'], { externalId: 'id', title: 'name', status: 'state' }, false)).toEqual(['state']);
  });
});
