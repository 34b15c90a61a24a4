// Issue #15: what use cases remember between calls lives in the one service context built at start-up
// (src/services/service-context.ts), never in a module. A module-level `let`, a top-level Map, Set or
// cache, or a mutable static field would be state shared by every context in the process — every app
// a test builds, every database a test opens — and a second way for a dependency to reach a use case.
// This reads every module under src/ with the TypeScript parser and refuses them, except the few
// below, each with its reason.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../../src');

/** `file:name` → why that top-level binding may hold state. Keep this short. */
const ALLOWED: Record<string, string> = {
  'ai/text-features.ts:stems': 'memo of a pure function (Porter stemming): the same word always gives the same stem',
  'domain/seasons.ts:formatters': 'memo of Intl.DateTimeFormat per time zone: pure, and the same for every context',
  'ops/metrics.ts:classified': 'memo of a pure function (a statement text → its labels)',
  'drills/processes.ts:live': "the drill command's child processes, killed when its process exits: process-wide by nature",
  'ai/evaluation-cli.ts:embeddings': 'a command-line script: its top level is the body of its one run',
};

interface Finding {
  at: string;
  key: string;
  what: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) ? unwrap(e.expression) : e;

/** A declared type that promises no mutation (ReadonlySet, ReadonlyMap, Readonly<…>, readonly T[]). */
const readonlyType = (type: ts.TypeNode | undefined) =>
  type !== undefined && (/^Readonly/.test(type.getText()) || (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword));

/** Module-level state in one source text (exported for the self-test below). */
export function moduleState(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const add = (node: ts.Node, name: string, what: string) =>
    findings.push({ at: `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`, key: `${file}:${name}`, what });
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) {
        const name = declaration.name.getText();
        if (!constant) {
          add(declaration, name, 'module-level let/var');
          continue;
        }
        const init = declaration.initializer && unwrap(declaration.initializer);
        if (!init || readonlyType(declaration.type)) continue;
        if (ts.isNewExpression(init)) add(declaration, name, `module-level new ${init.expression.getText()}(…)`);
        else if ((ts.isArrayLiteralExpression(init) && init.elements.length === 0) || (ts.isObjectLiteralExpression(init) && init.properties.length === 0))
          add(declaration, name, 'module-level empty collection (only useful if filled later)');
      }
    } else if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        const is = (kind: ts.SyntaxKind) => modifiers.some((m) => m.kind === kind);
        if (ts.isPropertyDeclaration(member) && is(ts.SyntaxKind.StaticKeyword) && !is(ts.SyntaxKind.ReadonlyKeyword))
          add(member, `${statement.name?.text ?? 'class'}.${member.name.getText()}`, 'mutable static field');
      }
    }
  }
  return findings;
}

describe('module-level mutable state in src/', () => {
  const findings = sources(SRC).flatMap((full) => moduleState(path.relative(SRC, full).split(path.sep).join('/'), readFileSync(full, 'utf8')));

  it('is none: state lives in the service context (src/services/service-context.ts)', () => {
    expect(findings.filter((f) => !(f.key in ALLOWED)).map((f) => `${f.at} ${f.what}`)).toEqual([]);
  });

  it('allows only exceptions that still exist', () => {
    const found = new Set(findings.map((f) => f.key));
    expect(Object.keys(ALLOWED).filter((key) => !found.has(key))).toEqual([]);
  });

  it('recognises each form it refuses, and lets constants through', () => {
    const text = [
      'let current = 0;',
      'var old = 1;',
      'const lanes = new Map<string, number>();',
      'const seen = new Set<string>() as Set<string>;',
      'const cache = new LRUCache({ max: 1 });',
      'const pending: string[] = [];',
      'const byId = {};',
      'class Registry { static instances = 0; static readonly LIMIT = 3; }',
      'const STOP_WORDS: ReadonlySet<string> = new Set(["a"]);',
      'const LIMITS = { title: 120 } as const;',
      'const NAMES = ["a", "b"];',
      'export const f = () => new Map();',
    ].join('\n');
    expect(moduleState('x.ts', text).map((f) => f.key)).toEqual([
      'x.ts:current',
      'x.ts:old',
      'x.ts:lanes',
      'x.ts:seen',
      'x.ts:cache',
      'x.ts:pending',
      'x.ts:byId',
      'x.ts:Registry.instances',
    ]);
  });
});
