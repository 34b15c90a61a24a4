#!/usr/bin/env node
// What `npm start` runs first: compiles the server (tsc -b) only when a source changed since the
// last compile, then the web UI only when it is stale, so a second start is up in about a second.
// Usage: node scripts/build-if-stale.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebIfStale } from './build-web-if-stale.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// tsc's record of its last build (tsconfig.json: tsBuildInfoFile).
const buildInfoOf = (root) => path.join(root, 'dist', '.tsbuildinfo');
// What the compile reads besides node_modules' type declarations (which change with package-lock.json).
const SOURCES = ['src', 'tsconfig.json', 'package-lock.json'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Why the server needs compiling (a sentence), or null when dist/ is newer than every source. */
export function serverBuildIsStale(root = ROOT) {
  const buildInfo = buildInfoOf(root);
  if (!existsSync(buildInfo) || !existsSync(path.join(root, 'dist', 'main.js'))) return 'dist/ is missing';
  const builtAt = statSync(buildInfo).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(root, s)) > builtAt);
  return changed ? `${changed} changed since the last build` : null;
}

function buildServerIfStale(root = ROOT) {
  const reason = serverBuildIsStale(root);
  if (!reason) return false;
  console.log(`server: compiling (${reason})`);
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`server compile failed (exit ${run.status ?? run.signal})`);
  // tsc leaves its record alone when no output changed (a file saved without edits): mark it current.
  const now = new Date();
  utimesSync(buildInfoOf(root), now, now);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (!buildServerIfStale()) console.log('server: up to date');
    if (!buildWebIfStale()) console.log('web UI: up to date');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
