// Import and export of feature requests (issue #18.5): the CSV cell rules of an export, and how the
// rows of another tool's CSV become requests and votes — pure, so a dry run and the real import
// decide exactly the same (src/services/request-transfer.ts does the reading and writing).
import { STATUSES, type Status } from './feature-requests.js';
import { unreadableText, UNREADABLE_TEXT_MESSAGES } from './readable-text.js';

// ---- Export ----

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return that some strip first) gets a leading apostrophe: exported titles and
 * comments are written by members, and a member must not be able to run a formula on a staff
 * member's machine.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly (string | number | boolean | null | undefined)[]) => `${values.map(csvCell).join(',')}\r\n`;

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export's columns; the personal ones are filled only in an export with a justification. */
export const EXPORT_COLUMNS = [
  'id',
  'title',
  'category',
  'status',
  'urgency',
  'user_type',
  'vote_count',
  'vote_weight',
  'comment_count',
  'merged_into_id',
  'created_at',
  'updated_at',
  'author',
  'voters',
  'comments',
  'description',
  'pain_points',
  'wedding_context',
] as const;

/** What an export with a justification adds: the fields the insider detections are told about. */
export const PERSONAL_EXPORT_FIELDS = ['author', 'voters', 'comment.author', 'comment.content', 'description', 'pain_points', 'wedding_context'] as const;

// ---- Import ----

