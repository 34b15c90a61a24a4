// `npm run eval:duplicates` runs the shipped detector (with the real sentence encoder) on a labelled
// file and ends with one JSON line of figures that scripts can read.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const sample = fileURLToPath(new URL('./duplicates-sample.jsonl', import.meta.url));

describe('npm run eval:duplicates', () => {
  it('prints pairwise and retrieval figures, the JSON object last', { timeout: 120_000 }, async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'eval:duplicates', '--', '--data', sample, '--json'], { cwd: process.cwd() });
    const lines = stdout.trim().split('\n');
    expect(lines.join('\n')).toMatch(/precision .* recall .* F1 .* ROC-AUC/);
    const figures = JSON.parse(lines.at(-1)!);
    expect(Object.keys(figures)).toEqual(expect.arrayContaining(['precision', 'recall', 'f1', 'roc_auc', 'top1', 'top5', 'threshold', 'model']));
    expect(figures.model).toBe('use-lite+lexical-v1');
    expect(figures.pairs).toBe(66); // 12 requests
    expect(figures.duplicatePairs).toBe(4);
    // Four easy pairs among unrelated requests: the detector should find them all.
    expect(figures.top5).toBe(1);
    expect(figures.roc_auc).toBeGreaterThan(0.9);
  });

  it('evaluates without the model when asked (what the product does with the AI down)', { timeout: 120_000 }, async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'eval:duplicates', '--', '--data', sample, '--json', '--lexical']);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!).model).toBe('lexical-v1');
  });
});
