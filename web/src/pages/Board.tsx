// The board: every request in the API's order (top by default), with filters, search, sorting,
// "Load more" and voting. The filters live in the address, so a filtered board can be shared and
// the back button works.
import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { ApiError, appendNew, get } from '../api.js';
import { boardApiUrl, boardUrl, fetchBoardPage, readFilters, type Filters } from '../boardData.js';
import { CategoryTag, StatusBadge, UrgencyTag } from '../components/Badges.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { useVote, VoteButton, VoteFeedback, type VoteFields } from '../components/Vote.js';
import { plainMessage } from '../errors.js';
import { CATEGORIES, categoryLabel, formatDate, plural, riceScoreText, roleLabel, STATUSES, statusLabel } from '../labels.js';
import { RICE_PERMISSION } from '../permissions.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { BoardItem, BoardSort, Page } from '../types.js';

const SEARCH_DELAY_MS = 350;

const SORTS: { value: BoardSort; label: string; hint: string }[] = [
  { value: 'top', label: 'Top', hint: 'highest weighted score first (a supplier’s vote counts for the couples they serve, so it weighs more)' },
  { value: 'new', label: 'New', hint: 'newest first' },
  { value: 'trending', label: 'Trending', hint: 'gathering votes fastest first' },
  { value: 'rice', label: 'RICE', hint: 'highest RICE priority first (reach × impact × confidence ÷ effort)' },
];

type Load =
  | { state: 'loading'; items: BoardItem[]; nextCursor: string | null }
  | { state: 'ready'; items: BoardItem[]; nextCursor: string | null }
  | { state: 'error'; items: BoardItem[]; nextCursor: string | null; message: string; signInNeeded: boolean };

export default function Board() {
  const { params } = useLocation();
  const filters = readFilters(params);
  const key = boardUrl(filters);
  const session = useSession();

  // An address with filters the board does not offer is put right in place (the back button skips it).
  useEffect(() => {
    if (key !== location.pathname + location.search) navigate(key, { replace: true });
  }, [key]);

  const [load, setLoad] = useState<Load>({ state: 'loading', items: [], nextCursor: null });
  const [moreState, setMoreState] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const [retry, setRetry] = useState(0);
  const listRef = useRef<HTMLOListElement>(null);

  // Signing in or out on this page changes viewerHasVoted: load again (not on the first answer).
  const viewer = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (session.status === 'loading') return;
    const id = session.user?.id ?? null;
    if (viewer.current !== undefined && viewer.current !== id) setRetry((n) => n + 1);
    viewer.current = id;
  }, [session.status, session.user?.id]);

  useEffect(() => {
    const controller = new AbortController();
    setLoad((l) => ({ state: 'loading', items: l.items, nextCursor: l.nextCursor }));
    setMoreState({ loading: false, error: null });
    fetchBoardPage(boardApiUrl(readFilters(new URLSearchParams(key.slice(1)))), controller.signal)
      .then((page) => {
        if (!controller.signal.aborted) setLoad({ state: 'ready', items: page.items, nextCursor: page.nextCursor });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        // BOARD_VISIBILITY=members: the board is for signed-in people only.
        const signInNeeded = err instanceof ApiError && err.status === 401;
        const message = signInNeeded ? 'This board is open to members only. Sign in to see what couples and suppliers are asking for.' : plainMessage(err);
        setLoad((l) => ({ state: 'error', items: l.items, nextCursor: l.nextCursor, message, signInNeeded }));
      });
    return () => controller.abort();
  }, [key, retry]);

  // Keyboard users continue from the first new request rather than the top of the page. An effect
  // runs once the new cards are in the document; an animation frame could run before React renders them.
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  useEffect(() => {
    if (focusFrom === null) return;
    listRef.current?.querySelectorAll<HTMLAnchorElement>('.card-title a')[focusFrom]?.focus();
    setFocusFrom(null);
  }, [focusFrom]);

  async function loadMore() {
    if (!load.nextCursor || moreState.loading) return;
    setMoreState({ loading: true, error: null });
    const firstNew = load.items.length;
    try {
      const page = await get<Page<BoardItem>>(boardApiUrl(filters, load.nextCursor));
      setLoad((l) => ({ state: 'ready', items: appendNew(l.items, page.items, (i) => i.id), nextCursor: page.nextCursor }));
      setMoreState({ loading: false, error: null });
      setFocusFrom(firstNew);
    } catch (err) {
      setMoreState({ loading: false, error: plainMessage(err) });
    }
  }

  const update = useCallback((id: string, patch: VoteFields) => {
    setLoad((l) => ({ ...l, items: l.items.map((i) => (i.id === id ? { ...i, ...patch } : i)) }));
  }, []);

  // Read from the address at call time: a search typed a moment ago must not undo a newer filter.
  const setFilter = (patch: Partial<Filters>, replace = false) =>
    navigate(boardUrl({ ...readFilters(new URLSearchParams(location.search)), ...patch }), { replace });
  const filtered = Boolean(filters.category || filters.status || filters.userType || filters.q);
  const sortLabel = SORTS.find((s) => s.value === (filters.sort || 'top'))?.hint ?? '';
  // The score explains the RICE order; the product team, who set its factors, always sees it.
  const showRice = filters.sort === 'rice' || session.can(RICE_PERMISSION);

  return (
    <>
      <div className="page-intro">
        <PageHeading title="Feature requests" />
        <p className="lede">
          What couples and wedding suppliers want from WedSync. Vote for what you need, or <Link to="/submit">ask for something new</Link>.
        </p>
      </div>

      <BoardFilters filters={filters} onChange={setFilter} />

      <p className="results-summary" aria-live="polite" aria-atomic="true">
        {load.state === 'loading' && load.items.length === 0
          ? 'Loading requests…'
          : load.state !== 'error' || load.items.length
            ? `${plural(load.items.length, 'request')} shown${load.nextCursor ? ' (more below)' : ''}, ${sortLabel}${filtered ? ', filtered' : ''}.`
            : ''}
      </p>

      {load.state === 'error' && (
        <Notice kind="error">
          <p>{load.message}</p>
          {load.signInNeeded ? (
            <Link className="button" to="/login">
              Sign in
            </Link>
          ) : (
            <button type="button" className="button secondary" onClick={() => setRetry((n) => n + 1)}>
              Try again
            </button>
          )}
        </Notice>
      )}

      {load.state === 'ready' && load.items.length === 0 && (
        <div className="empty">
          <p>{filtered ? 'No requests match these filters.' : 'No requests yet.'}</p>
          {filtered && (
            <button
              type="button"
              className="button secondary"
              onClick={() => navigate(boardUrl({ sort: filters.sort, category: '', status: '', userType: '', q: '' }))}
            >
              Clear filters
            </button>
          )}
          <p>
            <Link to="/submit">Submit the first one</Link>
          </p>
        </div>
      )}

      <ol className="board" ref={listRef} aria-busy={load.state === 'loading'} aria-label="Feature requests">
        {load.items.map((item) => (
          <BoardCard key={item.id} item={item} update={update} showRice={showRice} />
        ))}
      </ol>

      {moreState.error && <Notice kind="error">{moreState.error}</Notice>}
      {load.nextCursor && load.state !== 'loading' && (
        <div className="load-more">
          <button type="button" className="button secondary" onClick={loadMore} aria-busy={moreState.loading || undefined}>
            {moreState.loading ? 'Loading more…' : 'Load more requests'}
          </button>
        </div>
      )}
    </>
  );
}

