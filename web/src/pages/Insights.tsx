// The product team's AI insights: what couples and suppliers keep asking for, as the themes the
// hourly pain-point analysis found (GET /api/ai/insights/pain-points), most weighted votes first, with
// a chart, whether each theme is growing, and a few of its requests. "Refresh analysis" queues a run,
// shows it is busy while the page follows the run, then says what changed against the themes shown before.
import { useEffect, useState } from 'react';
import { StatusBadge } from '../components/Badges.js';
import { Figure } from '../components/Figure.js';
import { LoadFailed, Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { painPoints, refreshPainPoints } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { categoryLabel, formatDateTime, plural, roleLabel, urgencyLabel } from '../labels.js';
import { barsHeight, LiveChart } from '../ops/Chart.js';
import { INSIGHTS_PERMISSION } from '../permissions.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { PainPoints, PainPointTheme, Urgency, UserRole } from '../types.js';

/** While a run is queued the page asks again this often, for at most POLL_LIMIT times (~2 minutes). */
const POLL_MS = 3000;
const POLL_LIMIT = 40;
/** Themes in the chart; the list below shows them all. */
const CHARTED = 10;
/** Longer axis labels are cut off on a phone; the list below names each theme in full. */
const CHART_LABEL_LENGTH = 20;

export default function Insights() {
  const session = useSession();
  if (session.status === 'loading') return <PageHeading title="Insights" />;
  if (!session.can(INSIGHTS_PERMISSION)) {
    return (
      <>
        <PageHeading title="Insights" />
        <Notice>
          <p>AI insights are for the WedSync product team.</p>
          {session.status === 'anonymous' && (
            <p>
              <Link to={`/login?next=${encodeURIComponent('/insights')}`}>Sign in</Link> with a product-team account.
            </p>
          )}
        </Notice>
      </>
    );
  }
  return <PainPointInsights />;
}

interface News {
  kind: 'info' | 'success' | 'error';
  text: string;
}

type Snapshot = NonNullable<PainPoints['snapshot']>;

/** Following a queued run: the snapshot shown when it was queued, and how many times we asked since. */
interface Watch {
  before: Snapshot | null;
  polls: number;
}

/** What a new analysis changed, in the product team's words: how many themes, how many are new since the last one. */
function whatChanged(before: Snapshot | null, after: Snapshot): string {
  const themes = plural(after.themes.length, 'theme');
  if (!before) return `Updated: ${themes} in ${plural(after.requestsConsidered, 'open request')}.`;
  const key = (t: PainPointTheme) => t.label.toLowerCase();
  const earlier = new Map(before.themes.map((t) => [key(t), t.requests]));
  const later = new Set(after.themes.map(key));
  const added = after.themes.filter((t) => !earlier.has(key(t))).length;
  const gone = before.themes.filter((t) => !later.has(key(t))).length;
  const since = formatDateTime(before.generatedAt);
  if (added === 0 && gone === 0 && after.themes.every((t) => earlier.get(key(t)) === t.requests)) {
    return `No change since ${since}: the same ${themes} with the same requests.`;
  }
  return `Updated: ${themes}, ${added} new since ${since}${gone ? `, ${gone} no longer found` : ''}.`;
}

function PainPointInsights() {
  const [data, setData] = useState<PainPoints | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retry, setRetry] = useState(0);
  const [watch, setWatch] = useState<Watch | null>(null);
  const [sending, setSending] = useState(false);
  const [news, setNews] = useState<News | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    painPoints(controller.signal)
      .then((next) => {
        setData(next);
        if (next.runQueued) setWatch({ before: next.snapshot, polls: 0 });
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(plainMessage(err));
      });
    return () => controller.abort();
  }, [retry]);

  useEffect(() => {
    if (!watch) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      painPoints(controller.signal)
        .then((next) => {
          setData(next);
          if (next.snapshot && next.snapshot.id !== watch.before?.id) {
            setNews({ kind: 'success', text: whatChanged(watch.before, next.snapshot) });
            setWatch(null);
          } else if (!next.runQueued) {
            setNews({ kind: 'info', text: 'The analysis finished without new themes: no open request has been read by the AI model yet.' });
            setWatch(null);
          } else if (watch.polls + 1 >= POLL_LIMIT) {
            setNews({ kind: 'info', text: 'The analysis is taking longer than usual. Reload this page in a few minutes to see it.' });
            setWatch(null);
          } else {
            setWatch({ ...watch, polls: watch.polls + 1 });
          }
        })
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          setNews({ kind: 'error', text: `Couldn’t check on the analysis: ${plainMessage(err)}` });
          setWatch(null);
        });
    }, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [watch]);

  async function refresh() {
    setSending(true);
    setNews(null);
    try {
      const { queued } = await refreshPainPoints();
      setNews({
        kind: 'info',
        text: queued
          ? 'A fresh analysis is queued. The themes update here when it’s done, usually within a minute.'
          : 'An analysis is already on its way. The themes update here when it’s done.',
      });
      setWatch({ before: data?.snapshot ?? null, polls: 0 });
    } catch (err) {
      setNews({ kind: 'error', text: `Couldn’t ask for an analysis: ${plainMessage(err)}` });
    } finally {
      setSending(false);
    }
  }

  const snapshot = data?.snapshot ?? null;
  const busy = sending || watch !== null;
  return (
    <>
      <div className="page-intro">
        <PageHeading title="Insights" />
        <p className="lede">
          What couples and suppliers keep asking for: open requests that say the same thing in different words, grouped by WedSync’s AI and ranked by weighted
          votes. Only requests whose authors allow AI analysis are included.
        </p>
      </div>

      <div className="ops-toolbar">
        <p className="muted" data-testid="insights-generated">
          {snapshot
            ? `Analysed ${formatDateTime(snapshot.generatedAt)}: ${plural(snapshot.requestsConsidered, 'open request')}, ${plural(snapshot.themes.length, 'theme')}.`
            : data
              ? 'Not analysed yet.'
              : 'Loading…'}
        </p>
        {/* Never disabled (focus would be lost): a second press while one run waits queues nothing more. */}
        <button type="button" className="button secondary small" onClick={refresh} aria-busy={busy || undefined}>
          {busy ? 'Analysing…' : 'Refresh analysis'}
        </button>
      </div>

      <div aria-live="polite">{news && <Notice kind={news.kind}>{news.text}</Notice>}</div>

      {error && <LoadFailed message={error} onRetry={() => setRetry((n) => n + 1)} />}

      {data && !data.available && (
        <Notice>
          <p>
            The AI model isn’t available on this server right now, so {snapshot ? 'these themes won’t change until it’s back' : 'no themes can be found yet'}.
            Everything else — submitting, voting, triage — works as usual.
          </p>
        </Notice>
      )}

      {data && !snapshot && data.available && (
        <Notice>
          <p>No analysis yet. The AI groups open requests once it has read them; this runs every hour. Choose “Refresh analysis” to run it now.</p>
        </Notice>
      )}

      {snapshot && snapshot.themes.length === 0 && <p className="muted">No themes in this analysis: no three open requests are alike enough yet.</p>}

      {snapshot && snapshot.themes.length > 0 && (
        <>
          <ThemesChart themes={snapshot.themes} />
          <section aria-labelledby="themes-heading">
            <h2 id="themes-heading">Themes</h2>
            <ol className="theme-list">
              {snapshot.themes.map((theme, i) => (
                <li key={`${theme.label}${i}`}>
                  <ThemeCard theme={theme} rank={i + 1} />
                </li>
              ))}
            </ol>
          </section>
          <p className="muted small-print">
            {plural(snapshot.requestsThemed, 'request')} of the {plural(snapshot.requestsConsidered, 'open request')} analysed fall into a theme (at most the{' '}
            {snapshot.requestCap.toLocaleString()} most-voted are read). Model {snapshot.modelVersion}, grouping {snapshot.algorithm},
            {` ${snapshot.durationMs.toLocaleString()} ms`}.
          </p>
        </>
      )}
    </>
  );
}

