// What stops a form from being sent, in one place: each field's problem linked to the field, or the
// reason the API refused it as a whole. The summary takes focus on every failed attempt, so keyboard
// and screen-reader users hear all of it at once (and each message also shows at its field).
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Problems } from '../errors.js';

const NONE: Problems = { fields: {}, form: null };

/** A form's problems and its failed attempts (each one moves focus to the summary). */
export function useProblems() {
  const [problems, setProblems] = useState<Problems>(NONE);
  const [attempt, setAttempt] = useState(0);
  const show = useCallback((p: Partial<Problems>) => {
    setProblems({ fields: p.fields ?? {}, form: p.form ?? null });
    setAttempt((n) => n + 1);
  }, []);
  const clear = useCallback(() => setProblems(NONE), []);
  /** An edited field is no longer known to be wrong: drops the errors `stale` picks until the next attempt. */
  const fixed = useCallback((stale: string | ((key: string) => boolean)) => {
    const drop = typeof stale === 'string' ? (key: string) => key === stale : stale;
    setProblems((p) => {
      const kept = Object.entries(p.fields).filter(([key]) => !drop(key));
      return kept.length === Object.keys(p.fields).length ? p : { ...p, fields: Object.fromEntries(kept) };
    });
  }, []);
  return { problems, fields: problems.fields, attempt, show, clear, fixed };
}

export function ErrorSummary({
  problems,
  attempt,
  failure,
  fieldId,
}: {
  problems: Problems;
  attempt: number;
  /** The heading when nothing is wrong with a field, e.g. “Your request was not sent”. */
  failure: string;
  /** The element a field's error key points at. */
  fieldId: (key: string) => string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (attempt > 0) ref.current?.focus();
  }, [attempt]);
  const listed = Object.entries(problems.fields);
  if (listed.length === 0 && !problems.form) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby={titleId}>
      <p id={titleId} className="error-summary-title">
        {listed.length ? 'Please check the form' : failure}
      </p>
      {problems.form && <p>{problems.form}</p>}
      {listed.length > 0 && (
        <ul>
          {listed.map(([key, message]) => (
            <li key={key}>
              <a
                href={`#${fieldId(key)}`}
                onClick={(e) => {
                  e.preventDefault();
                  document.getElementById(fieldId(key))?.focus();
                }}
              >
                {message}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
