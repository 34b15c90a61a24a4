// RICE on a request's page: the score for everyone; for the product team the four factors (what
// the platform predicts and what is in force) and a form to override any of them. An emptied
// field clears its override, so the prediction applies again.
import { useState, type SyntheticEvent } from 'react';
import { IMPACT_SCALE, RICE_FACTORS, type RiceFactor } from '../../../src/domain/rice.js';
import { overrideRice } from '../endpoints.js';
import { plainMessage } from '../errors.js';
import { riceScoreText } from '../labels.js';
import type { FeatureRequest, RiceFactors } from '../types.js';

const FACTOR_LABELS: Record<RiceFactor, string> = {
  reach: 'Reach (people per quarter)',
  impact: 'Impact',
  confidence: 'Confidence (0–1)',
  effort: 'Effort (person-months)',
};
const IMPACT_WORDS: Record<number, string> = { 0.25: 'minimal', 0.5: 'low', 1: 'medium', 2: 'high', 3: 'massive' };
/** The API's ranges (RiceOverrideBody), so the browser refuses what the API would. */
const INPUT_RANGE: Record<Exclude<RiceFactor, 'impact'>, { min: number; max: number; step: string }> = {
  reach: { min: 0, max: 1e9, step: '1' },
  confidence: { min: 0, max: 1, step: '0.05' },
  effort: { min: 0.01, max: 1200, step: '0.01' },
};

const show = (factor: RiceFactor, value: number | null) =>
  value === null ? '—' : factor === 'impact' ? `${value} (${IMPACT_WORDS[value] ?? 'custom'})` : value.toLocaleString(undefined, { maximumFractionDigits: 2 });

type Inputs = Record<RiceFactor, string>;
const inputsOf = (request: FeatureRequest): Inputs =>
  Object.fromEntries(RICE_FACTORS.map((f) => [f, request.rice.overridden.includes(f) && request.rice[f] !== null ? String(request.rice[f]) : ''])) as Inputs;

export function RicePanel({
  request,
  canOverride,
  onChanged,
}: {
  request: FeatureRequest;
  canOverride: boolean;
  onChanged: (updated: FeatureRequest) => void;
}) {
  const [inputs, setInputs] = useState<Inputs>(() => inputsOf(request));
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });
  const rice = request.rice;

  async function save(event: SyntheticEvent) {
    event.preventDefault();
    const body: Partial<RiceFactors> = {};
    for (const f of RICE_FACTORS) {
      const text = inputs[f].trim();
      const overridden = rice.overridden.includes(f);
      if (text === '' && overridden) body[f] = null;
      else if (text !== '' && (!overridden || Number(text) !== rice[f])) body[f] = Number(text);
    }
    if (Object.keys(body).length === 0) {
      setState({ busy: false, error: 'Nothing changed.', saved: false });
      return;
    }
    setState({ busy: true, error: null, saved: false });
    try {
      const updated = await overrideRice(request.id, body);
      onChanged(updated);
      setInputs(inputsOf(updated));
      setState({ busy: false, error: null, saved: true });
    } catch (err) {
      setState({ busy: false, error: plainMessage(err), saved: false });
    }
  }

  return (
    <section className="rice" aria-labelledby="rice-heading">
      <h2 id="rice-heading">Priority (RICE)</h2>
      <p>
        RICE score <strong data-testid="rice-score">{riceScoreText(rice.score)}</strong>
        <span className="muted"> — reach × impact × confidence ÷ effort</span>
      </p>
      {canOverride && (
        <>
          <div className="table-scroll" role="region" aria-label="RICE factors" tabIndex={0}>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Factor</th>
                  <th scope="col">Predicted</th>
                  <th scope="col">In use</th>
                </tr>
              </thead>
              <tbody>
                {RICE_FACTORS.map((f) => (
                  <tr key={f}>
                    <th scope="row">{FACTOR_LABELS[f]}</th>
                    <td>{show(f, rice.predicted[f])}</td>
                    <td>
                      {show(f, rice[f])}
                      {rice.overridden.includes(f) && <span className="muted"> (set by the team)</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form className="rice-form" onSubmit={save} aria-label="Override RICE factors">
            <p className="hint">Leave a field empty to use the prediction.</p>
            <div className="rice-fields">
              {RICE_FACTORS.map((f) => (
                <div className="field" key={f}>
                  <label htmlFor={`rice-${f}`}>{FACTOR_LABELS[f]}</label>
                  {f === 'impact' ? (
                    <select id="rice-impact" value={inputs.impact} onChange={(e) => setInputs({ ...inputs, impact: e.target.value })}>
                      <option value="">Predicted</option>
                      {IMPACT_SCALE.map((v) => (
                        <option key={v} value={String(v)}>
                          {v} ({IMPACT_WORDS[v]})
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={`rice-${f}`}
                      type="number"
                      inputMode="decimal"
                      {...INPUT_RANGE[f]}
                      placeholder={rice.predicted[f] === null ? '' : String(rice.predicted[f])}
                      value={inputs[f]}
                      onChange={(e) => setInputs({ ...inputs, [f]: e.target.value })}
                    />
                  )}
                </div>
              ))}
            </div>
            <button type="submit" className="button" disabled={state.busy} aria-busy={state.busy || undefined}>
              Save RICE
            </button>
            <div aria-live="polite">
              {state.saved && <p className="success-text">Saved: the score is now {riceScoreText(request.rice.score)}.</p>}
              {state.error && (
                <p className="field-error" role="alert">
                  {state.error}
                </p>
              )}
            </div>
          </form>
        </>
      )}
    </section>
  );
}
