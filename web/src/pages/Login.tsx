import { useEffect, useState, type SyntheticEvent } from 'react';
import { ErrorSummary, useProblems } from '../components/ErrorSummary.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { signInOptions } from '../endpoints.js';
import { problemsOf } from '../errors.js';
import { roleLabel } from '../labels.js';
import { Link, navigate, useLocation } from '../router.js';
import { safeNext } from '../safeNext.js';
import { useSession } from '../session.js';
import type { SignInOptions } from '../types.js';

const fieldId = (key: string) => `login-${key}`;

/** Why single sign-on sent the browser back here (`?ssoError=` from /api/auth/oidc/callback). */
const SSO_ERRORS: Record<string, string> = {
  sso_response_invalid: 'The answer from your sign-in provider could not be checked. Please start again.',
  sso_flow_missing: 'That sign-in was started in another browser or took too long. Please start again.',
  sso_email_unverified:
    'An account with this email already exists, but your sign-in provider has not verified the address. Sign in with your password, or verify the address with your provider.',
  sso_email_missing: 'Your sign-in provider did not share an email address with us.',
  staff_domain_not_allowed: 'Product team access is only given to addresses in your organisation’s domains.',
  staff_email_unverified: 'Product team access needs an email address your sign-in provider has verified.',
};

function useSignInOptions(): SignInOptions | null {
  const [options, setOptions] = useState<SignInOptions | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    // Without the options the page still offers password sign-in.
    signInOptions(abort.signal).then(setOptions, () => undefined);
    return () => abort.abort();
  }, []);
  return options;
}

export default function Login() {
  const session = useSession();
  const { params } = useLocation();
  const next = safeNext(params.get('next'), location.origin);
  const ssoError = params.get('ssoError');
  const options = useSignInOptions();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { problems, fields, attempt, show, clear } = useProblems();
  const [sending, setSending] = useState(false);

  async function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    const wrong: Record<string, string> = {};
    if (!email.trim()) wrong.email = 'Enter your email address.';
    else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) wrong.email = 'Enter an email address like name@example.com.';
    if (!password) wrong.password = 'Enter your password.';
    if (Object.keys(wrong).length) {
      show({ fields: wrong });
      return;
    }
    setSending(true);
    clear();
    try {
      await session.signIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setPassword('');
      show(problemsOf(err));
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
        Sign in to vote, comment and ask for features. New here?{' '}
        <Link to={`/signup${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`}>Create an account</Link>.
      </p>
      {session.lost && <Notice>Your session ended. Sign in again to carry on.</Notice>}
      {ssoError && (
        <Notice kind="error">
          <p>{SSO_ERRORS[ssoError] ?? 'Signing in with your provider did not work. Please start again.'}</p>
        </Notice>
      )}
      <ErrorSummary problems={problems} attempt={attempt} failure="You’re not signed in" fieldId={fieldId} />
      {options?.oidc && (
        <div className="sso">
          {/* A full page load: the browser itself must go to the provider and back. */}
          <a className="button" href={`${options.oidc.startUrl}?${new URLSearchParams({ returnTo: next })}`}>
            Sign in with {options.oidc.providerName}
          </a>
          <p className="hint">
            {options.passwordSignInForStaff
              ? 'Or sign in with your email and password:'
              : 'Product team members sign in this way. Everyone else may also use their email and password:'}
          </p>
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="login-form" aria-label="Sign in">
        <Field id={fieldId('email')} label="Email address" error={fields.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              spellCheck={false}
              value={email}
              maxLength={254}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field id={fieldId('password')} label="Password" error={fields.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              maxLength={200}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <FormActions sending={sending} label="Sign in" sendingLabel="Signing in…" />
      </form>
      <p>
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
    </div>
  );
}
