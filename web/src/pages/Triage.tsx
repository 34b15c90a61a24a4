// The product team's triage: the newest open requests, each moved on with a written reason, and
// which categories are gathering requests and votes. A request leaves the queue once it is moved.
import { useEffect, useRef, useState } from 'react';
import { LoadFailed, Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { LikelyDuplicates } from '../components/LikelyDuplicates.js';
import { RequestMini } from '../components/RequestMini.js';
import { StatusChange } from '../components/StatusChange.js';
import { VoteReviews } from '../components/VoteReviews.js';
import { categoryTrends, triageQueue } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { categoryLabel, formatDate, plural, ROADMAP_STATUSES, statusLabel } from '../labels.js';
import { usePagedList } from '../pagedList.js';
import { DUPLICATES_PERMISSION, MERGE_PERMISSION, TRENDS_PERMISSION, TRIAGE_PERMISSION } from '../permissions.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { BoardItem, CategoryTrends, DuplicateSuggestion, FeatureRequest } from '../types.js';

export default function Triage() {
  const session = useSession();
  if (session.status === 'loading') return <PageHeading title="Triage" />;
  if (!session.can(TRIAGE_PERMISSION)) {
    return (
      <>
        <PageHeading title="Triage" />
        <Notice>
          <p>Triage is for the WedSync product team.</p>
          {session.status === 'anonymous' && (
            <p>
              <Link to={`/login?next=${encodeURIComponent('/triage')}`}>Sign in</Link> with a product-team account.
            </p>
          )}
        </Notice>
      </>
    );
  }
  return (
    <>
      <div className="page-intro">
        <PageHeading title="Triage" />
        <p className="lede">New requests, newest first. Move each one on with a reason: couples and suppliers read it on the request and on the roadmap.</p>
      </div>
      <div className="triage-layout">
        <Queue />
        {session.can(TRENDS_PERMISSION) && <Trends />}
      </div>
      <VoteReviews />
    </>
  );
}

interface Moved {
  title: string;
  id: string;
  status: FeatureRequest['status'];
  /** Set when the request was merged into another one rather than moved. */
  into?: DuplicateSuggestion;
}

function Queue() {
  const session = useSession();
  const reviewDuplicates = session.can(DUPLICATES_PERMISSION) && session.can(MERGE_PERMISSION);
  const queue = usePagedList(triageQueue, [], (i) => i.id);
  const [moved, setMoved] = useState<Moved | null>(null);
  const news = useRef<HTMLDivElement>(null);

  // The request acted on may be far down the list: bring the news of it into view, and focus there
  // (its card, where focus was, is gone).
  useEffect(() => {
    if (!moved || !news.current) return;
    news.current.focus({ preventScroll: true });
    news.current.scrollIntoView({ block: 'center' });
  }, [moved]);

  function changed(updated: FeatureRequest) {
    queue.remove([updated.id]);
    setMoved({ id: updated.id, title: updated.title, status: updated.status });
  }

  function merged(item: BoardItem, into: DuplicateSuggestion) {
    queue.remove([item.id]);
    setMoved({ id: item.id, title: item.title, status: item.status, into });
  }

  const onRoadmap = moved && (ROADMAP_STATUSES as readonly string[]).includes(moved.status);
  return (
    <section className="triage-queue" aria-labelledby="queue-heading">
      <h2 id="queue-heading">New requests</h2>
      <div aria-live="polite" ref={news} tabIndex={-1} className="triage-news">
        {moved && (
          <Notice kind="success">
            {moved.into ? (
              <p>
                “<Link to={`/requests/${moved.id}`}>{moved.title}</Link>” was merged into “<Link to={`/requests/${moved.into.id}`}>{moved.into.title}</Link>”.
                Its page can undo the merge.
              </p>
            ) : (
              <p>
                “<Link to={`/requests/${moved.id}`}>{moved.title}</Link>” is now {statusLabel(moved.status).toLowerCase()}.
                {onRoadmap && (
                  <>
                    {' '}
                    It’s on the <Link to="/roadmap">roadmap</Link>.
                  </>
                )}
              </p>
            )}
          </Notice>
        )}
      </div>
      {queue.error && <LoadFailed message={queue.error} onRetry={queue.retry} />}
      {!queue.loading && !queue.error && queue.items.length === 0 && <p className="muted">Nothing new to triage. Well done.</p>}
      <ol className="triage-list" aria-busy={queue.loading}>
        {queue.items.map((item) => (
          <li key={item.id}>
            <RequestMini item={item} showUrgency>
              <StatusChange request={item} onChanged={changed} folded />
              {reviewDuplicates && <LikelyDuplicates request={item} onMerged={(into) => merged(item, into)} />}
            </RequestMini>
          </li>
        ))}
      </ol>
      {queue.hasMore && (
        <button type="button" className="button secondary" onClick={queue.more} aria-busy={queue.loading || undefined}>
          Show more new requests
        </button>
      )}
    </section>
  );
}

const WEEK_CHOICES = [4, 8, 12, 26];

function Trends() {
  const [weeks, setWeeks] = useState(8);
  const [data, setData] = useState<CategoryTrends | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    categoryTrends(weeks, controller.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(plainMessage(err));
      });
    return () => controller.abort();
  }, [weeks]);

  return (
    <section className="trends" aria-labelledby="trends-heading">
      <h2 id="trends-heading">Category trends</h2>
      <div className="field">
        <label htmlFor="trends-weeks">Over the last</label>
        <select id="trends-weeks" value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
          {WEEK_CHOICES.map((w) => (
            <option key={w} value={w}>
              {plural(w, 'week')}
            </option>
          ))}
        </select>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {data && (
        <div className="table-scroll" role="region" aria-labelledby="trends-heading" tabIndex={0}>
          <table className="data-table">
            <caption>
              Since <time dateTime={data.since}>{formatDate(data.since)}</time>, busiest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">New requests</th>
                <th scope="col">New votes</th>
                <th scope="col">All requests</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={row.category}>
                  <th scope="row">{categoryLabel(row.category)}</th>
                  <td>{row.newRequests.toLocaleString()}</td>
                  <td>{row.newVotes.toLocaleString()}</td>
                  <td>{row.requests.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
