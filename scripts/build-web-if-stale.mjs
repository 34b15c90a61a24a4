#!/usr/bin/env node
// Builds the web UI (npm run build:web) only when web/dist/index.html is missing or older than a
// source file, so `npm start` and `npm test` build it once and later runs start at once.
// Usage: node scripts/build-web-if-stale.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const built = path.join(web, 'dist', 'index.html');

// What the build reads besides node_modules: the app, its page, its config, and the shared vocabulary.
const SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'src/domain', 'scripts/report-bundle-size.mjs'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function webBuildIsStale() {
  if (!existsSync(built)) return 'web/dist/index.html is missing';
  const builtAt = statSync(built).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(root, s)) > builtAt);
  return changed ? `${changed} changed since the last build` : null;
}

export function buildWebIfStale({ force = false } = {}) {
  const reason = force ? 'forced' : webBuildIsStale();
  if (!reason) return false;
  // An install without dev dependencies (npm ci --omit=dev) cannot build: serve what is there, or the
  // server's "run npm run build:web" page, rather than refuse to start.
  if (!existsSync(path.join(root, 'node_modules', 'vite', 'package.json'))) {
    console.warn(`web UI: ${reason}, but Vite is not installed (dev dependencies): not building it`);
    return false;
  }
  console.log(`web UI: building (${reason})`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (run.status !== 0) throw new Error(`web UI build failed (exit ${run.status ?? run.signal})`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (!buildWebIfStale({ force: process.argv.includes('--force') })) console.log('web UI: up to date');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
