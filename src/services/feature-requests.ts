// Feature requests: submit, browse, read, rectify, move through the workflow, publish the roadmap.
// Each change is one transaction together with its history and audit records.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import { preparedPerDatabase, type Database } from '../db/client.js';
import { featureRequestRevisions, featureRequests, requestFollows, statusHistory, users, votes, type WeddingContext } from '../db/schema.js';
import {
  COUPLE_DAILY_SUBMISSION_LIMIT,
  hasRestriction,
  mayEditRequest,
  mayReadFullRecord,
  readScope,
  searchScope,
  weddingContextDetail,
  type Actor,
  type SearchScope,
} from '../domain/access-control.js';
import { allowedTransitions, canTransition, ROADMAP_STATUSES, type BoardSort, type Status, type Urgency, type UserRole } from '../domain/feature-requests.js';
import { cursorInstant, isUuid } from '../domain/keyset-cursor.js';
import { maskPersonalText } from '../domain/personal-text.js';
import { revisionChanges, type RevisionText } from '../domain/revisions.js';
import { UNREADABLE_TEXT_MESSAGES, unreadableText } from '../domain/readable-text.js';
import { BOARD_TAGS, CATALOGUE_TAGS } from '../domain/response-cache.js';
import { isValidTimeZone, regionForCountry } from '../domain/seasons.js';
import {
  anonymiseWeddingContext,
  timeZoneFitsCountry,
  timeZonesOfCountry,
  todayIn,
  WEDDING_HORIZON_YEARS,
  weddingDateProblem,
} from '../domain/wedding-context.js';
import { DETECT_DUPLICATES, jobSpec, STATUS_CHANGED } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { emitWebhookEvent } from './webhooks.js';
import {
  openRequestContent,
  openRevisionDescription,
  openWeddingContext,
  personalKeyOf,
  sealRequestContent,
  sealRevisionDescription,
  sealWeddingContext,
} from '../security/records.js';
import { recordAudit } from './audit.js';
import { recordWeddingContextProcessed } from './compliance-events.js';
import type { Call, Principal, Services } from './context.js';
import { badRequest, conflict, forbidden, notFound, ServiceError } from './errors.js';
import { followAutomatically } from './follows.js';
import { purgeResponseCache } from './response-cache.js';
import { recomputeRice, riceColumns, riceJob, withRice } from './rice.js';
import { recordPiiAccess } from './threat-pii-access.js';

const fr = featureRequests;

/** The public projection: what the board shows to everyone allowed to see it. */
const boardColumns = {
  id: fr.id,
  title: fr.title,
  summary: fr.summary,
  category: fr.category,
  status: fr.status,
  urgency: fr.urgency,
  userType: fr.userType,
  voteCount: fr.voteCount,
  voteWeight: fr.voteWeight,
  commentCount: fr.commentCount,
  mergedIntoId: fr.mergedIntoId,
  createdAt: fr.createdAt,
  updatedAt: fr.updatedAt,
  ...riceColumns,
};
type BoardRow = { [K in keyof typeof boardColumns]: (typeof fr.$inferSelect)[K] };
export type BoardItem = ReturnType<typeof withRice<BoardRow>> & { viewerHasVoted?: boolean };

export interface SubmitInput {
  title: string;
  /** Public, like the title: what everyone who sees the board reads of the request. */
  summary?: string;
  description: string;
  category: string;
  urgency: Urgency;
  painPoints: string[];
  weddingContext?: WeddingContext;
}

function checkCategory(s: Services, category: string) {
  if (!s.config.categories.includes(category)) {
    throw badRequest('unknown_category', `Unknown category "${category}"`, { allowed: s.config.categories });
  }
}

/** Titles, descriptions, pain points and comments are read by others: each must read as it looks. */
export function checkReadableText(fields: Record<string, string | readonly string[] | undefined>) {
  for (const [field, value] of Object.entries(fields)) {
    for (const [i, text] of [value ?? []].flat().entries()) {
      const problem = unreadableText(text);
      if (problem) {
        const at = Array.isArray(value) ? `${field}.${i}` : field;
        throw badRequest('unreadable_text', `The ${field} ${UNREADABLE_TEXT_MESSAGES[problem]}`, { field: at, reason: problem });
      }
    }
  }
}

