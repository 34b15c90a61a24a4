// One request: what the viewer may read of it (the API decides: public projection, content, or the
// full record), its status history with the team's reasons, and the discussion.
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { api, ApiError } from '../api.js';
import { StatusChange } from '../components/StatusChange.js';
import { RicePanel } from '../components/RicePanel.js';
import { CharacterCount, tooLong } from '../components/CharacterCount.js';
import { deleteComment, editComment, featureRequest, followingState, hideComment, requestComments, unmergeRequest } from '../endpoints.js';
import { FollowButton } from '../components/Follow.js';
import { MERGE_PERMISSION, RICE_PERMISSION } from '../permissions.js';
import { CategoryTag, ExpertBadge, StatusBadge, UrgencyTag } from '../components/Badges.js';
import { FormActions } from '../components/FormActions.js';
import { LoadFailed, Notice } from '../components/Notice.js';
import { MergeInto } from '../components/MergeInto.js';
import { PageHeading } from '../components/PageHeading.js';
import { RequestEditor, RevisionHistory } from '../components/RequestEditing.js';
import { intentPath, useVote, VoteButton, VoteFeedback } from '../components/Vote.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { formatDate, roleLabel, statusLabel } from '../labels.js';
import { usePagedList } from '../pagedList.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { CoarseWeddingContext, Comment, FeatureRequest, WeddingContext } from '../types.js';

// The Markdown parser comes with its own chunk, after the page's first paint; until then the text shows as written.
const MarkdownView = lazy(() => import('../components/Markdown.js').then((m) => ({ default: m.Markdown })));

function Markdown({ text, className }: { text: string; className: string }) {
  return (
    <Suspense fallback={<p className={className}>{text}</p>}>
      <MarkdownView text={text} className={className} />
    </Suspense>
  );
}

/** The permission that lets the product team edit any request, hide comments and read revisions. */
const MODERATE_PERMISSION = 'feature_requests:update';

type Load = { state: 'loading' } | { state: 'ready'; request: FeatureRequest } | { state: 'error'; message: string; notFound: boolean };

