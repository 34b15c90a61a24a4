// What the benchmark measures. Each scenario is one request pattern a real client produces; the
// fixtures (accounts, tokens, request ids) are created beforehand through the public API only, so
// the benchmark exercises exactly what production traffic exercises.
import type autocannon from 'autocannon';

export interface Target {
  minRps: number;
  maxP95Ms: number;
}

export interface Fixtures {
  /** Non-merged requests from the board, best first: what readers open and voters vote on. */
  requestIds: string[];
  /** `Cookie` header of couple@demo.test: the signed-in reader. */
  readerCookie: string;
  /** product@demo.test's API token: couples may only submit 10 requests a day. */
  creatorToken: string;
  /** One API token per vote connection, each a different couple. */
  voterTokens: string[];
  /** Requests of the product team's whose status the status-change connections move (one each; empty unless asked for). */
  statusRequestIds: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** The issue's goal with the PostgreSQL server; other modes are reported without a verdict. */
  serverTarget?: Target;
  /** The load to send, minus url/connections/duration (the runner adds those). */
  load(fixtures: Fixtures, settings: { voteRequests: number }): Omit<autocannon.Options, 'url'>;
}

const BOARD_PATH = '/api/feature-requests?limit=20&sort=top';
/** Next June, for new requests' wedding dates: a wedding must still be to come when the request is made. */
export const NEXT_JUNE_WEDDING = `${new Date().getUTCFullYear() + 1}-06-12`;

/** Hands each new connection the next index: autocannon calls setupClient once per connection. */
function perConnection(setup: (client: autocannon.Client, index: number) => void): (client: autocannon.Client) => void {
  let next = 0;
  return (client) => setup(client, next++);
}

const pick = <T>(items: readonly T[], index: number): T => {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('no fixtures to pick from');
  return item;
};

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'board-list',
    description: 'GET the board (top 20), anonymous: the public landing page',
    serverTarget: { minRps: 1600, maxP95Ms: 50 },
    load: () => ({ requests: [{ method: 'GET', path: BOARD_PATH }] }),
  },
  {
    name: 'get-one',
    description: 'GET one request, signed in with a session cookie; connections spread over the board',
    load: (f) => ({
      setupClient: perConnection((client, i) =>
        client.setRequests([{ method: 'GET', path: `/api/feature-requests/${pick(f.requestIds, i)}`, headers: { cookie: f.readerCookie } }]),
      ),
    }),
  },
  {
    name: 'create',
    description: 'POST a new request with a Bearer token (product team: no daily limit)',
    load: (f) => {
      let sequence = 0;
      const body = (n: number) =>
        JSON.stringify({
          title: `Bench: export seating chart #${n}`,
          description: 'Let us export the seating chart as a printable PDF for the venue coordinator.',
          category: 'seating',
          urgency: 'medium',
          painPoints: ['Re-typing the plan by hand', 'Last-minute changes get lost'],
          weddingContext: { weddingDate: NEXT_JUNE_WEDDING, guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
        });
      return {
        requests: [
          {
            method: 'POST',
            path: '/api/feature-requests',
            headers: { authorization: `Bearer ${f.creatorToken}`, 'content-type': 'application/json' },
            // A fresh title per request, as in real life. Not autocannon's `idReplacement`: it
            // assumes 33-character ids, sends a too-large Content-Length and the server waits.
            setupRequest: (request) => ({ ...request, body: body(++sequence) }),
          },
        ],
      };
    },
  },
  {
    name: 'vote',
    description: 'PUT then DELETE a vote, alternating, Bearer tokens: one couple per connection',
    serverTarget: { minRps: 2000, maxP95Ms: 50 },
    // Connection i votes as couple i on request i mod voteRequests: distinct users never collide
    // on "already voted"; fewer requests than connections puts them in contention for row locks.
    load: (f, { voteRequests }) => ({
      setupClient: perConnection((client, i) => {
        const path = `/api/feature-requests/${pick(f.requestIds.slice(0, voteRequests), i)}/vote`;
        const headers = { authorization: `Bearer ${pick(f.voterTokens, i)}` };
        client.setRequests([
          { method: 'PUT', path, headers },
          { method: 'DELETE', path, headers },
        ]);
      }),
    }),
  },
];

/**
 * The product team moving a request through the workflow with a justification: a status-history row,
 * two jobs and two audit events (the change and the API call) per request. Not in the default run;
 * the security benchmark uses it for the audit chain under load.
 */
export const STATUS_CHANGE: Scenario = {
  name: 'status-change',
  description: 'POST a status change with a justification (product team, Bearer): under_review ⇄ planned, one request per connection',
  load: (f) => ({
    setupClient: perConnection((client, i) => {
      const path = `/api/feature-requests/${pick(f.statusRequestIds, i)}/status`;
      const headers = { authorization: `Bearer ${f.creatorToken}`, 'content-type': 'application/json' };
      const to = (status: string) => ({
        method: 'POST' as const,
        path,
        headers,
        body: JSON.stringify({ status, justification: `Bench: moving to ${status} for the next release` }),
      });
      client.setRequests([to('under_review'), to('planned')]);
    }),
  }),
};

