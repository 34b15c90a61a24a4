import type { ReactNode } from 'react';

/** A message box. `alert` for failures (announced at once), `status` for news (announced politely). */
export function Notice({
  kind = 'info',
  children,
  id,
  focusable,
}: {
  kind?: 'info' | 'error' | 'success';
  children: ReactNode;
  id?: string;
  focusable?: boolean;
}) {
  return (
    <div id={id} className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} tabIndex={focusable ? -1 : undefined}>
      {children}
    </div>
  );
}

/** Something could not be loaded: why, in plain words, and a way to try again. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Notice kind="error">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </Notice>
  );
}
