import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: each worker runs its own in-process PostgreSQL (PGlite) or server database.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The browser suite (test/e2e) needs the built web UI: built here when a source changed. Every
    // test database is a copy of one migrated once per run.
    globalSetup: ['test/e2e/global-setup.ts', 'test/helpers/database-templates.ts'],
    // CI lists every test, so its log shows the PostgreSQL-server runs by name.
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
