// The product team's staff screens: the supplier verification queue, incidents and outgoing
// webhooks — what used to need the CLI or the raw API. Each part shows only to those whose role its
// API grants; every decision that changes an account asks for the reason the audit trail keeps.
import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { WEBHOOK_EVENTS } from '../../../src/domain/webhooks.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { LoadFailed, Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import {
  acknowledgeIncident,
  decideSupplier,
  incident,
  incidents,
  registerWebhook,
  resolveIncident,
  sendTestWebhook,
  suppliersToVerify,
  updateWebhook,
  webhookDeliveries,
  webhookEndpoints,
} from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { BUSINESS_SIZE_LABELS, formatDate, formatDateTime, plural, supplierTypeLabel } from '../labels.js';
import { INCIDENTS_PERMISSION, VERIFY_SUPPLIERS_PERMISSION, WEBHOOKS_PERMISSION } from '../permissions.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import type { IncidentDetail, IncidentSummary, SupplierForVerification, VerificationDecision, VerificationState, WebhookEndpoint } from '../types.js';

const PARTS = [
  { key: 'suppliers', label: 'Supplier verification', permission: VERIFY_SUPPLIERS_PERMISSION },
  { key: 'incidents', label: 'Incidents', permission: INCIDENTS_PERMISSION },
  { key: 'webhooks', label: 'Webhooks', permission: WEBHOOKS_PERMISSION },
] as const;

