// A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1 for sign-in tests, with
// its development login page: any login name signs in as the person of that name in `people`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface Person {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who may sign in (login name → claims); tests add people as they go. */
  people: Map<string, Person>;
  /**
   * Signs in at the provider as `login`, starting from our authorization URL, with a cookie jar of
   * the provider's own; returns the URL the provider sends the browser back to (our callback).
   */
  signIn(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people = new Map<string, Person>();
  const clientId = 'wedsync-feature-requests';
  const clientSecret = 'a-client-secret-for-the-test-provider';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    cookies: { keys: ['cookie-key-of-the-test-provider'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    // Consent is the provider's business, not what these tests are about: grant what the client asks.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(ctx.oidc.params!.scope as string);
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, accountId) => {
      const person = people.get(accountId);
      return person ? { accountId, claims: async () => ({ sub: accountId, ...person }) } : undefined;
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));

  async function signIn(authorizationUrl: string, login: string): Promise<URL> {
    const jar = new CookieJar();
    let url = new URL(authorizationUrl);
    let form: URLSearchParams | undefined;
    for (let step = 0; step < 10; step++) {
      if (url.href.startsWith(redirectUri)) return url;
      const response = await fetch(url, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form,
      });
      jar.store(response);
      form = undefined;
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        continue;
      }
      const page = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      if (!action || !page.includes('name="login"')) throw new Error(`unexpected provider page ${response.status}: ${page.slice(0, 300)}`);
      url = new URL(action, url);
      form = new URLSearchParams({ prompt: 'login', login, password: 'any password' });
    }
    throw new Error('the provider never sent the browser back');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    people,
    signIn,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
