// The links of account emails: issued in the transaction of the change that needs one (a row and a
// queued job), minted and mailed by the job, consumed once. The secret is made by the job right
// before the email goes out and only its SHA-256 is stored, so it exists nowhere but in the email.
// A job that runs again mints a new secret: the earlier email's link stops working, never both.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { accountTokens, users, type AccountTokenPurpose } from '../db/schema.js';
import { accountEmail, LINK_LIFETIME_MS, LINK_PAGE, LINKS_PER_HOUR, type AccountEmailKind } from '../domain/account-emails.js';
import { jobSpec, SEND_ACCOUNT_EMAIL } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { emailIndexOf, openUserPii, personalKeyOf } from '../security/records.js';
import type { Services } from './context.js';
import { deliverMail } from './member-email.js';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
export const newSecret = () => randomBytes(32).toString('base64url');

const PURPOSE_OF: Record<AccountEmailKind, AccountTokenPurpose> = {
  verify_email: 'verify_email',
  sign_up_attempt: 'reset_password',
  reset_password: 'reset_password',
  confirm_email_change: 'change_email',
  email_change_requested: 'reset_password',
};

/** Links of this purpose issued to the member in the last hour. */
export async function linksInLastHour(s: Services, db: Database, userId: string, purpose: AccountTokenPurpose): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), gt(accountTokens.createdAt, new Date(s.now().getTime() - 3_600_000))));
  return row?.n ?? 0;
}

/**
 * Records a link for `userId` and queues its email, in the caller's transaction. Returns false, and
 * sends nothing, when the member already had LINKS_PER_HOUR of this purpose in the last hour: the
 * caller's answer does not change, so a throttled request looks like any other.
 */
export async function issueLink(
  s: Services,
  tx: Database,
  userId: string,
  kind: AccountEmailKind,
  /** confirm_email_change: the address to move to, sealed here with the member's personal key. */
  newAddress?: string,
): Promise<boolean> {
  const purpose = PURPOSE_OF[kind];
  if ((await linksInLastHour(s, tx, userId, purpose)) >= LINKS_PER_HOUR) return false;
  const id = randomUUID();
  let sealed: { newEmail: string; newEmailIndex: string } | null = null;
  if (newAddress !== undefined) {
    const key = await personalKeyOf(s.keyring, tx, userId);
    if (!key) return false;
    sealed = { newEmail: s.keyring.sealPersonal(key, newEmailField(id), newAddress.trim()), newEmailIndex: emailIndexOf(s.keyring, newAddress) };
  }
  const now = s.now();
  await tx.insert(accountTokens).values({ id, userId, purpose, ...sealed, createdAt: now, expiresAt: new Date(now.getTime() + LINK_LIFETIME_MS[purpose]) });
  await enqueue(tx, jobSpec(SEND_ACCOUNT_EMAIL, { linkId: id, kind }), now);
  return true;
}

/** The job: mints the link's secret and mails it, unless the link was used or expired meanwhile. */
export async function sendAccountEmail(s: Services, linkId: string, kind: AccountEmailKind): Promise<'sent' | 'skipped'> {
  if (!s.config.smtpUrl) return 'skipped';
  const now = s.now();
  const [row] = await s.db
    .select({
      link: accountTokens,
      user: { id: users.id, displayName: users.displayName, email: users.email, dataKey: users.dataKey, erasedAt: users.erasedAt },
    })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(accountTokens.id, linkId), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)));
  if (!row || row.user.erasedAt) return 'skipped';
  const pii = await openUserPii(s.keyring, { ...row.user, phone: null, businessAddress: null });
  if (!pii) return 'skipped';
  let address = pii.email;
  if (kind === 'confirm_email_change') {
    const key = await personalKeyOf(s.keyring, s.db, row.user.id);
    if (!key || !row.link.newEmail) return 'skipped';
    address = s.keyring.openPersonal(key, row.link.newEmail, newEmailField(linkId));
  }
  const secret = newSecret();
  const [minted] = await s.db
    .update(accountTokens)
    .set({ tokenHash: sha256(secret) })
    .where(and(eq(accountTokens.id, linkId), isNull(accountTokens.usedAt)))
    .returning({ id: accountTokens.id });
  if (!minted) return 'skipped';
  const link = `${s.config.publicUrl}${LINK_PAGE[kind]}?token=${encodeURIComponent(secret)}`;
  const email = accountEmail(kind, row.user.displayName, link, row.link.expiresAt.getTime() - row.link.createdAt.getTime());
  await deliverMail(s, { name: row.user.displayName, address }, email, `<account-${linkId}-${kind}@${new URL(s.config.publicUrl).hostname}>`);
  return 'sent';
}

/** Where a pending new address is sealed: bound to its link row, so it cannot be moved to another. */
export const newEmailField = (linkId: string) => ({ table: 'account_tokens', column: 'new_email', rowId: linkId });

/**
 * The open, unexpired link of `purpose` whose secret this is, locked for the caller's transaction;
 * null for anything else (unknown, used, expired, another purpose) — one answer for all of them.
 */
export async function openLink(s: Services, tx: Database, secret: string, purpose: AccountTokenPurpose) {
  const [link] = await tx
    .select()
    .from(accountTokens)
    .where(
      and(eq(accountTokens.tokenHash, sha256(secret)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, s.now())),
    )
    .for('update');
  return link ?? null;
}

/** Uses up every open link of `purpose` of the member: the one followed, and any sent before it. */
export async function consumeLinks(s: Services, tx: Database, userId: string, purpose: AccountTokenPurpose): Promise<void> {
  await tx
    .update(accountTokens)
    .set({ usedAt: s.now() })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
}
