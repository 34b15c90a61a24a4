// The queue owns the jobs table, and services depend on job contracts, not on the worker's
// handlers: checked over the source, so a new shortcut fails here rather than in review.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');
const sources = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: path.join('src', f), text: readFileSync(path.join(SRC, f), 'utf8') }));

describe('job queue boundaries', () => {
  it('only src/queue/queue.ts reads or writes the jobs table', () => {
    const touching = sources.filter(({ file, text }) => {
      if (file === path.join('src', 'queue', 'queue.ts') || file === path.join('src', 'db', 'schema.ts')) return false;
      // The DR drills watch the queue from outside the product (their own connection), as an operator's psql would.
      if (file.startsWith(path.join('src', 'drills') + path.sep)) return false;
      const importsTable = /import\s*\{[^}]*\bjobs\b[^}]*\}\s*from\s*'[./]*\/?db\/schema\.js'/.test(text);
      const rawSql = /\b(from|into|update|join)\s+(\$\{jobs\}|jobs\b(?!\s*[,.)]))/i.test(text.replace(/^\s*(\/\/|\*).*$/gm, ''));
      return importsTable || rawSql;
    });
    expect(touching.map((s) => s.file)).toEqual([]);
  });

  it('services and ops enqueue through job contracts, never through handler or worker modules', () => {
    const offenders = sources.filter(({ file, text }) => /^src\/(services|ops|http|domain|ai|security)\//.test(file) && /from\s*'[./]*\/jobs\//.test(text));
    expect(offenders.map((s) => s.file)).toEqual([]);
  });
});
