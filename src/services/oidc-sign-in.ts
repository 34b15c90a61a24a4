// Single sign-on through an OpenID Connect provider (authorization code flow with PKCE, state and
// nonce; openid-client checks the issuer, audience, signature and expiry of the ID token).
//
// The flow keeps nothing on the server: one random secret in a short-lived httpOnly cookie derives
// the state, the nonce and the PKCE verifier (HMAC, one label each). The provider sees only the
// state, the nonce and the verifier's hash; none of them reveals the secret or the others, and a
// callback from another browser (no cookie) or with a swapped state cannot pass.
import { createHmac, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import * as client from 'openid-client';
import type { OidcConfig } from '../config.js';
import { oidcIdentities, users } from '../db/schema.js';
import { isStaffRole, staffRoleFor, type IdentityClaims } from '../domain/oidc-roles.js';
import type { UserRole } from '../domain/feature-requests.js';
import { isValidTimeZone } from '../domain/seasons.js';
import { emailIndexOf } from '../security/records.js';
import { hashPassword, insertUser, openSession, type SessionGrant } from './accounts.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { ServiceError } from './errors.js';

export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
/** How long a sign-in at the provider may take before the browser must start again. */
export const OIDC_FLOW_TTL_SECONDS = 600;
const PROVIDER_RETRY_AFTER_SECONDS = 30;

const notConfigured = () => new ServiceError(404, 'sso_not_configured', 'Single sign-on is not configured');
const refused = (code: string, message: string, status = 400) => new ServiceError(status, code, message);

const derive = (secret: string, label: string) => createHmac('sha256', secret).update(label).digest('base64url');

/** A path on this site to land on after signing in; anything else (other origins, `//host`, `/\host`) becomes `/`. */
export function safeReturnPath(value: string | undefined): string {
  return value && /^\/(?![/\\])[^\s\\]*$/.test(value) && value.length <= 500 ? value : '/';
}

export const redirectUri = (s: Services) => `${s.config.publicUrl}${OIDC_CALLBACK_PATH}`;

function oidcConfig(s: Services): OidcConfig {
  if (!s.config.oidc) throw notConfigured();
  return s.config.oidc;
}

/** Network trouble or a failing provider: try again later (503 + Retry-After), not the person's fault. */
function providerUnavailable(err: unknown): ServiceError | undefined {
  const name = (err as Error | undefined)?.name;
  const transient =
    err instanceof TypeError ||
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (err instanceof client.ResponseBodyError && err.status >= 500) ||
    (err instanceof client.ClientError && err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  return transient
    ? new ServiceError(
        503,
        'sso_provider_unavailable',
        'The sign-in provider cannot be reached right now; try again shortly',
        undefined,
        PROVIDER_RETRY_AFTER_SECONDS,
      )
    : undefined;
}

async function provider(s: Services): Promise<client.Configuration> {
  const oidc = oidcConfig(s);
  const cache = s.state.oidcProvider;
  cache.discovered ??= client
    .discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, undefined, {
      timeout: 10,
      // Config allows plain http only for a provider on loopback (development and tests); the
      // library marks the switch deprecated only to make it stand out.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      execute: new URL(oidc.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
    })
    .catch((err: unknown) => {
      cache.discovered = undefined;
      throw err;
    });
  try {
    return await cache.discovered;
  } catch (err) {
    // A discovery document naming another issuer is a misconfiguration: nobody can sign in until it is fixed.
    throw (
      providerUnavailable(err) ??
      new ServiceError(503, 'sso_provider_misconfigured', 'The sign-in provider is misconfigured', undefined, PROVIDER_RETRY_AFTER_SECONDS)
    );
  }
}

export interface OidcFlowStart {
  authorizationUrl: string;
  /** The value of the flow cookie: its secret and where to land afterwards. */
  flowCookie: string;
}

export async function beginOidcSignIn(s: Services, returnTo: string | undefined): Promise<OidcFlowStart> {
  const oidc = oidcConfig(s);
  const config = await provider(s);
  const secret = randomBytes(32).toString('base64url');
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(s),
    response_type: 'code',
    scope: oidc.scopes,
    state: derive(secret, 'state'),
    nonce: derive(secret, 'nonce'),
    code_challenge: await client.calculatePKCECodeChallenge(derive(secret, 'pkce')),
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, flowCookie: `${secret}.${Buffer.from(safeReturnPath(returnTo)).toString('base64url')}` };
}