/** What a part shows while it fetches, when it failed, or once it has the data; reload() fetches again. */
function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, error: null, loading: true }));
    load(controller.signal)
      .then((data) => setState({ data, error: null, loading: false }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setState({ data: null, error: plainMessage(err), loading: false });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the load depends on
  }, [...deps, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

export default function Staff() {
  const session = useSession();
  const { params } = useLocation();
  if (session.status === 'loading') return <PageHeading title="Staff" />;
  const parts = PARTS.filter((p) => session.can(p.permission));
  if (parts.length === 0) {
    return (
      <>
        <PageHeading title="Staff" />
        <Notice>
          <p>These screens are for the WedSync product team.</p>
          {session.status === 'anonymous' && (
            <p>
              <Link to={`/login?next=${encodeURIComponent('/staff')}`}>Sign in</Link> with a product-team account.
            </p>
          )}
        </Notice>
      </>
    );
  }
  const part = parts.find((p) => p.key === params.get('part')) ?? parts[0]!;
  return (
    <div className="staff">
      <div className="page-intro">
        <PageHeading title={`Staff · ${part.label}`} />
      </div>
      <nav aria-label="Staff screens" className="staff-nav">
        <ul>
          {parts.map((p) => (
            <li key={p.key}>
              <Link to={`/staff?part=${p.key}`} aria-current={p.key === part.key ? 'page' : undefined}>
                {p.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {part.key === 'suppliers' && <Suppliers />}
      {part.key === 'incidents' && <Incidents />}
      {part.key === 'webhooks' && <Webhooks />}
    </div>
  );
}

// --- Supplier verification ---------------------------------------------------------------------------

const STATE_LABELS: Record<VerificationState, string> = { pending: 'Waiting', approved: 'Verified', rejected: 'Rejected' };

function Suppliers() {
  const [state, setState] = useState<VerificationState>('pending');
  const list = useLoad((signal) => suppliersToVerify(state, signal), [state]);
  const [news, setNews] = useState<string | null>(null);

  return (
    <section aria-labelledby="suppliers-heading">
      <h2 id="suppliers-heading">Wedding suppliers</h2>
      <p className="lede">Check each business, then approve or reject it with a reason. The supplier is told in WedSync and by email, reason included.</p>
      <div className="field">
        <label htmlFor="supplier-state">Show</label>
        <select id="supplier-state" value={state} onChange={(e) => setState(e.target.value as VerificationState)}>
          {(Object.keys(STATE_LABELS) as VerificationState[]).map((s) => (
            <option key={s} value={s}>
              {STATE_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div aria-live="polite">{news && <Notice kind="success">{news}</Notice>}</div>
      {list.error && <LoadFailed message={list.error} onRetry={list.reload} />}
      {list.loading && <p aria-busy="true">Loading suppliers…</p>}
      {list.data && list.data.items.length === 0 && <p className="muted">No suppliers here.</p>}
      <ul className="staff-list">
        {list.data?.items.map((supplier) => (
          <li key={supplier.id}>
            <SupplierCard
              supplier={supplier}
              onDecided={(decision) => {
                setNews(`${supplier.businessName ?? supplier.displayName} was ${decision === 'approved' ? 'verified' : 'rejected'} and has been told.`);
                list.reload();
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SupplierCard({ supplier, onDecided }: { supplier: SupplierForVerification; onDecided: (decision: VerificationDecision) => void }) {
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState<VerificationDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const headingId = `supplier-${supplier.id}`;
  const name = supplier.businessName ?? supplier.displayName;

  async function decide(decision: VerificationDecision) {
    setError(null);
    setFieldError(undefined);
    if (reason.trim().length < 3) {
      setFieldError('Give the reason the supplier will read (at least 3 characters).');
      return;
    }
    setSending(decision);
    try {
      await decideSupplier(supplier.id, { decision, reason: reason.trim() });
      onDecided(decision);
    } catch (err) {
      setFieldError(fieldErrors(err).reason);
      setError(plainMessage(err));
    } finally {
      setSending(null);
    }
  }

  return (
    <article className="staff-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{name}</h3>
      <dl className="facts">
        <Fact term="Contact name">{supplier.displayName}</Fact>
        <Fact term="Kind of business">{supplier.supplierType ? supplierTypeLabel(supplier.supplierType) : 'Not given'}</Fact>
        <Fact term="Size">{supplier.businessSize ? (BUSINESS_SIZE_LABELS[supplier.businessSize] ?? supplier.businessSize) : 'Not given'}</Fact>
        <Fact term="Country">{supplier.country ?? 'Not given'}</Fact>
        <Fact term="Member since">{formatDate(supplier.createdAt)}</Fact>
        <Fact term="Activity">
          {plural(supplier.requests, 'request')}, {plural(supplier.votes, 'vote')}
        </Fact>
      </dl>
      {supplier.lastDecision && (
        <p>
          Last decision: {supplier.lastDecision.decision === 'approved' ? 'verified' : 'rejected'} on {formatDate(supplier.lastDecision.decidedAt)}. Why:{' '}
          {supplier.lastDecision.reason}
        </p>
      )}
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Field id={`${headingId}-reason`} label="Reason (the supplier reads it)" error={fieldError}>
          {(control) => <textarea {...control} rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <div className="form-actions">
          {!supplier.verified && (
            <button
              type="button"
              className="button"
              disabled={sending !== null}
              aria-busy={sending === 'approved' || undefined}
              onClick={() => decide('approved')}
            >
              {sending === 'approved' ? 'Approving…' : `Approve ${name}`}
            </button>
          )}
          {(supplier.verified || supplier.lastDecision?.decision !== 'rejected') && (
            <button
              type="button"
              className="button danger"
              disabled={sending !== null}
              aria-busy={sending === 'rejected' || undefined}
              onClick={() => decide('rejected')}
            >
              {sending === 'rejected' ? 'Rejecting…' : `Reject ${name}`}
            </button>
          )}
        </div>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </article>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// --- Incidents -----------------------------------------------------------------------------------------

const SEVERITY_LABELS = { critical: 'Critical', warning: 'Warning', info: 'Info' } as const;
const INCIDENT_STATUS_LABELS = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' } as const;

function Incidents() {
  const [filter, setFilter] = useState<'unresolved' | 'resolved'>('unresolved');
  const list = useLoad((signal) => incidents(filter, signal), [filter]);
  const [openId, setOpenId] = useState<string | null>(null);

  return (
    <section aria-labelledby="incidents-heading">
      <h2 id="incidents-heading">Incidents</h2>
      <p className="lede">Alerts that paged someone. Acknowledge to stop further escalation; resolve with a note once it is fixed.</p>
      <div className="field">
        <label htmlFor="incident-filter">Show</label>
        <select id="incident-filter" value={filter} onChange={(e) => setFilter(e.target.value as 'unresolved' | 'resolved')}>
          <option value="unresolved">Open and acknowledged</option>
          <option value="resolved">Resolved</option>
        </select>
      </div>
      {list.error && <LoadFailed message={list.error} onRetry={list.reload} />}
      {list.loading && <p aria-busy="true">Loading incidents…</p>}
      {list.data && list.data.items.length === 0 && <p className="muted">No incidents here.</p>}
      <ul className="staff-list">
        {list.data?.items.map((i) => (
          <li key={i.id}>
            <IncidentCard summary={i} open={openId === i.id} onToggle={() => setOpenId(openId === i.id ? null : i.id)} onChanged={list.reload} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function IncidentCard({ summary, open, onToggle, onChanged }: { summary: IncidentSummary; open: boolean; onToggle: () => void; onChanged: () => void }) {
  const headingId = `incident-${summary.id}`;
  return (
    <article className={`staff-card incident-${summary.severity}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{summary.summary || summary.alertName}</h3>
      <p className="card-meta">
        {SEVERITY_LABELS[summary.severity]} · {INCIDENT_STATUS_LABELS[summary.status]} · {summary.alertName} · opened {formatDateTime(summary.openedAt)} ·{' '}
        {plural(summary.occurrences, 'notification')}
      </p>
      <button type="button" className="button secondary small" aria-expanded={open} aria-controls={`${headingId}-detail`} onClick={onToggle}>
        {open ? 'Hide timeline' : 'Show timeline'}
      </button>
      <div id={`${headingId}-detail`}>{open && <IncidentTimeline id={summary.id} onChanged={onChanged} />}</div>
    </article>
  );
}

function IncidentTimeline({ id, onChanged }: { id: string; onChanged: () => void }) {
  const detail = useLoad((signal) => incident(id, signal), [id]);
  const [shown, setShown] = useState<IncidentDetail | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<'ack' | 'resolve' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [noteError, setNoteError] = useState<string | undefined>();
  const current = shown ?? detail.data;

  async function act(what: 'ack' | 'resolve', event?: SyntheticEvent) {
    event?.preventDefault();
    setError(null);
    setNoteError(undefined);
    if (what === 'resolve' && note.trim().length < 3) {
      setNoteError('Say what fixed it (at least 3 characters).');
      return;
    }
    setBusy(what);
    try {
      setShown(what === 'ack' ? await acknowledgeIncident(id) : await resolveIncident(id, note.trim()));
      onChanged();
    } catch (err) {
      setNoteError(fieldErrors(err).note);
      setError(plainMessage(err));
    } finally {
      setBusy(null);
    }
  }

  if (detail.error) return <LoadFailed message={detail.error} onRetry={detail.reload} />;
  if (!current) return <p aria-busy="true">Loading the timeline…</p>;
  return (
    <div className="incident-detail">
      <ol className="timeline">
        <li>Opened {formatDateTime(current.openedAt)}</li>
        {current.steps.map((step) => (
          <li key={step.step}>
            Step {step.step} (after {plural(step.afterMinutes, 'minute')}): {step.teams.join(', ')} — {step.state}
            {step.notifications.length > 0 && (
              <ul>
                {step.notifications.map((n) => (
                  <li key={n.id}>
                    {n.channel} to {n.member ?? n.recipient}: {n.state}
                    {n.lastError ? ` (${n.lastError})` : ''}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
        {current.acknowledgedAt && <li>Acknowledged {formatDateTime(current.acknowledgedAt)}</li>}
        {current.resolvedAt && (
          <li>
            Resolved {formatDateTime(current.resolvedAt)}
            {current.resolutionNote ? `: ${current.resolutionNote}` : ''}
          </li>
        )}
      </ol>
      {current.status === 'open' && (
        <button type="button" className="button secondary" disabled={busy !== null} aria-busy={busy === 'ack' || undefined} onClick={() => act('ack')}>
          {busy === 'ack' ? 'Acknowledging…' : 'Acknowledge'}
        </button>
      )}
      {current.status !== 'resolved' && (
        <form onSubmit={(e) => act('resolve', e)} noValidate>
          <Field id={`resolve-${id}`} label="Resolution note" error={noteError}>
            {(control) => <textarea {...control} rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <FormActions sending={busy === 'resolve'} label="Resolve" sendingLabel="Resolving…" />
        </form>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </div>
  );
}

// --- Outgoing webhooks ---------------------------------------------------------------------------------

function Webhooks() {
  const list = useLoad((signal) => webhookEndpoints(signal), []);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);

  return (
    <section aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Outgoing webhooks</h2>
      <p className="lede">
        Tell other systems when something happens. Deliveries are signed (Standard Webhooks) and retried; an endpoint that keeps failing is disabled.
      </p>
      <RegisterWebhook
        onRegistered={(created) => {
          setSecret({ url: created.url, secret: created.secret });
          list.reload();
        }}
      />
      <div aria-live="polite">
        {secret && (
          <Notice kind="success">
            <p>
              Registered {secret.url}. Its signing secret, shown this once — store it in the receiver now:{' '}
              <code data-testid="webhook-secret">{secret.secret}</code>
            </p>
          </Notice>
        )}
      </div>
      {list.error && <LoadFailed message={list.error} onRetry={list.reload} />}
      {list.loading && <p aria-busy="true">Loading endpoints…</p>}
      {list.data && list.data.items.length === 0 && <p className="muted">No endpoints yet.</p>}
      <ul className="staff-list">
        {list.data?.items.map((endpoint) => (
          <li key={endpoint.id}>
            <EndpointCard endpoint={endpoint} onChanged={list.reload} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function RegisterWebhook({ onRegistered }: { onRegistered: (created: WebhookEndpoint & { secret: string }) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    setError(null);
    const missing: Record<string, string> = {};
    if (!/^https?:\/\/\S+$/.test(url.trim())) missing.url = 'Enter the receiver’s http(s) address.';
    if (events.length === 0) missing.events = 'Choose at least one event.';
    setErrors(missing);
    if (Object.keys(missing).length) return;
    setSending(true);
    try {
      const created = await registerWebhook({ url: url.trim(), description: description.trim() || undefined, events });
      setUrl('');
      setDescription('');
      setEvents([]);
      onRegistered(created);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(plainMessage(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="staff-card" onSubmit={submit} noValidate aria-labelledby="register-webhook-heading">
      <h3 id="register-webhook-heading">Register an endpoint</h3>
      <Field id="webhook-url" label="Receiver URL" error={errors.url}>
        {(control) => <input {...control} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <Field id="webhook-description" label="Description" optional error={errors.description}>
        {(control) => <input {...control} type="text" maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <fieldset className="checks" aria-describedby={errors.events ? 'webhook-events-error' : undefined}>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="check">
            <input
              type="checkbox"
              checked={events.includes(name)}
              onChange={(e) => setEvents((list) => (e.target.checked ? [...list, name] : list.filter((n) => n !== name)))}
            />{' '}
            <code>{name}</code>
          </label>
        ))}
        {errors.events && (
          <p className="field-error" id="webhook-events-error">
            {errors.events}
          </p>
        )}
      </fieldset>
      <FormActions sending={sending} label="Register endpoint" sendingLabel="Registering…" />
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

function EndpointCard({ endpoint, onChanged }: { endpoint: WebhookEndpoint; onChanged: () => void }) {
  const [showLog, setShowLog] = useState(false);
  const [busy, setBusy] = useState<'test' | 'enable' | 'disable' | null>(null);
  const [news, setNews] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [logRound, setLogRound] = useState(0);
  const headingId = `webhook-${endpoint.id}`;

  async function act(what: 'test' | 'enable' | 'disable') {
    setBusy(what);
    setError(null);
    setNews(null);
    try {
      if (what === 'test') {
        await sendTestWebhook(endpoint.id);
        setNews('Test event queued: its delivery shows in the log below.');
        setShowLog(true);
        setLogRound((r) => r + 1);
      } else {
        await updateWebhook(endpoint.id, { enabled: what === 'enable' });
        onChanged();
      }
    } catch (err) {
      setError(plainMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <article className="staff-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{endpoint.description || endpoint.url}</h3>
      <p className="card-meta">
        <code>{endpoint.url}</code> · {endpoint.enabled ? 'Enabled' : 'Disabled'}
        {endpoint.consecutiveFailures > 0 && ` · ${plural(endpoint.consecutiveFailures, 'failure')} in a row`}
      </p>
      {!endpoint.enabled && endpoint.disabledReason && <Notice kind="error">Disabled: {endpoint.disabledReason}</Notice>}
      <p>Events: {endpoint.events.join(', ')}</p>
      <div className="form-actions">
        <button type="button" className="button secondary small" disabled={busy !== null} aria-busy={busy === 'test' || undefined} onClick={() => act('test')}>
          Send test event
        </button>
        {endpoint.enabled ? (
          <button type="button" className="button secondary small" disabled={busy !== null} onClick={() => act('disable')}>
            Disable
          </button>
        ) : (
          <button type="button" className="button small" disabled={busy !== null} onClick={() => act('enable')}>
            Re-enable
          </button>
        )}
        <button
          type="button"
          className="button secondary small"
          aria-expanded={showLog}
          aria-controls={`${headingId}-log`}
          onClick={() => setShowLog((s) => !s)}
        >
          {showLog ? 'Hide delivery log' : 'Show delivery log'}
        </button>
      </div>
      <div aria-live="polite">{news && <Notice kind="success">{news}</Notice>}</div>
      {error && <Notice kind="error">{error}</Notice>}
      <div id={`${headingId}-log`}>{showLog && <DeliveryLog key={logRound} endpointId={endpoint.id} label={`Deliveries to ${endpoint.url}`} />}</div>
    </article>
  );
}

function DeliveryLog({ endpointId, label }: { endpointId: string; label: string }) {
  const log = useLoad((signal) => webhookDeliveries(endpointId, signal), [endpointId]);
  if (log.error) return <LoadFailed message={log.error} onRetry={log.reload} />;
  if (!log.data) return <p aria-busy="true">Loading deliveries…</p>;
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table className="data-table">
        <caption>
          Newest first ·{' '}
          <button type="button" className="button secondary small" onClick={log.reload}>
            Refresh
          </button>
        </caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">State</th>
            <th scope="col">Attempts (response codes)</th>
            <th scope="col">Queued</th>
          </tr>
        </thead>
        <tbody>
          {log.data.items.length === 0 && (
            <tr>
              <td colSpan={4}>No deliveries yet.</td>
            </tr>
          )}
          {log.data.items.map((d) => (
            <tr key={d.id}>
              <th scope="row">{d.eventType}</th>
              <td>{d.state}</td>
              <td>{d.attempts.length ? d.attempts.map((a) => a.statusCode ?? a.error ?? 'no answer').join(', ') : 'not tried yet'}</td>
              <td>{formatDateTime(d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
