// The one place where rows meet the keyring: what each encrypted column holds and with which key.
// Services seal on the way in and open on the way out; everything above them sees plaintext, and
// nothing else reads these columns.
//
//   users.email, .phone, .business_address      personal key of the user (users.data_key, wrapped by a member KEK version)
//   feature_requests.wedding_context (JSON)      personal key of the author
//   feature_requests.description, .pain_points   data key (key_version), plus search_tokens
//   comments.content                             data key (key_version)
//   feature_request_revisions.description        data key (key_version)
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { users, type WeddingContext } from '../db/schema.js';
import type { FieldContext, Keyring, UserKey } from './keyring.js';

const at = (table: string, column: string, rowId: string): FieldContext => ({ table, column, rowId });

// ---- users -------------------------------------------------------------------------------------

export interface UserPii {
  email: string;
  phone: string | null;
  businessAddress: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The blind login key of an email address, as stored in users.email_index. */
export const emailIndexOf = (keyring: Keyring, email: string) => keyring.emailIndex(normaliseEmail(email));

function sealUserPii(keyring: Keyring, key: UserKey, id: string, pii: UserPii) {
  const sealOpt = (column: string, value: string | null) => (value === null ? null : keyring.sealPersonal(key, at('users', column, id), value));
  return {
    email: keyring.sealPersonal(key, at('users', 'email', id), pii.email.trim()),
    emailIndex: emailIndexOf(keyring, pii.email),
    phone: sealOpt('phone', pii.phone),
    businessAddress: sealOpt('business_address', pii.businessAddress),
  };
}

/** Columns of a new users row `id`: a fresh personal key and the PII sealed with it. */
export async function sealNewUser(keyring: Keyring, db: Database, id: string, pii: UserPii) {
  const { key, dataKey, keyVersion, memberKeyVersion } = await keyring.newUserKey(id, db);
  return { id, ...sealUserPii(keyring, key, id, pii), dataKey, keyVersion, memberKeyVersion };
}

type SealedUser = { id: string; email: string; phone: string | null; businessAddress: string | null; dataKey: string | null };

/** Opens a users row's PII; null once the personal key was shredded. */
export async function openUserPii(keyring: Keyring, row: SealedUser): Promise<UserPii | null> {
  const key = await keyring.userKey(row.dataKey, row.id);
  if (!key) return null;
  const openOpt = (column: string, value: string | null) => (value === null ? null : keyring.openPersonal(key, value, at('users', column, row.id)));
  return { email: openOpt('email', row.email)!, phone: openOpt('phone', row.phone), businessAddress: openOpt('business_address', row.businessAddress) };
}

/** Sealed columns for a corrected phone and/or business address of user `id` (rectification). */
export async function sealUserContactChange(keyring: Keyring, db: Database, id: string, change: { phone?: string | null; businessAddress?: string | null }) {
  const key = await personalKeyOf(keyring, db, id);
  if (!key) return {};
  const seal = (column: string, value: string | null) => (value === null ? null : keyring.sealPersonal(key, at('users', column, id), value));
  return {
    ...(change.phone !== undefined && { phone: seal('phone', change.phone) }),
    ...(change.businessAddress !== undefined && { businessAddress: seal('business_address', change.businessAddress) }),
  };
}

/** users.email and .email_index of user `id` for a confirmed new address (null: the key was shredded). */
export async function sealUserEmailChange(keyring: Keyring, db: Database, id: string, email: string) {
  const key = await personalKeyOf(keyring, db, id);
  if (!key) return null;
  return { email: keyring.sealPersonal(key, at('users', 'email', id), email.trim()), emailIndex: emailIndexOf(keyring, email) };
}

/** The personal key of a user (null: no such user, or shredded). */
export async function personalKeyOf(keyring: Keyring, db: Database, userId: string | null): Promise<UserKey | null> {
  if (!userId) return null;
  const [row] = await db.select({ dataKey: users.dataKey }).from(users).where(eq(users.id, userId)).limit(1);
  return keyring.userKey(row?.dataKey, userId);
}

// ---- feature requests --------------------------------------------------------------------------

export interface RequestContent {
  title: string;
  description: string;
  painPoints: string[];
}

/** description, pain_points (and their clear count), key_version and the blind search indexes (all the content; the title) of request `id`. */
export async function sealRequestContent(keyring: Keyring, db: Database, id: string, content: RequestContent) {
  const keyVersion = await keyring.currentVersion(db);
  return {
    description: await keyring.sealShared(keyVersion, at('feature_requests', 'description', id), content.description),
    painPoints: await keyring.sealShared(keyVersion, at('feature_requests', 'pain_points', id), JSON.stringify(content.painPoints)),
    keyVersion,
    searchTokens: keyring.searchTokenHashes([content.title, content.description, ...content.painPoints].join('\n')),
    titleSearchTokens: keyring.searchTokenHashes(content.title),
    painPointCount: content.painPoints.length,
  };
}

export const openRequestDescription = (keyring: Keyring, row: { id: string; description: string }) =>
  keyring.openShared(row.description, at('feature_requests', 'description', row.id));

export async function openRequestContent(keyring: Keyring, row: { id: string; description: string; painPoints: string }) {
  return {
    description: await openRequestDescription(keyring, row),
    painPoints: JSON.parse(await keyring.openShared(row.painPoints, at('feature_requests', 'pain_points', row.id))) as string[],
  };
}

/** Sealed with the author's personal key; without one (author erased or gone) nothing is kept. */
export function sealWeddingContext(keyring: Keyring, authorKey: UserKey | null, id: string, context: WeddingContext | null): string | null {
  if (!context || !authorKey) return null;
  return keyring.sealPersonal(authorKey, at('feature_requests', 'wedding_context', id), JSON.stringify(context));
}

/** Null when there is none, or when the author's key was shredded. */
export function openWeddingContext(keyring: Keyring, authorKey: UserKey | null, id: string, sealed: string | null): WeddingContext | null {
  if (!sealed || !authorKey) return null;
  return JSON.parse(keyring.openPersonal(authorKey, sealed, at('feature_requests', 'wedding_context', id))) as WeddingContext;
}

// ---- comments ----------------------------------------------------------------------------------

export async function sealComment(keyring: Keyring, db: Database, id: string, content: string) {
  const keyVersion = await keyring.currentVersion(db);
  return { content: await keyring.sealShared(keyVersion, at('comments', 'content', id), content), keyVersion };
}

export const openComment = (keyring: Keyring, row: { id: string; content: string }) => keyring.openShared(row.content, at('comments', 'content', row.id));

// ---- request revisions -------------------------------------------------------------------------

/** A revision's description, sealed like the request's own (data key), under the revision's id. */
export async function sealRevisionDescription(keyring: Keyring, db: Database, id: string, description: string) {
  const keyVersion = await keyring.currentVersion(db);
  return { description: await keyring.sealShared(keyVersion, at('feature_request_revisions', 'description', id), description), keyVersion };
}

export const openRevisionDescription = (keyring: Keyring, row: { id: string; description: string }) =>
  keyring.openShared(row.description, at('feature_request_revisions', 'description', row.id));