/** What an imported row can carry; each is read from the CSV column the mapping names. */
export const IMPORT_FIELDS = ['externalId', 'title', 'description', 'category', 'status', 'urgency', 'voterEmails', 'createdAt'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ColumnMapping = Partial<Record<ImportField, string>> & { externalId: string; title: string };

/**
 * Built-in mappings. `wedsync`: our own column names. `fider`: the header of Fider's "Export posts
 * to CSV" (site settings → Advanced). Fider's file has vote counts but not voters, so its votes are
 * reported as counts and not invented.
 */
export const BUILT_IN_MAPPINGS = {
  wedsync: {
    externalId: 'external_id',
    title: 'title',
    description: 'description',
    category: 'category',
    status: 'status',
    urgency: 'urgency',
    voterEmails: 'voter_emails',
    createdAt: 'created_at',
  },
  fider: { externalId: 'number', title: 'title', description: 'description', category: 'tags', status: 'status', createdAt: 'created_at' },
} as const satisfies Record<string, ColumnMapping>;
export type BuiltInMapping = keyof typeof BUILT_IN_MAPPINGS;
export const BUILT_IN_MAPPING_NAMES = Object.keys(BUILT_IN_MAPPINGS) as BuiltInMapping[];

/** Peer tools' status words, lower-cased with spaces as underscores, as our workflow's. */
const PEER_STATUSES: Record<string, Status> = {
  new: 'open',
  under_review: 'under_review',
  started: 'in_progress',
  in_progress: 'in_progress',
  complete: 'shipped',
  completed: 'shipped',
  done: 'shipped',
  closed: 'declined',
  rejected: 'declined',
};
/** Not importable as a request of its own: a duplicate's votes belong to a request we cannot name. */
const SKIPPED_STATUSES: ReadonlySet<string> = new Set(['duplicate', 'merged', 'deleted']);

const URGENCY_VALUES = ['low', 'medium', 'high', 'critical'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const IMPORT_TITLE_MAX = 120;
export const IMPORT_DESCRIPTION_MAX = 5000;
export const IMPORT_EXTERNAL_ID_MAX = 200;
export const IMPORT_MAX_ROWS = 10_000;
/** The largest file one import takes (characters), over HTTP and at the command line. */
export const IMPORT_CSV_MAX_CHARS = 1_000_000;

export interface ImportOptions {
  categories: readonly string[];
  /** For rows with no category, or one not configured here; without it such rows are refused. */
  defaultCategory?: string;
}

/** One request to create, from one or more rows sharing an external id (a vote-per-row export). */
export interface PlannedRequest {
  externalId: string;
  /** 1-based line numbers in the file (the header is line 1). */
  rows: number[];
  title: string;
  description: string;
  category: string;
  status: Exclude<Status, 'merged'>;
  urgency: (typeof URGENCY_VALUES)[number];
  voterEmails: string[];
  createdAt: Date | null;
}

export interface RowProblem {
  row: number;
  externalId: string | null;
  reason: string;
  message: string;
}

export interface ImportPlan {
  requests: PlannedRequest[];
  /** Rows not imported, each with its reason: refused (bad data) or skipped (nothing to import). */
  refused: RowProblem[];
  skipped: RowProblem[];
}

const key = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function parseDate(value: string): Date | null {
  const text = value.trim();
  // Fider and spreadsheets write "2024-03-01 10:20:30"; read a date without a zone as UTC.
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The columns the header lacks. A mapping written for this file must name only columns it has (a
 * missing one is a typo); a built-in mapping needs only the id and title, the rest may be absent.
 */
export function missingColumns(header: readonly string[], mapping: ColumnMapping, builtIn: boolean): string[] {
  const needed = builtIn ? [mapping.externalId, mapping.title] : Object.values(mapping);
  return needed.filter((column): column is string => typeof column === 'string' && !header.includes(column));
}

/**
 * Reads the file's rows (objects by header) into the requests to create. Every row is judged on its
 * own; a refused row is reported with its line number and reason and the others still import.
 * `now`: a created date in the future is refused (clock or format mix-up).
 */
export function planImport(records: readonly Record<string, string>[], mapping: ColumnMapping, options: ImportOptions, now: Date): ImportPlan {
  const refused: RowProblem[] = [];
  const skipped: RowProblem[] = [];
  const byExternalId = new Map<string, PlannedRequest>();
  const categories = new Set(options.categories);
  records.forEach((record, index) => {
    const row = index + 2;
    const cell = (field: ImportField) => {
      const column = mapping[field];
      return column === undefined ? '' : (record[column] ?? '').trim();
    };
    const externalId = cell('externalId');
    const refuse = (reason: string, message: string) => refused.push({ row, externalId: externalId || null, reason, message });
    if (!externalId) return refuse('external_id_missing', `Column "${mapping.externalId}" is empty: every row needs the id it had in the other tool`);
    if (externalId.length > IMPORT_EXTERNAL_ID_MAX) return refuse('external_id_too_long', `The id is longer than ${IMPORT_EXTERNAL_ID_MAX} characters`);

    const statusWord = key(cell('status') || 'open');
    if (SKIPPED_STATUSES.has(statusWord)) {
      skipped.push({ row, externalId, reason: `status_${statusWord}`, message: `A ${statusWord} post is not imported as a request of its own` });
      return;
    }
    const voterEmails = cell('voterEmails')
      .split(/[;,\s]+/)
      .filter(Boolean)
      .map((email) => email.toLowerCase());
    const badEmail = voterEmails.find((email) => !EMAIL.test(email) || email.length > 254);
    if (badEmail) return refuse('voter_email_invalid', `"${badEmail}" is not an email address`);

    const earlier = byExternalId.get(externalId);
    if (earlier) {
      // A further row of the same request (one row per vote): it adds its voters.
      earlier.rows.push(row);
      for (const email of voterEmails) if (!earlier.voterEmails.includes(email)) earlier.voterEmails.push(email);
      return;
    }

    const title = cell('title');
    const description = cell('description');
    if (!title) return refuse('title_missing', `Column "${mapping.title}" is empty`);
    if (title.length > IMPORT_TITLE_MAX) return refuse('title_too_long', `The title is longer than ${IMPORT_TITLE_MAX} characters`);
    if (description.length > IMPORT_DESCRIPTION_MAX)
      return refuse('description_too_long', `The description is longer than ${IMPORT_DESCRIPTION_MAX} characters`);
    for (const [field, text] of [
      ['title', title],
      ['description', description],
    ] as const) {
      // An empty description is allowed (peers have title-only posts); unreadableText would call it invisible.
      const problem = text === '' ? null : unreadableText(text);
      if (problem) return refuse('unreadable_text', `The ${field} ${UNREADABLE_TEXT_MESSAGES[problem]}`);
    }

    const status = (STATUSES as readonly string[]).includes(statusWord) && statusWord !== 'merged' ? statusWord : PEER_STATUSES[statusWord];
    if (!status) return refuse('status_unknown', `Unknown status "${cell('status')}"`);

    // Fider's tags column may hold several tags: the first that is one of our categories counts.
    const categoryWords = cell('category').split(/[,;]/).map(key).filter(Boolean);
    const category = categoryWords.find((word) => categories.has(word)) ?? options.defaultCategory;
    if (!category) return refuse('category_unknown', `No configured category in "${cell('category')}" and no default category given`);

    const urgencyWord = key(cell('urgency') || 'medium');
    const urgency = URGENCY_VALUES.find((u) => u === urgencyWord);
    if (!urgency) return refuse('urgency_unknown', `Unknown urgency "${cell('urgency')}"`);

    const createdText = cell('createdAt');
    const createdAt = createdText ? parseDate(createdText) : null;
    if (createdText && !createdAt) return refuse('created_at_invalid', `"${createdText}" is not a date`);
    if (createdAt && createdAt > now) return refuse('created_at_in_future', `"${createdText}" is in the future`);

    byExternalId.set(externalId, {
      externalId,
      rows: [row],
      title,
      description,
      category,
      status: status as PlannedRequest['status'],
      urgency,
      voterEmails: [...new Set(voterEmails)],
      createdAt,
    });
  });
  return { requests: [...byExternalId.values()], refused, skipped };
}