export default function Detail({ id }: { id: string }) {
  const session = useSession();
  const { params } = useLocation();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [retry, setRetry] = useState(0);

  // What we may read depends on who we are: load again after signing in or out here.
  const viewer = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (session.status === 'loading') return;
    const who = session.user?.id ?? null;
    if (viewer.current !== undefined && viewer.current !== who) setRetry((n) => n + 1);
    viewer.current = who;
  }, [session.status, session.user?.id]);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: 'loading' });
    featureRequest(id, controller.signal)
      .then((request) => setLoad({ state: 'ready', request }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        const notFound = err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed');
        setLoad({ state: 'error', notFound, message: notFound ? 'This request doesn’t exist, or the link is wrong.' : plainMessage(err) });
      });
    return () => controller.abort();
  }, [id, retry]);

  const update = useCallback((_id: string, patch: Partial<FeatureRequest>) => {
    setLoad((l) => (l.state === 'ready' ? { state: 'ready', request: { ...l.request, ...patch } } : l));
  }, []);
  // Voting and commenting follow the request unless the viewer unfollowed it: ask which it was.
  // A failure leaves the button as it was; the next visit shows the truth.
  const refreshFollowing = useCallback(() => {
    followingState(id).then(
      ({ following }) => update(id, { viewerFollows: following }),
      () => undefined,
    );
  }, [id, update]);

  // After a merge the notice takes focus, so a screen reader says what happened. An effect runs
  // once the notice is in the document; a timer or animation frame could run before React renders it.
  const [focusMergedNotice, setFocusMergedNotice] = useState(false);
  useEffect(() => {
    if (!focusMergedNotice) return;
    document.getElementById('merged-notice')?.focus();
    setFocusMergedNotice(false);
  }, [focusMergedNotice]);

  if (load.state === 'loading') {
    return (
      <>
        <PageHeading title="Loading request…" />
        <p aria-busy="true">Loading the request…</p>
      </>
    );
  }
  if (load.state === 'error') {
    return (
      <>
        <PageHeading title={load.notFound ? 'Request not found' : 'Could not load the request'} />
        <LoadFailed message={load.message} onRetry={load.notFound ? undefined : () => setRetry((n) => n + 1)} />
        <p>
          <Link to="/">Back to all requests</Link>
        </p>
      </>
    );
  }

  const request = load.request;
  return (
    <article className="detail">
      <p className="breadcrumb">
        <Link to="/">← All requests</Link>
      </p>
      {params.get('submitted') === '1' && (
        <Notice kind="success">
          <p>Thank you: your request is on the board. Others can now find it and vote for it.</p>
        </Notice>
      )}
      <DetailHead request={request} update={update} onVoted={refreshFollowing} />

      {request.mergedIntoId && (
        <Notice id="merged-notice" focusable>
          <p>
            This request was merged into another with the same need. <Link to={`/requests/${request.mergedIntoId}`}>Vote and comment there</Link>.
          </p>
          {session.can(MERGE_PERMISSION) && <UndoMerge request={request} onUndone={(updated) => update(request.id, updated)} />}
        </Notice>
      )}

      {session.can(MERGE_PERMISSION) && !request.mergedIntoId && (
        <MergeInto
          request={request}
          onMerged={({ duplicate }) => {
            update(request.id, duplicate);
            setFocusMergedNotice(true);
          }}
        />
      )}

      {!request.mergedIntoId && <RicePanel request={request} canOverride={session.can(RICE_PERMISSION)} onChanged={(updated) => update(request.id, updated)} />}

      <RequestContent request={request} signedIn={session.status === 'signed_in'} />

      {request.access === 'full' &&
        (session.can(MODERATE_PERMISSION) || (request.status === 'open' && session.user !== null && request.author?.id === session.user.id)) && (
          <RequestEditor request={request} onSaved={(updated) => update(request.id, updated)} />
        )}
      {request.access === 'full' && session.can(MODERATE_PERMISSION) && <RevisionHistory requestId={request.id} updatedAt={request.updatedAt} />}

      <section className="history" aria-labelledby="history-heading">
        <h2 id="history-heading">Status history</h2>
        {request.statusHistory.length === 0 ? (
          <p className="muted">No changes yet. Every request starts as Open; the WedSync team explains each change here.</p>
        ) : (
          <ol className="timeline">
            {request.statusHistory.map((change, i) => (
              <li key={`${change.createdAt}-${i}`}>
                <p className="timeline-head">
                  <strong>{change.fromStatus ? `${statusLabel(change.fromStatus)} → ${statusLabel(change.toStatus)}` : statusLabel(change.toStatus)}</strong>{' '}
                  <time dateTime={change.createdAt}>{formatDate(change.createdAt)}</time>
                </p>
                {change.justification && <p className="justification">{change.justification}</p>}
              </li>
            ))}
          </ol>
        )}
        <StatusChange request={request} onChanged={(updated) => update(request.id, updated)} />
      </section>

      <Discussion
        request={request}
        onAdded={() => {
          update(request.id, { commentCount: request.commentCount + 1 });
          refreshFollowing();
        }}
      />
    </article>
  );
}

