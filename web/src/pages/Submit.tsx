// Submit a request. The draft is kept on this device as it is typed (restored on return, cleared
// once sent). Offline (or when the connection drops while sending) the request is queued with the
// draft, survives a reload, and is sent when the browser fires `online`. Rules mirror the API's schema so most mistakes are caught before sending, and whatever
// the API still refuses is shown next to the field it is about.
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { can } from '../../../src/domain/access-control.js';
import { todayIn, WEDDING_HORIZON_YEARS, weddingDateProblem } from '../../../src/domain/wedding-context.js';
import { api, ApiError } from '../api.js';
import { DuplicateSuggestions } from '../components/DuplicateSuggestions.js';
import { ErrorSummary, useProblems } from '../components/ErrorSummary.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { CharacterCount, tooLong } from '../components/CharacterCount.js';
import { CountrySelect, TimeZoneSelect, zoneMismatch } from '../components/PlaceSelects.js';
import { userContext } from '../endpoints.js';
import { SUBMIT_PERMISSION } from '../permissions.js';
import { problemsOf } from '../errors.js';
import { CATEGORIES, categoryLabel, URGENCIES, URGENCY_HINTS, urgencyLabel } from '../labels.js';
import { browserCountry, browserTimeZone } from '../places.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';
import type { Account, FeatureRequest, SubmitBody, Urgency, UserContext } from '../types.js';

const MAX_PAIN_POINTS = 10;
// As the API's SubmitBody: longer text is refused there, so it is counted and refused here first.
const MAX_TITLE = 120;
const SUMMARY_LENGTH = { min: 10, max: 280 };
const MAX_DESCRIPTION = 5000;
const MAX_PAIN_POINT = 200;

const WEDDING_DATE_ERRORS = {
  in_the_past: 'The wedding date is in the past. Enter the date of a wedding still to come.',
  too_far_ahead: `The wedding date is more than ${WEDDING_HORIZON_YEARS} years away. Check the year.`,
};

interface Draft {
  title: string;
  /** Absent in drafts saved before summaries existed. */
  summary?: string;
  description: string;
  category: string;
  urgency: Urgency | '';
  painPoints: string[];
  includeWedding: boolean;
  weddingDate: string;
  guestCount: string;
  country: string;
  timeZone: string;
  venueAddress: string;
  coupleNames: string;
}

function emptyDraft(user: Account): Draft {
  return {
    title: '',
    summary: '',
    description: '',
    category: '',
    urgency: '',
    painPoints: [''],
    includeWedding: user.role === 'couple',
    weddingDate: '',
    guestCount: '',
    country: user.country ?? browserCountry(),
    timeZone: user.timeZone || browserTimeZone(),
    venueAddress: '',
    coupleNames: '',
  };
}

// --- The draft on this device, one per account ------------------------------------------------

const draftKey = (userId: string) => `wedsync:submit-draft:v1:${userId}`;

interface Stored {
  draft: Draft;
  savedAt: string;
  /** Sent while offline: to be sent when the connection returns. */
  queued: boolean;
}

