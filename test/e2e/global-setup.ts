// Vitest global setup: the browser suite needs the built web UI. Builds it only when a source file
// changed since the last build (a few milliseconds otherwise), once per run, before any worker starts.
import { fileURLToPath } from 'node:url';

export default async function setup() {
  const script = fileURLToPath(new URL('../../scripts/build-web-if-stale.mjs', import.meta.url));
  const { buildWebIfStale } = (await import(script)) as { buildWebIfStale: (o?: { force?: boolean }) => boolean };
  buildWebIfStale();
}