const WEDDING_DATE_MESSAGES = {
  in_the_past: 'The wedding date is in the past: a new request is about a wedding still to come',
  too_far_ahead: `The wedding date is more than ${WEDDING_HORIZON_YEARS} years away: check the year`,
};

/** A wedding happens on a plausible day, in a real time zone of its own country. */
function checkWeddingContext(context: WeddingContext | undefined, now: Date, { allowPast = false } = {}) {
  if (!context) return;
  if (!isValidTimeZone(context.timeZone)) {
    throw badRequest('invalid_time_zone', `"${context.timeZone}" is not an IANA time zone`, { field: 'weddingContext.timeZone' });
  }
  if (!timeZoneFitsCountry(context.timeZone, context.country)) {
    throw badRequest(
      'time_zone_not_in_country',
      `The time zone "${context.timeZone}" is not used in the wedding's country (${context.country.toUpperCase()})`,
      {
        field: 'weddingContext.timeZone',
        zones: timeZonesOfCountry(context.country),
      },
    );
  }
  const problem = weddingDateProblem(context.weddingDate, todayIn(context.timeZone, now), { allowPast });
  if (problem)
    throw badRequest(`wedding_date_${problem}`, WEDDING_DATE_MESSAGES[problem], { field: 'weddingContext.weddingDate', horizonYears: WEDDING_HORIZON_YEARS });
}

export async function submissionsInLastDay(db: Database, authorId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(fr)
    .where(and(eq(fr.authorId, authorId), gt(fr.createdAt, new Date(now.getTime() - 86_400_000))));
  return row?.n ?? 0;
}

/** Couples may submit 10 requests in any 24 hours; the answer says when the next one fits. */
async function enforceDailyLimit(db: Database, actor: Actor, now: Date) {
  if (!hasRestriction(actor.role, 'rate_limit_submissions:10_per_day')) return;
  // Lock the author's row so two concurrent submissions cannot both take the last slot.
  await db.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).for('update');
  const recent = await db
    .select({ createdAt: fr.createdAt })
    .from(fr)
    .where(and(eq(fr.authorId, actor.id), gt(fr.createdAt, new Date(now.getTime() - 86_400_000))))
    .orderBy(desc(fr.createdAt))
    .limit(COUPLE_DAILY_SUBMISSION_LIMIT);
  if (recent.length < COUPLE_DAILY_SUBMISSION_LIMIT) return;
  const oldest = recent[recent.length - 1]!.createdAt;
  const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + 86_400_000 - now.getTime()) / 1000));
  throw new ServiceError(
    429,
    'submission_limit_reached',
    `Couples can submit ${COUPLE_DAILY_SUBMISSION_LIMIT} feature requests a day; vote on existing ones or try again later`,
    { limit: COUPLE_DAILY_SUBMISSION_LIMIT, windowHours: 24 },
    retryAfter,
  );
}

