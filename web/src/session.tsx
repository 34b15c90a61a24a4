// Who is signed in. The CSRF token lives in memory (api.ts); after a reload it is recovered from
// GET /api/auth/session, which the httpOnly cookie authenticates.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { can } from '../../src/domain/access-control.js';
import { api, ApiError, onSessionLost, setCsrfToken } from './api.js';
import { signUp as signUpCall, verifyEmail as verifyEmailCall } from './endpoints.js';
import type { Account, CurrentSession, SessionReply, SignUpBody, SignUpReply } from './types.js';

type Status = 'loading' | 'anonymous' | 'signed_in';

interface SessionValue {
  status: Status;
  user: Account | null;
  /** Set when a signed-in session ended on its own (expired, or signed out elsewhere). */
  lost: boolean;
  signIn(email: string, password: string): Promise<Account>;
  /** Signs nobody in: the member follows the emailed link (verifyEmail). */
  signUp(body: SignUpBody): Promise<SignUpReply>;
  verifyEmail(token: string): Promise<Account>;
  signOut(): Promise<void>;
  /** The account as the API now has it (after the member corrected their profile). */
  updateUser(user: Account): void;
  /** Whether the signed-in account holds a permission, by the same rules the API applies. */
  can(permission: string): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: Status; user: Account | null; lost: boolean }>({ status: 'loading', user: null, lost: false });

  useEffect(() => {
    let cancelled = false;
    api<CurrentSession>('GET', '/api/auth/session')
      .then((reply) => {
        if (cancelled) return;
        setCsrfToken(reply.csrfToken);
        setState(reply.user ? { status: 'signed_in', user: reply.user, lost: false } : { status: 'anonymous', user: null, lost: false });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        console.warn('could not read the session', err);
        setState({ status: 'anonymous', user: null, lost: false });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionLost(() => {
        setCsrfToken(null);
        setState((s) => (s.status === 'signed_in' ? { status: 'anonymous', user: null, lost: true } : s));
      }),
    [],
  );

  const start = useCallback((reply: SessionReply) => {
    setCsrfToken(reply.csrfToken);
    setState({ status: 'signed_in', user: reply.user, lost: false });
    return reply.user;
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => start(await api<SessionReply>('POST', '/api/auth/login', { body: { email, password } })),
    [start],
  );

  const signUp = useCallback((body: SignUpBody) => signUpCall(body), []);
  const verifyEmail = useCallback(async (token: string) => start(await verifyEmailCall(token)), [start]);

  const signOut = useCallback(async () => {
    try {
      await api<void>('POST', '/api/auth/logout');
    } catch (err) {
      // Already signed out on the server is fine; anything else leaves the cookie in place: say so.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
    setCsrfToken(null);
    setState({ status: 'anonymous', user: null, lost: false });
  }, []);

  const updateUser = useCallback((user: Account) => setState((s) => (s.status === 'signed_in' ? { ...s, user } : s)), []);

  const value = useMemo(
    () => ({ ...state, signIn, signUp, verifyEmail, signOut, updateUser, can: (permission: string) => (state.user ? can(state.user, permission) : false) }),
    [state, signIn, signUp, verifyEmail, signOut, updateUser],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
