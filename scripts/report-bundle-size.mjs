#!/usr/bin/env node
// Prints what the board loads before it shows anything (the entry chunk, its static imports and the
// board's lazy chunk) in gzipped bytes, writes web/dist/bundle-size.json, and fails when the board's
// initial JavaScript exceeds its budget (150 kB gzipped). Run after `vite build` (npm run build:web).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 150 * 1024;
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));

const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const raw = (file) => readFileSync(path.join(dist, file)).length;

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error('no entry chunk in the Vite manifest');

/** A chunk and everything it imports statically: what the browser fetches before running it. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) closure(dep, seen);
  return seen;
}

const boardKey = Object.keys(manifest).find((k) => /pages\/Board\.tsx$/.test(k));
const initial = new Set([...closure(entryKey), ...(boardKey ? closure(boardKey) : [])]);
const jsFiles = [...initial].map((k) => manifest[k].file);
const cssFiles = [...new Set([...initial].flatMap((k) => manifest[k].css ?? []))];

const entry = { file: manifest[entryKey].file, bytes: raw(manifest[entryKey].file), gzipBytes: gz(manifest[entryKey].file) };
const boardJsGzip = jsFiles.reduce((n, f) => n + gz(f), 0);
const report = {
  builtAt: new Date().toISOString(),
  entry,
  boardInitialJs: { files: jsFiles, bytes: jsFiles.reduce((n, f) => n + raw(f), 0), gzipBytes: boardJsGzip },
  boardInitialCss: { files: cssFiles, gzipBytes: cssFiles.reduce((n, f) => n + gz(f), 0) },
  lazyChunks: Object.fromEntries(
    Object.entries(manifest)
      .filter(([k, v]) => v.isDynamicEntry && !initial.has(k))
      .map(([k, v]) => [k, { file: v.file, gzipBytes: gz(v.file) }]),
  ),
  budgetGzipBytes: BUDGET_BYTES,
};
writeFileSync(path.join(dist, 'bundle-size.json'), `${JSON.stringify(report, null, 2)}\n`);

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`web bundle: entry chunk ${entry.file} ${kB(entry.bytes)} (${kB(entry.gzipBytes)} gzipped)`);
console.log(
  `web bundle: board initial JS ${kB(report.boardInitialJs.bytes)} (${kB(boardJsGzip)} gzipped, budget ${kB(BUDGET_BYTES)}), CSS ${kB(report.boardInitialCss.gzipBytes)} gzipped`,
);
for (const [k, v] of Object.entries(report.lazyChunks)) console.log(`web bundle: lazy ${k} ${kB(v.gzipBytes)} gzipped`);
if (boardJsGzip > BUDGET_BYTES) {
  console.error(`web bundle: the board's initial JavaScript is over budget (${kB(boardJsGzip)} > ${kB(BUDGET_BYTES)} gzipped)`);
  process.exit(1);
}