/** Product team: puts a merged request back exactly as it was (votes, comments, status). */
function UndoMerge({ request, onUndone }: { request: FeatureRequest; onUndone: (updated: FeatureRequest) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function undo() {
    setBusy(true);
    setError(null);
    try {
      onUndone((await unmergeRequest(request.id)).duplicate);
    } catch (err) {
      setError(plainMessage(err));
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="button secondary" onClick={undo} disabled={busy} aria-busy={busy || undefined}>
        Undo merge
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** Vote button beside the title; what became of the vote is said under the request's facts, where a sentence fits. */
function DetailHead({
  request,
  update,
  onVoted,
}: {
  request: FeatureRequest;
  update: (id: string, patch: Partial<FeatureRequest>) => void;
  onVoted: () => void;
}) {
  const { toggle, pending, error, review, blocked } = useVote(request, update, onVoted);
  const session = useSession();
  const { params } = useLocation();
  // Pressed Vote while signed out: signing in brought them back here with ?intent=vote. The vote is
  // cast once (not again if they had voted meanwhile), and the intent leaves the address so that a
  // reload or a shared link does not vote again.
  const intended = params.get('intent') === 'vote';
  const done = useRef(false);
  useEffect(() => {
    if (!intended || done.current || session.status !== 'signed_in') return;
    done.current = true;
    navigate(`/requests/${encodeURIComponent(request.id)}`, { replace: true });
    if (!request.viewerHasVoted && !blocked) void toggle();
  }, [intended, session.status, request.id, request.viewerHasVoted, blocked, toggle]);
  return (
    <div className="detail-head">
      <div className="detail-vote">
        <VoteButton item={request} pending={pending} onToggle={toggle} large blocked={blocked} />
      </div>
      <div>
        <PageHeading title={request.title} />
        {request.summary && <p className="request-summary">{request.summary}</p>}
        <p className="card-meta">
          <StatusBadge status={request.status} />
          <CategoryTag category={request.category} />
          <UrgencyTag urgency={request.urgency} />
        </p>
        <p className="card-facts">
          <span>From a {roleLabel(request.userType).toLowerCase()}</span>
          <span>
            Asked <time dateTime={request.createdAt}>{formatDate(request.createdAt)}</time>
          </span>
          <span title="Suppliers’ votes count more: they speak for the couples they serve">Weighted score {request.voteWeight.toLocaleString()}</span>
        </p>
        <VoteFeedback error={error} review={review} item={request} blocked={blocked} />
        <FollowButton request={request} onChanged={(following) => update(request.id, { viewerFollows: following })} />
      </div>
    </div>
  );
}

function RequestContent({ request, signedIn }: { request: FeatureRequest; signedIn: boolean }) {
  if (request.access === 'public') {
    return (
      <Notice>
        <p>
          {signedIn
            ? 'The full description and wedding details are shared with the person who asked, verified suppliers and the WedSync team. Everyone sees the summary above.'
            : 'Sign in to read the discussion. The full description is shared with the person who asked, verified suppliers and the WedSync team.'}
        </p>
        {!signedIn && (
          <p>
            <Link to={`/login?next=${encodeURIComponent(`/requests/${request.id}`)}`}>Sign in</Link>
          </p>
        )}
      </Notice>
    );
  }
  const coarse = request.weddingContext && isCoarse(request.weddingContext) ? request.weddingContext : null;
  const context = request.weddingContext && !isCoarse(request.weddingContext) ? request.weddingContext : null;
  return (
    <section className="content" aria-labelledby="content-heading">
      <h2 id="content-heading" className="visually-hidden">
        The request
      </h2>
      {request.description && <Markdown className="description" text={request.description} />}
      {request.painPoints && request.painPoints.length > 0 && (
        <>
          <h3>What gets in the way</h3>
          <ul className="pain-points">
            {request.painPoints.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {context && (
        <>
          <h3>The wedding</h3>
          <dl className="facts">
            <div>
              <dt>Date</dt>
              <dd>{context.weddingDate ? formatDate(`${context.weddingDate}T12:00:00Z`) : '—'}</dd>
            </div>
            <div>
              <dt>Guests</dt>
              <dd>{context.guestCount.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Country</dt>
              <dd>{regionName(context.country)}</dd>
            </div>
            <div>
              <dt>Time zone</dt>
              <dd>{context.timeZone}</dd>
            </div>
            {context.venueAddress && (
              <div>
                <dt>Venue</dt>
                <dd>{context.venueAddress}</dd>
              </div>
            )}
            {context.coupleNames && (
              <div>
                <dt>Couple</dt>
                <dd>{context.coupleNames}</dd>
              </div>
            )}
          </dl>
        </>
      )}
      {coarse && (
        <>
          <h3>The wedding</h3>
          {/* Suppliers see the coarse form only: the exact date, venue and names stay with the couple and the WedSync team. */}
          <dl className="facts">
            <div>
              <dt>Month</dt>
              <dd>{coarse.weddingMonth ? formatMonth(coarse.weddingMonth) : '—'}</dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>{WEDDING_SIZES[coarse.weddingSize]}</dd>
            </div>
            <div>
              <dt>Country</dt>
              <dd>{coarse.country ? regionName(coarse.country) : '—'}</dd>
            </div>
          </dl>
        </>
      )}
      {request.author && (
        <p className="muted">
          {/* The role beside the name, not in brackets after it: a demo name already ends in some. */}
          Asked by {request.author.displayName} · {roleLabel(request.author.role)}
        </p>
      )}
    </section>
  );
}

const isCoarse = (context: WeddingContext | CoarseWeddingContext): context is CoarseWeddingContext => 'weddingMonth' in context;

const WEDDING_SIZES = { intimate: 'Under 50 guests', medium: '50–149 guests', large: '150–299 guests', grand: '300 guests or more', unknown: '—' } as const;

const monthFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', timeZone: 'UTC' });

/** "2027-06" as "June 2027". */
function formatMonth(month: string): string {
  const d = new Date(`${month}-15T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? month : monthFormat.format(d);
}

function regionName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

function Discussion({ request, onAdded }: { request: FeatureRequest; onAdded: () => void }) {
  const session = useSession();
  return (
    <section className="discussion" aria-labelledby="discussion-heading">
      <h2 id="discussion-heading">Discussion ({request.commentCount.toLocaleString()})</h2>
      {session.status === 'signed_in' ? (
        <Comments request={request} onAdded={onAdded} />
      ) : (
        <p>
          <Link to={`/login?next=${encodeURIComponent(intentPath(request.id, 'comment'))}`}>Sign in</Link> to read the discussion and add to it.
        </p>
      )}
    </section>
  );
}

/** The comments (signed in only), 50 at a time, and the form that adds one. */
function Comments({ request, onAdded }: { request: FeatureRequest; onAdded: () => void }) {
  const session = useSession();
  const comments = usePagedList(
    (cursor, signal) => requestComments(request.id, cursor, signal),
    [request.id],
    (c) => c.id,
  );
  return (
    <>
      {comments.error && <LoadFailed message={comments.error} onRetry={comments.retry} />}
      {!comments.loading && !comments.error && comments.items.length === 0 && <p className="muted">No comments yet. Start the conversation.</p>}
      <ol className="comments" aria-busy={comments.loading}>
        {comments.items.map((c) => (
          <CommentItem
            key={c.id}
            comment={c}
            moderator={session.can(MODERATE_PERMISSION)}
            onChanged={(changed) => comments.setItems((items) => items.map((i) => (i.id === changed.id ? changed : i)))}
          />
        ))}
      </ol>
      {comments.hasMore && (
        <button type="button" className="button secondary" onClick={comments.more} aria-busy={comments.loading || undefined}>
          Show more comments
        </button>
      )}
      {request.status === 'merged' ? (
        <p className="muted">This request is closed for comments because it was merged.</p>
      ) : session.user?.role === 'ai_system' ? null : (
        <CommentForm
          requestId={request.id}
          onAdded={(comment) => {
            comments.setItems((c) => [...c, comment]);
            onAdded();
          }}
        />
      )}
    </>
  );
}

/** As the API's comment schema. */
const MAX_COMMENT = 5000;

/**
 * One comment: Markdown, marked when edited; a placeholder once its author deleted it. Its author
 * may edit or delete it until `editableUntil`; the product team sees hidden comments with the reason
 * and may hide one, saying why.
 */
function CommentItem({ comment: c, moderator, onChanged }: { comment: Comment; moderator: boolean; onChanged: (c: Comment) => void }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'hide'>('view');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // As of loading the thread; a page left open past the window gets the server's 409 edit_window_closed.
  const editable = c.editableUntil !== null;

  useEffect(() => {
    if (mode !== 'view') field.current?.focus();
  }, [mode]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setMode('view');
    } catch (err) {
      setError(fieldErrors(err).content ?? fieldErrors(err).reason ?? plainMessage(err));
    } finally {
      setBusy(false);
    }
  }
  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    void run(async () => onChanged({ ...c, ...(await editComment(c.requestId, c.id, text.trim())) }));
  };
  const remove = () =>
    run(async () => {
      await deleteComment(c.requestId, c.id);
      onChanged({ ...c, content: '', deleted: true, editableUntil: null });
    });
  const hide = (event: SyntheticEvent) => {
    event.preventDefault();
    void run(async () => {
      await hideComment(c.requestId, c.id, text.trim());
      onChanged({ ...c, editableUntil: null, hidden: { reason: text.trim(), hiddenAt: new Date().toISOString(), hiddenBy: null } });
    });
  };
  const formId = `comment-${c.id}`;

  return (
    <li className={`comment${c.expertAdvice ? ' expert-comment' : ''}${c.hidden ? ' hidden-comment' : ''}`}>
      <p className="comment-head">
        <strong>{c.author?.displayName ?? 'A WedSync user'}</strong>
        {c.author && <span className="muted"> · {roleLabel(c.author.role)}</span>}
        {c.expertAdvice && <ExpertBadge />}
        <time className="muted" dateTime={c.createdAt}>
          {formatDate(c.createdAt)}
        </time>
        {c.editedAt && !c.deleted && <span className="muted"> · edited</span>}
      </p>
      {c.hidden && (
        <p className="comment-hidden-reason">
          <strong>Hidden from members:</strong> {c.hidden.reason}
        </p>
      )}
      {c.deleted ? (
        <p className="comment-body muted">This comment was deleted by its author.</p>
      ) : mode === 'edit' ? (
        <form onSubmit={save} noValidate>
          <label htmlFor={`${formId}-edit`}>Edit your comment</label>
          <textarea
            id={`${formId}-edit`}
            ref={field}
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={error ? `${formId}-error` : undefined}
          />
          <FormActions sending={busy} label="Save comment" sendingLabel="Saving…">
            <button type="button" className="button secondary" onClick={() => setMode('view')}>
              Cancel
            </button>
          </FormActions>
        </form>
      ) : (
        <Markdown className="comment-body" text={c.content} />
      )}
      {mode === 'hide' && (
        <form onSubmit={hide} noValidate>
          <label htmlFor={`${formId}-reason`}>Why hide this comment?</label>
          <textarea
            id={`${formId}-reason`}
            ref={field}
            rows={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={error ? `${formId}-error` : undefined}
          />
          <FormActions sending={busy} label="Hide comment" sendingLabel="Hiding…">
            <button type="button" className="button secondary" onClick={() => setMode('view')}>
              Cancel
            </button>
          </FormActions>
        </form>
      )}
      {mode === 'view' && !c.deleted && (editable || (moderator && !c.hidden)) && (
        <p className="comment-actions">
          {editable && (
            <>
              <button
                type="button"
                className="button secondary small"
                onClick={() => {
                  setText(c.content);
                  setMode('edit');
                }}
              >
                Edit
              </button>
              <button type="button" className="button secondary small" onClick={() => void remove()} disabled={busy}>
                Delete
              </button>
            </>
          )}
          {moderator && !c.hidden && (
            <button
              type="button"
              className="button secondary small"
              onClick={() => {
                setText('');
                setMode('hide');
              }}
            >
              Hide
            </button>
          )}
        </p>
      )}
      {error && (
        <p id={`${formId}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function CommentForm({ requestId, onAdded }: { requestId: string; onAdded: (c: Comment) => void }) {
  const [content, setContent] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const { params } = useLocation();
  // Pressed "Sign in" to comment: back here signed in, the form is where they were going.
  const intended = params.get('intent') === 'comment';
  useEffect(() => {
    if (!intended) return;
    textarea.current?.focus();
    navigate(`/requests/${encodeURIComponent(requestId)}`, { replace: true });
  }, [intended, requestId]);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    const text = content.trim();
    const problem = text.length < 2 ? 'Write at least 2 characters.' : tooLong('A comment', text, MAX_COMMENT);
    if (problem) {
      setError(problem);
      textarea.current?.focus();
      return;
    }
    setSending(true);
    setError(null);
    setAdded(false);
    try {
      const comment = await api<Comment>('POST', `/api/feature-requests/${encodeURIComponent(requestId)}/comments`, { body: { content: text } });
      onAdded(comment);
      setContent('');
      setAdded(true);
    } catch (err) {
      setError(fieldErrors(err).content ?? plainMessage(err));
      textarea.current?.focus();
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="comment-form" onSubmit={submit} noValidate>
      <label htmlFor="comment-content">Add a comment</label>
      <p id="comment-hint" className="hint">
        Share how this affects your wedding or your business. Everyone signed in can read it.
      </p>
      <textarea
        id="comment-content"
        ref={textarea}
        rows={4}
        value={content}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'comment-hint comment-content-count comment-error' : 'comment-hint comment-content-count'}
        onChange={(e) => {
          setContent(e.target.value);
          setAdded(false);
        }}
      />
      <CharacterCount fieldId="comment-content" text={content} max={MAX_COMMENT} />
      {error && (
        <p id="comment-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <FormActions sending={sending} label="Post comment" sendingLabel="Posting…">
        <span role="status" className="muted">
          {added ? 'Your comment was added.' : ''}
        </span>
      </FormActions>
    </form>
  );
}
