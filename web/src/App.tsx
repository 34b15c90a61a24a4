// The shell: header, routes, and one lazily loaded chunk per area (board, detail, submit, sign-in,
// sign-up, roadmap, triage, insights, ops, staff, API tokens, privacy, notifications), so the board's first load carries only React,
// this shell and the board itself; the chart library comes with the screens that draw charts (insights, ops).
import { Component, lazy, Suspense, useState, type ReactNode } from 'react';
import { can } from '../../src/domain/access-control.js';
import { HeaderMenu } from './components/HeaderMenu.js';
import { Notice } from './components/Notice.js';
import { NotificationBell } from './components/NotificationBell.js';
import { plainMessage } from './errors.js';
import { roleLabel } from './labels.js';
import { INSIGHTS_PERMISSION, OPS_PERMISSION, STAFF_PERMISSIONS, SUBMIT_PERMISSION, TRIAGE_PERMISSION } from './permissions.js';
import { Link, navigate, useLocation } from './router.js';
import { useSession } from './session.js';
import { ThemeSwitch } from './components/ThemeSwitch.js';

const Board = lazy(() => import('./pages/Board.js'));
const Detail = lazy(() => import('./pages/Detail.js'));
const Submit = lazy(() => import('./pages/Submit.js'));
const Login = lazy(() => import('./pages/Login.js'));
const Signup = lazy(() => import('./pages/Signup.js'));
const AccountLink = lazy(() => import('./pages/AccountLink.js'));
const Roadmap = lazy(() => import('./pages/Roadmap.js'));
const Triage = lazy(() => import('./pages/Triage.js'));
const Insights = lazy(() => import('./pages/Insights.js'));
const Ops = lazy(() => import('./pages/Ops.js'));
const Staff = lazy(() => import('./pages/Staff.js'));
const Tokens = lazy(() => import('./pages/Tokens.js'));
const Privacy = lazy(() => import('./pages/Privacy.js'));
const Notifications = lazy(() => import('./pages/Notifications.js'));
const NotFound = lazy(() => import('./pages/NotFound.js'));

function Screen() {
  const { path } = useLocation();
  if (path === '/' || path === '') return <Board />;
  if (path === '/submit') return <Submit />;
  if (path === '/login') return <Login />;
  if (path === '/signup') return <Signup />;
  if (path === '/verify-email' || path === '/reset-password' || path === '/confirm-email') return <AccountLink />;
  if (path === '/roadmap') return <Roadmap />;
  if (path === '/triage') return <Triage />;
  if (path === '/insights') return <Insights />;
  if (path === '/ops') return <Ops />;
  if (path === '/staff') return <Staff />;
  if (path === '/tokens') return <Tokens />;
  if (path === '/privacy') return <Privacy />;
  if (path === '/notifications') return <Notifications />;
  const detail = path.match(/^\/requests\/([^/]+)\/?$/);
  if (detail) return <Detail key={detail[1]} id={decodeURIComponent(detail[1]!)} />;
  return <NotFound />;
}

export function App() {
  const { path } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header path={path} />
      <main id="main" tabIndex={-1}>
        <ScreenBoundary path={path}>
          <Suspense
            fallback={
              <p className="loading" aria-busy="true">
                Loading…
              </p>
            }
          >
            <Screen />
          </Suspense>
        </ScreenBoundary>
      </main>
      <footer className="site-footer">
        <p>
          WedSync Feature Requests · <a href="/status">Service status</a> · <a href="/api/openapi.json">API</a>
        </p>
        <ThemeSwitch />
      </footer>
    </>
  );
}

