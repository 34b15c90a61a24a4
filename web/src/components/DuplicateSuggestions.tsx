// While a request is drafted: existing requests that look the same, so the writer can vote for one
// instead of splitting the votes. Advisory only — a failed check (rate limit, no connection) says
// nothing and never stands in the way of sending.
import { useEffect, useState } from 'react';
import { detectDuplicates } from '../endpoints.js';
import { plural, statusLabel } from '../labels.js';
import { Link } from '../router.js';
import type { DuplicateCheck } from '../types.js';

/** Waits for a pause in typing before asking, so a check is not sent per keystroke. */
export const SUGGEST_DELAY_MS = 400;
const MIN_TITLE_LENGTH = 4;

export const percent = (score: number) => `${Math.round(score * 100)}%`;

export function DuplicateSuggestions({ title, description }: { title: string; description: string }) {
  const [check, setCheck] = useState<DuplicateCheck | null>(null);
  const trimmed = title.trim();

  useEffect(() => {
    if (trimmed.length < MIN_TITLE_LENGTH) {
      setCheck(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      // Offline there is nothing to ask: the check is advisory and the form queues the request.
      if (!navigator.onLine) return;
      detectDuplicates({ title: trimmed.slice(0, 200), description: description.slice(0, 10_000), limit: 5 }, controller.signal)
        .then((reply) => {
          if (!controller.signal.aborted) setCheck(reply);
        })
        // Suggestions are a courtesy: on any failure keep quiet and keep the form usable.
        .catch(() => undefined);
    }, SUGGEST_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [trimmed, description]);

  const matches = trimmed.length >= MIN_TITLE_LENGTH ? (check?.matches ?? []) : [];
  return (
    <div className="duplicate-suggestions" aria-live="polite">
      {matches.length > 0 && (
        <section className="notice notice-info" aria-labelledby="similar-heading">
          <h2 id="similar-heading">Similar requests already exist</h2>
          <p>If one of these is what you need, vote for it instead: votes on one request count for more than votes split across several.</p>
          <ul className="suggestion-list">
            {matches.map((m) => (
              <li key={m.id}>
                <Link to={`/requests/${m.id}`}>{m.title}</Link>
                <span className="muted">
                  {' '}
                  — {statusLabel(m.status).toLowerCase()}, {plural(m.votes, 'vote')}, {percent(m.score)} alike
                </span>
                {m.reasons.length > 0 && <span className="suggestion-reasons"> ({m.reasons.join('; ')})</span>}
                {/* What voting for it would back: the description is confidential, its summary is not. */}
                {m.summary && <p className="suggestion-summary">{m.summary}</p>}
              </li>
            ))}
          </ul>
          {check && !check.available && <p className="muted">Checking wording only: the smarter similarity check is resting just now.</p>}
        </section>
      )}
    </div>
  );
}
