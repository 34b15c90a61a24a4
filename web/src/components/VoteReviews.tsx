// Triage: votes flagged as possible manipulation (src/domain/vote-manipulation.ts), grouped by
// request, each with its reasons in words. Held votes count nowhere and down-weighted ones at a
// reduced weight until someone here releases them (they count in full) or rejects them (they stay
// on record and count nowhere) — always with a reason, kept with the vote and in the audit trail.
import { useRef, useState, type SyntheticEvent } from 'react';
import { decideVotes, voteReviews } from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { formatDate, plural, roleLabel } from '../labels.js';
import { usePagedList } from '../pagedList.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { VoteReview, VoteReviewFilter } from '../types.js';
import { LoadFailed, Notice } from './Notice.js';

/** The permission the vote-review routes check (src/http/routes/vote-reviews): the product team's. */
export const VOTE_REVIEW_PERMISSION = 'feature_requests:review_votes';

const MIN_REASON = 10;
const MAX_REASON = 2000;

const FILTERS: { value: VoteReviewFilter | ''; label: string }[] = [
  { value: '', label: 'Awaiting a decision' },
  { value: 'held', label: 'Held' },
  { value: 'down_weighted', label: 'Counted at reduced weight' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'released', label: 'Released' },
];

const STATE_LABELS: Record<VoteReview['state'], string> = {
  held: 'Held: not counted',
  down_weighted: 'Counted at reduced weight',
  rejected: 'Rejected: not counted',
  accepted: 'Released: counted in full',
};

const keyOf = (v: { requestId: string; voter: { id: string } }) => `${v.requestId}/${v.voter.id}`;
/** Released votes are decided for good (a rejected one can still be released). */
const isDecidable = (v: VoteReview) => v.state !== 'accepted';

export function VoteReviews() {
  const session = useSession();
  if (!session.can(VOTE_REVIEW_PERMISSION)) return null;
  return <ReviewQueue />;
}

function ReviewQueue() {
  const [filter, setFilter] = useState<VoteReviewFilter | ''>('');
  const flagged = usePagedList((cursor, signal) => voteReviews(filter || null, cursor, signal), [filter], keyOf);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);

  /** Another filter, or the list loaded again: nothing chosen from before, and no news about it. */
  function startOver(load: () => void) {
    setSelected(new Set());
    setDone(null);
    load();
  }

  function toggle(key: string, on: boolean) {
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  function decided(keys: Set<string>, summary: string) {
    flagged.remove(keys);
    setSelected(new Set());
    setDone(summary);
  }

  const groups = groupByRequest(flagged.items);
  const decidable = flagged.items.filter(isDecidable);
  const chosen = decidable.filter((v) => selected.has(keyOf(v)));
  return (
    <section className="vote-reviews" aria-labelledby="vote-reviews-heading">
      <h2 id="vote-reviews-heading">Votes under review</h2>
      <p className="muted">
        Votes that look coordinated — a burst on one request, new accounts voting together, several accounts from one network or device. Held votes count
        nowhere, others at a reduced weight, until you release or reject them.
      </p>
      <div className="field">
        <label htmlFor="vote-reviews-filter">Show</label>
        <select id="vote-reviews-filter" value={filter} onChange={(e) => startOver(() => setFilter(e.target.value as VoteReviewFilter | ''))}>
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <div aria-live="polite">{done && <Notice kind="success">{done}</Notice>}</div>
      {flagged.error && <LoadFailed message={flagged.error} onRetry={() => startOver(flagged.retry)} />}
      {!flagged.loading && !flagged.error && flagged.items.length === 0 && <p className="muted">No votes here.</p>}
      <div aria-busy={flagged.loading}>
        {groups.map(({ requestId, title, votes }) => (
          <article key={requestId} className="card" aria-labelledby={`vote-review-${requestId}`}>
            <div className="card-body">
              <h3 id={`vote-review-${requestId}`} className="card-title">
                <Link to={`/requests/${requestId}`}>{title}</Link> <span className="muted">({plural(votes.length, 'flagged vote')})</span>
              </h3>
              {votes.map((v) => (
                <FlaggedVote key={keyOf(v)} vote={v} selected={selected.has(keyOf(v))} onToggle={(on) => toggle(keyOf(v), on)} />
              ))}
            </div>
          </article>
        ))}
      </div>
      {flagged.hasMore && (
        <button type="button" className="button secondary" onClick={flagged.more} aria-busy={flagged.loading || undefined}>
          Show more flagged votes
        </button>
      )}
      {decidable.length > 0 && (
        <div className="form-actions">
          <button type="button" className="button secondary" onClick={() => setSelected(new Set(decidable.map(keyOf)))}>
            Select all shown
          </button>
        </div>
      )}
      {chosen.length > 0 && <Decision votes={chosen} onDecided={decided} />}
    </section>
  );
}