export async function submitFeatureRequest(s: Services, call: Call, input: SubmitInput) {
  checkCategory(s, input.category);
  if (hasRestriction(call.actor.role, 'wedding_context_required') && !input.weddingContext) {
    throw badRequest('wedding_context_required', 'Couples must describe their wedding (date, guest count, country, time zone)', {
      field: 'weddingContext',
    });
  }
  checkWeddingContext(input.weddingContext, s.now());
  checkReadableText({ title: input.title, summary: input.summary, description: input.description, painPoints: input.painPoints });
  const { id, synthetic } = await s.db.transaction(async (tx) => {
    const now = s.now();
    await enforceDailyLimit(tx, call.actor, now);
    const country = input.weddingContext?.country.toUpperCase() ?? null;
    const id = randomUUID();
    const title = input.title.trim();
    const authorKey = await personalKeyOf(s.keyring, tx, call.actor.id);
    const [row] = await tx
      .insert(fr)
      .values({
        id,
        authorId: call.actor.id,
        title,
        summary: input.summary?.trim() || null,
        ...(await sealRequestContent(s.keyring, tx, id, { title, description: input.description.trim(), painPoints: input.painPoints })),
        category: input.category,
        urgency: input.urgency,
        userType: call.actor.role,
        weddingContext: sealWeddingContext(s.keyring, authorKey, id, input.weddingContext ? { ...input.weddingContext, country: country! } : null),
        country,
        region: input.weddingContext ? regionForCountry(country) : call.actor.region,
        guestCount: input.weddingContext?.guestCount ?? null,
        createdAt: now,
        updatedAt: now,
        // The probes' service account (users.synthetic) submits synthetic requests; nobody else does.
        synthetic: sql`(select ${users.synthetic} from ${users} where ${users.id} = ${call.actor.id})`,
      })
      .returning({ id: fr.id, synthetic: fr.synthetic });
    await followAutomatically(tx, id, call.actor.id, now);
    // Scored from the start (no votes yet), so the board never shows a request without RICE.
    await recomputeRice(tx, [row!.id], now);
    await enqueue(tx, jobSpec(DETECT_DUPLICATES, { requestId: row!.id }), now);
    // The probes' synthetic requests are the platform checking itself, not news for integrations.
    if (!row!.synthetic) {
      await emitWebhookEvent(tx, s, 'feature_request.created', {
        id,
        title,
        category: input.category,
        urgency: input.urgency,
        userType: call.actor.role,
        status: 'open',
        createdAt: now.toISOString(),
      });
    }
    // Audit events last: a chain's head stays locked from the append until the commit.
    await recordAudit(s, tx, call, {
      action: 'feature_request_created',
      targetType: 'feature_request',
      targetId: row!.id,
      details: {
        // Keyed: a plain SHA-256 of a short description would let anyone with the audit log test guesses.
        content_hash: s.keyring.contentDigest(`${input.title}\n${input.description}`),
        wedding_context_type: input.weddingContext ? 'wedding' : 'business',
      },
    });
    if (input.weddingContext) await recordWeddingContextProcessed(s, tx, { actor: null }, input.weddingContext, 'season_and_metrics_grouping');
    return row!;
  });
  // A synthetic probe's request is on no board and in no catalogue: nothing to purge (nor the CDN every 30 s).
  if (!synthetic) purgeResponseCache(s, CATALOGUE_TAGS);
  return getFeatureRequest(s, call.actor, id, call.requestId);
}

export interface ListQuery {
  status?: Status;
  category?: string;
  userType?: UserRole;
  sort: BoardSort;
  q?: string;
  mine?: boolean;
  cursor?: string;
  limit: number;
}

type CursorRow = BoardRow & { trendingScore: number };
/** Keyset order of each board sort: the column, the row's value for a cursor, and how it is read back and typed. */
const SORT_KEYS = {
  top: { column: fr.voteWeight, value: (r: CursorRow) => r.voteWeight, decode: Number, sqlType: 'float8' },
  new: { column: fr.createdAt, value: (r: CursorRow) => r.createdAt.toISOString(), decode: cursorInstant, sqlType: 'timestamptz' },
  trending: { column: fr.trendingScore, value: (r: CursorRow) => r.trendingScore, decode: Number, sqlType: 'float8' },
  rice: { column: fr.riceScore, value: (r: CursorRow) => r.riceScore, decode: Number, sqlType: 'float8' },
} as const satisfies Record<BoardSort, unknown>;

/** Keyset cursor: the last row's sort value and id, so pages stay stable while votes arrive. */
function encodeCursor(sort: BoardSort, row: CursorRow): string {
  return Buffer.from(JSON.stringify([SORT_KEYS[sort].value(row), row.id])).toString('base64url');
}

