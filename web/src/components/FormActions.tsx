// A form's send button in its action row: disabled and marked busy while the form is on its way,
// saying what is happening. `children` sit beside it (a draft's saved time, a result).
import type { ReactNode } from 'react';

export function FormActions({
  sending,
  label,
  sendingLabel,
  danger = false,
  children,
}: {
  sending: boolean;
  label: string;
  sendingLabel: string;
  /** Red: the action can't be undone. */
  danger?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className={danger ? 'button danger' : 'button'} disabled={sending} aria-busy={sending || undefined}>
        {sending ? sendingLabel : label}
      </button>
      {children}
    </div>
  );
}
