// The README, the architecture and operations guides and the runbooks name only commands that exist: every `node dist/main.js
// <verb>` is a verb `node dist/main.js help` lists, and every `npm run <script>` / `npm start` a
// script in package.json. Asks the real command line (through tsx), so it needs no build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/ops-tools.js';

const DOCS = [
  ...readdirSync(join(ROOT, 'docs/runbooks'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/runbooks/${f}`),
  'docs/operations.md',
  'docs/architecture.md',
  'README.md',
].sort();

/** The verbs of the usage text: "start", "jobs dead", "gdpr export", "audit verify", … */
function usageVerbs(): Set<string> {
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const usage = help.stdout;
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
    const known = verbs.has(phrase) || (verbs.has(verb) && !withSubverbs.has(verb));
    const problem = known ? null : `no such verb "${phrase}" in the usage text`;
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

  it('names only verbs the command line has and scripts package.json has', () => {
    const problems = all.filter((m) => m.problem).map((m) => `${m.file}:${m.line}: ${m.command} — ${m.problem}`);
    expect(problems).toEqual([]);
  });

  it('the checker catches a made-up verb, a made-up sub-verb and a missing script', () => {
    const problems = (snippet: string) => mentions('snippet.md', snippet).map((m) => m.problem);
    expect(problems('run `node dist/main.js loadtest` after the peak')).toEqual([expect.stringContaining('no such verb "loadtest"')]);
    expect(problems('`node dist/main.js jobs frobnicate`')).toEqual([expect.stringContaining('no such verb "jobs frobnicate"')]);
    expect(problems('`node dist/main.js jobs dead` and `node dist/main.js audit verify`')).toEqual([null, null]);
    expect(problems('`npm run drill:everything` then `npm start`')).toEqual([expect.stringContaining('no script'), null]);
    expect(problems('`node dist/main.js status incident open --template wedding_day_outage`')).toEqual([null]);
  });

  it('points only at deploy/k8s/ paths that exist', () => {
    const missing = DOCS.flatMap((f) =>
      [...readFileSync(join(ROOT, f), 'utf8').matchAll(/deploy\/k8s\/[\w./-]*[\w-]/g)]
        .map((m) => m[0])
        .filter((p) => !existsSync(join(ROOT, p)))
        .map((p) => `${f}: ${p}`),
    );
    expect(missing).toEqual([]);
  });
});