// ---- fixtures: set up through the public API, like any client would ----

interface ApiCall {
  body?: unknown;
  cookie?: string;
  csrfToken?: string;
  token?: string;
  expect: number;
}

interface ApiAnswer<T> {
  json: T;
  setCookies: string[];
}

async function api<T>(baseUrl: string, method: string, path: string, call: ApiCall): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.cookie) headers.cookie = call.cookie;
  if (call.csrfToken) headers['x-csrf-token'] = call.csrfToken;
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== call.expect) {
    throw new Error(`setup: ${method} ${path} answered ${response.status} (expected ${call.expect}): ${text.slice(0, 300)}`);
  }
  return { json: (text ? JSON.parse(text) : null) as T, setCookies: response.headers.getSetCookie() };
}

interface Session {
  cookie: string;
  csrfToken: string;
}

function sessionFrom(answer: ApiAnswer<{ csrfToken: string }>): Session {
  const cookie = answer.setCookies.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('wsfr_session='));
  if (!cookie) throw new Error('setup: sign-in set no wsfr_session cookie');
  return { cookie, csrfToken: answer.json.csrfToken };
}

async function logIn(baseUrl: string, email: string, password: string): Promise<Session> {
  try {
    return sessionFrom(await api<{ csrfToken: string }>(baseUrl, 'POST', '/api/auth/login', { body: { email, password }, expect: 200 }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n  (the benchmark needs the demo accounts: \`start\` loads them outside production; DEMO_PASSWORD must match)`, {
      cause: err,
    });
  }
}

async function createToken(baseUrl: string, session: Session, name: string): Promise<string> {
  const { json } = await api<{ token: string }>(baseUrl, 'POST', '/api/auth/tokens', {
    body: { name },
    cookie: session.cookie,
    csrfToken: session.csrfToken,
    expect: 201,
  });
  return json.token;
}

/** Runs `work` over 0..count-1 with at most `width` in flight: sign-up hashes passwords (argon2), so not all at once. */
async function inBatches<T>(count: number, width: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

async function boardIds(baseUrl: string, wanted: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/api/feature-requests?sort=top&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { json }: ApiAnswer<{ items: { id: string }[]; nextCursor: string | null }> = await api(baseUrl, 'GET', query, { expect: 200 });
    ids.push(...json.items.map((item) => item.id));
    cursor = json.nextCursor;
  } while (cursor && ids.length < wanted);
  if (ids.length === 0) throw new Error('setup: the board is empty (no demo data?)');
  return ids;
}

export interface FixtureOptions {
  demoPassword: string;
  /** Vote connections: one couple signed up for each. */
  voters: number;
  /** Label that keeps this run's accounts apart from earlier runs against the same server. */
  runId: string;
  /** Requests to create for STATUS_CHANGE (one per connection); default none. */
  statusRequests?: number;
}

export async function prepareFixtures(baseUrl: string, options: FixtureOptions): Promise<Fixtures> {
  const [reader, creator, requestIds] = await Promise.all([
    logIn(baseUrl, 'couple@demo.test', options.demoPassword),
    logIn(baseUrl, 'product@demo.test', options.demoPassword),
    boardIds(baseUrl, options.voters),
  ]);
  const creatorToken = await createToken(baseUrl, creator, `bench ${options.runId}`);
  const voterTokens = await inBatches(options.voters, 4, async (i) => {
    const email = `bench-${options.runId}-${i}@bench.test`;
    const password = `bench-password-${options.runId}`;
    // Sign-up signs nobody in (the same answer for every address): the new couple signs in.
    await api(baseUrl, 'POST', '/api/auth/signup', {
      body: { email, password, displayName: `Bench couple ${i}`, role: 'couple', timeZone: 'Europe/London', country: 'GB' },
      expect: 200,
    });
    return createToken(baseUrl, await logIn(baseUrl, email, password), 'bench voter');
  });
  const statusRequestIds = await inBatches(options.statusRequests ?? 0, 4, async (i) => {
    const body = {
      title: `Bench: status workflow request ${i}`,
      description: 'A request the status-change scenario moves between review and planned.',
      category: 'seating',
      urgency: 'medium',
    };
    return (await api<{ id: string }>(baseUrl, 'POST', '/api/feature-requests', { body, token: creatorToken, expect: 201 })).json.id;
  });
  return { requestIds, readerCookie: reader.cookie, creatorToken, voterTokens, statusRequestIds };
}

export { BOARD_PATH };
