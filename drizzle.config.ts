import { defineConfig } from 'drizzle-kit';

// Generates reviewed SQL migrations from src/db/schema.ts; the app applies them with drizzle's migrator.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