function Header({ path }: { path: string }) {
  const session = useSession();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const current = (to: string) => (path === to ? ('page' as const) : undefined);
  // Anyone signed out is invited (sign-in comes first); an unverified supplier may prepare a request;
  // an account whose role never submits (the AI service account) is not offered the form.
  const mayEverSubmit = !session.user || can({ ...session.user, verified: true }, SUBMIT_PERMISSION);

  async function signOut() {
    setSignOutError(null);
    try {
      await session.signOut();
      navigate('/');
    } catch (err) {
      setSignOutError(plainMessage(err));
    }
  }

  return (
    <header className="site-header">
      <div className="header-inner">
        <Link to="/" className="brand">
          <svg aria-hidden="true" viewBox="0 0 32 32" width="28" height="28" focusable="false">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <circle cx="12.5" cy="17" r="6" fill="none" style={{ stroke: 'var(--on-plum)' }} strokeWidth="2.4" />
            <circle cx="19.5" cy="17" r="6" fill="none" stroke="#f6c7d9" strokeWidth="2.4" />
          </svg>
          <span>
            WedSync <span className="brand-sub">Feature Requests</span>
          </span>
        </Link>
        <HeaderMenu path={path}>
          <nav aria-label="Main">
            <ul>
              <li>
                <Link to="/" aria-current={current('/')}>
                  Board
                </Link>
              </li>
              <li>
                <Link to="/roadmap" aria-current={current('/roadmap')}>
                  Roadmap
                </Link>
              </li>
              {mayEverSubmit && (
                <li>
                  <Link to="/submit" aria-current={current('/submit')}>
                    Submit a request
                  </Link>
                </li>
              )}
              {session.can(TRIAGE_PERMISSION) && (
                <li>
                  <Link to="/triage" aria-current={current('/triage')}>
                    Triage
                  </Link>
                </li>
              )}
              {session.can(INSIGHTS_PERMISSION) && (
                <li>
                  <Link to="/insights" aria-current={current('/insights')}>
                    Insights
                  </Link>
                </li>
              )}
              {session.can(OPS_PERMISSION) && (
                <li>
                  <Link to="/ops" aria-current={current('/ops')}>
                    Platform health
                  </Link>
                </li>
              )}
              {STAFF_PERMISSIONS.some((p) => session.can(p)) && (
                <li>
                  <Link to="/staff" aria-current={current('/staff')}>
                    Staff
                  </Link>
                </li>
              )}
              {session.user && (
                <li>
                  <Link to="/tokens" aria-current={current('/tokens')}>
                    API tokens
                  </Link>
                </li>
              )}
            </ul>
          </nav>
        </HeaderMenu>
        <div className="account" aria-live="polite">
          {session.status === 'signed_in' && session.user ? (
            <>
              <span className="who">
                <span className="visually-hidden">Signed in as </span>
                {session.user.displayName}
                <span className="muted"> · {roleLabel(session.user.role)}</span>
              </span>
              <NotificationBell path={path} />
              <Link className="account-link" to="/privacy" aria-current={current('/privacy')}>
                Privacy &amp; data
              </Link>
              <button type="button" className="button secondary small" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : session.status === 'anonymous' ? (
            <>
              <Link className="button secondary small" to="/signup" aria-current={current('/signup')}>
                Sign up
              </Link>
              <Link
                className="button small"
                to={path === '/login' ? '/login' : `/login?next=${encodeURIComponent(location.pathname + location.search)}`}
                aria-current={current('/login')}
              >
                Sign in
              </Link>
            </>
          ) : null}
        </div>
      </div>
      {signOutError && (
        <div className="header-inner">
          <Notice kind="error">{signOutError}</Notice>
        </div>
      )}
      {session.lost && path !== '/login' && (
        <div className="header-inner">
          <Notice>
            Your session ended. <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in again</Link> to vote or comment.
          </Notice>
        </div>
      )}
    </header>
  );
}

/** A screen's code failed to load (offline, or a new release replaced it) or threw: say so plainly. */
class ScreenBoundary extends Component<{ path: string; children: ReactNode }, { failed: boolean; path: string }> {
  override state = { failed: false, path: this.props.path };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: { path: string }, state: { failed: boolean; path: string }) {
    return props.path !== state.path ? { failed: false, path: props.path } : null;
  }

  override componentDidCatch(error: unknown) {
    console.error('screen failed', error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Notice kind="error">
        <p>This part of WedSync couldn’t load. Check your connection, then reload the page.</p>
        <button type="button" className="button secondary" onClick={() => location.reload()}>
          Reload
        </button>
      </Notice>
    );
  }
}
