// Triage: the likely duplicates the background check linked to one request, side by side with it.
// "Merge into this…" asks to confirm, with a reason, before it moves the request's votes and
// comments to the other one; "Not a duplicate" removes the link (and tells the detector it was wrong).
import { useEffect, useState } from 'react';
import { dismissDuplicate, likelyDuplicates } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { plural, statusLabel } from '../labels.js';
import { Link } from '../router.js';
import type { BoardItem, DuplicateSuggestion } from '../types.js';
import { percent } from './DuplicateSuggestions.js';
import { MergeDialog } from './MergeDialog.js';

export function LikelyDuplicates({ request, onMerged }: { request: BoardItem; onMerged: (target: DuplicateSuggestion) => void }) {
  const [items, setItems] = useState<DuplicateSuggestion[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<DuplicateSuggestion | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    likelyDuplicates(request.id, controller.signal)
      .then((reply) => setItems(reply.items))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(plainMessage(err));
      });
    return () => controller.abort();
  }, [request.id]);

  async function dismiss(candidate: DuplicateSuggestion) {
    setBusy(candidate.id);
    setError(null);
    try {
      await dismissDuplicate(request.id, candidate.id);
      setItems((old) => old.filter((i) => i.id !== candidate.id));
    } catch (err) {
      setError(plainMessage(err));
    } finally {
      setBusy(null);
    }
  }

  if (items.length === 0 && !error) return null;
  // Folded: a busy queue would otherwise be a wall of pairs; the count says which cards need a look.
  return (
    <details className="likely-duplicates triage-action">
      <summary>Likely duplicates ({items.length})</summary>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <ul className="duplicate-pairs">
        {items.map((c) => (
          <li key={c.id} className="duplicate-pair">
            <div className="pair-side">
              <span className="pair-label">This request</span>
              <span>{request.title}</span>
              <span className="muted">{plural(request.voteCount, 'vote')}</span>
            </div>
            <div className="pair-side">
              <span className="pair-label">{percent(c.score)} alike</span>
              <Link to={`/requests/${c.id}`}>{c.title}</Link>
              <span className="muted">
                {statusLabel(c.status)}, {plural(c.votes, 'vote')}
              </span>
            </div>
            {c.reasons.length > 0 && <p className="pair-reasons">Why: {c.reasons.join('; ')}</p>}
            <div className="pair-actions">
              <button
                type="button"
                className="button"
                disabled={busy !== null}
                aria-busy={busy === c.id || undefined}
                onClick={() => setConfirming(c)}
                aria-label={`Merge into this: “${c.title}”…`}
              >
                Merge into this…
              </button>
              <button
                type="button"
                className="button secondary"
                disabled={busy !== null}
                onClick={() => dismiss(c)}
                aria-label={`Not a duplicate: “${c.title}”`}
              >
                Not a duplicate
              </button>
            </div>
          </li>
        ))}
      </ul>
      {confirming && (
        <MergeDialog
          request={request}
          target={confirming}
          onClose={() => setConfirming(null)}
          onMerged={() => {
            setConfirming(null);
            onMerged(confirming);
          }}
        />
      )}
    </details>
  );
}
