// Import and export of feature requests (issue #18.5, docs/decisions/0042-request-import-export.md).
// Export: the product team's copy of requests with their votes and comments, streamed in keyset
// batches; personal fields only with a justification, recorded as a personal-data access so the
// insider detections count it. Import: another tool's CSV through a column mapping, planned by the
// pure rules of domain/request-transfer.ts, written one transaction per batch, idempotent by each
// row's external id; voters without an account here become placeholder members whom the real
// member claims on sign-up (claimImportedVotes).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { and, asc, eq, gt, inArray, isNotNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { comments, featureRequests, importedRequests, statusHistory, users, votes } from '../db/schema.js';
import { voteWeight } from '../domain/access-control.js';
import type { Status, UserRole } from '../domain/feature-requests.js';
import { CATALOGUE_TAGS } from '../domain/response-cache.js';
import { regionForCountry } from '../domain/seasons.js';
import {
  BUILT_IN_MAPPINGS,
  csvLine,
  EXPORT_COLUMNS,
  IMPORT_MAX_ROWS,
  missingColumns,
  PERSONAL_EXPORT_FIELDS,
  planImport,
  type BuiltInMapping,
  type ColumnMapping,
  type ExportFormat,
  type PlannedRequest,
  type RowProblem,
} from '../domain/request-transfer.js';
import { DETECT_DUPLICATES, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { emailIndexOf, openComment, openRequestContent, openUserPii, openWeddingContext, sealNewUser, sealRequestContent } from '../security/records.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { badRequest } from './errors.js';
import { purgeResponseCache } from './response-cache.js';
import { recomputeRice } from './rice.js';
import { recordPiiAccess } from './threat-pii-access.js';
import { recountedTally } from './votes.js';

const fr = featureRequests;

/** A staff member over HTTP, or null for an operator at the command line. */
export interface TransferCall {
  actor: { id: string; role: string } | null;
  requestId?: string;
}

/** As long as the other insider actions ask for (vote reviews, status changes). */
export const JUSTIFICATION_MIN_LENGTH = 10;
const EXPORT_BATCH = 200;
const IMPORT_BATCH = 200;

// ---- Export ----

export interface ExportOptions {
  format: ExportFormat;
  /** With one, the personal fields are included (and the export is a recorded personal-data access). */
  justification?: string;
  status?: Status;
}

export interface RequestExport {
  format: ExportFormat;
  records: number;
  personal: boolean;
  /** The file, chunk by chunk: one batch of requests at a time is in memory. */
  chunks: AsyncGenerator<string>;
}

/**
 * Records the export first (audit, and the personal-data access when personal), then returns its
 * chunks: an export abandoned halfway has still been recorded. The rows are those that existed when
 * it was recorded, so the count audited is the count written (unless requests are deleted meanwhile).
 */
export async function exportRequests(s: Services, call: TransferCall, options: ExportOptions): Promise<RequestExport> {
  const justification = options.justification?.trim();
  if (options.justification !== undefined && (justification?.length ?? 0) < JUSTIFICATION_MIN_LENGTH) {
    throw badRequest(
      'justification_required',
      `Say why personal data must leave the platform, in at least ${JUSTIFICATION_MIN_LENGTH} characters: it is kept in the audit trail`,
      { field: 'justification' },
    );
  }
  const personal = justification !== undefined;
  const asOf = s.now();
  const filter = and(eq(fr.synthetic, false), lte(fr.createdAt, asOf), options.status ? eq(fr.status, options.status) : undefined);
  const [{ records } = { records: 0 }] = await s.db
    .select({ records: sql<number>`count(*)::int` })
    .from(fr)
    .where(filter);
  await s.db.transaction(async (tx) => {
    await recordAudit(s, tx, call, {
      action: 'feature_requests_exported',
      targetType: 'feature_request',
      details: { format: options.format, records, personal, ...(options.status ? { status: options.status } : {}), ...(personal ? { justification } : {}) },
    });
  });
  if (personal) {
    // Separately: recordPiiAccess runs its own transaction, and its bulk detection reads the trail.
    await recordPiiAccess(s, {
      actor: call.actor,
      requestId: call.requestId,
      kind: 'export',
      dataType: 'feature_request_export',
      subjectType: 'feature_request',
      records,
      fields: [...PERSONAL_EXPORT_FIELDS],
      purpose: 'product_team_export',
      justification,
    });
  }
  return { format: options.format, records, personal, chunks: exportChunks(s, filter, options.format, personal) };
}

interface Person {
  pseudonym: string;
  name?: string;
  email?: string;
}

async function* exportChunks(s: Services, filter: SQL | undefined, format: ExportFormat, personal: boolean): AsyncGenerator<string> {
  // Pseudonyms are stable within this export and unlinkable across exports: a fresh key each time.
  const pseudonymKey = randomBytes(32);
  const pseudonym = (userId: string | null) =>
    userId ? `member-${createHmac('sha256', pseudonymKey).update(userId).digest('hex').slice(0, 12)}` : 'former-member';
  // The UTF-8 byte order mark: what spreadsheets need to read the file as UTF-8.
  yield format === 'csv' ? `\uFEFF${csvLine(EXPORT_COLUMNS)}` : '[';
  let after: { createdAt: Date; id: string } | null = null;
  let first = true;
  for (;;) {
    const cursor: SQL | undefined = after ? or(gt(fr.createdAt, after.createdAt), and(eq(fr.createdAt, after.createdAt), gt(fr.id, after.id))) : undefined;
    const batch = await s.db.select().from(fr).where(and(filter, cursor)).orderBy(asc(fr.createdAt), asc(fr.id)).limit(EXPORT_BATCH);
    if (batch.length === 0) break;
    after = batch.at(-1)!;
    const ids = batch.map((r) => r.id);
    const batchVotes = await s.db
      .select({ requestId: votes.requestId, userId: votes.userId, weight: votes.weight, createdAt: votes.createdAt })
      .from(votes)
      .where(and(inArray(votes.requestId, ids), votes.counted))
      .orderBy(asc(votes.createdAt));
    const batchComments = await s.db.select().from(comments).where(inArray(comments.requestId, ids)).orderBy(asc(comments.createdAt));
    const people = new Map<string | null, Person>();
    const personOf = (id: string | null) => people.get(id) ?? { pseudonym: pseudonym(id) };
    if (personal) {
      const userIds = [...new Set([...batch.map((r) => r.authorId), ...batchVotes.map((v) => v.userId), ...batchComments.map((c) => c.authorId)])].filter(
        (id): id is string => id !== null,
      );
      const rows = userIds.length > 0 ? await s.db.select().from(users).where(inArray(users.id, userIds)) : [];
      for (const row of rows) {
        const pii = await openUserPii(s.keyring, row);
        people.set(row.id, { pseudonym: pseudonym(row.id), name: pii ? row.displayName : 'Former member', email: pii?.email || undefined });
      }
    }
    for (const request of batch) {
      const requestVotes = batchVotes.filter((v) => v.requestId === request.id);
      const requestComments = batchComments.filter((c) => c.requestId === request.id);
      const extra = personal ? await personalContent(s, request, personOf(request.authorId)) : null;
      const item = {
        id: request.id,
        title: request.title,
        category: request.category,
        status: request.status,
        urgency: request.urgency,
        userType: request.userType,
        voteCount: request.voteCount,
        voteWeight: request.voteWeight,
        commentCount: request.commentCount,
        mergedIntoId: request.mergedIntoId,
        createdAt: request.createdAt.toISOString(),
        updatedAt: request.updatedAt.toISOString(),
        ...extra,
        votes: requestVotes.map((v) => ({ voter: personOf(v.userId), weight: v.weight, createdAt: v.createdAt.toISOString() })),
        comments: await Promise.all(
          requestComments.map(async (c) => ({
            author: personOf(c.authorId),
            authorRole: c.authorRole,
            expertAdvice: c.expertAdvice,
            createdAt: c.createdAt.toISOString(),
            ...(personal ? { content: await openComment(s.keyring, c) } : {}),
          })),
        ),
      };
      if (format === 'json') {
        yield `${first ? '' : ','}\n${JSON.stringify(item)}`;
      } else {
        const who = (p: Person) => (personal ? `${p.name ?? p.pseudonym} <${p.email ?? ''}>` : p.pseudonym);
        yield csvLine([
          item.id,
          item.title,
          item.category,
          item.status,
          item.urgency,
          item.userType,
          item.voteCount,
          item.voteWeight,
          item.commentCount,
          item.mergedIntoId,
          item.createdAt,
          item.updatedAt,
          extra && who(extra.author),
          item.votes.map((v) => who(v.voter)).join('; '),
          item.comments.map((c) => `${c.createdAt} ${who(c.author)} (${c.authorRole})${'content' in c ? `: ${c.content}` : ''}`).join('\n'),
          extra?.description,
          extra?.painPoints.join('\n'),
          extra?.weddingContext ? JSON.stringify(extra.weddingContext) : null,
        ]);
      }
      first = false;
    }
  }
  if (format === 'json') yield `${first ? '' : '\n'}]\n`;
}

async function personalContent(s: Services, request: typeof fr.$inferSelect, author: Person) {
  const content = await openRequestContent(s.keyring, request);
  let weddingContext = null;
  if (request.weddingContext && request.authorId) {
    const [row] = await s.db.select({ dataKey: users.dataKey }).from(users).where(eq(users.id, request.authorId)).limit(1);
    weddingContext = openWeddingContext(s.keyring, await s.keyring.userKey(row?.dataKey, request.authorId), request.id, request.weddingContext);
  }
  return { author, description: content.description, painPoints: content.painPoints, weddingContext };
}

// ---- Import ----

export interface ImportInput {
  csv: string;
  /** A built-in mapping's name, or which CSV column holds each field. */
  mapping: BuiltInMapping | ColumnMapping;
  /** Names the tool the file came from: external ids are unique per source. Default: the mapping's name, or "csv". */
  source?: string;
  defaultCategory?: string;
  /** Who the imported requests count as on the board (the other tool does not say). Default couple. */
  userType?: UserRole;
  dryRun: boolean;
}

export interface ImportedRequestReport {
  externalId: string;
  rows: number[];
  title: string;
  /** Null in a dry run. */
  requestId: string | null;
}

export interface ImportReport {
  dryRun: boolean;
  source: string;
  rows: number;
  created: ImportedRequestReport[];
  /** Imported before (same source and external id): not created again; new voters still vote. */
  alreadyImported: { externalId: string; rows: number[]; requestId: string }[];
  skipped: RowProblem[];
  refused: RowProblem[];
  votes: { created: number; placeholderMembers: number };
}

const SOURCE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;

function readCsv(csv: string): { header: string[]; records: Record<string, string>[] } {
  let rows: string[][];
  try {
    rows = parseCsv(csv, { bom: true, skip_empty_lines: true, relax_column_count: false, to_line: IMPORT_MAX_ROWS + 2 });
  } catch (err) {
    if (err instanceof CsvError)
      throw badRequest('csv_invalid', `The file is not valid CSV: ${err.message}`, { line: (err as CsvError & { lines?: number }).lines ?? null });
    throw err;
  }
  const [header, ...body] = rows;
  if (!header || body.length === 0) throw badRequest('csv_empty', 'The file needs a header row and at least one row');
  if (body.length > IMPORT_MAX_ROWS) throw badRequest('csv_too_long', `At most ${IMPORT_MAX_ROWS} rows per import: split the file`, { max: IMPORT_MAX_ROWS });
  const names = header.map((h) => h.trim());
  return { header: names, records: body.map((cells) => Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']))) };
}

/**
 * Imports (or, with dryRun, only reports) the requests and votes of another tool's CSV. Refused rows
 * are reported with their line and reason and written nowhere; the others are written IMPORT_BATCH
 * requests per transaction, each batch whole or not at all. Importing the same file again creates
 * nothing: each request is found by (source, external id), each vote by (request, voter).
 */
export async function importRequests(s: Services, call: TransferCall, input: ImportInput): Promise<ImportReport> {
  const mapping: ColumnMapping = typeof input.mapping === 'string' ? BUILT_IN_MAPPINGS[input.mapping] : input.mapping;
  const source = input.source ?? (typeof input.mapping === 'string' ? input.mapping : 'csv');
  if (!SOURCE.test(source))
    throw badRequest('source_invalid', 'The source is 1–40 lower-case letters, digits, dots, dashes or underscores', { field: 'source' });
  if (input.defaultCategory !== undefined && !s.config.categories.includes(input.defaultCategory)) {
    throw badRequest('unknown_category', `Unknown category "${input.defaultCategory}"`, { field: 'defaultCategory', allowed: s.config.categories });
  }
  const { header, records } = readCsv(input.csv);
  const missing = missingColumns(header, mapping, typeof input.mapping === 'string');
  if (missing.length > 0) throw badRequest('csv_columns_missing', `The file has no column ${missing.map((c) => `"${c}"`).join(', ')}`, { missing, header });
  const plan = planImport(records, mapping, { categories: s.config.categories, defaultCategory: input.defaultCategory }, s.now());
  const report: ImportReport = {
    dryRun: input.dryRun,
    source,
    rows: records.length,
    created: [],
    alreadyImported: [],
    skipped: plan.skipped,
    refused: plan.refused,
    votes: { created: 0, placeholderMembers: 0 },
  };
  const userType = input.userType ?? 'couple';
  for (let i = 0; i < plan.requests.length; i += IMPORT_BATCH) {
    const batch = plan.requests.slice(i, i + IMPORT_BATCH);
    if (input.dryRun) await importBatch(s, s.db, call, source, userType, batch, report, false);
    else await s.db.transaction((tx) => importBatch(s, tx, call, source, userType, batch, report, true));
  }
  if (!input.dryRun && report.created.length + report.votes.created > 0) purgeResponseCache(s, CATALOGUE_TAGS);
  return report;
}

/**
 * One batch: reads what exists, then (when `write`) creates what does not. A dry run runs the same
 * reads and counts; it cannot see its own earlier batches' placeholders, so those are counted by email.
 */
async function importBatch(
  s: Services,
  db: Database,
  call: TransferCall,
  source: string,
  userType: UserRole,
  batch: PlannedRequest[],
  report: ImportReport,
  write: boolean,
) {
  const now = s.now();
  // One import of a source at a time: two runs of the same file must not both create a row.
  if (write) await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`request-import:${source}`}))`);
  const known = await db
    .select({ externalId: importedRequests.externalId, requestId: importedRequests.requestId, status: fr.status })
    .from(importedRequests)
    .innerJoin(fr, eq(fr.id, importedRequests.requestId))
    .where(
      and(
        eq(importedRequests.source, source),
        inArray(
          importedRequests.externalId,
          batch.map((r) => r.externalId),
        ),
      ),
    );
  const knownById = new Map(known.map((k) => [k.externalId, k]));
  const voters = await resolveVoters(s, db, [...new Set(batch.flatMap((r) => r.voterEmails))], write, report);
  const votesToCast: { requestId: string; emails: string[]; at: Date }[] = [];
  const created: { id: string; planned: PlannedRequest }[] = [];
  for (const planned of batch) {
    const existing = knownById.get(planned.externalId);
    if (existing) {
      report.alreadyImported.push({ externalId: planned.externalId, rows: planned.rows, requestId: existing.requestId });
      // A merged request's votes moved to its target: votes for it are not cast again.
      if (existing.status !== 'merged') votesToCast.push({ requestId: existing.requestId, emails: planned.voterEmails, at: now });
      continue;
    }
    const id = randomUUID();
    created.push({ id, planned });
    report.created.push({ externalId: planned.externalId, rows: planned.rows, title: planned.title, requestId: write ? id : null });
    votesToCast.push({ requestId: id, emails: planned.voterEmails, at: planned.createdAt ?? now });
  }
  if (!write) {
    report.votes.created += await countNewVotes(db, votesToCast, voters);
    return;
  }
  for (const { id, planned } of created) {
    const createdAt = planned.createdAt ?? now;
    await db.insert(fr).values({
      id,
      authorId: null,
      title: planned.title,
      ...(await sealRequestContent(s.keyring, db, id, { title: planned.title, description: planned.description, painPoints: [] })),
      category: planned.category,
      urgency: planned.urgency,
      status: planned.status,
      userType,
      createdAt,
      updatedAt: now,
    });
    await db.insert(statusHistory).values({
      requestId: id,
      fromStatus: null,
      toStatus: planned.status,
      changedBy: call.actor?.id ?? null,
      justification: `Imported from ${source} (${planned.externalId})`,
      createdAt: now,
    });
    await db.insert(importedRequests).values({ source, externalId: planned.externalId, requestId: id, importedBy: call.actor?.id ?? null, importedAt: now });
    await enqueue(db, jobSpec(DETECT_DUPLICATES, { requestId: id }), now);
  }
  let cast = 0;
  for (const { requestId, emails, at } of votesToCast) {
    const rows = emails.map((email) => voters.get(email)).filter((v): v is Voter => v?.id !== undefined);
    if (rows.length === 0) continue;
    const inserted = await db
      .insert(votes)
      .values(rows.map((v) => ({ requestId, userId: v.id!, weight: v.weight, castWeight: v.weight, createdAt: at })))
      .onConflictDoNothing()
      .returning({ userId: votes.userId });
    cast += inserted.length;
  }
  report.votes.created += cast;
  const touched = [...new Set(votesToCast.map((v) => v.requestId))];
  if (touched.length > 0) {
    await db.update(fr).set(recountedTally).where(inArray(fr.id, touched));
    await recomputeRice(db, touched, now);
  }
  if (created.length + cast > 0) {
    await recordAudit(s, db, call, {
      action: 'feature_requests_imported',
      targetType: 'feature_request',
      details: { source, created: created.length, externalIds: created.map((c) => c.planned.externalId), votes: cast },
    });
  }
}

interface Voter {
  /** Undefined in a dry run for a placeholder still to create. */
  id?: string;
  weight: number;
}

/**
 * Each voter email as the member who votes: the member with that email, else the placeholder with
 * it, else (when writing) a new placeholder — no password, an email index no sign-in can match,
 * and the imported email kept only as its keyed hash.
 */
async function resolveVoters(s: Services, db: Database, emails: string[], write: boolean, report: ImportReport): Promise<Map<string, Voter>> {
  const voters = new Map<string, Voter>();
  if (emails.length === 0) return voters;
  const indexOf = new Map(emails.map((email) => [emailIndexOf(s.keyring, email), email]));
  const indexes = [...indexOf.keys()];
  const found = await db
    .select({
      id: users.id,
      role: users.role,
      verified: users.verified,
      businessSize: users.businessSize,
      emailIndex: users.emailIndex,
      importedEmailIndex: users.importedEmailIndex,
    })
    .from(users)
    .where(or(inArray(users.emailIndex, indexes), inArray(users.importedEmailIndex, indexes)));
  // A member with the email wins over a placeholder (there is none once they signed up and claimed).
  for (const user of [...found.filter((u) => u.importedEmailIndex !== null), ...found.filter((u) => u.importedEmailIndex === null)]) {
    const email = indexOf.get(user.importedEmailIndex ?? user.emailIndex);
    if (email) voters.set(email, { id: user.id, weight: voteWeight(user) });
  }
  for (const [index, email] of indexOf) {
    if (voters.has(email)) continue;
    const weight = voteWeight({ id: '', role: 'couple', verified: false });
    report.votes.placeholderMembers++;
    if (!write) {
      voters.set(email, { weight });
      continue;
    }
    const id = randomUUID();
    await db.insert(users).values({
      ...(await sealNewUser(s.keyring, db, id, { email: '', phone: null, businessAddress: null })),
      emailIndex: `imported:${id}`,
      importedEmailIndex: index,
      passwordHash: '!',
      displayName: 'Imported voter',
      role: 'couple',
      region: regionForCountry(null),
      timeZone: 'UTC',
    });
    voters.set(email, { id, weight });
  }
  return voters;
}

async function countNewVotes(db: Database, planned: { requestId: string; emails: string[] }[], voters: Map<string, Voter>): Promise<number> {
  let count = 0;
  for (const { requestId, emails } of planned) {
    const ids = emails.map((e) => voters.get(e)?.id).filter((id): id is string => id !== undefined);
    const existing = ids.length
      ? await db
          .select({ userId: votes.userId })
          .from(votes)
          .where(and(eq(votes.requestId, requestId), inArray(votes.userId, ids)))
      : [];
    count += emails.length - existing.length;
  }
  return count;
}

// ---- Claiming imported votes ----

/**
 * The member `userId` whose email is `email` takes over the votes imported for that email: each
 * becomes theirs at their own weight (unless they voted there already), and the placeholder goes.
 * Called inside the transaction that creates the account, so the votes move with it or not at all.
 */
export async function claimImportedVotes(s: Services, tx: Database, userId: string, email: string): Promise<number> {
  const [placeholder] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.importedEmailIndex, emailIndexOf(s.keyring, email)), isNotNull(users.importedEmailIndex), ne(users.id, userId)))
    .limit(1);
  if (!placeholder) return 0;
  const [member] = await tx
    .select({ id: users.id, role: users.role, verified: users.verified, businessSize: users.businessSize })
    .from(users)
    .where(eq(users.id, userId));
  if (!member) return 0;
  const weight = voteWeight(member);
  const claimed = await tx.execute<{ request_id: string }>(sql`
    insert into ${votes} (request_id, user_id, weight, cast_weight, created_at)
    select v.request_id, ${userId}::uuid, ${weight}::float8, ${weight}::float8, v.created_at
    from ${votes} v join ${fr} r on r.id = v.request_id
    where v.user_id = ${placeholder.id} and r.status <> 'merged'
    on conflict do nothing
    returning request_id`);
  const touched = await tx.selectDistinct({ requestId: votes.requestId }).from(votes).where(eq(votes.userId, placeholder.id));
  // The placeholder's votes go with it (on delete cascade); the tallies are recounted below.
  await tx.delete(users).where(eq(users.id, placeholder.id));
  const requestIds = touched.map((t) => t.requestId);
  if (requestIds.length > 0) {
    await tx.update(fr).set(recountedTally).where(inArray(fr.id, requestIds));
    await recomputeRice(tx, requestIds, s.now());
  }
  const count = rows(claimed).length;
  await recordAudit(
    s,
    tx,
    { actor: { id: member.id, role: member.role } },
    {
      action: 'imported_votes_claimed',
      targetType: 'user',
      targetId: userId,
      details: { votes: count, requests: requestIds.length },
    },
  );
  return count;
}
