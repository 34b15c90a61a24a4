// Sign-up signs nobody in any more: the member follows the link emailed to them. Tests that just need
// a fresh member sign up through the API and then follow their link, minted here the way the email
// job mints it (tests about the email itself read it from the SMTP sink instead).
import { and, eq, isNull } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { accountTokens, users } from '../../src/db/schema.js';
import { newSecret, sha256 } from '../../src/services/account-links.js';
import { emailIndexOf } from '../../src/security/records.js';
import type { TestApp } from './app.js';

/** The open sign-up link of the account with this address, as its email would carry it. */
export async function mintVerificationLink(t: Pick<TestApp, 'services'>, email: string): Promise<string> {
  const db = t.services.db;
  const [link] = await db
    .select({ id: accountTokens.id })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(users.emailIndex, emailIndexOf(t.services.keyring, email)), eq(accountTokens.purpose, 'verify_email'), isNull(accountTokens.usedAt)))
    .limit(1);
  if (!link) throw new Error(`no open sign-up link for ${email}`);
  const secret = newSecret();
  await db
    .update(accountTokens)
    .set({ tokenHash: sha256(secret) })
    .where(eq(accountTokens.id, link.id));
  return secret;
}

/**
 * Signs up and follows the sign-up link: the answer is the verification's (200, the session cookie,
 * `{ user, csrfToken }`). Throws when sign-up itself is refused.
 */
export async function signUpVerified(t: Pick<TestApp, 'app' | 'services'>, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  const signup = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: body });
  if (signup.statusCode !== 200) throw new Error(`signup → ${signup.statusCode} ${signup.body}`);
  const token = await mintVerificationLink(t, body.email as string);
  return t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token } });
}