function BoardCard({ item, update, showRice }: { item: BoardItem; update: (id: string, patch: VoteFields) => void; showRice: boolean }) {
  const { toggle, pending, error, review, blocked } = useVote(item, update);
  return (
    <li className="card">
      <div className="card-vote">
        <VoteButton item={item} pending={pending} onToggle={toggle} blocked={blocked} />
      </div>
      <div className="card-body">
        <h2 className="card-title">
          <Link to={`/requests/${item.id}`}>{item.title}</Link>
        </h2>
        {item.summary && <p className="card-summary">{item.summary}</p>}
        <p className="card-meta">
          <StatusBadge status={item.status} />
          <CategoryTag category={item.category} />
          <UrgencyTag urgency={item.urgency} />
        </p>
        <p className="card-facts">
          <span>From a {roleLabel(item.userType).toLowerCase()}</span>
          {/* What "Top" sorts by; the vote button beside it counts people. */}
          <span className="card-weight" title="Suppliers’ votes count more: they speak for the couples they serve">
            Weighted score {item.voteWeight.toLocaleString()}
          </span>
          <span>{plural(item.commentCount, 'comment')}</span>
          {showRice && <span className="card-rice">RICE score {riceScoreText(item.rice.score)}</span>}
          <span>
            <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
          </span>
        </p>
        <VoteFeedback error={error} review={review} item={item} blocked={blocked} />
      </div>
    </li>
  );
}

function BoardFilters({ filters, onChange }: { filters: Filters; onChange: (patch: Partial<Filters>, replace?: boolean) => void }) {
  const [text, setText] = useState(filters.q);
  const typing = useRef<number | undefined>(undefined);

  // The address changed (back button, "Clear filters"): show what it says.
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => () => window.clearTimeout(typing.current), []);

  function onType(value: string) {
    setText(value);
    window.clearTimeout(typing.current);
    typing.current = window.setTimeout(() => onChange({ q: value.trim() }, true), SEARCH_DELAY_MS);
  }

  function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    window.clearTimeout(typing.current);
    onChange({ q: text.trim() }, true);
  }

  return (
    <section className="filters" aria-label="Find requests">
      <form role="search" className="search" onSubmit={onSubmit}>
        <label htmlFor="board-search">Search requests</label>
        <div className="search-row">
          <input
            id="board-search"
            type="search"
            name="q"
            value={text}
            maxLength={200}
            placeholder="e.g. seating plan, RSVP meal choice"
            autoComplete="off"
            onChange={(e) => onType(e.target.value)}
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>

      <div className="filter-row">
        <div className="field">
          <label htmlFor="board-category">Category</label>
          <select id="board-category" value={filters.category} onChange={(e) => onChange({ category: e.target.value })}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-status">Status</label>
          <select id="board-status" value={filters.status} onChange={(e) => onChange({ status: e.target.value })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-userType">Asked by</label>
          <select id="board-userType" value={filters.userType} onChange={(e) => onChange({ userType: e.target.value })}>
            <option value="">Everyone</option>
            <option value="couple">Couples</option>
            <option value="wedding_supplier">Wedding suppliers</option>
          </select>
        </div>
        <fieldset className="sort">
          <legend>Sort by</legend>
          <div className="segmented">
            {SORTS.map((s) => (
              <label key={s.value} className="segment">
                <input
                  type="radio"
                  name="sort"
                  value={s.value}
                  checked={(filters.sort || 'top') === s.value}
                  onChange={() => onChange({ sort: s.value === 'top' ? '' : s.value })}
                />
                <span>{s.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </div>
    </section>
  );
}
