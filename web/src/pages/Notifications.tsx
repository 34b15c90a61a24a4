// The member's inbox: what happened to the requests they follow (asked for, voted for, discuss or chose), newest
// first, each linking to its request; mark one or all read; and how they want to hear about it
// (in the app, by email at once, in a daily or weekly digest, or not by email).
import { useEffect, useState } from 'react';
import { INBOX_CHANGED } from '../components/NotificationBell.js';
import { LoadFailed } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { Switch } from '../components/Switch.js';
import { inbox, markNotificationsRead, notificationPreferences, setNotificationPreferences } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { formatDateTime, statusLabel } from '../labels.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { EmailFrequency, Inbox, MemberNotification, NotificationPreferences } from '../types.js';

const TITLE = 'Notifications';

export default function Notifications() {
  const session = useSession();
  if (session.status === 'loading') {
    return (
      <>
        <PageHeading title={TITLE} />
        <p aria-busy="true">Checking your sign-in…</p>
      </>
    );
  }
  if (!session.user) {
    return (
      <>
        <PageHeading title={TITLE} />
        <p>Sign in to see what happened to the requests you follow.</p>
        <p>
          <Link className="button" to={`/login?next=${encodeURIComponent('/notifications')}`}>
            Sign in
          </Link>
        </p>
      </>
    );
  }
  return <InboxScreen key={session.user.id} />;
}

/** What happened, in a sentence (the title is the link above it). */
function whatHappened(n: MemberNotification): string {
  const d = n.details;
  switch (n.kind) {
    case 'status_changed':
      return `Moved from ${d.from ? statusLabel(d.from) : 'open'} to ${d.to ? statusLabel(d.to) : 'a new status'}.${d.justification ? ` Why: ${d.justification}` : ''}`;
    case 'request_merged':
      return `“${d.duplicateTitle ?? 'A request'}” was merged into it; your vote now counts here.${d.justification ? ` Why: ${d.justification}` : ''}`;
    case 'comment_posted':
      return 'There is a new reply in the discussion.';
    case 'supplier_verification':
      return d.decision === 'approved'
        ? `Your business is verified: you can submit requests, and your votes count as a verified supplier’s.${d.reason ? ` ${d.reason}` : ''}`
        : `Your business was not verified.${d.reason ? ` Why: ${d.reason}` : ''}`;
    default:
      return 'There is an update.';
  }
}

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; inbox: Inbox };

