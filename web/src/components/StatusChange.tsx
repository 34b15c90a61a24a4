// The product team moves a request through the workflow with a written reason (the brief's
// require_justification:status_changes). Offers only the moves the workflow allows from where the
// request is (src/domain/feature-requests.ts), so the API's invalid_transition is the exception.
import { useRef, useState, type FormEvent } from 'react';
import { allowedTransitions } from '../../../src/domain/feature-requests.js';
import { changeStatus } from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { statusLabel } from '../labels.js';
import type { FeatureRequest, Status } from '../types.js';

const MIN_REASON = 10;
const MAX_REASON = 2000;

export function StatusChange({ request, onChanged }: { request: { id: string; title: string; status: Status }; onChanged: (updated: FeatureRequest) => void }) {
  const options = allowedTransitions(request.status);
  const [status, setStatus] = useState<Status | ''>('');
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<{ status?: string; justification?: string; form?: string }>({});
  const [sending, setSending] = useState(false);
  const statusRef = useRef<HTMLSelectElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const id = (what: string) => `status-${request.id}-${what}`;

  if (options.length === 0) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems: typeof errors = {};
    if (!status) problems.status = 'Choose the new status.';
    if (justification.trim().length < MIN_REASON) problems.justification = `Explain the change in at least ${MIN_REASON} characters: it is shown on the request.`;
    if (problems.status || problems.justification) {
      setErrors(problems);
      (problems.status ? statusRef : reasonRef).current?.focus();
      return;
    }
    setSending(true);
    setErrors({});
    try {
      onChanged(await changeStatus(request.id, { status: status as Status, justification: justification.trim() }));
      setStatus('');
      setJustification('');
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(byField.justification ? { justification: byField.justification } : { form: plainMessage(err) });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="status-change" onSubmit={submit} noValidate aria-label={`Change the status of “${request.title}”`}>
      {errors.form && (
        <p className="inline-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="field">
        <label htmlFor={id('status')}>New status</label>
        <select
          id={id('status')}
          ref={statusRef}
          value={status}
          aria-invalid={errors.status ? true : undefined}
          aria-describedby={errors.status ? id('status-error') : undefined}
          onChange={(e) => setStatus(e.target.value as Status)}
        >
          <option value="">Choose…</option>
          {options.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        {errors.status && (
          <p className="field-error" id={id('status-error')}>
            {errors.status}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('justification')}>Reason, shown on the request</label>
        <textarea
          id={id('justification')}
          ref={reasonRef}
          rows={3}
          maxLength={MAX_REASON}
          value={justification}
          aria-invalid={errors.justification ? true : undefined}
          aria-describedby={errors.justification ? id('justification-error') : undefined}
          onChange={(e) => setJustification(e.target.value)}
        />
        {errors.justification && (
          <p className="field-error" id={id('justification-error')}>
            {errors.justification}
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={sending} aria-busy={sending || undefined}>
          {sending ? 'Saving…' : 'Change status'}
        </button>
      </div>
    </form>
  );
}
