// The header's bell: a link to the inbox with the number of unread notifications. The count is
// fetched again on every navigation and whenever the inbox changes it (INBOX_CHANGED), not polled.
import { useEffect, useState } from 'react';
import { inbox } from '../endpoints.js';
import { Link } from '../router.js';

/** Dispatched on window when notifications were marked read. */
export const INBOX_CHANGED = 'wsfr:inbox-changed';

export function NotificationBell({ path }: { path: string }) {
  const [unread, setUnread] = useState<number | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    const changed = () => setChanges((n) => n + 1);
    window.addEventListener(INBOX_CHANGED, changed);
    return () => window.removeEventListener(INBOX_CHANGED, changed);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    inbox({ unreadOnly: true, limit: 1 }, controller.signal)
      .then((reply) => setUnread(reply.unread))
      // The bell is a convenience: when the count cannot be read it shows none rather than an error.
      .catch(() => {
        if (!controller.signal.aborted) setUnread(null);
      });
    return () => controller.abort();
  }, [path, changes]);

  const label = unread ? `Notifications, ${unread.toLocaleString()} unread` : 'Notifications';
  return (
    <Link
      className="account-link bell"
      to="/notifications"
      aria-current={path === '/notifications' ? 'page' : undefined}
      aria-label={label}
      data-testid="notification-bell"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread ? (
        <span className="bell-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
