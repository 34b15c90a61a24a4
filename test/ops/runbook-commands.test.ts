// The runbooks and the operations guide name only commands that exist: every `node dist/main.js
// <verb>` is a verb main.ts's USAGE lists, and every `npm run <script>` / `npm start` a script in
// package.json. Verbs that parallel issue-12 work is adding (backup, verify-backup, restore, drill,
// status incident) may be named only where the text marks them `[pending: issue 12]`; once a verb is
// in USAGE the mark must go. Reads the source, so it needs no build.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/ops-tools.js';

const PENDING_MARK = '[pending: issue 12]';
/** Verbs announced to the runbooks before they exist (the lead empties this list as they land). */
const PENDING_VERBS = new Set(['backup', 'verify-backup', 'restore', 'drill', 'status']);
/** How far after a command its pending mark may stand (end of the sentence or code line). */
const MARK_REACH = 160;

const DOCS = [
  ...readdirSync(join(ROOT, 'docs/runbooks'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/runbooks/${f}`),
  'docs/operations.md',
].sort();

/** The verbs of main.ts's USAGE: "start", "jobs dead", "gdpr export", "audit verify", … */
function usageVerbs(): Set<string> {
  const source = readFileSync(join(ROOT, 'src/main.ts'), 'utf8');
  const usage = /const USAGE = `([\s\S]*?)`;/.exec(source)?.[1] ?? '';
  const verbs = new Set<string>(['--help', 'help']);
  for (const m of usage.matchAll(/^ {2}([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/gm)) {
    verbs.add(m[1]!);
    if (m[2]) verbs.add(`${m[1]} ${m[2]}`);
  }
  return verbs;
}

const scripts = new Set(Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts));
const verbs = usageVerbs();
/** Verbs that take a sub-verb in USAGE (jobs, gdpr, audit): their mentions must name one. */
const withSubverbs = new Set([...verbs].filter((v) => v.includes(' ')).map((v) => v.split(' ')[0]!));

interface Mention {
  file: string;
  line: number;
  command: string;
  problem: string | null;
}

function mentions(file: string, text = readFileSync(join(ROOT, file), 'utf8')): Mention[] {
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const found: Mention[] = [];
  for (const m of text.matchAll(/node dist\/main\.js ([a-z-]+)(?: ([a-z][a-z-]*))?/g)) {
    const [command, verb = '', sub] = m;
    const phrase = withSubverbs.has(verb) && sub ? `${verb} ${sub}` : verb;
    const marked = text.slice(m.index, m.index + command.length + MARK_REACH).includes(PENDING_MARK);
    let problem: string | null = null;
    if (verbs.has(phrase) || (verbs.has(verb) && !withSubverbs.has(verb))) {
      if (marked && PENDING_VERBS.has(verb)) problem = `"${verb}" exists now: remove ${PENDING_MARK}`;
    } else if (PENDING_VERBS.has(verb)) {
      if (!marked) problem = `"${verb}" does not exist yet: mark it ${PENDING_MARK} or remove it`;
    } else {
      problem = `no such verb "${phrase}" in main.ts USAGE`;
    }
    found.push({ file, line: lineOf(m.index), command, problem });
  }
  for (const m of text.matchAll(/npm (?:run(?:-script)? ([a-z][\w:-]*)|(start|test)\b)/g)) {
    const script = m[1] ?? m[2]!;
    found.push({ file, line: lineOf(m.index), command: m[0], problem: scripts.has(script) ? null : `no script "${script}" in package.json` });
  }
  return found;
}

const all = DOCS.flatMap((f) => mentions(f));

describe('commands named in the runbooks and the operations guide', () => {
  it('reads the verbs from main.ts and finds commands to check', () => {
    for (const v of ['serve', 'worker', 'migrate', 'rotate-keys', 'audit verify', 'jobs dead', 'gdpr erase']) expect(verbs.has(v), v).toBe(true);
    expect(all.length).toBeGreaterThan(10);
  });

  it('names only verbs main.ts has and scripts package.json has (pending verbs marked)', () => {
    const problems = all.filter((m) => m.problem).map((m) => `${m.file}:${m.line}: ${m.command} — ${m.problem}`);
    expect(problems).toEqual([]);
  });

  it('the checker catches a made-up verb, an unmarked pending verb and a missing script', () => {
    const problems = (snippet: string) => mentions('snippet.md', snippet).map((m) => m.problem);
    expect(problems('run `node dist/main.js loadtest` after the peak')).toEqual([expect.stringContaining('no such verb "loadtest"')]);
    expect(problems('`node dist/main.js jobs frobnicate`')).toEqual([expect.stringContaining('no such verb "jobs frobnicate"')]);
    expect(problems('`node dist/main.js jobs dead` and `node dist/main.js audit verify`')).toEqual([null, null]);
    expect(problems('`npm run drill:everything` then `npm start`')).toEqual([expect.stringContaining('no script'), null]);
    const backupExists = verbs.has('backup');
    expect(problems('`node dist/main.js backup` now')).toEqual([backupExists ? null : expect.stringContaining('mark it')]);
    expect(problems(`\`node dist/main.js backup\` ${PENDING_MARK}`)).toEqual([backupExists ? expect.stringContaining('remove') : null]);
  });

  it('points at no deploy/k8s/ manifests, which this repository does not have', () => {
    const k8s = DOCS.filter((f) => /deploy\/k8s\/[\w.-]/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(k8s).toEqual([]);
  });
});
