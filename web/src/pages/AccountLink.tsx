// The pages the account emails link to. Each POSTs the link's token only when the member acts (or,
// for confirming an address, once the page runs): a mail scanner that merely fetches the link changes nothing.
//   /verify-email?token=…    confirms the address and signs in
//   /reset-password          asks for a reset link; with ?token=… chooses the new password
//   /confirm-email?token=…   moves the account to the new address
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { ErrorSummary, useProblems } from '../components/ErrorSummary.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { confirmEmailChange, requestPasswordReset, resetPassword } from '../endpoints.js';
import { problemsOf } from '../errors.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';

type Outcome = { kind: 'working' } | { kind: 'done' } | { kind: 'failed'; message: string };

const failure = (err: unknown): Outcome => ({ kind: 'failed', message: problemsOf(err).form ?? 'This link does not work any more. Ask for a new one.' });

/** Confirms the sign-up address or a new address as soon as the page opens. */
function ConfirmLink({ purpose }: { purpose: 'verify' | 'change' }) {
  const session = useSession();
  const { params } = useLocation();
  const token = params.get('token') ?? '';
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'working' });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const confirm = purpose === 'verify' ? session.verifyEmail(token) : confirmEmailChange(token);
    confirm.then(
      () => setOutcome({ kind: 'done' }),
      (err: unknown) => setOutcome(failure(err)),
    );
  }, [purpose, session, token]);
  const title = purpose === 'verify' ? 'Confirm your email address' : 'Confirm your new email address';
  return (
    <div className="narrow">
      <PageHeading title={title} />
      {outcome.kind === 'working' && <p role="status">Confirming…</p>}
      {outcome.kind === 'failed' && (
        <Notice kind="error">
          <p>{outcome.message}</p>
        </Notice>
      )}
      {outcome.kind === 'done' && (
        <Notice kind="success">
          <p>
            {purpose === 'verify'
              ? 'Your address is confirmed and you are signed in: you can post, vote and comment.'
              : 'Your account uses its new address from now on.'}
          </p>
        </Notice>
      )}
      <p>
        <Link className="button" to="/">
          Go to the board
        </Link>
      </p>
    </div>
  );
}

function ResetPassword() {
  const { params } = useLocation();
  const token = params.get('token');
  const [value, setValue] = useState('');
  const [done, setDone] = useState(false);
  const { problems, fields, attempt, show, clear } = useProblems();
  const [sending, setSending] = useState(false);

  async function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    if (token ? value.length < 10 : !/^[^\s@]+@[^\s@]+$/.test(value.trim())) {
      show({ fields: { value: token ? 'Use at least 10 characters.' : 'Enter an email address like name@example.com.' } });
      return;
    }
    setSending(true);
    clear();
    try {
      if (token) await resetPassword(token, value);
      else await requestPasswordReset(value.trim());
      setDone(true);
    } catch (err) {
      show(problemsOf(err));
    } finally {
      setSending(false);
    }
  }

  if (done)
    return (
      <div className="narrow">
        <PageHeading title={token ? 'Password changed' : 'Check your email'} />
        <Notice kind="success">
          <p>
            {token
              ? 'Your new password is set and every session of your account has ended.'
              : 'If an account uses this address, we sent it a link to choose a new password. It works once, for 30 minutes.'}
          </p>
        </Notice>
        {token && (
          <p>
            <Link className="button" to="/login">
              Sign in
            </Link>
          </p>
        )}
      </div>
    );

  return (
    <div className="narrow">
      <PageHeading title={token ? 'Choose a new password' : 'Forgot your password?'} />
      <ErrorSummary problems={problems} attempt={attempt} failure={token ? 'Your password is unchanged' : 'No link sent'} fieldId={() => 'reset-value'} />
      <form onSubmit={onSubmit} noValidate>
        <Field id="reset-value" label={token ? 'New password' : 'Email address'} hint={token ? 'At least 10 characters.' : undefined} error={fields.value}>
          {(props) => (
            <input
              {...props}
              type={token ? 'password' : 'email'}
              autoComplete={token ? 'new-password' : 'email'}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          )}
        </Field>
        <FormActions sending={sending} label={token ? 'Set my new password' : 'Email me a link'} sendingLabel="Sending…" />
      </form>
    </div>
  );
}

export default function AccountLink() {
  const { path } = useLocation();
  if (path === '/verify-email') return <ConfirmLink purpose="verify" />;
  if (path === '/confirm-email') return <ConfirmLink purpose="change" />;
  return <ResetPassword />;
}