const shortLabel = (rank: number, label: string) => {
  const text = `${rank}. ${label}`;
  return text.length > CHART_LABEL_LENGTH ? `${text.slice(0, CHART_LABEL_LENGTH - 1)}…` : text;
};

function ThemesChart({ themes }: { themes: PainPointTheme[] }) {
  const charted = themes.slice(0, CHARTED);
  return (
    <section className="ops-section insights-chart" aria-labelledby="insights-chart-heading">
      <h2 id="insights-chart-heading">{themes.length > CHARTED ? `Top ${CHARTED} themes` : 'Themes'} by weighted votes</h2>
      <LiveChart
        type="bar"
        labels={charted.map((t, i) => shortLabel(i + 1, t.label))}
        series={[{ label: 'Weighted votes', data: charted.map((t) => t.voteWeight) }]}
        summary={`Themes by weighted votes: ${charted.map((t, i) => `${i + 1}. ${t.label}, ${t.voteWeight} weighted votes over ${plural(t.requests, 'request')}`).join('; ')}.`}
        height={barsHeight(charted.length)}
      />
    </section>
  );
}

/** "Couple 2 · Wedding supplier 1", largest first. */
function mix(counts: Record<string, number>, name: (key: string) => string): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key, n]) => `${name(key)} ${n.toLocaleString()}`)
    .join(' · ');
}

