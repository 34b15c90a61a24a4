import type { ReactNode } from 'react';

/** One figure of a `<dl className="figures">`: a label, a big value and an optional note under it. */
export function Figure({ label, value, note, testId }: { label: string; value: ReactNode; note?: string; testId?: string }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {value}
        {note && <span className="muted figure-note"> {note}</span>}
      </dd>
    </div>
  );
}