function InboxScreen() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [retry, setRetry] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: 'loading' });
    inbox({ limit: 100 }, controller.signal)
      .then((reply) => setLoad({ state: 'ready', inbox: reply }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoad({ state: 'error', message: plainMessage(err) });
      });
    return () => controller.abort();
  }, [retry]);

  async function markRead(ids?: string[]) {
    setBusy(ids?.[0] ?? 'all');
    setResult(null);
    try {
      const { updated } = await markNotificationsRead(ids);
      const at = new Date().toISOString();
      setLoad((l) => {
        if (l.state !== 'ready') return l;
        const items = l.inbox.items.map((n) => (!n.readAt && (!ids || ids.includes(n.id)) ? { ...n, readAt: at } : n));
        return { state: 'ready', inbox: { items, unread: Math.max(0, l.inbox.unread - updated) } };
      });
      window.dispatchEvent(new Event(INBOX_CHANGED));
      setResult(ids ? 'Marked as read.' : 'All marked as read.');
    } catch (err) {
      setResult(`Not marked as read: ${plainMessage(err)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="notifications">
      <div className="page-intro">
        <PageHeading title={TITLE} />
        <p className="lede">
          What happened to the requests you follow: those you asked for, voted for or commented on, unless you unfollowed them, and those you chose to follow.
        </p>
      </div>
      {load.state === 'loading' && <p aria-busy="true">Loading your notifications…</p>}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={() => setRetry((n) => n + 1)} />}
      {load.state === 'ready' && (
        <section aria-labelledby="inbox-heading">
          <h2 id="inbox-heading">{load.inbox.unread ? `${load.inbox.unread.toLocaleString()} unread` : 'All read'}</h2>
          {load.inbox.unread > 0 && (
            <button
              type="button"
              className="button secondary small"
              onClick={() => markRead()}
              disabled={busy !== null}
              aria-busy={busy === 'all' || undefined}
            >
              Mark all as read
            </button>
          )}
          <div aria-live="polite" data-testid="inbox-result">
            {result && <p className="muted">{result}</p>}
          </div>
          {load.inbox.items.length === 0 ? (
            <p>Nothing yet. When a request you follow changes, you will see it here.</p>
          ) : (
            <ul className="inbox-list">
              {load.inbox.items.map((n) => (
                <li key={n.id} className={`inbox-item${n.readAt ? '' : ' unread'}`} data-testid="inbox-item">
                  <div>
                    {n.requestId ? (
                      <Link className="inbox-title" to={`/requests/${encodeURIComponent(n.requestId)}`}>
                        {n.requestTitle ?? 'A request'}
                      </Link>
                    ) : (
                      <span className="inbox-title">{n.requestTitle ?? (n.kind === 'supplier_verification' ? 'Your supplier account' : 'A request')}</span>
                    )}
                    {!n.readAt && <span className="visually-hidden"> (unread)</span>}
                    <p>{whatHappened(n)}</p>
                    <p className="muted">
                      <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                    </p>
                  </div>
                  {!n.readAt && (
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => markRead([n.id])}
                      disabled={busy !== null}
                      aria-busy={busy === n.id || undefined}
                    >
                      Mark as read<span className="visually-hidden">: {n.requestTitle ?? 'this notification'}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <Preferences />
    </div>
  );
}

const EMAIL_CHOICES: { value: EmailFrequency; label: string; hint: string }[] = [
  { value: 'instant', label: 'At once', hint: 'one email per update' },
  { value: 'daily', label: 'Daily digest', hint: 'one email a day at most' },
  { value: 'weekly', label: 'Weekly digest', hint: 'one email a week at most' },
  { value: 'off', label: 'No email', hint: 'only here in the app, if on' },
];

function Preferences() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    notificationPreferences(controller.signal)
      .then(setPrefs)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setFailure(plainMessage(err));
      });
    return () => controller.abort();
  }, []);

  async function change(next: Partial<NotificationPreferences>) {
    setBusy(true);
    setResult(null);
    try {
      setPrefs(await setNotificationPreferences(next));
      setResult('Saved.');
    } catch (err) {
      setResult(`Not saved: ${plainMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="privacy-section" aria-labelledby="channels-heading">
      <h2 id="channels-heading">How you hear from us</h2>
      <p className="muted">
        Either way needs your consent to hear about your requests (“feature feedback”), which you can give or withdraw under{' '}
        <Link to="/privacy">Privacy &amp; data</Link>.
      </p>
      {failure && <LoadFailed message={failure} />}
      {prefs && (
        <>
          <Switch id="pref-in-app" label="Show notifications here" checked={prefs.inApp} busy={busy} onChange={(inApp) => change({ inApp })}>
            The bell in the header counts what you have not read yet.
          </Switch>
          <fieldset className="field">
            <legend>Email</legend>
            <div className="choices">
              {EMAIL_CHOICES.map((c) => (
                <label key={c.value} className="choice" htmlFor={`pref-email-${c.value}`}>
                  <input
                    id={`pref-email-${c.value}`}
                    type="radio"
                    name="email"
                    value={c.value}
                    checked={prefs.email === c.value}
                    aria-disabled={busy || undefined}
                    onChange={() => {
                      if (!busy) void change({ email: c.value });
                    }}
                  />
                  <span>
                    <strong>{c.label}</strong> <span className="muted">{c.hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      <div aria-live="polite" data-testid="channels-result">
        {result && <p className="muted">{result}</p>}
      </div>
    </section>
  );
}