function readDraft(userId: string): Stored | null {
  try {
    const raw = localStorage.getItem(draftKey(userId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { draft?: Partial<Draft>; savedAt?: string; queued?: boolean };
    if (!parsed.draft || typeof parsed.draft !== 'object') return null;
    return { draft: parsed.draft as Draft, savedAt: parsed.savedAt ?? '', queued: parsed.queued === true };
  } catch {
    return null;
  }
}

function writeDraft(userId: string, draft: Draft, queued: boolean): string | null {
  try {
    const savedAt = new Date().toISOString();
    localStorage.setItem(draftKey(userId), JSON.stringify({ draft, savedAt, queued } satisfies Stored));
    return savedAt;
  } catch {
    return null; // storage full or disabled: the form still works, just without a saved draft
  }
}

function deleteDraft(userId: string) {
  try {
    localStorage.removeItem(draftKey(userId));
  } catch {
    // nothing to do
  }
}

const sameDraft = (a: Draft, b: Draft) => JSON.stringify(a) === JSON.stringify(b);

// --- Rules (as the API's SubmitBody schema) ------------------------------------------------------

type Errors = Record<string, string>;

function validate(d: Draft, weddingRequired: boolean): Errors {
  const e: Errors = {};
  const title = d.title.trim();
  if (!title) e.title = 'Give your request a title.';
  else if (title.length < 8) e.title = 'The title must be at least 8 characters long.';
  else if (title.length > MAX_TITLE) e.title = tooLong('The title', title, MAX_TITLE)!;
  const summary = (d.summary ?? '').trim();
  if (summary && summary.length < SUMMARY_LENGTH.min) e.summary = `The summary must be at least ${SUMMARY_LENGTH.min} characters long, or left empty.`;
  else if (summary.length > SUMMARY_LENGTH.max) e.summary = tooLong('The summary', summary, SUMMARY_LENGTH.max)!;
  const description = d.description.trim();
  if (!description) e.description = 'Describe what you need.';
  else if (description.length < 20) e.description = 'The description must be at least 20 characters long: say what happens today and why it matters.';
  else if (description.length > MAX_DESCRIPTION) e.description = tooLong('The description', description, MAX_DESCRIPTION)!;
  if (!d.category) e.category = 'Choose a category.';
  if (!d.urgency) e.urgency = 'Choose how urgent this is for you.';
  d.painPoints.forEach((p, i) => {
    const text = p.trim();
    if (text && text.length < 2) e[`painPoints.${i}`] = `Pain point ${i + 1} must be at least 2 characters long.`;
    if (text.length > MAX_PAIN_POINT) e[`painPoints.${i}`] = tooLong(`Pain point ${i + 1}`, text, MAX_PAIN_POINT)!;
  });
  if (weddingRequired || d.includeWedding) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.weddingDate)) e['weddingContext.weddingDate'] = 'Enter the wedding date.';
    else {
      const problem = weddingDateProblem(d.weddingDate, todayIn(d.timeZone || browserTimeZone(), new Date()));
      if (problem) e['weddingContext.weddingDate'] = WEDDING_DATE_ERRORS[problem];
    }
    const guests = Number(d.guestCount);
    if (!d.guestCount.trim()) e['weddingContext.guestCount'] = 'Enter the number of guests.';
    else if (!Number.isInteger(guests) || guests < 1 || guests > 5000)
      e['weddingContext.guestCount'] = 'The number of guests must be a whole number from 1 to 5,000.';
    if (!/^[A-Za-z]{2}$/.test(d.country)) e['weddingContext.country'] = 'Choose the country of the wedding.';
    if (!d.timeZone) e['weddingContext.timeZone'] = 'Choose the time zone of the wedding.';
    else if (zoneMismatch(d.timeZone, d.country)) e['weddingContext.timeZone'] = zoneMismatch(d.timeZone, d.country)!;
    const venue = tooLong('The venue address', d.venueAddress, 300);
    if (venue) e['weddingContext.venueAddress'] = venue;
    const names = tooLong('The couple’s names', d.coupleNames, 200);
    if (names) e['weddingContext.coupleNames'] = names;
  }
  return e;
}

function toBody(d: Draft, includeWedding: boolean): SubmitBody {
  const painPoints = d.painPoints.map((p) => p.trim()).filter(Boolean);
  const summary = (d.summary ?? '').trim();
  return {
    title: d.title.trim(),
    ...(summary ? { summary } : {}),
    description: d.description.trim(),
    category: d.category,
    urgency: d.urgency as Urgency,
    ...(painPoints.length ? { painPoints } : {}),
    ...(includeWedding
      ? {
          weddingContext: {
            weddingDate: d.weddingDate,
            guestCount: Number(d.guestCount),
            country: d.country.toUpperCase(),
            timeZone: d.timeZone,
            ...(d.venueAddress.trim() ? { venueAddress: d.venueAddress.trim() } : {}),
            ...(d.coupleNames.trim() ? { coupleNames: d.coupleNames.trim() } : {}),
          },
        }
      : {}),
  };
}

const WEDDING_FIELDS = new Set<keyof Draft>(['weddingDate', 'guestCount', 'country', 'timeZone', 'venueAddress', 'coupleNames']);

/** The error key (the API's field path) a draft field's errors are filed under. */
const errorKeyOf = (key: keyof Draft): string => (WEDDING_FIELDS.has(key) ? `weddingContext.${key}` : key === 'includeWedding' ? 'weddingContext' : key);

/** The element each error key points at. */
function fieldId(key: string): string {
  if (key === 'painPoints') return 'submit-painPoints-0';
  if (key.startsWith('painPoints.')) return `submit-painPoints-${key.split('.')[1]}`;
  if (key === 'weddingContext') return 'submit-weddingContext-weddingDate';
  if (key === 'urgency') return `submit-urgency-${URGENCIES[0]}`;
  return `submit-${key.replace('.', '-')}`;
}

// --- The page -------------------------------------------------------------------------------------