function decodeCursor(sort: BoardSort, cursor: string): [number | string, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const decoded = SORT_KEYS[sort].decode(value);
    const valid = decoded instanceof Date || (typeof decoded === 'number' && Number.isFinite(decoded));
    if (valid && isUuid(id)) return [decoded instanceof Date ? decoded.toISOString() : decoded, id];
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('invalid_cursor', 'The cursor is not one this list produced (it must come with the same sort)');
}

/** Which optional parts a board query has; each distinct shape is prepared once and reused. */
interface BoardShape {
  sort: BoardSort;
  status: boolean;
  category: boolean;
  userType: boolean;
  /** Which blind index a search looks in: what the viewer may read (searchScope). */
  q: SearchScope | null;
  mine: boolean;
  cursor: boolean;
  viewer: boolean;
}

const param = (name: string) => sql.placeholder(name);

function buildBoardQuery(db: Database, shape: BoardShape, name: string) {
  const key = SORT_KEYS[shape.sort];
  // Synthetic probe requests are never on the board.
  const where: SQL[] = [eq(fr.synthetic, false), shape.status ? eq(fr.status, param('status')) : ne(fr.status, 'merged')];
  if (shape.category) where.push(eq(fr.category, param('category')));
  if (shape.userType) where.push(eq(fr.userType, param('userType')));
  // Blind full-text search: every query word's HMAC must be among the row's (GIN-indexed), in the
  // content's index or the title's, as the viewer may read.
  const inContent = sql`${fr.searchTokens} @> ${param('searchTokens')}::text[]`;
  const inTitle = sql`${fr.titleSearchTokens} @> ${param('searchTokens')}::text[]`;
  if (shape.q === 'content') where.push(inContent);
  if (shape.q === 'title') where.push(inTitle);
  if (shape.q === 'title_or_own_content') where.push(sql`(${inTitle} or (${fr.authorId} = ${param('viewerId')} and ${inContent}))`);
  if (shape.q === 'title_or_ai_consented_content') {
    const consented = sql`exists (select 1 from ${users} where ${users.id} = ${fr.authorId} and ${users.aiAnalysisConsent})`;
    where.push(sql`(${inTitle} or (${consented} and ${inContent}))`);
  }
  if (shape.mine) where.push(eq(fr.authorId, param('viewerId')));
  if (shape.cursor) where.push(sql`(${key.column}, ${fr.id}) < (${param('cursorValue')}::${sql.raw(key.sqlType)}, ${param('cursorId')}::uuid)`);
  const columns = {
    ...boardColumns,
    trendingScore: fr.trendingScore,
    viewerHasVoted: shape.viewer ? sql<boolean | null>`${votes.userId} is not null` : sql<boolean | null>`null`,
  };
  const base = shape.viewer
    ? db
        .select(columns)
        .from(fr)
        .leftJoin(votes, and(eq(votes.requestId, fr.id), eq(votes.userId, param('viewerId'))))
    : db.select(columns).from(fr);
  return base
    .where(and(...where))
    .orderBy(desc(key.column), desc(fr.id))
    .limit(param('limit'))
    .prepare(name);
}

const boardQueries = preparedPerDatabase(() => new Map<string, ReturnType<typeof buildBoardQuery>>());

function boardQuery(db: Database, shape: BoardShape) {
  const queries = boardQueries(db);
  const key = JSON.stringify(shape);
  let query = queries.get(key);
  if (!query) {
    query = buildBoardQuery(db, shape, `board_${queries.size}`);
    queries.set(key, query);
  }
  return query;
}

