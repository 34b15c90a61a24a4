// Comments on a request. A verified supplier's comment is marked as expert advice, because the
// brief gives suppliers 'comments:create:expert_advice'.
import { randomUUID } from 'node:crypto';
import { alias } from 'drizzle-orm/pg-core';
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { comments, featureRequests, users } from '../db/schema.js';
import { commentEditableUntil, grantedPermissions, mayModerateComments, readScope, type Actor } from '../domain/access-control.js';
import { cursorInstant, isUuid } from '../domain/keyset-cursor.js';
import { maskPersonalText } from '../domain/personal-text.js';
import { BOARD_TAGS } from '../domain/response-cache.js';
import { COMMENT_POSTED, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { openComment, sealComment } from '../security/records.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { badRequest, conflict, forbidden, notFound } from './errors.js';
import { followAutomatically } from './follows.js';
import { checkReadableText } from './feature-requests.js';
import { purgeResponseCache } from './response-cache.js';
import { emitWebhookEvent } from './webhooks.js';

export async function addComment(s: Services, call: Call, requestId: string, input: { content: string }) {
  checkReadableText({ comment: input.content });
  const expertAdvice = grantedPermissions(call.actor).includes('comments:create:expert_advice');
  const content = input.content.trim();
  const comment = await s.db.transaction(async (tx) => {
    const [request] = await tx
      .update(featureRequests)
      .set({ commentCount: sql`${featureRequests.commentCount} + 1` })
      .where(eq(featureRequests.id, requestId))
      .returning({ status: featureRequests.status });
    if (!request) throw notFound('Feature request');
    if (request.status === 'merged') throw conflict('request_merged', 'This request was merged into another; comment there instead');
    const id = randomUUID();
    const [row] = await tx
      .insert(comments)
      .values({
        id,
        requestId,
        authorId: call.actor.id,
        authorRole: call.actor.role,
        ...(await sealComment(s.keyring, tx, id, content)),
        expertAdvice,
        createdAt: s.now(),
      })
      .returning();
    // Without the comment's text: it is sealed content, for readers of the board, not for integrations.
    await emitWebhookEvent(tx, s, 'comment.created', {
      id: row!.id,
      requestId,
      authorRole: call.actor.role,
      expertAdvice,
      createdAt: row!.createdAt.toISOString(),
    });
    await recordAudit(s, tx, call, { action: 'comment_created', targetType: 'comment', targetId: row!.id, details: { requestId } });
    await followAutomatically(tx, requestId, call.actor.id, s.now());
    await enqueue(tx, jobSpec(COMMENT_POSTED, { commentId: id }), s.now());
    return row!;
  });
  // The board and roadmap show each request's comment count.
  purgeResponseCache(s, BOARD_TAGS);
  return {
    id: comment.id,
    requestId,
    content,
    expertAdvice: comment.expertAdvice,
    author: { id: call.actor.id, displayName: call.actor.displayName, role: call.actor.role },
    createdAt: comment.createdAt,
    editedAt: null,
    deleted: false,
    editableUntil: commentEditableUntil(call.actor, comment, s.config.commentEditWindowMinutes, s.now()),
  };
}

type CommentRow = typeof comments.$inferSelect;

/** Locks the comment `commentId` of request `requestId` for a change by its author, within the edit window. */
async function lockOwnComment(s: Services, tx: Database, call: Call, requestId: string, commentId: string): Promise<CommentRow> {
  const [row] = await tx
    .select()
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.requestId, requestId)))
    .for('update');
  // Someone else's comment hidden from members stays unknown to them, as in the list.
  if (!row || (row.hiddenAt && row.authorId !== call.actor.id)) throw notFound('Comment');
  if (row.authorId !== call.actor.id) throw forbidden('Only its author can change a comment', 'not_comment_author');
  if (row.deletedAt) throw conflict('comment_deleted', 'This comment was deleted');
  if (row.hiddenAt) throw conflict('comment_hidden', 'The WedSync team hid this comment; it can no longer be changed');
  const window = s.config.commentEditWindowMinutes;
  if (!commentEditableUntil(call.actor, row, window, s.now())) {
    throw conflict('edit_window_closed', `Comments can be edited or deleted for ${window} minutes after posting`, {
      windowMinutes: window,
      closedAt: new Date(row.createdAt.getTime() + window * 60_000).toISOString(),
    });
  }
  return row;
}

/** Its author corrects a comment within the edit window; the thread shows that it was edited. */
export async function editComment(s: Services, call: Call, requestId: string, commentId: string, input: { content: string }) {
  checkReadableText({ comment: input.content });
  const content = input.content.trim();
  const row = await s.db.transaction(async (tx) => {
    await lockOwnComment(s, tx, call, requestId, commentId);
    const [row] = await tx
      .update(comments)
      .set({ ...(await sealComment(s.keyring, tx, commentId, content)), editedAt: s.now() })
      .where(eq(comments.id, commentId))
      .returning();
    await recordAudit(s, tx, call, { action: 'comment_edited', targetType: 'comment', targetId: commentId, details: { requestId } });
    return row!;
  });
  return {
    ...commentReply(s, call.actor, row, content),
    author: { id: call.actor.id, displayName: call.actor.displayName, role: call.actor.role },
  };
}

