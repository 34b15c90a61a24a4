// A labelled form field: label, optional hint, the control, and its error. The control gets its id,
// aria-invalid and aria-describedby (hint, then error: `<id>-hint`, `<id>-error`) from here, so no
// form spells that wiring itself.
import type { ReactNode } from 'react';
import { CharacterCount, characterCountId } from './CharacterCount.js';

export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export function Field({
  id,
  label,
  hint,
  optional,
  error,
  count,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  optional?: boolean;
  error?: string;
  /** A text field's limit: a counter under it, read with its description. */
  count?: { text: string; max: number };
  children: (control: ControlProps) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : '', count ? characterCountId(id) : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {count && <CharacterCount fieldId={id} text={count.text} max={count.max} />}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
