// The public roadmap (GET /api/roadmap) in two views, chosen in the address (?view=kanban):
// a timeline that reads done → now → next → later, and a kanban board with one column per status.
import { useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { LoadFailed } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { RequestMini } from '../components/RequestMini.js';
import { roadmap as fetchRoadmap } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { formatDate, plural, statusLabel } from '../labels.js';
import { navigate, useLocation } from '../router.js';
import type { Roadmap as RoadmapData, RoadmapStatus } from '../types.js';

type View = 'timeline' | 'kanban';

/** The timeline's phases, in reading order, with what each means to a couple or supplier. */
const PHASES: { status: RoadmapStatus; title: string; hint: string }[] = [
  { status: 'shipped', title: 'Shipped', hint: 'Ready to use now' },
  { status: 'in_progress', title: 'Now', hint: 'Being built' },
  { status: 'planned', title: 'Next', hint: 'Planned: we’ve committed to it' },
  { status: 'under_review', title: 'Later', hint: 'Under review: we’re weighing it up' },
];

type Load = { state: 'loading' } | { state: 'ready'; data: RoadmapData } | { state: 'error'; message: string };

export default function Roadmap() {
  const { params } = useLocation();
  const view: View = params.get('view') === 'kanban' ? 'kanban' : 'timeline';
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: 'loading' });
    fetchRoadmap(controller.signal)
      .then((data) => setLoad({ state: 'ready', data }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        const members = err instanceof ApiError && err.status === 401;
        setLoad({ state: 'error', message: members ? 'The roadmap is open to members only. Sign in to see it.' : plainMessage(err) });
      });
    return () => controller.abort();
  }, [retry]);

  return (
    <>
      <div className="page-intro">
        <PageHeading title="Roadmap" />
        <p className="lede">
          What the WedSync team is reviewing, planning, building and has shipped, most wanted first. Every change comes with the team’s reason on the request.
        </p>
      </div>

      <fieldset className="sort view-switch">
        <legend>Show the roadmap as</legend>
        <div className="segmented">
          {(['timeline', 'kanban'] as const).map((v) => (
            <label key={v} className="segment">
              <input
                type="radio"
                name="view"
                value={v}
                checked={view === v}
                onChange={() => navigate(v === 'timeline' ? '/roadmap' : '/roadmap?view=kanban', { replace: true })}
              />
              <span>{v === 'timeline' ? 'Timeline' : 'Kanban board'}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {load.state === 'loading' && <p aria-busy="true">Loading the roadmap…</p>}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={() => setRetry((n) => n + 1)} />}
      {load.state === 'ready' && (view === 'kanban' ? <Kanban data={load.data} /> : <Timeline data={load.data} />)}
    </>
  );
}

function Timeline({ data }: { data: RoadmapData }) {
  return (
    <ol className="roadmap-timeline" aria-label="Roadmap timeline">
      {PHASES.map((phase) => {
        const items = data.columns[phase.status] ?? [];
        return (
          <li key={phase.status} className={`phase phase-${phase.status}`} data-status={phase.status}>
            <h2>
              {phase.title} <span className="muted phase-hint">· {phase.hint}</span>
            </h2>
            {items.length === 0 ? (
              <p className="muted">Nothing here yet.</p>
            ) : (
              <ul className="phase-items">
                {items.map((item) => (
                  <li key={item.id}>
                    <RequestMini item={item}>
                      <p className="muted phase-date">
                        {statusLabel(item.status)} since <time dateTime={item.statusSince}>{formatDate(item.statusSince)}</time>
                      </p>
                    </RequestMini>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Kanban({ data }: { data: RoadmapData }) {
  const order = data.statuses.length ? data.statuses : PHASES.map((p) => p.status).reverse();
  return (
    <div className="kanban" role="region" aria-label="Roadmap kanban board" tabIndex={0}>
      {order.map((status) => {
        const items = data.columns[status] ?? [];
        return (
          <section key={status} className="kanban-column" aria-labelledby={`col-${status}`} data-status={status}>
            <h2 id={`col-${status}`}>
              {statusLabel(status)} <span className="count">{plural(items.length, 'request')}</span>
            </h2>
            {items.length === 0 ? (
              <p className="muted">Nothing here yet.</p>
            ) : (
              <ul>
                {items.map((item) => (
                  <li key={item.id}>
                    <RequestMini item={item} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
