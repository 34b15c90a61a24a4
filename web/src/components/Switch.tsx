// An on/off setting that applies as soon as it is flipped (a checkbox with the switch role, so
// screen readers say “on” and “off”), with what it means underneath. While the change is on its way
// the switch stays focusable but ignores further flips (aria-disabled rather than disabled, which
// would throw the keyboard user's focus away).
import type { ReactNode } from 'react';

export function Switch({
  id,
  label,
  checked,
  busy,
  onChange,
  children,
}: {
  id: string;
  label: string;
  checked: boolean;
  busy: boolean;
  onChange: (checked: boolean) => void;
  /** What the setting does, and when it last changed. */
  children: ReactNode;
}) {
  return (
    <div className="switch-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={checked}
        aria-describedby={`${id}-about`}
        aria-disabled={busy || undefined}
        aria-busy={busy || undefined}
        onChange={(e) => {
          if (!busy) onChange(e.target.checked);
        }}
      />
      <label htmlFor={id}>
        {label}{' '}
        <span className="switch-state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </label>
      <div id={`${id}-about`} className="switch-about">
        {children}
      </div>
    </div>
  );
}
