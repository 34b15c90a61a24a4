// Members' notification channels: their preferences (in-app, email at once / daily / weekly / off),
// the emails themselves (one per notification, or a digest), and one-click unsubscribe (RFC 8058).
// Sending is at-least-once with a record: a notification's `emailed_at` is set after the SMTP server
// accepted it, so a job that runs again sends nothing; only a crash between the two could repeat one
// email, and its stable Message-ID lets mail clients fold the copy away.
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { featureRequests, notificationPreferences, notifications, users, type EmailFrequency } from '../db/schema.js';
import { digestEmail, notificationEmail, type EmailLinks, type MemberEmail } from '../domain/member-emails.js';
import { jobSpec, SEND_NOTIFICATION_DIGEST } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { secretsEqual } from '../security/constant-time.js';
import { openUserPii } from '../security/records.js';
import type { Call, Services } from './context.js';
import { badRequest } from './errors.js';

export interface NotificationPreferences {
  inApp: boolean;
  email: EmailFrequency;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = { inApp: true, email: 'instant' };

const DIGEST_PERIOD_MS = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;

export async function preferencesOf(s: Services, userId: string): Promise<NotificationPreferences> {
  const [row] = await s.db
    .select({ inApp: notificationPreferences.inApp, email: notificationPreferences.email })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  return row ?? DEFAULT_PREFERENCES;
}

export async function setPreferences(s: Services, call: Call, change: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
  return savePreferences(s, call.actor.id, change);
}

async function savePreferences(s: Services, userId: string, change: Partial<NotificationPreferences>) {
  const next = { ...(await preferencesOf(s, userId)), ...change };
  const now = s.now();
  // A member who switches to a digest starts its clock now, so the first digest does not re-send old news.
  const digestStart = next.email === 'daily' || next.email === 'weekly' ? { lastDigestAt: now } : {};
  await s.db
    .insert(notificationPreferences)
    .values({ userId, ...next, ...digestStart, updatedAt: now })
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: {
        inApp: next.inApp,
        email: next.email,
        updatedAt: now,
        lastDigestAt:
          next.email === 'daily' || next.email === 'weekly' ? sql`coalesce(${notificationPreferences.lastDigestAt}, ${now.toISOString()}::timestamptz)` : null,
      },
    });
  return next;
}

// --- one-click unsubscribe --------------------------------------------------------------------------

