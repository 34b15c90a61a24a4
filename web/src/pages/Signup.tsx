// Create a couple or wedding-supplier account (POST /api/auth/signup emails a link that confirms the address and signs in). Suppliers
// also give their business: its size sets their vote weight, and they wait for verification by the
// WedSync team before they can vote, comment or submit.
import { useState, type SyntheticEvent } from 'react';
import { ErrorSummary, useProblems } from '../components/ErrorSummary.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { problemsOf } from '../errors.js';
import { BUSINESS_SIZE_LABELS, BUSINESS_SIZES, CONSENT_PURPOSE_LABELS, SUPPLIER_TYPES, supplierTypeLabel } from '../labels.js';
import { CountrySelect, TimeZoneSelect } from '../components/PlaceSelects.js';
import { browserCountry, browserTimeZone } from '../places.js';
import { Link, useLocation } from '../router.js';
import { safeNext } from '../safeNext.js';
import { useSession } from '../session.js';
import type { ConsentPurpose, SignUpBody, SignUpReply } from '../types.js';

type Role = SignUpBody['role'];

interface Form {
  role: Role;
  displayName: string;
  email: string;
  password: string;
  country: string;
  timeZone: string;
  supplierType: string;
  businessName: string;
  businessSize: string;
  businessAddress: string;
  /** Unticked until the person ticks them: consent is asked for, never presumed. */
  consents: Record<ConsentPurpose, boolean>;
}

const MIN_PASSWORD = 10;
type Errors = Partial<Record<keyof Form, string>>;

const fieldId = (key: string) => (key === 'role' ? 'signup-role-couple' : `signup-${key}`);

function validate(f: Form): Errors {
  const e: Errors = {};
  if (!f.displayName.trim()) e.displayName = f.role === 'couple' ? 'Enter your names, for example “Amelia & Jonah”.' : 'Enter your name.';
  if (!f.email.trim()) e.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) e.email = 'Enter an email address like name@example.com.';
  if (f.password.length < MIN_PASSWORD) e.password = `Choose a password of at least ${MIN_PASSWORD} characters.`;
  if (!f.timeZone) e.timeZone = 'Choose your time zone.';
  if (f.role === 'wedding_supplier') {
    if (!f.supplierType) e.supplierType = 'Choose the kind of business.';
    if (!f.businessName.trim()) e.businessName = 'Enter the business name.';
    if (!f.businessSize) e.businessSize = 'Choose the size of the business.';
  }
  return e;
}

function toBody(f: Form): SignUpBody {
  const supplier = f.role === 'wedding_supplier';
  return {
    role: f.role,
    displayName: f.displayName.trim(),
    email: f.email.trim(),
    password: f.password,
    timeZone: f.timeZone,
    ...(f.country ? { country: f.country } : {}),
    ...(supplier ? { supplierType: f.supplierType, businessName: f.businessName.trim(), businessSize: f.businessSize } : {}),
    ...(supplier && f.businessAddress.trim() ? { businessAddress: f.businessAddress.trim() } : {}),
    consents: f.consents,
  };
}

