// Create a couple or wedding-supplier account (POST /api/auth/signup signs in at once). Suppliers
// also give their business: its size sets their vote weight, and they wait for verification by the
// WedSync team before they can vote, comment or submit.
import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { Field } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { BUSINESS_SIZE_LABELS, BUSINESS_SIZES, SUPPLIER_TYPES, supplierTypeLabel } from '../labels.js';
import { browserCountry, browserTimeZone, countries, timeZoneLabel, timeZones } from '../places.js';
import { Link, navigate, useLocation } from '../router.js';
import { safeNext } from '../safeNext.js';
import { useSession } from '../session.js';
import type { SignUpBody } from '../types.js';

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
}

const MIN_PASSWORD = 10;
type Errors = Partial<Record<keyof Form | 'form', string>>;

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
  };
}

export default function Signup() {
  const session = useSession();
  const { params } = useLocation();
  const next = safeNext(params.get('next'));
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
  }));
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState(false);
  const zones = useRef(timeZones(form.timeZone)).current;
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => (e[key] ? { ...e, [key]: undefined } : e));
  };

  function focusFirstProblem(problems: Errors) {
    const first = (Object.keys(problems) as (keyof Errors)[]).find((k) => k !== 'form' && problems[k]);
    requestAnimationFrame(() => (first ? document.getElementById(`signup-${first}`)?.focus() : formRef.current?.querySelector<HTMLElement>('[role=alert]')?.focus()));
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(form);
    if (Object.keys(problems).length) {
      setErrors(problems);
      focusFirstProblem(problems);
      return;
    }
    setSending(true);
    setErrors({});
    try {
      const user = await session.signUp(toBody(form));
      // Couples carry on where they were going; a supplier stays for the welcome that explains verification.
      if (user.role === 'couple') navigate(next, { replace: true });
    } catch (err) {
      const byField = fieldErrors(err) as Errors;
      const problems: Errors =
        err instanceof ApiError && err.code === 'email_taken'
          ? { email: plainMessage(err) }
          : Object.keys(byField).length && err instanceof ApiError && err.code === 'validation_failed'
            ? byField
            : { ...byField, form: plainMessage(err) };
      setErrors(problems);
      focusFirstProblem(problems);
    } finally {
      setSending(false);
    }
  }

  if (session.status === 'signed_in' && session.user) {
    const waiting = session.user.role === 'wedding_supplier' && !session.user.verified;
    return (
      <div className="narrow">
        <PageHeading title={`Welcome, ${session.user.displayName}`} />
        {waiting ? (
          <Notice kind="success">
            <p>
              Your supplier account is ready. The WedSync team checks every business before its votes and advice count: until then you can browse
              the board and prepare requests. We’ll let you know once you’re verified.
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
  const fieldProps = (key: keyof Form) => ({
    id: `signup-${key}`,
    'aria-invalid': errors[key] ? true : undefined,
    'aria-describedby': errors[key] ? `signup-${key}-error` : undefined,
  });

  return (
    <div className="narrow">
      <PageHeading title="Create an account" />
      <p className="lede">
        Free for couples and wedding suppliers. Already have one? <Link to={`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`}>Sign in</Link>.
      </p>
      <form ref={formRef} className="signup-form" onSubmit={onSubmit} noValidate aria-label="Create an account">
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
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

        <Field id="signup-displayName" label={supplier ? 'Your name' : 'Your names'} error={errors.displayName}>
          <input {...fieldProps('displayName')} type="text" autoComplete="name" maxLength={80} value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
        </Field>
        <Field id="signup-email" label="Email address" error={errors.email}>
          <input
            {...fieldProps('email')}
            type="email"
            autoComplete="email"
            inputMode="email"
            spellCheck={false}
            maxLength={254}
            value={form.email}
            onChange={(e) => set('email', e.target.value)}
          />
        </Field>
        <Field id="signup-password" label="Password" hint={`At least ${MIN_PASSWORD} characters. A short sentence is easy to remember.`} error={errors.password}>
          <input
            {...fieldProps('password')}
            aria-describedby={['signup-password-hint', errors.password ? 'signup-password-error' : ''].filter(Boolean).join(' ')}
            type="password"
            autoComplete="new-password"
            maxLength={200}
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
          />
        </Field>
        <Field id="signup-country" label="Country" optional error={errors.country}>
          <select {...fieldProps('country')} value={form.country} onChange={(e) => set('country', e.target.value)}>
            <option value="">Prefer not to say</option>
            {countries().map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="signup-timeZone" label="Time zone" error={errors.timeZone}>
          <select {...fieldProps('timeZone')} value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            <option value="">Choose a time zone</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {timeZoneLabel(z)}
              </option>
            ))}
          </select>
        </Field>

        {supplier && (
          <fieldset className="field business">
            <legend>Your business</legend>
            <Field id="signup-supplierType" label="Kind of business" error={errors.supplierType}>
              <select {...fieldProps('supplierType')} value={form.supplierType} onChange={(e) => set('supplierType', e.target.value)}>
                <option value="">Choose one</option>
                {SUPPLIER_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {supplierTypeLabel(t)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="signup-businessName" label="Business name" error={errors.businessName}>
              <input {...fieldProps('businessName')} type="text" autoComplete="organization" maxLength={120} value={form.businessName} onChange={(e) => set('businessName', e.target.value)} />
            </Field>
            <Field id="signup-businessSize" label="Business size" error={errors.businessSize}>
              <select {...fieldProps('businessSize')} value={form.businessSize} onChange={(e) => set('businessSize', e.target.value)}>
                <option value="">Choose one</option>
                {BUSINESS_SIZES.map((size) => (
                  <option key={size} value={size}>
                    {BUSINESS_SIZE_LABELS[size]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="signup-businessAddress" label="Business address" optional error={errors.businessAddress}>
              <input
                {...fieldProps('businessAddress')}
                type="text"
                autoComplete="street-address"
                maxLength={300}
                value={form.businessAddress}
                onChange={(e) => set('businessAddress', e.target.value)}
              />
            </Field>
          </fieldset>
        )}

        <div className="form-actions">
          <button type="submit" className="button" disabled={sending} aria-busy={sending || undefined}>
            {sending ? 'Creating your account…' : 'Create account'}
          </button>
        </div>
      </form>
    </div>
  );
}
