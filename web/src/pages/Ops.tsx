// The brief's Platform Health Dashboard for operators: Wedding Season Status, System Performance,
// AI Pipeline Health and Business Impact, from GET /api/platform/health (and category trends),
// polled every 10 seconds. The API reports the present; the trends come from the rolling history
// this tab keeps (ops/history.ts). The 30-day error budget and the last hour of synthetic probe runs
// (stored on the server, so a freshly opened tab has a trend at once) are asked for once a minute. The chart library loads with this screen only.
import { useEffect, useRef, useState } from 'react';
import { Figure } from '../components/Figure.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { categoryTrends, errorBudget, platformHealth, probeHistory } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { categoryLabel, plural } from '../labels.js';
import { barsHeight, LiveChart } from '../ops/Chart.js';
import { record, storedHistory, type Sample } from '../ops/history.js';
import { OPS_PERMISSION, TRENDS_PERMISSION } from '../permissions.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { CategoryTrends, ComponentStatus, ErrorBudget, PlatformHealth, ProbeHistory } from '../types.js';

const REFRESH_MS = 10_000;
const BUDGET_REFRESH_MS = 60_000;
/** The brief's load-test target: p95 under 500 ms. */
const P95_TARGET_MS = 500;
/** Above this share of server errors the API counts as degraded (src/ops/platform-health.ts). */
const ERROR_RATE_LIMIT = 0.01;
/** The job queues the AI pipeline runs on (src/queue/queue.ts). */
const AI_QUEUES = ['duplicate_detection', 'ai_analysis'];

const STATUS_WORDS: Record<ComponentStatus, string> = { operational: 'Operational', degraded: 'Degraded', down: 'Down' };
const KEY_NAMES: Record<string, string> = { api: 'API', database: 'Database', background_jobs: 'Background jobs', ai_analysis: 'AI analysis' };
const REGION_NAMES: Record<string, string> = {
  northern_hemisphere: 'Northern hemisphere',
  southern_hemisphere: 'Southern hemisphere',
  indian_subcontinent: 'Indian subcontinent',
};

const humanise = (key: string) => (REGION_NAMES[key] ?? KEY_NAMES[key] ?? key.replace(/_/g, ' ')).replace(/^./, (c) => c.toUpperCase());
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
const minutes = (seconds: number) => `${(seconds / 60).toLocaleString([], { maximumFractionDigits: 1 })} min`;

export default function Ops() {
  const session = useSession();
  if (session.status === 'loading') return <PageHeading title="Platform health" />;
  if (!session.can(OPS_PERMISSION)) {
    return (
      <>
        <PageHeading title="Platform health" />
        <Notice>
          <p>
            The platform health dashboard is for the WedSync team. Everyone can see the <a href="/status">public status page</a>.
          </p>
          {session.status === 'anonymous' && (
            <p>
              <Link to={`/login?next=${encodeURIComponent('/ops')}`}>Sign in</Link> with a product-team account.
            </p>
          )}
        </Notice>
      </>
    );
  }
  return <Dashboard withTrends={session.can(TRENDS_PERMISSION)} />;
}

interface Live {
  health: PlatformHealth | null;
  history: Sample[];
  trends: CategoryTrends | null;
  error: string | null;
  polledAt: number | null;
}