function Growth({ growth }: { growth: PainPointTheme['growth'] }) {
  const { last30Days: recent, previous30Days: before } = growth;
  const trend = recent > before ? 'growing' : recent < before ? 'slowing' : 'steady';
  const arrow = { growing: '↑', slowing: '↓', steady: '→' }[trend];
  return (
    <span className={`growth growth-${trend}`}>
      <span aria-hidden="true">{arrow} </span>
      {recent.toLocaleString()}
      <span className="visually-hidden"> new, {trend}</span>
    </span>
  );
}

function ThemeCard({ theme, rank }: { theme: PainPointTheme; rank: number }) {
  const id = `theme-${rank}`;
  const { growth } = theme;
  return (
    <article className="theme-card" aria-labelledby={id}>
      <h3 id={id}>
        <span className="theme-rank">{rank}.</span> {theme.label}
      </h3>
      <p className="card-meta">
        <span className="visually-hidden">Its most distinctive words: </span>
        {theme.terms.map((t) => (
          <span className="tag" key={t}>
            {t}
          </span>
        ))}
      </p>
      <dl className="figures">
        <Figure label="Weighted votes" value={theme.voteWeight.toLocaleString()} note={`from ${plural(theme.voters, 'person', 'people')}`} />
        <Figure label="Requests" value={theme.requests.toLocaleString()} note={`alike at ${Math.round(theme.cohesion * 100)} %`} />
        <Figure label="New, last 30 days" value={<Growth growth={growth} />} note={`${growth.previous30Days.toLocaleString()} in the 30 days before`} />
      </dl>
      <dl className="theme-mix">
        <div>
          <dt>Asked by</dt>
          <dd>{mix(theme.userTypes, (k) => roleLabel(k as UserRole))}</dd>
        </div>
        <div>
          <dt>Categories</dt>
          <dd>{mix(theme.categories, categoryLabel)}</dd>
        </div>
        <div>
          <dt>Urgency</dt>
          <dd>{mix(theme.urgency, (k) => urgencyLabel(k as Urgency))}</dd>
        </div>
      </dl>
      {theme.examples.length > 0 && (
        <>
          <h4>{theme.requests > theme.examples.length ? 'Most-voted requests' : 'Requests'}</h4>
          <ul className="theme-examples">
            {theme.examples.map((e) => (
              <li key={e.id}>
                <Link to={`/requests/${e.id}`}>{e.title}</Link> <StatusBadge status={e.status} /> <span className="muted">{plural(e.votes, 'vote')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