export async function listFeatureRequests(s: Services, viewer: Actor | null, query: ListQuery) {
  if (query.mine && !viewer) throw new ServiceError(401, 'unauthenticated', 'Sign in to list your own requests');
  const [cursorValue, cursorId] = query.cursor ? decodeCursor(query.sort, query.cursor) : [undefined, undefined];
  const shape: BoardShape = {
    sort: query.sort,
    status: Boolean(query.status),
    category: Boolean(query.category),
    userType: Boolean(query.userType),
    q: query.q ? searchScope(viewer) : null,
    mine: Boolean(query.mine),
    cursor: Boolean(query.cursor),
    viewer: Boolean(viewer),
  };
  // A query with no searchable word (only punctuation or stop words) matches nothing.
  const tokens = query.q ? s.keyring.searchTokenHashes(query.q) : [];
  if (query.q && tokens.length === 0) return { items: [], nextCursor: null };
  const rows = await boardQuery(s.db, shape).execute({
    status: query.status,
    category: query.category,
    userType: query.userType,
    // Postgres array literal; the hashes are base64url, so nothing needs quoting.
    searchTokens: `{${tokens.join(',')}}`,
    viewerId: viewer?.id,
    cursorValue,
    cursorId,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ trendingScore: _t, viewerHasVoted, ...row }): BoardItem => {
      const item = withRice(row);
      return viewerHasVoted === null ? item : { ...item, viewerHasVoted };
    }),
    nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, last) : null,
  };
}

/**
 * A page of the shared board made the viewer's: their own vote flag on each request, from their own
 * votes (never from a cached copy made for someone else).
 */
export async function withViewerVotes<P extends { items: BoardItem[] }>(s: Services, viewer: Actor, page: P): Promise<P> {
  const ids = page.items.map((i) => i.id);
  const mine =
    ids.length === 0
      ? []
      : await s.db
          .select({ id: votes.requestId })
          .from(votes)
          .where(and(eq(votes.userId, viewer.id), inArray(votes.requestId, ids)));
  const voted = new Set(mine.map((v) => v.id));
  return { ...page, items: page.items.map((item) => ({ ...item, viewerHasVoted: voted.has(item.id) })) };
}

type FullRow = typeof fr.$inferSelect;

/** Who reads a request: a signed-in principal. */
export type Viewer = Actor & Pick<Principal, 'timeZone'>;

/** 404 unless the request exists: for routes that act on a request without showing it. */
export async function requireFeatureRequest(s: Services, id: string): Promise<void> {
  const [row] = await s.db.select({ id: fr.id }).from(fr).where(eq(fr.id, id)).limit(1);
  if (!row) throw notFound('Feature request');
}

/**
 * One request, as much of it as `viewer` may read. Showing someone else's full record (its author,
 * its wedding context) is an access to personal data and is recorded as one (recordPiiAccess); the
 * AI pipeline's content-only view processes the wedding context, recorded anonymised.
 */
