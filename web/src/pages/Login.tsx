import { useRef, useState, type FormEvent } from 'react';
import { Field } from '../components/Field.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { roleLabel } from '../labels.js';
import { Link, navigate, useLocation } from '../router.js';
import { safeNext } from '../safeNext.js';
import { useSession } from '../session.js';


export default function Login() {
  const session = useSession();
  const { params } = useLocation();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [sending, setSending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problems: typeof errors = {};
    if (!email.trim()) problems.email = 'Enter your email address.';
    else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) problems.email = 'Enter an email address like name@example.com.';
    if (!password) problems.password = 'Enter your password.';
    if (problems.email || problems.password) {
      setErrors(problems);
      (problems.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setSending(true);
    setErrors({});
    try {
      await session.signIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors({ email: byField.email, password: byField.password, form: byField.email || byField.password ? undefined : plainMessage(err) });
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setSending(false);
    }
  }

  if (session.status === 'signed_in' && session.user) {
    return (
      <>
        <PageHeading title="You’re signed in" />
        <p>
          You’re signed in as {session.user.displayName} ({roleLabel(session.user.role).toLowerCase()}).
        </p>
        <p>
          <Link className="button" to={next}>
            Continue
          </Link>
        </p>
      </>
    );
  }

  return (
    <div className="narrow">
      <PageHeading title="Sign in" />
      <p className="lede">
        Sign in to vote, comment and ask for features. New here? <Link to={`/signup${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`}>Create an account</Link>.
      </p>
      {session.lost && <Notice>Your session ended. Sign in again to carry on.</Notice>}
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <form onSubmit={onSubmit} noValidate className="login-form" aria-label="Sign in">
        <Field id="login-email" label="Email address" error={errors.email}>
          <input
            id="login-email"
            ref={emailRef}
            type="email"
            name="email"
            autoComplete="username"
            inputMode="email"
            spellCheck={false}
            value={email}
            maxLength={254}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? 'login-email-error' : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field id="login-password" label="Password" error={errors.password}>
          <input
            id="login-password"
            ref={passwordRef}
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            maxLength={200}
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={errors.password ? 'login-password-error' : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button" disabled={sending} aria-busy={sending || undefined}>
            {sending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </div>
  );
}