function FlaggedVote({ vote, selected, onToggle }: { vote: VoteReview; selected: boolean; onToggle: (on: boolean) => void }) {
  const id = `vote-${vote.requestId}-${vote.voter.id}`;
  return (
    <div className="mini-card" role="group" aria-label={`Vote by ${vote.voter.displayName}`}>
      {isDecidable(vote) && (
        <p className="choice">
          <input id={id} type="checkbox" checked={selected} onChange={(e) => onToggle(e.target.checked)} />
          <label htmlFor={id}>
            Decide on the vote by {vote.voter.displayName} on “{vote.request.title}”
          </label>
        </p>
      )}
      <p>
        <strong>{vote.voter.displayName}</strong> ({roleLabel(vote.voter.role)}
        {vote.voter.role === 'wedding_supplier' && (vote.voter.verified ? ', verified' : ', not verified')}, account {plural(vote.voter.accountAgeDays, 'day')}{' '}
        old when voting) voted on <time dateTime={vote.votedAt}>{formatDate(vote.votedAt)}</time>.
      </p>
      <p>
        <span className="badge">{STATE_LABELS[vote.state]}</span> Counts {vote.weight.toLocaleString()} of {vote.castWeight.toLocaleString()}.
      </p>
      {vote.reasons.length > 0 && (
        <ul className="suggestion-list" aria-label="Why it was flagged">
          {vote.reasons.map((r) => (
            <li key={r.code}>{r.explanation}</li>
          ))}
        </ul>
      )}
      {(vote.networkTag || vote.deviceTag) && (
        <p className="muted">
          {vote.networkTag && <>Network {vote.networkTag} </>}
          {vote.deviceTag && <>Device {vote.deviceTag}</>} — equal tags mean the same network or device; addresses are never stored.
        </p>
      )}
      {vote.decision && (
        <p className="muted">
          Decided by {vote.decision.by?.displayName ?? 'someone no longer on the team'} on{' '}
          <time dateTime={vote.decision.at}>{formatDate(vote.decision.at)}</time>: “{vote.decision.justification}”
        </p>
      )}
    </div>
  );
}

function Decision({ votes, onDecided }: { votes: VoteReview[]; onDecided: (keys: Set<string>, summary: string) => void }) {
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<{ justification?: string; form?: string }>({});
  const [sending, setSending] = useState<'release' | 'reject' | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const rejectable = votes.every((v) => v.state === 'held' || v.state === 'down_weighted');

  async function decide(decision: 'release' | 'reject', event?: SyntheticEvent) {
    event?.preventDefault();
    if (justification.trim().length < MIN_REASON) {
      setErrors({ justification: `Say why in at least ${MIN_REASON} characters: it is kept with each vote and in the audit trail.` });
      reasonRef.current?.focus();
      return;
    }
    setSending(decision);
    setErrors({});
    try {
      const reply = await decideVotes(decision, {
        votes: votes.map((v) => ({ requestId: v.requestId, voterId: v.voter.id })),
        justification: justification.trim(),
      });
      const counts = reply.requests.map(
        (r) => `“${votes.find((v) => v.requestId === r.requestId)?.request.title ?? 'The request'}” now counts ${plural(r.voteCount, 'vote')}`,
      );
      onDecided(new Set(votes.map(keyOf)), `${decision === 'release' ? 'Released' : 'Rejected'} ${plural(reply.decided, 'vote')}. ${counts.join('; ')}.`);
      setJustification('');
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(byField.justification ? { justification: byField.justification } : { form: plainMessage(err) });
    } finally {
      setSending(null);
    }
  }

  return (
    <form className="status-change" onSubmit={(e) => decide('release', e)} noValidate aria-label="Decide on the selected votes">
      {errors.form && (
        <p className="inline-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className={`field${errors.justification ? ' has-error' : ''}`}>
        <label htmlFor="vote-decision-reason">Reason for the decision ({plural(votes.length, 'vote')} selected)</label>
        <textarea
          id="vote-decision-reason"
          ref={reasonRef}
          rows={3}
          maxLength={MAX_REASON}
          value={justification}
          aria-invalid={errors.justification ? true : undefined}
          aria-describedby={errors.justification ? 'vote-decision-reason-error' : undefined}
          onChange={(e) => setJustification(e.target.value)}
        />
        {errors.justification && (
          <p className="field-error" id="vote-decision-reason-error">
            {errors.justification}
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={sending !== null} aria-busy={sending === 'release' || undefined}>
          {sending === 'release' ? 'Releasing…' : 'Release: count in full'}
        </button>
        {rejectable && (
          <button
            type="button"
            className="button secondary"
            disabled={sending !== null}
            aria-busy={sending === 'reject' || undefined}
            onClick={() => decide('reject')}
          >
            {sending === 'reject' ? 'Rejecting…' : 'Reject: keep, count nowhere'}
          </button>
        )}
      </div>
    </form>
  );
}

function groupByRequest(items: VoteReview[]) {
  const groups = new Map<string, { requestId: string; title: string; votes: VoteReview[] }>();
  for (const v of items) {
    const group = groups.get(v.requestId) ?? { requestId: v.requestId, title: v.request.title, votes: [] };
    group.votes.push(v);
    groups.set(v.requestId, group);
  }
  return [...groups.values()];
}