export default function Signup() {
  const session = useSession();
  const { params } = useLocation();
  const next = safeNext(params.get('next'), location.origin);
  const [form, setForm] = useState<Form>(() => ({
    role: params.get('as') === 'supplier' ? 'wedding_supplier' : 'couple',
    displayName: '',
    email: '',
    password: '',
    country: browserCountry(),
    timeZone: browserTimeZone(),
    supplierType: '',
    businessName: '',
    businessSize: '',
    businessAddress: '',
    consents: { feature_feedback: false, ai_analysis: false, trend_analytics: false },
  }));
  const { problems, fields: errors, attempt, show, clear, fixed } = useProblems();
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<SignUpReply | null>(null);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    fixed(key);
  };

  async function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    const wrong = validate(form);
    if (Object.keys(wrong).length) {
      show({ fields: wrong });
      return;
    }
    setSending(true);
    clear();
    try {
      setSent(await session.signUp(toBody(form)));
    } catch (err) {
      show(problemsOf(err));
    } finally {
      setSending(false);
    }
  }

  if (sent) {
    return (
      <div className="narrow">
        <PageHeading title="Check your email" />
        <Notice kind="success">
          {sent.emailVerification === 'required' ? (
            <p>
              We sent a link to {form.email.trim()}. Follow it to confirm your address and sign in: until then you can browse the board, but not post, vote or
              comment.
            </p>
          ) : (
            // This deployment does not wait for the link: say so, rather than leave people waiting for mail.
            <p>
              You can <Link to="/login?next=/">sign in</Link> now with your email address and password. We also sent a link to {form.email.trim()} to confirm
              the address.
            </p>
          )}
        </Notice>
        {sent.emailVerification === 'required' && (
          <p>
            No email after a few minutes? Check your spam folder, or <Link to="/login">sign in</Link> and ask for a new link.
          </p>
        )}
      </div>
    );
  }

  if (session.status === 'signed_in' && session.user) {
    const waiting = session.user.role === 'wedding_supplier' && !session.user.verified;
    return (
      <div className="narrow">
        <PageHeading title={`Welcome, ${session.user.displayName}`} />
        {waiting ? (
          <Notice kind="success">
            <p>
              Your supplier account is ready. The WedSync team checks every business before its votes and advice count: until then you can browse the board and
              prepare requests. We’ll let you know once you’re verified.
            </p>
          </Notice>
        ) : (
          <p>You’re signed in and can vote, comment and ask for features.</p>
        )}
        <p>
          <Link className="button" to={waiting ? '/' : next}>
            Go to the board
          </Link>
        </p>
      </div>
    );
  }

  const supplier = form.role === 'wedding_supplier';

  return (
    <div className="narrow">
      <PageHeading title="Create an account" />
      <p className="lede">
        Free for couples and wedding suppliers. Already have one? <Link to={`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`}>Sign in</Link>.
      </p>
      <ErrorSummary problems={problems} attempt={attempt} failure="Your account was not created" fieldId={fieldId} />
      <form className="signup-form" onSubmit={onSubmit} noValidate aria-label="Create an account">
        <fieldset className="field">
          <legend>I am</legend>
          <div className="choices">
            {(
              [
                ['couple', 'Planning our wedding', 'A couple (or someone planning for them)'],
                ['wedding_supplier', 'A wedding supplier', 'Venue, planner, photographer, caterer…: your votes count for the couples you serve'],
              ] as const
            ).map(([role, label, hint]) => (
              <label key={role} className="choice" htmlFor={`signup-role-${role}`}>
                <input id={`signup-role-${role}`} type="radio" name="role" value={role} checked={form.role === role} onChange={() => set('role', role)} />
                <span>
                  <strong>{label}</strong> <span className="muted">{hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <Field id={fieldId('displayName')} label={supplier ? 'Your name' : 'Your names'} error={errors.displayName}>
          {(control) => (
            <input {...control} type="text" autoComplete="name" maxLength={80} value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
          )}
        </Field>
        <Field id={fieldId('email')} label="Email address" error={errors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              inputMode="email"
              spellCheck={false}
              maxLength={254}
              value={form.email}
              onChange={(e) => set('email', e.target.value)}
            />
          )}
        </Field>
        <Field
          id={fieldId('password')}
          label="Password"
          hint={`At least ${MIN_PASSWORD} characters. A short sentence is easy to remember.`}
          error={errors.password}
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              maxLength={200}
              value={form.password}
              onChange={(e) => set('password', e.target.value)}
            />
          )}
        </Field>
        <Field id={fieldId('country')} label="Country" optional error={errors.country}>
          {(control) => <CountrySelect control={control} value={form.country} onChange={(v) => set('country', v)} empty="Prefer not to say" />}
        </Field>
        <Field id={fieldId('timeZone')} label="Time zone" error={errors.timeZone}>
          {(control) => <TimeZoneSelect control={control} value={form.timeZone} onChange={(v) => set('timeZone', v)} />}
        </Field>

        {supplier && (
          <fieldset className="field business">
            <legend>Your business</legend>
            <Field id={fieldId('supplierType')} label="Kind of business" error={errors.supplierType}>
              {(control) => (
                <select {...control} value={form.supplierType} onChange={(e) => set('supplierType', e.target.value)}>
                  <option value="">Choose one</option>
                  {SUPPLIER_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {supplierTypeLabel(t)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={fieldId('businessName')} label="Business name" error={errors.businessName}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="organization"
                  maxLength={120}
                  value={form.businessName}
                  onChange={(e) => set('businessName', e.target.value)}
                />
              )}
            </Field>
            <Field id={fieldId('businessSize')} label="Business size" error={errors.businessSize}>
              {(control) => (
                <select {...control} value={form.businessSize} onChange={(e) => set('businessSize', e.target.value)}>
                  <option value="">Choose one</option>
                  {BUSINESS_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {BUSINESS_SIZE_LABELS[size]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={fieldId('businessAddress')} label="Business address" optional error={errors.businessAddress}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  autoComplete="street-address"
                  maxLength={300}
                  value={form.businessAddress}
                  onChange={(e) => set('businessAddress', e.target.value)}
                />
              )}
            </Field>
          </fieldset>
        )}

        <fieldset className="field consents">
          <legend>What WedSync may use your data for</legend>
          <p className="hint">Optional: tick only what you agree to. You can change each of these at any time under Privacy.</p>
          {(Object.keys(CONSENT_PURPOSE_LABELS) as ConsentPurpose[]).map((purpose) => (
            <label key={purpose} className="choice" htmlFor={`signup-consent-${purpose}`}>
              <input
                id={`signup-consent-${purpose}`}
                type="checkbox"
                checked={form.consents[purpose]}
                onChange={(e) => set('consents', { ...form.consents, [purpose]: e.target.checked })}
              />
              <span>
                <strong>{CONSENT_PURPOSE_LABELS[purpose].label}</strong> <span className="muted">{CONSENT_PURPOSE_LABELS[purpose].about}</span>
              </span>
            </label>
          ))}
        </fieldset>

        <FormActions sending={sending} label="Create account" sendingLabel="Creating your account…" />
      </form>
    </div>
  );
}
