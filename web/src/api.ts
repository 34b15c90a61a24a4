// The one way the UI talks to the API: same origin, cookie session, and the CSRF token (kept in
// memory only, never in storage) on every change. Failures become ApiError with the API's
// `{error:{code,message,details}}`; errors.ts turns them into plain words.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

type Listener = () => void;
const signedOutListeners = new Set<Listener>();
/** Called when the API says the session is gone (expired, or signed out in another tab). */
export function onSessionLost(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Extra headers a route reads (X-Device-Id on a vote). */
  headers?: Record<string, string>;
}

const SAFE = new Set(['GET', 'HEAD']);

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The request did not reach the server');
  }
}

async function toError(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiError(res.status, body.error.code, body.error.message ?? res.statusText, body.error.details, retryAfterSeconds);
  } catch {
    // not JSON: a proxy's error page, for instance
  }
  return new ApiError(res.status, res.status >= 500 ? 'server_error' : 'http_error', res.statusText || `HTTP ${res.status}`, undefined, retryAfterSeconds);
}

async function recoverCsrfToken(): Promise<boolean> {
  const res = await send('GET', '/api/auth/session', {});
  if (!res.ok) return false;
  const body = (await res.json()) as { csrfToken: string | null };
  csrfToken = body.csrfToken;
  return Boolean(csrfToken);
}

/** A successful response, or ApiError; a lost CSRF token is recovered once, a lost session announced. */
async function call(method: string, path: string, options: RequestOptions): Promise<Response> {
  let res = await send(method, path, options);
  // A token lost or stale (another tab signed in again): fetch the session's token and retry once.
  if (res.status === 403 && !SAFE.has(method)) {
    const error = await toError(res.clone());
    if (error.code === 'csrf_token_invalid' && (await recoverCsrfToken())) res = await send(method, path, options);
  }
  if (!res.ok) {
    const error = await toError(res);
    if (error.status === 401 && error.code === 'unauthenticated') signedOutListeners.forEach((l) => l());
    throw error;
  }
  return res;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const res = await call(method, path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A file the API sends as an attachment: its bytes and the name it suggests (Content-Disposition). */
export async function getFile(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const res = await call('GET', path, {});
  const filename = res.headers.get('content-disposition')?.match(/filename="([^"]+)"/)?.[1] ?? null;
  return { blob: await res.blob(), filename };
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, { signal });

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The items shown, then those of the next page not among them yet: an item can move between pages
 * while they are read (votes reorder the board), so a page may repeat one already shown.
 */
export function appendNew<T>(items: readonly T[], page: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set(items.map(keyOf));
  return [...items, ...page.filter((item) => !seen.has(keyOf(item)))];
}