export default function Submit() {
  const session = useSession();
  if (session.status === 'loading') {
    return (
      <>
        <PageHeading title="Submit a request" />
        <p aria-busy="true">Checking your sign-in…</p>
      </>
    );
  }
  if (!session.user) {
    return (
      <>
        <PageHeading title="Submit a request" />
        <p>Sign in to ask for a feature. It takes a minute, and you can vote for what others asked while you’re here.</p>
        <p>
          <Link className="button" to={`/login?next=${encodeURIComponent('/submit')}`}>
            Sign in to submit
          </Link>
        </p>
      </>
    );
  }
  return <SubmitForm key={session.user.id} user={session.user} />;
}

/** Whether the browser thinks it is online, following its `online` and `offline` events. */
function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function SubmitForm({ user }: { user: Account }) {
  const initial = useRef(emptyDraft(user)).current;
  const restored = useRef(readDraft(user.id)).current;
  const [draft, setDraft] = useState<Draft>(() => (restored ? { ...initial, ...restored.draft } : initial));
  const [restoredAt, setRestoredAt] = useState<string | null>(restored?.savedAt ?? null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const { problems, fields: errors, attempt, show, clear, fixed } = useProblems();
  const [sending, setSending] = useState(false);
  const [queued, setQueued] = useState(restored?.queued ?? false);
  const online = useOnline();
  const inFlight = useRef(false);
  const [context, setContext] = useState<UserContext | null>(null);
  const focusPain = useRef<number | null>(null);

  const weddingRequired = user.role === 'couple';
  const includeWedding = weddingRequired || draft.includeWedding;

  useEffect(() => {
    const controller = new AbortController();
    userContext(controller.signal)
      .then(setContext)
      .catch(() => undefined); // only adds the daily allowance; the form works without it
    return () => controller.abort();
  }, []);

  // Keep the draft (and whether it waits to be sent) on this device as it is typed.
  useEffect(() => {
    if (sameDraft(draft, initial) && !queued) return;
    const at = writeDraft(user.id, draft, queued);
    if (at) setSavedAt(at);
  }, [draft, initial, user.id, queued]);

  useEffect(() => {
    if (focusPain.current === null) return;
    document.getElementById(`submit-painPoints-${focusPain.current}`)?.focus();
    focusPain.current = null;
  }, [draft.painPoints.length]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    // A field that was changed is no longer wrong as far as we know: drop its error until the next try.
    const prefix = errorKeyOf(key);
    fixed((k) => k === prefix || k.startsWith(`${prefix}.`) || (prefix.startsWith('weddingContext.') && k === 'weddingContext'));
  };

  function startOver() {
    deleteDraft(user.id);
    setQueued(false);
    setDraft(initial);
    setRestoredAt(null);
    setSavedAt(null);
    clear();
    document.getElementById('submit-title')?.focus();
  }

  async function send() {
    const wrong = validate(draft, weddingRequired);
    if (Object.keys(wrong).length) {
      show({ fields: wrong });
      return;
    }
    clear();
    // Offline: don't try (a phone at a venue would wait for a timeout); queue it for the `online` event.
    if (!navigator.onLine) {
      setQueued(true);
      return;
    }
    // One request at a time: `online` and a press of the button can arrive together.
    if (inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    try {
      const created = await api<FeatureRequest>('POST', '/api/feature-requests', { body: toBody(draft, includeWedding) });
      deleteDraft(user.id);
      navigate(`/requests/${created.id}?submitted=1`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'network') {
        setQueued(true);
      } else {
        setQueued(false);
        show(problemsOf(err));
      }
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  }

  // Connection back: send what was waiting. A queued request restored after a reload while online
  // is sent at once: the person already pressed Send.
  const sendRef = useRef(send);
  sendRef.current = send;
  useEffect(() => {
    if (!queued) return;
    const retry = () => void sendRef.current();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [queued]);
  useEffect(() => {
    if (restored?.queued && navigator.onLine) void sendRef.current();
  }, [restored]);

  function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    if (!sending) void send();
  }

  const allowed = can(user, SUBMIT_PERMISSION);
  const today = todayIn(draft.timeZone || browserTimeZone(), new Date());
  const horizon = `${Number(today.slice(0, 4)) + WEDDING_HORIZON_YEARS}${today.slice(4)}`;
  const left = context?.submissions.dailyLimit != null ? Math.max(0, context.submissions.dailyLimit - context.submissions.today) : null;

  const described = (key: string, hint?: string) => [hint, errors[key] ? `${fieldId(key)}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const invalid = (key: string) => (errors[key] ? true : undefined);

  return (
    <>
      <PageHeading title="Submit a request" />
      <p className="lede">
        Tell us what would make planning or running weddings easier. Before you write, a quick <Link to="/">search of the board</Link> may find the same idea: a
        vote there counts just as much.
      </p>

      {!allowed && (
        <Notice kind="error">
          <p>
            {user.role === 'wedding_supplier' && !user.verified
              ? 'Your supplier account is waiting for verification by the WedSync team. You can prepare your request now; it can be sent once you’re verified.'
              : 'Your account can’t submit requests.'}
          </p>
        </Notice>
      )}
      {left !== null && (
        <p className="muted" data-testid="daily-allowance">
          {left === 0
            ? 'You’ve used today’s requests: you can still prepare this one and send it tomorrow.'
            : `You can send ${left} more ${left === 1 ? 'request' : 'requests'} today.`}
        </p>
      )}
      {restoredAt && (
        <Notice>
          <p>We restored the draft you started{restoredAt ? ` on ${new Date(restoredAt).toLocaleString()}` : ''}.</p>
          <button type="button" className="button secondary" onClick={startOver}>
            Start over with an empty form
          </button>
        </Notice>
      )}

      {queued && !sending && (
        <Notice>
          <p data-testid="submit-queued">
            <strong>Waiting for a connection.</strong> Your request is saved on this device and will be sent automatically as soon as you’re back online. You
            can keep editing it until then.
          </p>
        </Notice>
      )}
      {!online && !queued && (
        <Notice>
          <p>You’re offline. Keep writing: your draft is saved on this device, and if you press Send it goes as soon as you’re back online.</p>
        </Notice>
      )}

      <ErrorSummary problems={problems} attempt={attempt} failure="Your request was not sent" fieldId={fieldId} />

      <form className="submit-form" onSubmit={onSubmit} noValidate aria-label="New feature request">
        <Field
          id={fieldId('title')}
          label="Title"
          hint="A short summary, like “Let guests choose their meal when they RSVP”."
          error={errors.title}
          count={{ text: draft.title, max: MAX_TITLE }}
        >
          {(control) => <input {...control} type="text" value={draft.title} autoComplete="off" onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <DuplicateSuggestions title={draft.title} description={draft.description} />

        <Field
          id={fieldId('summary')}
          label="Public summary"
          optional
          hint="One or two sentences everyone on the board can read, so they know what they are voting for. Keep wedding details out: the description stays private."
          error={errors.summary}
          count={{ text: draft.summary ?? '', max: SUMMARY_LENGTH.max }}
        >
          {(control) => <textarea {...control} rows={2} value={draft.summary ?? ''} onChange={(e) => set('summary', e.target.value)} />}
        </Field>

        <Field
          id={fieldId('description')}
          label="Description"
          hint="What do you need, what happens today, and why does it matter? From 20 to 5,000 characters."
          error={errors.description}
          count={{ text: draft.description, max: MAX_DESCRIPTION }}
        >
          {(control) => <textarea {...control} rows={6} value={draft.description} onChange={(e) => set('description', e.target.value)} />}
        </Field>

        <Field id={fieldId('category')} label="Category" error={errors.category}>
          {(control) => (
            <select {...control} value={draft.category} onChange={(e) => set('category', e.target.value)}>
              <option value="">Choose a category</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryLabel(c)}
                </option>
              ))}
            </select>
          )}
        </Field>

        <fieldset className="field" aria-describedby={described('urgency')}>
          <legend>How urgent is it for you?</legend>
          <div className="choices">
            {URGENCIES.map((u) => (
              <label key={u} className="choice" htmlFor={`submit-urgency-${u}`}>
                <input id={`submit-urgency-${u}`} type="radio" name="urgency" value={u} checked={draft.urgency === u} onChange={() => set('urgency', u)} />
                <span>
                  <strong>{urgencyLabel(u)}</strong> <span className="muted">{URGENCY_HINTS[u]}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.urgency && (
            <p className="field-error" id={`${fieldId('urgency')}-error`}>
              {errors.urgency}
            </p>
          )}
        </fieldset>

        <fieldset className="field">
          <legend>
            What gets in the way today? <span className="optional">(optional)</span>
          </legend>
          <p className="hint" id="submit-painPoints-hint">
            One problem per box, up to {MAX_PAIN_POINTS}. For example “chasing meal choices by phone”.
          </p>
          <ul className="pain-list">
            {draft.painPoints.map((p, i) => {
              const key = `painPoints.${i}`;
              return (
                <li key={i}>
                  <label className="visually-hidden" htmlFor={`submit-painPoints-${i}`}>
                    Pain point {i + 1}
                  </label>
                  <div className="pain-row">
                    <input
                      id={`submit-painPoints-${i}`}
                      type="text"
                      value={p}
                      aria-invalid={invalid(key) ?? invalid('painPoints')}
                      aria-describedby={described(key, 'submit-painPoints-hint')}
                      onChange={(e) =>
                        set(
                          'painPoints',
                          draft.painPoints.map((old, j) => (j === i ? e.target.value : old)),
                        )
                      }
                    />
                    {draft.painPoints.length > 1 && (
                      <button
                        type="button"
                        className="button secondary small"
                        aria-label={`Remove pain point ${i + 1}`}
                        onClick={() => {
                          set(
                            'painPoints',
                            draft.painPoints.filter((_, j) => j !== i),
                          );
                          document.getElementById(`submit-painPoints-${Math.max(0, i - 1)}`)?.focus();
                        }}
                      >
                        Remove
                      </button>
                    )}
                  </div>
                  {/* Pain points are short: the counter appears as one nears its limit. */}
                  {p.trim().length > MAX_PAIN_POINT * 0.8 && <CharacterCount fieldId={`submit-painPoints-${i}`} text={p} max={MAX_PAIN_POINT} />}
                  {errors[key] && (
                    <p className="field-error" id={`${fieldId(key)}-error`}>
                      {errors[key]}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
          {errors.painPoints && <p className="field-error">{errors.painPoints}</p>}
          {draft.painPoints.length < MAX_PAIN_POINTS && (
            <button
              type="button"
              className="button secondary small"
              onClick={() => {
                focusPain.current = draft.painPoints.length;
                set('painPoints', [...draft.painPoints, '']);
              }}
            >
              Add another pain point
            </button>
          )}
        </fieldset>

        <fieldset className="field wedding">
          <legend>Your wedding{weddingRequired ? '' : ' (optional)'}</legend>
          {weddingRequired ? (
            <p className="hint">It helps us judge timing: peak season and Saturdays matter. Venue and names are optional and never shown publicly.</p>
          ) : (
            <label className="choice" htmlFor="submit-includeWedding">
              <input id="submit-includeWedding" type="checkbox" checked={draft.includeWedding} onChange={(e) => set('includeWedding', e.target.checked)} />
              <span>This is about a specific wedding</span>
            </label>
          )}
          {errors.weddingContext && <p className="field-error">{errors.weddingContext}</p>}
          {includeWedding && (
            <div className="wedding-grid">
              <Field id={fieldId('weddingContext.weddingDate')} label="Wedding date" error={errors['weddingContext.weddingDate']}>
                {(control) => (
                  <input {...control} type="date" value={draft.weddingDate} min={today} max={horizon} onChange={(e) => set('weddingDate', e.target.value)} />
                )}
              </Field>
              <Field id={fieldId('weddingContext.guestCount')} label="Number of guests" error={errors['weddingContext.guestCount']}>
                {(control) => (
                  <input
                    {...control}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={5000}
                    step={1}
                    value={draft.guestCount}
                    onChange={(e) => set('guestCount', e.target.value)}
                  />
                )}
              </Field>
              <Field id={fieldId('weddingContext.country')} label="Country" error={errors['weddingContext.country']}>
                {(control) => <CountrySelect control={control} value={draft.country} onChange={(v) => set('country', v)} empty="Choose a country" />}
              </Field>
              <Field id={fieldId('weddingContext.timeZone')} label="Time zone" error={errors['weddingContext.timeZone']}>
                {(control) => <TimeZoneSelect control={control} value={draft.timeZone} country={draft.country} onChange={(v) => set('timeZone', v)} />}
              </Field>
              {!errors['weddingContext.timeZone'] && zoneMismatch(draft.timeZone, draft.country) && (
                <p className="zone-warning" role="status">
                  {zoneMismatch(draft.timeZone, draft.country)}
                </p>
              )}
              <Field id={fieldId('weddingContext.venueAddress')} label="Venue address" optional error={errors['weddingContext.venueAddress']}>
                {(control) => (
                  <input {...control} type="text" value={draft.venueAddress} autoComplete="off" onChange={(e) => set('venueAddress', e.target.value)} />
                )}
              </Field>
              <Field id={fieldId('weddingContext.coupleNames')} label="Couple’s names" optional error={errors['weddingContext.coupleNames']}>
                {(control) => (
                  <input {...control} type="text" value={draft.coupleNames} autoComplete="off" onChange={(e) => set('coupleNames', e.target.value)} />
                )}
              </Field>
            </div>
          )}
        </fieldset>

        <FormActions sending={sending} label={queued ? 'Try sending now' : 'Send request'} sendingLabel="Sending…">
          <span id="draft-status" className="muted">
            {savedAt ? `Draft saved on this device at ${new Date(savedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.` : ''}
          </span>
        </FormActions>
      </form>
    </>
  );
}