export async function getFeatureRequest(s: Services, viewer: Viewer | null, id: string, requestId?: string) {
  const [row] = await s.db
    .select({
      request: fr,
      authorKey: users.dataKey,
      authorAllowsAi: users.aiAnalysisConsent,
      authorName: users.displayName,
      viewerHasVoted: viewer
        ? sql<boolean>`exists (select 1 from ${votes} where ${votes.requestId} = ${fr.id} and ${votes.userId} = ${viewer.id})`
        : sql<boolean>`false`,
      viewerFollows: viewer
        ? sql<boolean>`exists (select 1 from ${requestFollows} where ${requestFollows.requestId} = ${fr.id} and ${requestFollows.userId} = ${viewer.id} and ${requestFollows.following})`
        : sql<boolean>`false`,
    })
    .from(fr)
    .leftJoin(users, eq(users.id, fr.authorId))
    .where(eq(fr.id, id))
    .limit(1);
  if (!row) throw notFound('Feature request');
  const request: FullRow = row.request;
  const board: BoardItem = {
    ...withRice(Object.fromEntries(Object.keys(boardColumns).map((k) => [k, request[k as keyof FullRow]])) as BoardRow),
    ...(viewer ? { viewerHasVoted: row.viewerHasVoted } : {}),
  };
  const following = viewer ? { viewerFollows: row.viewerFollows } : {};
  const history = await s.db
    .select({
      fromStatus: statusHistory.fromStatus,
      toStatus: statusHistory.toStatus,
      justification: statusHistory.justification,
      createdAt: statusHistory.createdAt,
    })
    .from(statusHistory)
    .where(eq(statusHistory.requestId, id))
    .orderBy(asc(statusHistory.createdAt));
  // The AI pipeline reads content only of authors whose ai_analysis consent stands and whose
  // processing is not restricted (the flag holds both): otherwise it gets what the public sees.
  const aiWithoutConsent = readScope(viewer) === 'content_only' && row.authorAllowsAi !== true;
  if (!mayReadFullRecord(viewer, request.authorId) || aiWithoutConsent) return { ...board, ...following, access: 'public' as const, statusHistory: history };
  const content = { ...(await openRequestContent(s.keyring, request)), statusHistory: history };
  const weddingContext = openWeddingContext(s.keyring, await s.keyring.userKey(row.authorKey, request.authorId), id, request.weddingContext);
  if (readScope(viewer) === 'content_only') {
    if (weddingContext) await recordWeddingContextProcessed(s, s.db, { actor: viewer, requestId }, weddingContext, 'ai_content_projection');
    // content_anonymization_required: coarse context, and text without who wrote it or whom it names.
    const names = [row.authorName, weddingContext?.coupleNames];
    return {
      ...board,
      ...following,
      ...content,
      description: maskPersonalText(content.description, names),
      painPoints: content.painPoints.map((p) => maskPersonalText(p, names)),
      weddingContext: weddingContext && anonymiseWeddingContext(weddingContext),
      access: 'content' as const,
    };
  }
  const exact = viewer !== null && weddingContextDetail(viewer, request.authorId) === 'exact';
  const shownContext = exact || !weddingContext ? weddingContext : anonymiseWeddingContext(weddingContext);
  const [author] = request.authorId
    ? await s.db.select({ id: users.id, displayName: users.displayName, role: users.role }).from(users).where(eq(users.id, request.authorId)).limit(1)
    : [];
  const personalFields = [...(author ? ['author'] : []), ...(exact ? Object.keys(weddingContext ?? {}).map((field) => `weddingContext.${field}`) : [])];
  if (viewer && viewer.id !== request.authorId && personalFields.length > 0) {
    await recordPiiAccess(s, {
      actor: viewer,
      requestId,
      kind: 'read',
      dataType: 'feature_request',
      subjectType: 'feature_request',
      subjectIds: [id],
      fields: personalFields,
      purpose: 'request_review',
    });
  }
  return {
    ...board,
    ...following,
    ...content,
    weddingContext: shownContext,
    author: author ?? null,
    allowedTransitions: allowedTransitions(request.status),
    access: 'full' as const,
  };
}

async function lockRequest(db: Database, id: string): Promise<FullRow> {
  const [row] = await db.select().from(fr).where(eq(fr.id, id)).for('update');
  if (!row) throw notFound('Feature request');
  return row;
}

export type UpdateInput = Partial<SubmitInput>;

