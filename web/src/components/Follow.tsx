// Following a request from its page: a toggle that says whether the request's news (status changes,
// merges, replies) reaches the viewer. Voting and commenting follow on the server's side; the page
// reads the state again after them (see Detail), since an earlier unfollow stands.
import { useState } from 'react';
import { setFollowing } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import type { FeatureRequest } from '../types.js';

export function FollowButton({ request, onChanged }: { request: FeatureRequest; onChanged: (following: boolean) => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Signed out, or merged (its news is on the request it went into): nothing to follow here.
  if (request.viewerFollows === undefined || request.mergedIntoId) return null;
  const following = request.viewerFollows;

  async function toggle() {
    setPending(true);
    setError(null);
    try {
      onChanged((await setFollowing(request.id, !following)).following);
    } catch (err) {
      setError(plainMessage(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="follow">
      <button type="button" className="button secondary" aria-pressed={following} aria-busy={pending || undefined} disabled={pending} onClick={toggle}>
        {following ? 'Following' : 'Follow'}
      </button>
      <span className="muted" role="status">
        {following ? 'You hear about status changes and new comments.' : 'Follow to hear about status changes and new comments.'}
      </span>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
