// Vitest global setup: the migrated database every test starts from, made once per run by the real
// migrations instead of once per test. PGlite: an image of its data directory (a test's database
// loads it and skips initdb and the migrations, ~5 of its ~8 s start on this machine); PostgreSQL: a
// template database that `create database … template` copies. The migration tests still migrate.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { embeddedClient, openDatabase } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** File holding the migrated PGlite data directory. */
    pgliteImage: string;
    /** Migrated template database on TEST_DATABASE_URL's server, when there is one. */
    postgresTemplate: string | null;
  }
}

async function pgliteImage(file: string): Promise<void> {
  const handle = await openDatabase({ kind: 'embedded', dataDir: null });
  try {
    await handle.migrate();
    const image = await embeddedClient(handle.db)!.dumpDataDir('none');
    await writeFile(file, Buffer.from(await image.arrayBuffer()));
  } finally {
    await handle.close();
  }
}

async function postgresTemplate(adminUrl: string, name: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'server', url: url.toString(), poolSize: 1 });
    try {
      await handle.migrate();
    } finally {
      // A template must have no connections when it is copied.
      await handle.close();
    }
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  const suffix = randomBytes(6).toString('hex');
  const file = path.join(os.tmpdir(), `wsfr-pglite-image-${suffix}.tar`);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const template = adminUrl ? `wsfr_template_${suffix}` : null;
  await Promise.all([pgliteImage(file), adminUrl && template ? postgresTemplate(adminUrl, template) : undefined]);
  project.provide('pgliteImage', file);
  project.provide('postgresTemplate', template);
  return async () => {
    await rm(file, { force: true });
    if (adminUrl && template) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${template} with (force)`).finally(() => admin.end());
    }
  };
}
