// Product team, on a request's page: merge it into any request found by searching, not only into
// one the duplicate check suggested. Choosing a request opens the confirmation (MergeDialog).
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../api.js';
import { plainMessage } from '../errors.js';
import { plural, statusLabel } from '../labels.js';
import { Link } from '../router.js';
import type { BoardItem, FeatureRequest, Page } from '../types.js';
import { MergeDialog } from './MergeDialog.js';

const SEARCH_DELAY_MS = 300;

export function MergeInto({
  request,
  onMerged,
}: {
  request: FeatureRequest;
  onMerged: (reply: { duplicate: FeatureRequest; target: FeatureRequest }) => void;
}) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<BoardItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<BoardItem | null>(null);
  const typing = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(typing.current), []);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setFound(null);
      return;
    }
    const controller = new AbortController();
    window.clearTimeout(typing.current);
    typing.current = window.setTimeout(() => {
      get<Page<BoardItem>>(`/api/feature-requests${query({ q: q.slice(0, 200), limit: 8 })}`, controller.signal)
        .then((page) => {
          setError(null);
          // A request cannot be merged into itself or into one that is already merged away.
          setFound(page.items.filter((i) => i.id !== request.id && i.status !== 'merged'));
        })
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setError(plainMessage(err));
        });
    }, SEARCH_DELAY_MS);
    return () => controller.abort();
  }, [text, request.id]);

  return (
    <details className="merge-into">
      <summary>Merge into another request…</summary>
      <label htmlFor="merge-search">Find the request this one duplicates</label>
      <input id="merge-search" type="search" value={text} autoComplete="off" placeholder="Words from its title" onChange={(e) => setText(e.target.value)} />
      <div role="status" className="muted merge-found">
        {found === null ? '' : found.length === 0 ? 'No other open request matches.' : `${plural(found.length, 'request')} found.`}
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {found && found.length > 0 && (
        <ul className="merge-candidates">
          {found.map((item) => (
            <li key={item.id}>
              <span>
                <Link to={`/requests/${item.id}`}>{item.title}</Link>{' '}
                <span className="muted">
                  {statusLabel(item.status)}, {plural(item.voteCount, 'vote')}
                </span>
              </span>
              <button type="button" className="button secondary small" onClick={() => setTarget(item)} aria-label={`Merge into “${item.title}”…`}>
                Merge into this…
              </button>
            </li>
          ))}
        </ul>
      )}
      {target && (
        <MergeDialog
          request={request}
          target={target}
          onClose={() => setTarget(null)}
          onMerged={(reply) => {
            setTarget(null);
            onMerged(reply);
          }}
        />
      )}
    </details>
  );
}
