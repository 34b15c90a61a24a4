// The privacy centre: a signed-in member's GDPR rights over the API that exists (/api/privacy):
// download their data, correct their details, give or withdraw consent per purpose, restrict
// processing, and erase their account. Every change applies at once and is said in a live region;
// every failure in plain words.
import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { ErrorSummary, useProblems } from '../components/ErrorSummary.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { LoadFailed, Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { TimeZoneSelect } from '../components/PlaceSelects.js';
import { Switch } from '../components/Switch.js';
import {
  consents as loadConsents,
  correctProfile,
  ERASURE_PHRASE,
  eraseMyAccount,
  exportMyData,
  myProfile,
  restrictProcessing,
  setConsent,
} from '../endpoints.js';
import { plainMessage, problemsOf } from '../errors.js';
import { CONSENT_PURPOSE_LABELS as PURPOSES, formatDateTime, plural } from '../labels.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { ConsentPurpose, ConsentState, PersonalAccount, ProfilePatch } from '../types.js';

const TITLE = 'Your privacy and data';

export default function Privacy() {
  const session = useSession();
  const [erased, setErased] = useState<{ votesKept: number } | null>(null);
  // Checked first: once erased the member is signed out, and this confirmation must stay.
  if (erased) return <Erased votesKept={erased.votesKept} />;
  if (session.status === 'loading') {
    return (
      <>
        <PageHeading title={TITLE} />
        <p aria-busy="true">Checking your sign-in…</p>
      </>
    );
  }
  if (!session.user) {
    return (
      <>
        <PageHeading title={TITLE} />
        <p>Sign in to download your data, correct your details, choose what WedSync may use them for, or delete your account.</p>
        <p>
          <Link className="button" to={`/login?next=${encodeURIComponent('/privacy')}`}>
            Sign in
          </Link>
        </p>
      </>
    );
  }
  return <PrivacyCentre key={session.user.id} onErased={setErased} />;
}

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; profile: PersonalAccount; consent: ConsentState };

function PrivacyCentre({ onErased }: { onErased: (result: { votesKept: number }) => void }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: 'loading' });
    Promise.all([myProfile(controller.signal), loadConsents(controller.signal)])
      .then(([profile, consent]) => setLoad({ state: 'ready', profile, consent }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoad({ state: 'error', message: plainMessage(err) });
      });
    return () => controller.abort();
  }, [retry]);

  const setProfile = (profile: PersonalAccount) => setLoad((l) => (l.state === 'ready' ? { ...l, profile } : l));
  const setConsentState = (consent: ConsentState) => setLoad((l) => (l.state === 'ready' ? { ...l, consent } : l));

  return (
    <div className="privacy">
      <div className="page-intro">
        <PageHeading title={TITLE} />
        <p className="lede">What WedSync keeps about you, and what it may do with it. Every change on this page takes effect as soon as you make it.</p>
      </div>
      <DownloadData />
      {load.state === 'loading' && <p aria-busy="true">Loading your details…</p>}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={() => setRetry((n) => n + 1)} />}
      {load.state === 'ready' && (
        <>
          <YourDetails profile={load.profile} onSaved={setProfile} />
          <Consents consent={load.consent} restricted={load.profile.processingRestricted === true} onChanged={setConsentState} />
          <Restriction
            restricted={load.profile.processingRestricted === true}
            onChanged={(processingRestricted) => setProfile({ ...load.profile, processingRestricted })}
          />
        </>
      )}
      <EraseAccount onErased={onErased} />
    </div>
  );
}

/** A section of the centre: its heading, and a polite live region that says what the last action did. */
function Section({ id, title, result, children }: { id: string; title: string; result?: ReactNode; children: ReactNode }) {
  return (
    <section className="privacy-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
      <div aria-live="polite" aria-atomic="true" data-testid={`${id}-result`}>
        {result}
      </div>
    </section>
  );
}

type Outcome = { kind: 'success' | 'error' | 'info'; text: string } | null;
const shown = (outcome: Outcome) =>
  outcome ? <p className={outcome.kind === 'error' ? 'inline-error' : outcome.kind === 'success' ? 'success-text' : 'muted'}>{outcome.text}</p> : null;

/**
 * One change at a time per section: which one is on its way (`busy`), then what it did, or why it
 * did not happen (`failure: plain reason`), for the section's live region.
 */