/**
 * Its author withdraws a comment within the edit window. The text is blanked for good (not kept
 * sealed), and the thread keeps a placeholder so that replies to it still read in order.
 */
export async function deleteComment(s: Services, call: Call, requestId: string, commentId: string) {
  await s.db.transaction(async (tx) => {
    await lockOwnComment(s, tx, call, requestId, commentId);
    await tx
      .update(comments)
      .set({ ...(await sealComment(s.keyring, tx, commentId, '')), deletedAt: s.now() })
      .where(eq(comments.id, commentId));
    await recordAudit(s, tx, call, { action: 'comment_deleted', targetType: 'comment', targetId: commentId, details: { requestId } });
  });
}

/**
 * The product team hides a comment, saying why: members no longer receive it (nor count it), the
 * product team still reads it with the reason. Audited with the reason.
 */
export async function hideComment(s: Services, call: Call, requestId: string, commentId: string, input: { reason: string }) {
  const reason = input.reason.trim();
  await s.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ hiddenAt: comments.hiddenAt })
      .from(comments)
      .where(and(eq(comments.id, commentId), eq(comments.requestId, requestId)))
      .for('update');
    if (!row) throw notFound('Comment');
    if (row.hiddenAt) throw conflict('comment_already_hidden', 'This comment is already hidden');
    await tx.update(comments).set({ hiddenAt: s.now(), hiddenBy: call.actor.id, hiddenReason: reason }).where(eq(comments.id, commentId));
    // The count the board shows is what members can read.
    await tx
      .update(featureRequests)
      .set({ commentCount: sql`greatest(${featureRequests.commentCount} - 1, 0)` })
      .where(eq(featureRequests.id, requestId));
    await recordAudit(s, tx, call, { action: 'comment_hidden', targetType: 'comment', targetId: commentId, details: { requestId, reason } });
  });
  purgeResponseCache(s, BOARD_TAGS);
}

/** A comment as `viewer` receives it: a deleted one without content, a hidden one with why (product team only). */
function commentReply(s: Services, viewer: Actor, comment: CommentRow, content: string) {
  return {
    id: comment.id,
    requestId: comment.requestId,
    content: comment.deletedAt ? '' : content,
    expertAdvice: comment.expertAdvice,
    createdAt: comment.createdAt,
    editedAt: comment.editedAt,
    deleted: comment.deletedAt !== null,
    editableUntil: commentEditableUntil(viewer, comment, s.config.commentEditWindowMinutes, s.now()),
  };
}

const hiders = alias(users, 'hiders');

function decodeCursor(cursor: string): [Date, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = cursorInstant(at);
  if (!isUuid(id) || !date) throw badRequest('invalid_cursor', 'The cursor is not one this list produced');
  return [date, id];
}

/**
 * Oldest first, like a conversation. The AI service account reads content without authors, only
 * of commenters whose ai_analysis consent stands (the flag folds in restriction), with emails, phone
 * numbers and the names it can know masked (`content_anonymization_required`).
 */
export async function listComments(s: Services, viewer: Actor, requestId: string, page: { cursor?: string; limit: number }) {
  const [request] = await s.db
    .select({ id: featureRequests.id, authorName: users.displayName })
    .from(featureRequests)
    .leftJoin(users, eq(users.id, featureRequests.authorId))
    .where(eq(featureRequests.id, requestId))
    .limit(1);
  if (!request) throw notFound('Feature request');
  const forAi = readScope(viewer) === 'content_only';
  const moderator = mayModerateComments(viewer);
  const where = [eq(comments.requestId, requestId)];
  if (forAi) where.push(eq(users.aiAnalysisConsent, true), isNull(comments.deletedAt));
  // Hidden comments are gone for members (their authors included) and for the AI account.
  if (!moderator) where.push(isNull(comments.hiddenAt));
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    where.push(or(gt(comments.createdAt, at), and(eq(comments.createdAt, at), gt(comments.id, id)))!);
  }
  const rows = await s.db
    .select({ comment: comments, authorName: users.displayName, hider: { id: hiders.id, displayName: hiders.displayName, role: hiders.role } })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorId))
    .leftJoin(hiders, eq(hiders.id, comments.hiddenBy))
    .where(and(...where))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const names = forAi ? [request.authorName, ...shown.map((r) => r.authorName)] : [];
  const items = await Promise.all(
    shown.map(async ({ comment, authorName, hider }) => {
      const content = comment.deletedAt ? '' : await openComment(s.keyring, comment);
      return {
        ...commentReply(s, viewer, comment, forAi ? maskPersonalText(content, names) : content),
        author: forAi ? null : { id: comment.authorId, displayName: authorName ?? 'Former member', role: comment.authorRole },
        ...(moderator && {
          hidden: comment.hiddenAt ? { reason: comment.hiddenReason ?? '', hiddenAt: comment.hiddenAt, hiddenBy: hider?.id ? hider : null } : null,
        }),
      };
    }),
  );
  const last = rows.length > page.limit ? items[items.length - 1] : undefined;
  return { items, nextCursor: last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null };
}
