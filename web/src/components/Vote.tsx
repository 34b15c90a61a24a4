// Voting with an optimistic update: the button and count change at once, the API's answer then
// sets the true figures (weights differ by role; a vote held for review adds nothing), and a
// failure puts things back and says why. A vote the API holds or down-weights is said in its words.
import { useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { deviceId } from '../deviceId.js';
import { plainMessage } from '../errors.js';
import { navigate } from '../router.js';
import { VOTE_PERMISSION } from '../permissions.js';
import { useSession } from '../session.js';
import type { BoardItem, VoteReply } from '../types.js';

export type VoteFields = Pick<BoardItem, 'voteCount' | 'voteWeight' | 'viewerHasVoted'>;

/**
 * Why this viewer cannot vote on this request, before they try (the API would refuse): a merged
 * request takes no votes, and an account without the vote permission (an unverified supplier, the
 * AI service account) casts none. Anonymous visitors are not blocked: pressing Vote asks them to sign in.
 */
function voteBlocked(item: BoardItem, session: ReturnType<typeof useSession>): string | null {
  if (item.status === 'merged' || item.mergedIntoId) return 'Merged: vote on the request it was merged into.';
  if (session.status !== 'signed_in' || !session.user) return null;
  if (session.can(VOTE_PERMISSION)) return null;
  if (session.user.role === 'wedding_supplier' && !session.user.verified) return 'You can vote once the WedSync team has verified your supplier account.';
  return 'Your account does not vote.';
}

/** What a signed-out visitor set out to do on a request; done once they are signed in. */
export type Intent = 'vote' | 'comment';
export const INTENTS: readonly Intent[] = ['vote', 'comment'];

/** The request's page carrying the intent: a path on this site, which `safeNext` lets through after sign-in. */
export const intentPath = (requestId: string, intent: Intent) => `/requests/${encodeURIComponent(requestId)}?intent=${intent}`;

export const voteReasonId = (item: BoardItem) => `vote-reason-${item.id}`;

/** `onCast`: after the API counted a new vote (which also follows the request, unless unfollowed before). */
export function useVote(item: BoardItem, update: (id: string, patch: VoteFields) => void, onCast?: () => void) {
  const session = useSession();
  const blocked = voteBlocked(item, session);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [review, setReview] = useState<VoteReply['review']>(null);
  const inFlight = useRef(false);

  async function toggle() {
    if (session.status !== 'signed_in') {
      // The vote waits on the request's page until they are signed in (Detail completes it).
      navigate(`/login?next=${encodeURIComponent(intentPath(item.id, 'vote'))}`);
      return;
    }
    if (inFlight.current || blocked) return;
    inFlight.current = true;
    const before: VoteFields = { voteCount: item.voteCount, voteWeight: item.voteWeight, viewerHasVoted: Boolean(item.viewerHasVoted) };
    const voting = !before.viewerHasVoted;
    const step = voting ? 1 : -1;
    update(item.id, { viewerHasVoted: voting, voteCount: before.voteCount + step, voteWeight: before.voteWeight + step });
    setPending(true);
    setError(null);
    setReview(null);
    try {
      const path = `/api/feature-requests/${encodeURIComponent(item.id)}/vote`;
      const device = voting ? deviceId(() => localStorage) : null;
      const reply = await api<VoteReply>(voting ? 'PUT' : 'DELETE', path, device ? { headers: { 'x-device-id': device } } : {});
      update(item.id, { viewerHasVoted: reply.voted, voteCount: reply.voteCount, voteWeight: reply.voteWeight });
      setReview(reply.review);
      if (reply.voted) onCast?.();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'already_voted') {
        // Voted in another tab: the vote stands, the figures we had already counted it.
        update(item.id, { ...before, viewerHasVoted: true });
      } else if (err instanceof ApiError && !voting && err.status === 404 && /vote/i.test(err.message)) {
        update(item.id, { ...before, viewerHasVoted: false });
      } else {
        update(item.id, before);
        setError(plainMessage(err));
      }
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }

  return { toggle, pending, error, review, blocked };
}

/**
 * What became of the viewer's last vote, in words: held or down-weighted for review (a polite live
 * region, kept in the page even when empty so that screen readers announce what appears in it),
 * or why the vote could not be cast or taken back.
 */
export function VoteFeedback({ error, review, item, blocked }: { error: string | null; review: VoteReply['review']; item: BoardItem; blocked: string | null }) {
  return (
    <>
      {blocked && (
        <p className="vote-blocked muted" id={voteReasonId(item)}>
          {blocked}
        </p>
      )}
      <p className="vote-feedback" role="status">
        {review?.message}
      </p>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

interface VoteButtonProps {
  item: BoardItem;
  pending: boolean;
  onToggle: () => void;
  large?: boolean;
  /** Why the viewer cannot vote: the button is disabled and described by it. */
  blocked?: string | null;
}

export function VoteButton({ item, pending, onToggle, large, blocked }: VoteButtonProps) {
  const voted = Boolean(item.viewerHasVoted);
  return (
    <button
      type="button"
      className={`vote-button${voted ? ' voted' : ''}${large ? ' large' : ''}`}
      aria-pressed={voted}
      aria-busy={pending || undefined}
      disabled={Boolean(blocked)}
      aria-describedby={blocked ? voteReasonId(item) : undefined}
      onClick={onToggle}
      title={blocked ?? (voted ? 'You voted for this. Press again to take your vote back.' : 'Vote for this request')}
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" focusable="false">
        <path d="M8 3 14 11H2z" fill="currentColor" />
      </svg>
      <span className="vote-count" data-testid="vote-count" aria-hidden="true">
        {item.voteCount.toLocaleString()}
      </span>
      <span className="vote-label" aria-hidden="true">
        {voted ? 'Voted' : 'Vote'}
      </span>
      <span className="visually-hidden">
        Vote for “{item.title}”, {item.voteCount === 1 ? '1 vote' : `${item.voteCount.toLocaleString()} votes`}
      </span>
    </button>
  );
}