export async function updateFeatureRequest(s: Services, call: Call, id: string, patch: UpdateInput) {
  if (patch.category) checkCategory(s, patch.category);
  // The author may correct a request after the wedding: its date may then be past, not absurd.
  checkWeddingContext(patch.weddingContext, s.now(), { allowPast: true });
  checkReadableText({ title: patch.title, summary: patch.summary, description: patch.description, painPoints: patch.painPoints });
  await s.db.transaction(async (tx) => {
    const current = await lockRequest(tx, id);
    if (!mayEditRequest(call.actor, current)) {
      throw forbidden('Only the author (while the request is open) or the product team can edit a request', 'not_editable');
    }
    const country = patch.weddingContext?.country.toUpperCase();
    // Content is re-sealed whole (current key version, fresh search index) whatever part changed.
    const stored = await openRequestContent(s.keyring, current);
    const title = patch.title?.trim() ?? current.title;
    const summary = patch.summary === undefined ? current.summary : patch.summary.trim() || null;
    const content = { title, description: patch.description?.trim() ?? stored.description, painPoints: patch.painPoints ?? stored.painPoints };
    const revised = await recordRevision(
      s,
      tx,
      call,
      current,
      { title: current.title, summary: current.summary, description: stored.description },
      {
        title,
        summary,
        description: content.description,
      },
    );
    await tx
      .update(fr)
      .set({
        title,
        summary,
        ...(await sealRequestContent(s.keyring, tx, id, content)),
        ...(patch.category !== undefined && { category: patch.category }),
        ...(patch.urgency !== undefined && { urgency: patch.urgency }),
        ...(patch.weddingContext !== undefined && {
          weddingContext: sealWeddingContext(s.keyring, await personalKeyOf(s.keyring, tx, current.authorId), id, {
            ...patch.weddingContext,
            country: country!,
          }),
          country,
          region: regionForCountry(country),
          guestCount: patch.weddingContext.guestCount,
        }),
        updatedAt: s.now(),
      })
      .where(eq(fr.id, id));
    // Category, urgency and pain points feed the RICE prediction.
    await enqueue(tx, riceJob(id), s.now());
    if (patch.title !== undefined || patch.description !== undefined) await enqueue(tx, jobSpec(DETECT_DUPLICATES, { requestId: id }), s.now());
    await recordAudit(s, tx, call, {
      action: 'feature_request_updated',
      targetType: 'feature_request',
      targetId: id,
      details: { fields: Object.keys(patch), ...(revised !== null && { revision: revised }) },
    });
    if (patch.weddingContext) await recordWeddingContextProcessed(s, tx, { actor: null }, patch.weddingContext, 'season_and_metrics_grouping');
  });
  purgeResponseCache(s, CATALOGUE_TAGS);
  return getFeatureRequest(s, call.actor, id, call.requestId);
}

/**
 * Keeps the request's title, summary and description as they read after this edit, when any of them
 * changed: revision 1 is the request as submitted (written at its first edit), each edit adds one.
 * Returns the new revision's number, or null when the edit left those texts as they were.
 */
async function recordRevision(s: Services, tx: Database, call: Call, current: FullRow, before: RevisionText, after: RevisionText): Promise<number | null> {
  if (revisionChanges(before, after).length === 0) return null;
  const [last] = await tx
    .select({ revision: featureRequestRevisions.revision })
    .from(featureRequestRevisions)
    .where(eq(featureRequestRevisions.requestId, current.id))
    .orderBy(desc(featureRequestRevisions.revision))
    .limit(1);
  const write = async (revision: number, text: RevisionText, by: { id: string | null; role: UserRole }, at: Date) => {
    const revisionId = randomUUID();
    await tx.insert(featureRequestRevisions).values({
      id: revisionId,
      requestId: current.id,
      revision,
      editedBy: by.id,
      editedByRole: by.role,
      title: text.title!,
      summary: text.summary,
      ...(await sealRevisionDescription(s.keyring, tx, revisionId, text.description!)),
      createdAt: at,
    });
  };
  // The request row is locked (lockRequest), so the numbers cannot race.
  let next = (last?.revision ?? 0) + 1;
  if (!last) await write(next++, before, { id: current.authorId, role: current.userType }, current.createdAt);
  await write(next, after, call.actor, s.now());
  return next;
}

/**
 * The edits of a request, newest first, each with what it changed from the one before (product team).
 */
export async function listRevisions(s: Services, id: string) {
  await requireFeatureRequest(s, id);
  const rows = await s.db
    .select({ revision: featureRequestRevisions, editorName: users.displayName })
    .from(featureRequestRevisions)
    .leftJoin(users, eq(users.id, featureRequestRevisions.editedBy))
    .where(eq(featureRequestRevisions.requestId, id))
    .orderBy(asc(featureRequestRevisions.revision));
  let previous: RevisionText | null = null;
  const items = [];
  for (const { revision: r, editorName } of rows) {
    const text: RevisionText = { title: r.title, summary: r.summary, description: await openRevisionDescription(s.keyring, r) };
    items.push({
      revision: r.revision,
      title: text.title!,
      summary: text.summary,
      description: text.description!,
      editedBy: r.editedBy && r.editedByRole ? { id: r.editedBy, displayName: editorName ?? 'Former member', role: r.editedByRole } : null,
      createdAt: r.createdAt,
      changes: previous ? revisionChanges(previous, text) : [],
    });
    previous = text;
  }
  return { items: items.reverse() };
}

