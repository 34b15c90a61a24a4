// Editing a request (its author while it is open, or the product team) and, for the product team,
// its revisions: what each edit changed, word by word.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { editFeatureRequest, requestRevisions } from '../endpoints.js';
import { fieldErrors, plainMessage } from '../errors.js';
import { formatDate, roleLabel } from '../labels.js';
import type { FeatureRequest, Revision } from '../types.js';
import { Field } from './Field.js';
import { FormActions } from './FormActions.js';
import { LoadFailed } from './Notice.js';

/** As the API's schema (src/http/routes/feature-requests/schemas.ts). */
const LIMITS = { title: [8, 120], summary: [10, 280], description: [20, 5000] } as const;
const FIELD_LABELS = { title: 'Title', summary: 'Public summary', description: 'Description' } as const;

export function RequestEditor({ request, onSaved }: { request: FeatureRequest; onSaved: (updated: FeatureRequest) => void }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState(request.title);
  const [summary, setSummary] = useState(request.summary ?? '');
  const [description, setDescription] = useState(request.description ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [saved, setSaved] = useState(false);

  function check(): Record<string, string> {
    const found: Record<string, string> = {};
    for (const [field, value] of Object.entries({ title, summary, description }) as [keyof typeof LIMITS, string][]) {
      const [min, max] = LIMITS[field];
      const text = value.trim();
      if (field === 'summary' && text === '' && !request.summary) continue;
      if (text.length < min) found[field] = `${FIELD_LABELS[field]}: write at least ${min} characters.`;
      else if (text.length > max) found[field] = `${FIELD_LABELS[field]}: at most ${max} characters.`;
    }
    return found;
  }

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`edit-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const patch: { title?: string; summary?: string; description?: string } = {};
    if (title.trim() !== request.title) patch.title = title.trim();
    if (summary.trim() !== (request.summary ?? '') && summary.trim() !== '') patch.summary = summary.trim();
    if (description.trim() !== (request.description ?? '')) patch.description = description.trim();
    if (Object.keys(patch).length === 0) {
      setOpen(false);
      return;
    }
    setSending(true);
    try {
      onSaved(await editFeatureRequest(request.id, patch));
      setSaved(true);
      setOpen(false);
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(Object.keys(byField).length > 0 ? byField : { form: plainMessage(err) });
    } finally {
      setSending(false);
    }
  }

  if (!open) {
    return (
      <p className="request-edit">
        <button
          type="button"
          className="button secondary small"
          onClick={() => {
            setTitle(request.title);
            setSummary(request.summary ?? '');
            setDescription(request.description ?? '');
            setErrors({});
            setSaved(false);
            setOpen(true);
          }}
        >
          Edit request
        </button>
        <span role="status" className="muted">
          {saved ? ' Your changes were saved.' : ''}
        </span>
      </p>
    );
  }
  return (
    <form className="request-edit-form" onSubmit={submit} noValidate aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit request</h2>
      <Field id="edit-title" label="Title" error={errors.title} count={{ text: title, max: LIMITS.title[1] }}>
        {(control) => <input {...control} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field
        id="edit-summary"
        label="Public summary"
        optional={!request.summary}
        hint="Everyone who sees the board reads this. Keep wedding details out of it."
        error={errors.summary}
        count={{ text: summary, max: LIMITS.summary[1] }}
      >
        {(control) => <textarea {...control} rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />}
      </Field>
      <Field
        id="edit-description"
        label="Description"
        hint="Markdown works: **bold**, lists, links. Shared with the person who asked, verified suppliers and the WedSync team."
        error={errors.description}
        count={{ text: description, max: LIMITS.description[1] }}
      >
        {(control) => <textarea {...control} rows={8} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      <FormActions sending={sending} label="Save changes" sendingLabel="Saving…">
        <button type="button" className="button secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </FormActions>
    </form>
  );
}

/** Product team: every edit, newest first, with its word diff against the one before. */
export function RevisionHistory({ requestId, updatedAt }: { requestId: string; updatedAt: string }) {
  const [revisions, setRevisions] = useState<Revision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    requestRevisions(requestId, controller.signal)
      .then((reply) => setRevisions(reply.items))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(plainMessage(err));
      });
    return () => controller.abort();
    // updatedAt: an edit saved on this page adds a revision.
  }, [requestId, updatedAt, retry]);

  return (
    <section className="revisions" aria-labelledby="revisions-heading">
      <h2 id="revisions-heading">Edit history</h2>
      {error && <LoadFailed message={error} onRetry={() => setRetry((n) => n + 1)} />}
      {revisions && revisions.length === 0 && <p className="muted">Not edited since it was submitted.</p>}
      {revisions && revisions.length > 0 && (
        <ol className="timeline">
          {revisions.map((r) => (
            <li key={r.revision}>
              <p className="timeline-head">
                <strong>{r.revision === 1 ? 'As submitted' : `Edit ${r.revision - 1}`}</strong>{' '}
                {r.editedBy && (
                  <span className="muted">
                    by {r.editedBy.displayName} · {roleLabel(r.editedBy.role)}{' '}
                  </span>
                )}
                <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
              </p>
              {r.changes.map((change) => (
                <div key={change.field} className="revision-change">
                  <h3>{FIELD_LABELS[change.field]}</h3>
                  <p className="diff">
                    {change.parts.map((part, i) =>
                      part.kind === 'added' ? (
                        <ins key={i}>{part.text}</ins>
                      ) : part.kind === 'removed' ? (
                        <del key={i}>{part.text}</del>
                      ) : (
                        <span key={i}>{part.text}</span>
                      ),
                    )}
                  </p>
                </div>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
