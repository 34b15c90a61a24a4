// The product team moves a request through the workflow with a written reason (the brief's
// require_justification:status_changes). Offers only the moves the workflow allows from where the
// request is (src/domain/feature-requests.ts), so the API's invalid_transition is the exception.
// Renders nothing for anyone else, or when no move is left (merged, declined…): pages just mount it.
import { useState, type SyntheticEvent } from 'react';
import { allowedTransitions } from '../../../src/domain/feature-requests.js';
import { changeStatus } from '../endpoints.js';
import { problemsOf } from '../errors.js';
import { statusLabel } from '../labels.js';
import { TRIAGE_PERMISSION } from '../permissions.js';
import { useSession } from '../session.js';
import type { FeatureRequest, Status } from '../types.js';
import { ErrorSummary, useProblems } from './ErrorSummary.js';
import { tooLong } from './CharacterCount.js';
import { Field } from './Field.js';
import { FormActions } from './FormActions.js';

const MIN_REASON = 10;
const MAX_REASON = 2000;

type Request = { id: string; title: string; status: Status };

/**
 * `folded`: behind a “Change status…” disclosure (a list of requests); otherwise under its own
 * heading (the request's page).
 */
export function StatusChange({ request, onChanged, folded = false }: { request: Request; onChanged: (updated: FeatureRequest) => void; folded?: boolean }) {
  const session = useSession();
  if (!session.can(TRIAGE_PERMISSION) || allowedTransitions(request.status).length === 0) return null;
  const form = <StatusForm request={request} onChanged={onChanged} />;
  return folded ? (
    <details className="triage-action">
      <summary>Change status…</summary>
      {form}
    </details>
  ) : (
    <div className="triage-here">
      <h3>Move this request on</h3>
      {form}
    </div>
  );
}

function StatusForm({ request, onChanged }: { request: Request; onChanged: (updated: FeatureRequest) => void }) {
  const [status, setStatus] = useState<Status | ''>('');
  const [justification, setJustification] = useState('');
  const { problems, fields, attempt, show, clear, fixed } = useProblems();
  const [sending, setSending] = useState(false);
  const fieldId = (key: string) => `status-${request.id}-${key}`;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    const wrong: Record<string, string> = {};
    if (!status) wrong.status = 'Choose the new status.';
    if (justification.trim().length < MIN_REASON) wrong.justification = `Explain the change in at least ${MIN_REASON} characters: it is shown on the request.`;
    else if (tooLong('The reason', justification, MAX_REASON)) wrong.justification = tooLong('The reason', justification, MAX_REASON)!;
    if (Object.keys(wrong).length) {
      show({ fields: wrong });
      return;
    }
    setSending(true);
    clear();
    try {
      onChanged(await changeStatus(request.id, { status: status as Status, justification: justification.trim() }));
      setStatus('');
      setJustification('');
    } catch (err) {
      show(problemsOf(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="status-change" onSubmit={submit} noValidate aria-label={`Change the status of “${request.title}”`}>
      <ErrorSummary problems={problems} attempt={attempt} failure="The status was not changed" fieldId={fieldId} />
      <Field id={fieldId('status')} label="New status" error={fields.status}>
        {(control) => (
          <select
            {...control}
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as Status);
              fixed('status');
            }}
          >
            <option value="">Choose…</option>
            {allowedTransitions(request.status).map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={fieldId('justification')} label="Reason, shown on the request" error={fields.justification} count={{ text: justification, max: MAX_REASON }}>
        {(control) => (
          <textarea
            {...control}
            rows={3}
            value={justification}
            onChange={(e) => {
              setJustification(e.target.value);
              fixed('justification');
            }}
          />
        )}
      </Field>
      <FormActions sending={sending} label="Change status" sendingLabel="Saving…" />
    </form>
  );
}