/** `<member id>.<keyed digest>`: only this deployment's keyring can make one, and it names one member. */
export function unsubscribeToken(s: Services, userId: string): string {
  return `${userId}.${s.keyring.blindDigest(userId, 'unsubscribe')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function memberOfToken(s: Services, token: string): string {
  const [userId, digest] = token.split('.');
  if (!userId || !digest || !UUID.test(userId) || !secretsEqual(digest, s.keyring.blindDigest(userId, 'unsubscribe'))) {
    throw badRequest('unsubscribe_link_invalid', 'This unsubscribe link is not valid. Sign in and choose “Notifications” to change your emails.');
  }
  return userId;
}

/** Checks a token without changing anything (the confirmation page). */
export function checkUnsubscribeToken(s: Services, token: string): void {
  memberOfToken(s, token);
}

/** Turns member emails off for the token's member; in-app notifications stay as they were. */
export async function unsubscribe(s: Services, token: string): Promise<void> {
  const userId = memberOfToken(s, token);
  const [exists] = await s.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (exists) await savePreferences(s, userId, { email: 'off' });
}

export function unsubscribeUrl(s: Services, userId: string) {
  return `${s.config.publicUrl}/unsubscribe?token=${encodeURIComponent(unsubscribeToken(s, userId))}`;
}

// --- sending ----------------------------------------------------------------------------------------

interface Recipient {
  id: string;
  displayName: string;
  email: string;
}

/**
 * The member, if they may be emailed now: `feature_feedback` consent (which already excludes a
 * restriction of processing) and an address that was not crypto-shredded. Decrypted only here.
 */
async function recipientNow(s: Services, userId: string): Promise<Recipient | null> {
  const [row] = await s.db
    .select({
      id: users.id,
      displayName: users.displayName,
      email: users.email,
      dataKey: users.dataKey,
      consent: users.featureFeedbackConsent,
      restricted: users.processingRestricted,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row || !row.consent || row.restricted) return null;
  const pii = await openUserPii(s.keyring, { ...row, phone: null, businessAddress: null });
  return pii ? { id: row.id, displayName: row.displayName, email: pii.email } : null;
}

/** One email through the deployment's SMTP server; `extra` adds headers (the notifications' List-Unsubscribe). */
export async function deliverMail(s: Services, to: { name: string; address: string }, email: MemberEmail, messageId: string, extra: SendMailOptions = {}) {
  const transport = nodemailer.createTransport({ url: s.config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
  try {
    await transport.sendMail({ from: s.config.mailFrom, to, subject: email.subject, text: email.text, html: email.html, messageId, ...extra });
  } finally {
    transport.close();
  }
}

async function send(s: Services, to: Recipient, email: MemberEmail, messageId: string) {
  await deliverMail(s, { name: to.displayName, address: to.email }, email, messageId, {
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    list: { unsubscribe: { url: unsubscribeUrl(s, to.id), comment: 'Stop these emails' } },
  });
}

const links = (s: Services, userId: string): EmailLinks => ({ publicUrl: s.config.publicUrl, unsubscribeUrl: unsubscribeUrl(s, userId) });
const host = (s: Services) => new URL(s.config.publicUrl).hostname;

/** The email of one notification, when its member wants email at once; sent at most once. */
export async function emailNotification(s: Services, notificationId: string): Promise<'sent' | 'skipped'> {
  if (!s.config.smtpUrl) return 'skipped';
  const [n] = await s.db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      kind: notifications.kind,
      requestId: notifications.requestId,
      requestTitle: featureRequests.title,
      details: notifications.details,
      emailedAt: notifications.emailedAt,
    })
    .from(notifications)
    .leftJoin(featureRequests, eq(featureRequests.id, notifications.requestId))
    .where(eq(notifications.id, notificationId));
  if (!n || n.emailedAt) return 'skipped';
  // Read at send time: a member who changed their mind (or withdrew consent) since the event is not emailed.
  if ((await preferencesOf(s, n.userId)).email !== 'instant') return 'skipped';
  const to = await recipientNow(s, n.userId);
  if (!to) return 'skipped';
  await send(s, to, notificationEmail(to.displayName, n, links(s, to.id)), `<notification-${n.id}@${host(s)}>`);
  await s.db.update(notifications).set({ emailedAt: s.now() }).where(eq(notifications.id, n.id));
  return 'sent';
}

/** Queues a digest for every member whose daily or weekly digest is due. */
export async function queueDueDigests(s: Services): Promise<number> {
  if (!s.config.smtpUrl) return 0;
  const now = s.now();
  const due = await s.db
    .select({ userId: notificationPreferences.userId })
    .from(notificationPreferences)
    .innerJoin(users, eq(users.id, notificationPreferences.userId))
    .where(
      and(
        eq(users.featureFeedbackConsent, true),
        or(
          and(eq(notificationPreferences.email, 'daily'), lte(notificationPreferences.lastDigestAt, new Date(now.getTime() - DIGEST_PERIOD_MS.daily))),
          and(eq(notificationPreferences.email, 'weekly'), lte(notificationPreferences.lastDigestAt, new Date(now.getTime() - DIGEST_PERIOD_MS.weekly))),
        ),
      ),
    );
  for (const { userId } of due) await enqueue(s.db, jobSpec(SEND_NOTIFICATION_DIGEST, { userId }), now);
  return due.length;
}

/** One member's digest: what they were told since their last one and not yet emailed. */
export async function sendDigest(s: Services, userId: string): Promise<'sent' | 'skipped'> {
  if (!s.config.smtpUrl) return 'skipped';
  const [pref] = await s.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  if (!pref || (pref.email !== 'daily' && pref.email !== 'weekly')) return 'skipped';
  const now = s.now();
  const since = pref.lastDigestAt ?? new Date(now.getTime() - DIGEST_PERIOD_MS[pref.email]);
  const items = await s.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      requestId: notifications.requestId,
      requestTitle: featureRequests.title,
      details: notifications.details,
    })
    .from(notifications)
    .leftJoin(featureRequests, eq(featureRequests.id, notifications.requestId))
    .where(and(eq(notifications.userId, userId), isNull(notifications.emailedAt), gt(notifications.createdAt, since), lte(notifications.createdAt, now)))
    .orderBy(notifications.createdAt)
    .limit(50);
  const to = items.length > 0 ? await recipientNow(s, userId) : null;
  if (to) await send(s, to, digestEmail(to.displayName, pref.email, items, links(s, userId)), `<digest-${userId}-${now.getTime()}@${host(s)}>`);
  await s.db.transaction(async (tx) => {
    if (to)
      await tx
        .update(notifications)
        .set({ emailedAt: now })
        .where(
          inArray(
            notifications.id,
            items.map((i) => i.id),
          ),
        );
    await tx.update(notificationPreferences).set({ lastDigestAt: now }).where(eq(notificationPreferences.userId, userId));
  });
  return to ? 'sent' : 'skipped';
}