function useChange<K>(failure: string) {
  const [busy, setBusy] = useState<K | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function run(key: K, work: () => Promise<string>) {
    setBusy(key);
    setOutcome(null);
    try {
      setOutcome({ kind: 'success', text: await work() });
    } catch (err) {
      setOutcome({ kind: 'error', text: `${failure}: ${plainMessage(err)}` });
    } finally {
      setBusy(null);
    }
  }
  return { busy, outcome, run };
}

function DownloadData() {
  const { busy, outcome, run } = useChange<'download'>('Not downloaded');

  const download = () =>
    run('download', async () => {
      const { blob, filename } = await exportMyData();
      const name = filename ?? 'wedsync-personal-data.json';
      // A real download: the file is saved by the browser, not shown in the page.
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      return `Downloaded ${name} (${Math.max(1, Math.round(blob.size / 1024)).toLocaleString()} kB).`;
    });

  return (
    <Section id="download" title="Download your data" result={shown(outcome)}>
      <p>
        One JSON file with everything WedSync holds about you: your account and contact details, your requests with their wedding details, your votes, comments
        and notifications, your consent decisions, and the record of what was done with your data. You can keep it, read it, or take it to another service.
      </p>
      <button type="button" className="button secondary" onClick={download} disabled={busy !== null} aria-busy={busy !== null || undefined}>
        {busy ? 'Preparing your file…' : 'Download my data (JSON)'}
      </button>
    </Section>
  );
}

interface DetailsForm {
  displayName: string;
  phone: string;
  businessName: string;
  businessAddress: string;
  timeZone: string;
}

const PHONE = /^\+?[0-9 ()-]{5,30}$/;
const detailsOf = (p: PersonalAccount): DetailsForm => ({
  displayName: p.displayName,
  phone: p.phone ?? '',
  businessName: p.businessName ?? '',
  businessAddress: p.businessAddress ?? '',
  timeZone: p.timeZone,
});

function validateDetails(f: DetailsForm, supplier: boolean): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.displayName.trim()) e.displayName = 'Enter your name, as others see it on WedSync.';
  if (f.phone.trim() && !PHONE.test(f.phone.trim())) e.phone = 'Enter a phone number using digits, spaces, brackets or dashes, like +44 20 7946 0000.';
  if (supplier && !f.businessName.trim()) e.businessName = 'Enter the business name: the team uses it to verify your business.';
  if (!f.timeZone) e.timeZone = 'Choose your time zone.';
  return e;
}

/** Only what changed; an emptied optional field is removed (null). */
function changes(before: DetailsForm, after: DetailsForm, supplier: boolean): ProfilePatch {
  const patch: ProfilePatch = {};
  const text = (key: keyof DetailsForm) => after[key].trim();
  if (text('displayName') !== before.displayName) patch.displayName = text('displayName');
  if (text('phone') !== before.phone) patch.phone = text('phone') || null;
  if (supplier && text('businessName') !== before.businessName) patch.businessName = text('businessName');
  if (supplier && text('businessAddress') !== before.businessAddress) patch.businessAddress = text('businessAddress') || null;
  if (after.timeZone !== before.timeZone) patch.timeZone = after.timeZone;
  return patch;
}

const detailsFieldId = (key: string) => `privacy-${key}`;

