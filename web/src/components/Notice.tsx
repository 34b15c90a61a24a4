import type { ReactNode } from 'react';

/** A message box. `alert` for failures (announced at once), `status` for news (announced politely). */
export function Notice({ kind = 'info', children, id }: { kind?: 'info' | 'error' | 'success'; children: ReactNode; id?: string }) {
  return (
    <div id={id} className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
