// Merging closes a request and moves its votes and comments: a step taken on purpose. The dialog
// says what will happen, asks for the reason both histories keep, and merges only on "Merge".
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { mergeRequest } from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { plural } from '../labels.js';
import type { FeatureRequest } from '../types.js';
import { CharacterCount, tooLong } from './CharacterCount.js';

const MIN_REASON = 10;
const MAX_REASON = 2000;

export interface MergeTarget {
  id: string;
  title: string;
}

export function MergeDialog({
  request,
  target,
  onMerged,
  onClose,
}: {
  request: { id: string; title: string; voteCount: number; commentCount: number };
  target: MergeTarget;
  onMerged: (reply: { duplicate: FeatureRequest; target: FeatureRequest }) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  async function merge(event: SyntheticEvent) {
    event.preventDefault();
    const text = reason.trim();
    const problem =
      text.length < MIN_REASON ? `Say why in at least ${MIN_REASON} characters: both requests’ histories keep it.` : tooLong('The reason', text, MAX_REASON);
    if (problem) {
      setError(problem);
      return;
    }
    setSending(true);
    setError(null);
    try {
      onMerged(await mergeRequest(request.id, { targetId: target.id, justification: text }));
    } catch (err) {
      setError(fieldErrors(err).justification ?? plainMessage(err));
      setSending(false);
    }
  }

  return (
    // Escape (the dialog's cancel event) closes it like "Cancel"; focus returns to what opened it.
    <dialog ref={dialog} className="merge-dialog" aria-labelledby="merge-dialog-title" onCancel={onClose}>
      <form method="dialog" onSubmit={merge} noValidate>
        <h2 id="merge-dialog-title">Merge into another request?</h2>
        <p>
          “{request.title}” will be closed as a duplicate of “{target.title}”. Its {plural(request.voteCount, 'vote')} and{' '}
          {plural(request.commentCount, 'comment')} move there, and the people who voted are told. Its page can undo the merge.
        </p>
        <label htmlFor="merge-reason">Why they are the same request</label>
        <textarea
          id="merge-reason"
          rows={3}
          value={reason}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'merge-reason-count merge-reason-error' : 'merge-reason-count'}
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
        />
        <CharacterCount fieldId="merge-reason" text={reason} max={MAX_REASON} />
        {error && (
          <p className="field-error" id="merge-reason-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="button danger" disabled={sending} aria-busy={sending || undefined}>
            {sending ? 'Merging…' : 'Merge'}
          </button>
          <button type="button" className="button secondary" onClick={onClose} disabled={sending}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
