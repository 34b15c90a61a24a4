// The web UI's build: `npm run build:web` (or `vite build --config web/vite.config.ts`) writes
// web/dist, which the API server serves (src/http/plugins/app/web-ui.ts). `npm run dev:web` runs
// Vite's dev server with /api proxied to a local `npm start` on port 3000.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'dist');

/**
 * Writes .br and .gz beside every text asset so the server sends them without compressing on
 * each request (@fastify/static's preCompressed): a light page for a venue with poor signal.
 */
function precompress(): Plugin {
  const gz = promisify(gzip);
  const br = promisify(brotliCompress);
  return {
    name: 'wedsync-precompress',
    apply: 'build',
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      await Promise.all(
        files
          .filter((f) => /\.(js|css|html|svg|json|txt)$/.test(f) && !f.startsWith('.vite'))
          .map(async (f) => {
            const full = path.join(outDir, f);
            const data = await readFile(full);
            if (data.length < 1024) return;
            await writeFile(`${full}.gz`, await gz(data, { level: 9 }));
            await writeFile(`${full}.br`, await br(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }));
          }),
      );
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // scripts/report-bundle-size.mjs reads it to find what the board loads first.
    manifest: true,
    target: 'es2022',
    assetsDir: 'assets',
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