function YourDetails({ profile, onSaved }: { profile: PersonalAccount; onSaved: (p: PersonalAccount) => void }) {
  const session = useSession();
  const supplier = profile.role === 'wedding_supplier';
  const [form, setForm] = useState<DetailsForm>(() => detailsOf(profile));
  const { problems, fields, attempt, show, clear, fixed } = useProblems();
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const set = (key: keyof DetailsForm, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    fixed(key);
    setOutcome(null);
  };

  async function save(event: SyntheticEvent) {
    event.preventDefault();
    const wrong = validateDetails(form, supplier);
    if (Object.keys(wrong).length) {
      show({ fields: wrong });
      return;
    }
    clear();
    const patch = changes(detailsOf(profile), form, supplier);
    if (Object.keys(patch).length === 0) {
      setOutcome({ kind: 'info', text: 'Nothing to save: none of your details changed.' });
      return;
    }
    setSending(true);
    setOutcome(null);
    try {
      const updated = await correctProfile(patch);
      const next = { ...updated, processingRestricted: profile.processingRestricted };
      onSaved(next);
      session.updateUser(updated);
      setForm(detailsOf(next));
      setOutcome({ kind: 'success', text: 'Saved: your details are corrected everywhere on WedSync.' });
    } catch (err) {
      show(problemsOf(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <Section id="details" title="Your details" result={shown(outcome)}>
      <p>
        If something here is wrong, correct it. You sign in with <strong>{profile.email}</strong>; that address can’t be changed here, so if it is wrong, ask
        the WedSync team.
      </p>
      <ErrorSummary problems={problems} attempt={attempt} failure="Your details were not saved" fieldId={detailsFieldId} />
      <form className="privacy-form" onSubmit={save} noValidate aria-label="Your details">
        <Field
          id={detailsFieldId('displayName')}
          label={supplier ? 'Your name' : 'Your names'}
          hint="Shown with your comments and in the header."
          error={fields.displayName}
        >
          {(control) => (
            <input {...control} type="text" autoComplete="name" maxLength={100} value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
          )}
        </Field>
        <Field
          id={detailsFieldId('phone')}
          label="Phone number"
          optional
          hint="Only the WedSync team can see it. Leave it empty to remove it."
          error={fields.phone}
        >
          {(control) => (
            <input
              {...control}
              type="tel"
              autoComplete="tel"
              inputMode="tel"
              maxLength={30}
              value={form.phone}
              onChange={(e) => set('phone', e.target.value)}
            />
          )}
        </Field>
        {supplier && (
          <>
            <Field id={detailsFieldId('businessName')} label="Business name" error={fields.businessName}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="organization"
                  maxLength={200}
                  value={form.businessName}
                  onChange={(e) => set('businessName', e.target.value)}
                />
              )}
            </Field>
            <Field id={detailsFieldId('businessAddress')} label="Business address" optional error={fields.businessAddress}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="street-address"
                  maxLength={500}
                  value={form.businessAddress}
                  onChange={(e) => set('businessAddress', e.target.value)}
                />
              )}
            </Field>
          </>
        )}
        <Field id={detailsFieldId('timeZone')} label="Time zone" error={fields.timeZone}>
          {(control) => <TimeZoneSelect control={control} value={form.timeZone} onChange={(v) => set('timeZone', v)} />}
        </Field>
        <FormActions sending={sending} label="Save my details" sendingLabel="Saving…" />
      </form>
    </Section>
  );
}

/** Evidence of the answer a member joined with (the sign-up form; the demo's seed), not a change. */
const JOINED_WITH = ['signup', 'demo_seed'];

/** When a purpose was last changed since joining: the newest such evidence record for it, if any. */
function lastChanged(consent: ConsentState, purpose: ConsentPurpose): string | null {
  return consent.evidence.filter((r) => r.purpose === purpose && !JOINED_WITH.includes(r.method)).at(-1)?.createdAt ?? null;
}

function Consents({ consent, restricted, onChanged }: { consent: ConsentState; restricted: boolean; onChanged: (c: ConsentState) => void }) {
  const { busy, outcome, run } = useChange<ConsentPurpose>('Not changed');

  const flip = (purpose: ConsentPurpose, granted: boolean) =>
    run(purpose, async () => {
      onChanged(await setConsent(purpose, granted));
      return granted
        ? `Switched on: “${PURPOSES[purpose].label}”. You can switch it off again at any time.`
        : `Switched off: “${PURPOSES[purpose].label}”. WedSync stopped this use of your data immediately.`;
    });

  return (
    <Section id="consent" title="What WedSync may use your data for" result={shown(outcome)}>
      <fieldset className="switches">
        <legend>Your consent</legend>
        <p className="hint">
          Each switch applies as soon as you flip it. Switching one off withdraws your consent immediately: from that moment WedSync stops using your data for
          it. Every decision is recorded with the date and sealed so it can’t be changed afterwards.
        </p>
        {restricted && (
          <Notice>
            <p>Processing of your data is restricted (see below), so AI analysis and trend analytics are halted whatever these switches say.</p>
          </Notice>
        )}
        {(Object.keys(PURPOSES) as ConsentPurpose[]).map((purpose) => {
          const on = consent.consents[purpose];
          const since = lastChanged(consent, purpose);
          return (
            <Switch
              key={purpose}
              id={`consent-${purpose}`}
              label={PURPOSES[purpose].label}
              checked={on}
              busy={busy === purpose}
              onChange={(granted) => flip(purpose, granted)}
            >
              <p className="hint">{PURPOSES[purpose].about}</p>
              <p className="hint" data-testid={`consent-${purpose}-since`}>
                {since ? (
                  <>
                    {on ? 'On' : 'Off'} since you changed it on <time dateTime={since}>{formatDateTime(since)}</time>.
                  </>
                ) : (
                  `${on ? 'On' : 'Off'} since you joined: you haven’t changed it.`
                )}
              </p>
            </Switch>
          );
        })}
        {!consent.evidenceIntact && (
          <Notice kind="error">
            <p>Our record of your consent decisions failed its integrity check. The switches show your latest decisions; please let the WedSync team know.</p>
          </Notice>
        )}
      </fieldset>
    </Section>
  );
}