export interface OidcCallback {
  /** The callback's query string as the browser sent it (`code`, `state`, `iss`, or `error`). */
  query: string;
  flowCookie: string | undefined;
  requestId?: string;
  /** The session cookie the browser sent, if any: it ends (see accounts.openSession). */
  replacing?: string;
}

export interface OidcSignedIn {
  grant: SessionGrant;
  returnTo: string;
}

type Claims = Record<string, unknown>;

export async function finishOidcSignIn(s: Services, callback: OidcCallback): Promise<OidcSignedIn> {
  const oidc = oidcConfig(s);
  const [secret, encodedReturn] = (callback.flowCookie ?? '').split('.');
  if (!secret || encodedReturn === undefined) {
    throw refused('sso_flow_missing', 'This sign-in was not started in this browser, or took too long; start again');
  }
  const config = await provider(s);
  const currentUrl = new URL(`${redirectUri(s)}?${callback.query}`);
  let claims: Claims;
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: derive(secret, 'pkce'),
      expectedState: derive(secret, 'state'),
      expectedNonce: derive(secret, 'nonce'),
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    // Many providers put email and groups only in userinfo; its subject must be the ID token's.
    const userinfo = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, idClaims.sub) : {};
    claims = { ...userinfo, ...idClaims };
  } catch (err) {
    const unavailable = providerUnavailable(err);
    if (unavailable) throw unavailable;
    await recordAudit(
      s,
      s.db,
      { actor: null, requestId: callback.requestId },
      {
        action: 'oidc_sign_in_refused',
        targetType: 'oidc_provider',
        targetId: oidc.issuer,
        // The provider's OAuth error (e.g. invalid_grant for a reused code) or the check that failed here.
        details: {
          reason: 'invalid_response',
          error: err instanceof client.ResponseBodyError ? err.error : ((err as { code?: string }).code ?? (err as Error).name),
        },
      },
    );
    throw refused('sso_response_invalid', 'The sign-in response could not be verified; start again');
  }
  const user = await accountFor(s, oidc, claims, callback.requestId);
  await recordAudit(
    s,
    s.db,
    { actor: { id: user.id, role: user.role }, requestId: callback.requestId },
    {
      action: 'user_logged_in',
      targetType: 'user',
      targetId: user.id,
      details: { method: 'oidc', issuer: oidc.issuer },
    },
  );
  const grant = await openSession(s, user, callback.replacing);
  return { grant, returnTo: safeReturnPath(Buffer.from(encodedReturn, 'base64url').toString()) };
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** The account the provider's person signs in as: linked before, linked now by verified email, or new. */
async function accountFor(s: Services, oidc: OidcConfig, claims: Claims, requestId?: string) {
  const subject = String(claims.sub);
  const identity: IdentityClaims = {
    email: text(claims.email)?.toLowerCase(),
    emailVerified: claims.email_verified === true,
    roleClaimValue: oidc.roleClaim ? claims[oidc.roleClaim] : undefined,
  };
  const refuse = async (code: string, message: string, status = 403) => {
    await recordAudit(
      s,
      s.db,
      { actor: null, requestId },
      { action: 'oidc_sign_in_refused', targetType: 'oidc_provider', targetId: oidc.issuer, details: { reason: code } },
    );
    return refused(code, message, status);
  };
  const decision = staffRoleFor(identity, oidc);
  if ('refused' in decision) {
    throw await refuse(
      decision.refused,
      decision.refused === 'staff_domain_not_allowed'
        ? 'Staff roles are only given to addresses in the allowed domains'
        : 'Staff roles need an email address your provider has verified',
    );
  }
  // A new member's password is random and never shown: they sign in through the provider.
  const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
  let roleChange: { from: UserRole; to: UserRole } | undefined;
  const user = await s.db
    .transaction(async (tx) => {
      const [linked] = await tx
        .select({ user: users })
        .from(oidcIdentities)
        .innerJoin(users, eq(users.id, oidcIdentities.userId))
        .where(and(eq(oidcIdentities.issuer, oidc.issuer), eq(oidcIdentities.subject, subject)))
        .limit(1);
      let account = linked?.user;
      if (linked) {
        await tx
          .update(oidcIdentities)
          .set({ lastSignInAt: s.now() })
          .where(and(eq(oidcIdentities.issuer, oidc.issuer), eq(oidcIdentities.subject, subject)));
      } else {
        if (!identity.email) throw refused('sso_email_missing', 'Your sign-in provider did not share an email address');
        const [existing] = await tx
          .select()
          .from(users)
          .where(eq(users.emailIndex, emailIndexOf(s.keyring, identity.email)))
          .limit(1);
        if (existing && !identity.emailVerified) {
          // Whoever controls the provider account has not proved they own this address: no takeover of its account.
          throw refused('sso_email_unverified', 'An account with this email exists, but your sign-in provider has not verified the address', 409);
        }
        account =
          existing ??
          (await insertUser(
            s,
            tx,
            {
              email: identity.email,
              displayName: (text(claims.name) ?? text(claims.preferred_username) ?? identity.email.split('@')[0]!).slice(0, 80),
              role: decision.staffRole ?? 'couple',
              timeZone: typeof claims.zoneinfo === 'string' && isValidTimeZone(claims.zoneinfo) ? claims.zoneinfo : 'UTC',
              consents: {},
            },
            passwordHash,
            requestId,
          ));
        await tx.insert(oidcIdentities).values({ userId: account.id, issuer: oidc.issuer, subject, lastSignInAt: s.now() });
        await recordAudit(
          s,
          tx,
          { actor: { id: account.id, role: account.role }, requestId },
          {
            action: 'oidc_identity_linked',
            targetType: 'user',
            targetId: account.id,
            details: { issuer: oidc.issuer, newAccount: !existing },
          },
        );
      }
      if (!account) throw new Error('no account after linking');
      // With a role claim configured the provider is the authority on staff roles: granted by the
      // mapping, withdrawn when the claim no longer maps (a member leaving the team loses access).
      const wanted = oidc.roleClaim ? (decision.staffRole ?? (isStaffRole(account.role) ? 'couple' : account.role)) : account.role;
      if (wanted !== account.role) {
        roleChange = { from: account.role, to: wanted };
        [account] = await tx.update(users).set({ role: wanted }).where(eq(users.id, account.id)).returning();
        await recordAudit(
          s,
          tx,
          { actor: null, requestId },
          { action: 'user_role_changed', targetType: 'user', targetId: account!.id, details: { ...roleChange, source: 'oidc' } },
        );
      }
      return account!;
    })
    .catch(async (err: unknown) => {
      // Refusals decided inside the transaction are recorded after its rollback.
      if (err instanceof ServiceError && err.statusCode < 500) throw await refuse(err.code, err.message, err.statusCode);
      throw err;
    });
  // After the commit: no replica may go on with the old role (as supplier verification does).
  if (roleChange) s.state.credentials.forgetUser(user.id);
  return user;
}

/** What the sign-in page needs to offer single sign-on. */
export function signInOptions(s: Services) {
  return {
    oidc: s.config.oidc ? { providerName: s.config.oidc.providerName, startUrl: '/api/auth/oidc/start' } : null,
    passwordSignInForStaff: s.config.localLoginForStaff,
  };
}
