// The signed-in member's own API tokens — couples, suppliers and the product team alike: create one
// with an expiry (its secret is shown once), see when each was last used, revoke it.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { LoadFailed, Notice } from '../components/Notice.js';
import { PageHeading } from '../components/PageHeading.js';
import { createApiToken, myApiTokens, revokeApiToken } from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { formatDateTime } from '../labels.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { ApiToken } from '../types.js';

const TITLE = 'API tokens';
const EXPIRY_CHOICES = [7, 30, 90, 365];

export default function Tokens() {
  const session = useSession();
  if (session.status === 'loading') return <PageHeading title={TITLE} />;
  if (!session.user) {
    return (
      <>
        <PageHeading title={TITLE} />
        <p>
          <Link to={`/login?next=${encodeURIComponent('/tokens')}`}>Sign in</Link> to manage the API tokens of your account.
        </p>
      </>
    );
  }
  return <TokenScreen key={session.user.id} />;
}

function TokenScreen() {
  const [items, setItems] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [news, setNews] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    myApiTokens(controller.signal)
      .then((reply) => setItems(reply.items))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setLoadError(plainMessage(err));
      });
    return () => controller.abort();
  }, [round]);

  async function revoke(token: ApiToken) {
    setNews(null);
    try {
      await revokeApiToken(token.id);
      setNews(`“${token.name}” is revoked: programs using it are refused from now on.`);
      setRound((r) => r + 1);
    } catch (err) {
      setNews(`“${token.name}” was not revoked: ${plainMessage(err)}`);
    }
  }

  const live = items?.filter((t) => !t.revokedAt) ?? [];
  return (
    <div className="tokens">
      <div className="page-intro">
        <PageHeading title={TITLE} />
        <p className="lede">Tokens let your own programs use the WedSync API as you, with your permissions. Keep them secret; revoke one you no longer use.</p>
      </div>
      <CreateToken
        onCreated={(t) => {
          setCreated(t);
          setNews(null);
          setRound((r) => r + 1);
        }}
      />
      <div aria-live="polite">
        {created && (
          <Notice kind="success">
            <p>
              “{created.name}” is ready. Copy it now — it is shown only this once:{' '}
              <code className="token-secret" data-testid="new-token">
                {created.token}
              </code>
            </p>
          </Notice>
        )}
        {news && <Notice>{news}</Notice>}
      </div>
      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Your tokens</h2>
        {loadError && <LoadFailed message={loadError} onRetry={() => setRound((r) => r + 1)} />}
        {!items && !loadError && <p aria-busy="true">Loading your tokens…</p>}
        {items && live.length === 0 && <p className="muted">You have no active tokens.</p>}
        <ul className="staff-list">
          {live.map((t) => (
            <li key={t.id}>
              <article className="staff-card" aria-labelledby={`token-${t.id}`}>
                <h3 id={`token-${t.id}`}>{t.name}</h3>
                <p className="card-meta">
                  <code>{t.prefix}…</code> · created {formatDateTime(t.createdAt)} · {t.expiresAt ? `expires ${formatDateTime(t.expiresAt)}` : 'never expires'}{' '}
                  · {t.lastUsedAt ? `last used ${formatDateTime(t.lastUsedAt)}` : 'never used'}
                </p>
                <button type="button" className="button danger small" onClick={() => revoke(t)}>
                  Revoke {t.name}
                </button>
              </article>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function CreateToken({ onCreated }: { onCreated: (created: { name: string; token: string }) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState(90);
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    setError(null);
    if (!name.trim()) {
      setErrors({ name: 'Name the token after the program that will use it.' });
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const reply = await createApiToken({ name: name.trim(), expiresInDays: days });
      setName('');
      onCreated({ name: reply.name, token: reply.token });
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(plainMessage(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="staff-card" onSubmit={submit} noValidate aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">New token</h2>
      <Field id="token-name" label="Name" hint="What it is for, e.g. “Venue booking sync”." error={errors.name}>
        {(control) => <input {...control} type="text" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id="token-expiry" label="Expires after" error={errors.expiresInDays}>
        {(control) => (
          <select {...control} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormActions sending={sending} label="Create token" sendingLabel="Creating…" />
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}
