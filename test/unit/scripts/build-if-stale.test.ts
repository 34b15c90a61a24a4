// `npm start` compiles the server only when a source changed since the last compile (issue #16: a
// second start spent ~15 s in tsc -b with nothing to do).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { serverBuildIsStale } from '../../../scripts/build-if-stale.mjs';

const isStale = serverBuildIsStale as (root: string) => string | null;

describe('the start-up build check', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wsfr-build-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const at = (file: string, seconds: number) => utimesSync(path.join(root, file), seconds, seconds);

  it('compiles when dist/ is missing, skips when every source is older, compiles again after an edit', () => {
    mkdirSync(path.join(root, 'src', 'http'), { recursive: true });
    for (const file of ['src/main.ts', 'src/http/app.ts', 'tsconfig.json', 'package-lock.json']) writeFileSync(path.join(root, file), '');
    expect(isStale(root)).toBe('dist/ is missing');

    mkdirSync(path.join(root, 'dist'));
    for (const file of ['dist/main.js', 'dist/.tsbuildinfo']) writeFileSync(path.join(root, file), '');
    for (const file of ['src/main.ts', 'src/http/app.ts', 'src/http', 'src', 'tsconfig.json', 'package-lock.json']) at(file, 1_000);
    at('dist/.tsbuildinfo', 2_000);
    expect(isStale(root)).toBeNull();

    at('src/http/app.ts', 3_000); // a file deep in the tree
    expect(isStale(root)).toBe('src changed since the last build');
    at('src/http/app.ts', 1_000);
    at('package-lock.json', 3_000); // new type declarations
    expect(isStale(root)).toBe('package-lock.json changed since the last build');
  });
});
