// Comments on a request. A verified supplier's comment is marked as expert advice, because the
// brief gives suppliers 'comments:create:expert_advice'.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { comments, featureRequests, users } from '../db/schema.js';
import { grantedPermissions, readScope, type Actor } from '../domain/access-control.js';
import { cursorInstant, isUuid } from '../domain/keyset-cursor.js';
import { maskPersonalText } from '../domain/personal-text.js';
import { BOARD_TAGS } from '../domain/response-cache.js';
import { COMMENT_POSTED, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { openComment, sealComment } from '../security/records.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { badRequest, conflict, notFound } from './errors.js';
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
  };
}

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
  const where = [eq(comments.requestId, requestId)];
  if (forAi) where.push(eq(users.aiAnalysisConsent, true));
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor);
    where.push(or(gt(comments.createdAt, at), and(eq(comments.createdAt, at), gt(comments.id, id)))!);
  }
  const rows = await s.db
    .select({ comment: comments, authorName: users.displayName })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorId))
    .where(and(...where))
    .orderBy(asc(comments.createdAt), asc(comments.id))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const names = forAi ? [request.authorName, ...shown.map((r) => r.authorName)] : [];
  const items = await Promise.all(
    shown.map(async ({ comment, authorName }) => {
      const content = await openComment(s.keyring, comment);
      return {
        id: comment.id,
        requestId,
        content: forAi ? maskPersonalText(content, names) : content,
        expertAdvice: comment.expertAdvice,
        author: forAi ? null : { id: comment.authorId, displayName: authorName ?? 'Former member', role: comment.authorRole },
        createdAt: comment.createdAt,
      };
    }),
  );
  const last = rows.length > page.limit ? items[items.length - 1] : undefined;
  return { items, nextCursor: last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null };
}