function Restriction({ restricted, onChanged }: { restricted: boolean; onChanged: (restricted: boolean) => void }) {
  const { busy, outcome, run } = useChange<'restriction'>('Not changed');

  const flip = (next: boolean) =>
    run('restriction', async () => {
      onChanged((await restrictProcessing(next)).restricted);
      return next
        ? 'Processing restricted: WedSync stopped analysing your data immediately. Your requests, votes and comments stay on the board.'
        : 'Restriction lifted: your consent choices above apply again.';
    });

  return (
    <Section id="restriction" title="Restrict processing" result={shown(outcome)}>
      <fieldset className="switches">
        <legend>Pause what WedSync does with your data</legend>
        <Switch id="restrict-processing" label="Restrict processing of my data" checked={restricted} busy={busy !== null} onChange={flip}>
          <p className="hint">
            For example while you check that your details are right, or if you object to how they are used. WedSync keeps your data but stops AI analysis and
            trend analytics for you, whatever your consent says, until you switch this off. Your account keeps working.
          </p>
        </Switch>
      </fieldset>
    </Section>
  );
}

function EraseAccount({ onErased }: { onErased: (result: { votesKept: number }) => void }) {
  const session = useSession();
  const [typed, setTyped] = useState('');
  const { problems, fields, attempt, show, clear } = useProblems();
  const [sending, setSending] = useState(false);
  const fieldId = (key: string) => `erase-${key}`;

  async function erase(event: SyntheticEvent) {
    event.preventDefault();
    // Exactly as asked (small letters too), as the API checks it: the page never accepts what it says it won't.
    if (typed.trim() !== ERASURE_PHRASE) {
      show({ fields: { confirm: `Type “${ERASURE_PHRASE}” exactly, in small letters, to show you mean it.` } });
      return;
    }
    setSending(true);
    clear();
    try {
      const result = await eraseMyAccount();
      // The API has already ended every session of the account; this clears the cookie and the header.
      await session.signOut().catch(() => undefined);
      onErased(result);
    } catch (err) {
      show(problemsOf(err));
      setSending(false);
    }
  }

  return (
    <Section id="erase" title="Delete your account">
      <p>Deleting your account can’t be undone. When you confirm:</p>
      <ul className="consequences">
        <li>
          your name, email address, phone number and business address are destroyed, together with the key that sealed them, so not even our backups can bring
          them back;
        </li>
        <li>the wedding details of your requests become unreadable;</li>
        <li>your requests and comments stay on the board so the discussion still makes sense, shown as from a “Former member”;</li>
        <li>your votes still count;</li>
        <li>you are signed out everywhere and can’t sign in again.</li>
      </ul>
      <p>If you want a copy of your data, download it first (above).</p>
      <ErrorSummary problems={problems} attempt={attempt} failure="Your account was not deleted" fieldId={fieldId} />
      <form className="privacy-form danger-zone" onSubmit={erase} noValidate aria-label="Delete your account">
        <Field id={fieldId('confirm')} label={`To confirm, type “${ERASURE_PHRASE}”`} error={fields.confirm}>
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={100}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          )}
        </Field>
        <FormActions sending={sending} label="Delete my account" sendingLabel="Deleting your account…" danger />
      </form>
    </Section>
  );
}

function Erased({ votesKept }: { votesKept: number }) {
  return (
    <div className="narrow">
      <PageHeading title="Your account has been deleted" focus />
      <Notice kind="success">
        <p>We destroyed your personal data and signed you out. You can’t sign in with that account any more.</p>
      </Notice>
      <p>
        Your requests and comments stay on the board as from a former member
        {votesKept === 1 ? ', and your vote still counts' : votesKept > 1 ? `, and your ${plural(votesKept, 'vote')} still count` : ''}. Thank you for helping
        shape WedSync.
      </p>
      <p>
        <Link className="button secondary" to="/">
          Back to the board
        </Link>
      </p>
    </div>
  );
}