function Dashboard({ withTrends }: { withTrends: boolean }) {
  const [live, setLive] = useState<Live>(() => ({ health: null, history: storedHistory(), trends: null, error: null, polledAt: null }));
  const [paused, setPaused] = useState(false);
  const inFlight = useRef(false);
  /** undefined until the first answer; null when the probe has not run yet. */
  const [budget, setBudget] = useState<ErrorBudget | null | undefined>(undefined);
  const [probes, setProbes] = useState<ProbeHistory | null>(null);

  useEffect(() => {
    if (paused) return;
    const controller = new AbortController();
    // Keep the last figures on failure; the health poll reports it.
    const read = () => {
      errorBudget(controller.signal)
        .then((r) => setBudget(r.errorBudget))
        .catch(() => {});
      probeHistory(controller.signal)
        .then(setProbes)
        .catch(() => {});
    };
    read();
    const timer = window.setInterval(read, BUDGET_REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [paused]);

  useEffect(() => {
    if (paused) return;
    const controller = new AbortController();
    async function poll() {
      if (inFlight.current) return; // a slow answer is not asked for twice
      inFlight.current = true;
      try {
        const [health, trends] = await Promise.all([
          platformHealth(controller.signal),
          withTrends ? categoryTrends(1, controller.signal).catch(() => null) : Promise.resolve(null),
        ]);
        const history = record(health);
        setLive((l) => ({ health, history, trends: trends ?? l.trends, error: null, polledAt: Date.now() }));
      } catch (err) {
        // Keep the last figures and the trend; say that they are getting old.
        if (!controller.signal.aborted) setLive((l) => ({ ...l, error: plainMessage(err), polledAt: Date.now() }));
      } finally {
        inFlight.current = false;
      }
    }
    void poll();
    const timer = window.setInterval(() => void poll(), REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
      inFlight.current = false;
    };
  }, [paused, withTrends]);

  const { health, history, trends } = live;
  return (
    <>
      <div className="page-intro">
        <PageHeading title="Platform health" />
        <p className="lede">
          Live from this server, refreshed every 10 seconds; trends cover the time this page has been open (up to an hour), the synthetic probe checks the last
          hour. Couples and suppliers see the <a href="/status">public status page</a>.
        </p>
      </div>

      <div className="ops-toolbar">
        <p aria-live="polite" className="muted" data-testid="ops-updated">
          {paused ? 'Updates paused.' : live.polledAt ? `Updated at ${clock(live.polledAt)} · ${plural(history.length, 'reading')} kept.` : 'Loading…'}
        </p>
        <button type="button" className="button secondary small" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume updates' : 'Pause updates'}
        </button>
      </div>

      {live.error && (
        <Notice kind="error">
          <p>Couldn’t refresh: {live.error} The figures below are from the last successful reading.</p>
        </Notice>
      )}

      {health && (
        <div className={`overall overall-${health.status}`} role="status">
          Platform: <strong>{STATUS_WORDS[health.status]}</strong>
        </div>
      )}

      {health && (
        <div className="ops-grid">
          <SeasonSection health={health} history={history} />
          <PerformanceSection health={health} history={history} budget={budget} probes={probes} />
          <AiSection health={health} history={history} />
          <BusinessSection health={health} trends={trends} withTrends={withTrends} />
        </div>
      )}
    </>
  );
}

const timeLabels = (history: Sample[]) => history.map((s) => clock(s.at));

function SeasonSection({ health, history }: { health: PlatformHealth; history: Sample[] }) {
  const { season, traffic } = health;
  const peak = season.season === 'peak';
  return (
    <section className="ops-section" aria-labelledby="ops-season">
      <h2 id="ops-season">Wedding Season Status</h2>
      <dl className="figures">
        <Figure label="Season" value={peak ? 'Peak season' : 'Off season'} note={humanise(season.region)} testId="ops-season" />
        <Figure
          label="Season multiplier"
          value={`× ${season.multiplier}`}
          note={season.criticalHours ? 'Saturday critical hours' : undefined}
          testId="ops-multiplier"
        />
        <Figure label={`Requests, last ${traffic.windowSeconds / 60} min`} value={traffic.requests.toLocaleString()} testId="ops-requests" />
      </dl>
      <LiveChart
        type="line"
        labels={timeLabels(history)}
        series={[{ label: `Requests in the last ${traffic.windowSeconds / 60} min`, data: history.map((s) => s.requests) }]}
        summary={`Requests served in the last ${traffic.windowSeconds / 60} minutes, ${plural(history.length, 'reading')}: now ${traffic.requests}.`}
        yTitle="requests"
      />
    </section>
  );
}

function budgetNote(budget: ErrorBudget): string {
  const objective = `objective ${(budget.objective * 100).toFixed(budget.objective > 0.999 ? 2 : 1)} %`;
  const used = `${minutes(budget.downtimeSeconds)} of ${minutes(budget.allowedDowntimeSeconds)} downtime used`;
  const since =
    Date.now() - Date.parse(budget.measuredSince) < (budget.windowDays - 1) * 86_400_000 ? ` since ${new Date(budget.measuredSince).toLocaleDateString()}` : '';
  return `${objective} · ${used}${since}`;
}

/** The probes' runs per minute (a probe runs once a minute): one series of durations per probe. */
function probeTrend(history: ProbeHistory) {
  const minutes = [...new Set(history.runs.map((r) => Math.floor(Date.parse(r.at) / 60_000)))];
  const names = [...new Set(history.runs.map((r) => r.probe))].sort();
  const series = names.map((probe) => {
    const byMinute = new Map(history.runs.filter((r) => r.probe === probe).map((r) => [Math.floor(Date.parse(r.at) / 60_000), r.durationMs]));
    return { label: `${humanise(probe)} probe (ms)`, data: minutes.map((m) => byMinute.get(m) ?? null) };
  });
  return { labels: minutes.map((m) => clock(m * 60_000)), series, failed: history.runs.filter((r) => !r.ok).length };
}

function ProbeChart({ history }: { history: ProbeHistory }) {
  const { labels, series, failed } = probeTrend(history);
  if (labels.length === 0) return <p className="muted">No synthetic probe has run in the last hour.</p>;
  return (
    <LiveChart
      type="line"
      labels={labels}
      series={series}
      summary={`Synthetic probe checks over the last hour, from the server: ${plural(history.runs.length, 'run')}, ${failed} failed.`}
      yTitle="ms"
      height={180}
    />
  );
}

function PerformanceSection({
  health,
  history,
  budget,
  probes,
}: {
  health: PlatformHealth;
  history: Sample[];
  budget: ErrorBudget | null | undefined;
  probes: ProbeHistory | null;
}) {
  const { traffic } = health;
  return (
    <section className="ops-section" aria-labelledby="ops-performance">
      <h2 id="ops-performance">System Performance</h2>
      <ul className="components">
        {health.components.map((c) => (
          <li key={c.name} className={`component component-${c.status}`}>
            <strong>{humanise(c.name)}</strong>: {STATUS_WORDS[c.status]} <span className="muted">· {c.detail}</span>
          </li>
        ))}
      </ul>
      <dl className="figures">
        <Figure
          label="p95 response time"
          value={traffic.p95Ms === null ? 'no traffic yet' : `${traffic.p95Ms.toLocaleString()} ms`}
          note={`target < ${P95_TARGET_MS} ms`}
          testId="ops-p95"
        />
        <Figure label="Server errors" value={percent(traffic.errorRate)} note={`limit ${percent(ERROR_RATE_LIMIT)}`} testId="ops-error-rate" />
        <Figure
          label="Error budget left this 30 days"
          value={budget === undefined ? 'Loading…' : budget === null ? 'no probe runs yet' : `${Math.max(0, Math.round(budget.left * 100))} %`}
          note={budget ? `${budgetNote(budget)}${budget.left < 0 ? ' · overspent' : ''}` : 'from the submission probe'}
          testId="ops-error-budget"
        />
      </dl>
      <LiveChart
        type="line"
        labels={timeLabels(history)}
        series={[
          { label: 'p95 response time (ms)', data: history.map((s) => s.p95Ms) },
          { label: `Target (${P95_TARGET_MS} ms)`, data: history.map(() => P95_TARGET_MS), reference: true },
        ]}
        summary={`95th percentile response time over ${plural(history.length, 'reading')}: now ${traffic.p95Ms ?? 'no data'} ms against a ${P95_TARGET_MS} ms target.`}
        yTitle="ms"
      />
      <LiveChart
        type="line"
        labels={timeLabels(history)}
        series={[
          { label: 'Server errors (%)', data: history.map((s) => s.errorRate * 100) },
          { label: `Limit (${ERROR_RATE_LIMIT * 100} %)`, data: history.map(() => ERROR_RATE_LIMIT * 100), reference: true },
        ]}
        summary={`Share of server errors over ${plural(history.length, 'reading')}: now ${percent(traffic.errorRate)}.`}
        yTitle="%"
        yMax={2}
        height={180}
      />
      {probes && <ProbeChart history={probes} />}
    </section>
  );
}

function AiSection({ health, history }: { health: PlatformHealth; history: Sample[] }) {
  const ai = health.queues.filter((q) => AI_QUEUES.includes(q.queue));
  return (
    <section className="ops-section" aria-labelledby="ops-ai">
      <h2 id="ops-ai">AI Pipeline Health</h2>
      <dl className="figures">
        {ai.map((q) => (
          <Figure
            key={q.queue}
            label={humanise(q.queue)}
            value={`${q.pending.toLocaleString()} waiting`}
            note={`${q.running} running, ${q.dead} failed${q.oldestDueSeconds !== null ? `, oldest due ${q.oldestDueSeconds} s ago` : ''}`}
            testId={`ops-queue-${q.queue}`}
          />
        ))}
      </dl>
      <LiveChart
        type="bar"
        labels={health.queues.map((q) => humanise(q.queue))}
        series={[
          { label: 'Waiting', data: health.queues.map((q) => q.pending) },
          { label: 'Running', data: health.queues.map((q) => q.running) },
          { label: 'Failed (dead letters)', data: health.queues.map((q) => q.dead) },
        ]}
        summary={`Jobs per queue now: ${health.queues.map((q) => `${humanise(q.queue)} ${q.pending} waiting, ${q.running} running, ${q.dead} failed`).join('; ')}.`}
        yTitle="jobs"
        stacked
        height={barsHeight(health.queues.length)}
      />
      <LiveChart
        type="line"
        labels={timeLabels(history)}
        series={AI_QUEUES.map((queue) => ({ label: `${humanise(queue)} waiting`, data: history.map((s) => s.pendingByQueue[queue] ?? 0) }))}
        summary={`AI jobs waiting over ${plural(history.length, 'reading')}.`}
        yTitle="jobs"
        height={180}
      />
    </section>
  );
}

function BusinessSection({ health, trends, withTrends }: { health: PlatformHealth; trends: CategoryTrends | null; withTrends: boolean }) {
  const busiest = trends?.items.filter((i) => i.newRequests > 0 || i.newVotes > 0).slice(0, 8) ?? [];
  const notifications = health.queues.find((q) => q.queue === 'notification_sending');
  return (
    <section className="ops-section" aria-labelledby="ops-business">
      <h2 id="ops-business">Business Impact</h2>
      <dl className="figures">
        {trends && (
          <>
            <Figure label="New requests this week" value={trends.items.reduce((n, i) => n + i.newRequests, 0).toLocaleString()} testId="ops-new-requests" />
            <Figure label="New votes this week" value={trends.items.reduce((n, i) => n + i.newVotes, 0).toLocaleString()} testId="ops-new-votes" />
          </>
        )}
        {notifications && <Figure label="Status-change notifications waiting" value={notifications.pending.toLocaleString()} />}
      </dl>
      {!withTrends ? null : busiest.length === 0 ? (
        <p className="muted">{trends ? 'No new requests or votes in the last week.' : 'Loading this week’s activity…'}</p>
      ) : (
        <LiveChart
          type="bar"
          labels={busiest.map((i) => categoryLabel(i.category))}
          series={[
            { label: 'New requests', data: busiest.map((i) => i.newRequests) },
            { label: 'New votes', data: busiest.map((i) => i.newVotes) },
          ]}
          summary={`This week by category: ${busiest.map((i) => `${categoryLabel(i.category)} ${i.newRequests} requests, ${i.newVotes} votes`).join('; ')}.`}
          height={barsHeight(busiest.length * 1.6)}
        />
      )}
    </section>
  );
}