export async function changeStatus(s: Services, call: Call, id: string, input: { status: Status; justification: string }) {
  if (input.status === 'merged') {
    throw badRequest('use_merge', 'A request becomes "merged" by merging it into another, which carries its votes over');
  }
  await s.db.transaction(async (tx) => {
    const current = await lockRequest(tx, id);
    if (!canTransition(current.status, input.status)) {
      throw conflict('invalid_transition', `A request cannot move from "${current.status}" to "${input.status}"`, {
        from: current.status,
        to: input.status,
        allowed: allowedTransitions(current.status),
      });
    }
    const now = s.now();
    await tx.update(fr).set({ status: input.status, updatedAt: now }).where(eq(fr.id, id));
    const [change] = await tx
      .insert(statusHistory)
      .values({
        requestId: id,
        fromStatus: current.status,
        toStatus: input.status,
        changedBy: call.actor.id,
        justification: input.justification.trim(),
        createdAt: now,
      })
      .returning({ id: statusHistory.id });
    // Same transaction: the author and voters hear about every change that happened, and only those.
    await enqueue(tx, jobSpec(STATUS_CHANGED, { requestId: id, historyId: change!.id }), now);
    await enqueue(tx, riceJob(id), now);
    await emitWebhookEvent(tx, s, 'feature_request.status_changed', {
      id,
      from: current.status,
      to: input.status,
      justification: input.justification.trim(),
      changedAt: now.toISOString(),
    });
    await recordAudit(s, tx, call, {
      action: 'status_changed',
      targetType: 'feature_request',
      targetId: id,
      details: { from: current.status, to: input.status, justification: input.justification.trim() },
    });
  });
  purgeResponseCache(s, BOARD_TAGS);
  return getFeatureRequest(s, call.actor, id, call.requestId);
}

/**
 * The public roadmap: the most-wanted requests in each roadmap status, one query. Each carries the
 * time it entered its column (its latest move into that status), which `updatedAt` is not: edits,
 * votes and RICE changes move that one too.
 */
export async function roadmap(s: Services, perStatus: number) {
  // Qualified by hand: drizzle writes a single-table select's columns unqualified, and "id" or
  // "created_at" inside the subquery would then mean status_history's own.
  const enteredColumn = sql<Date>`coalesce((select max(h.created_at) from status_history h where h.request_id = "feature_requests"."id" and h.to_status = "feature_requests"."status"), "feature_requests"."created_at")`;
  const ranked = s.db
    .select({
      ...boardColumns,
      statusSince: enteredColumn.mapWith(fr.createdAt).as('status_since'),
      rank: sql<number>`row_number() over (partition by ${fr.status} order by ${fr.voteWeight} desc, ${fr.id} desc)`.as('rank'),
    })
    .from(fr)
    .where(and(inArray(fr.status, [...ROADMAP_STATUSES]), eq(fr.synthetic, false)))
    .as('ranked');
  const rows = await s.db.select().from(ranked).where(lte(ranked.rank, perStatus)).orderBy(asc(ranked.rank));
  type RoadmapItem = BoardItem & { statusSince: Date };
  const columns = Object.fromEntries(ROADMAP_STATUSES.map((st) => [st, [] as RoadmapItem[]])) as Record<(typeof ROADMAP_STATUSES)[number], RoadmapItem[]>;
  for (const { rank: _r, statusSince, ...row } of rows) columns[row.status as (typeof ROADMAP_STATUSES)[number]].push({ ...withRice(row), statusSince });
  return { generatedAt: s.now(), statuses: ROADMAP_STATUSES, columns };
}
