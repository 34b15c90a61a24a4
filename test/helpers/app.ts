// A real application (Fastify + services + database) for a test, driven through app.inject:
// no network, but every plugin, schema and query is the production one.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino, type Logger } from 'pino';
import { afterAll } from 'vitest';
import { createUniversalSentenceEncoder, type EmbeddingModel } from '../../src/ai/embedding-model.js';
import { loadConfig, type Config } from '../../src/config.js';
import { seedDemo } from '../../src/demo/seed.js';
import { openSharedState } from '../../src/db/shared-state.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics, type Metrics } from '../../src/ops/metrics.js';
import type { Services } from '../../src/services/context.js';
import { openKeyring, serviceContext } from '../../src/services/service-context.js';
import { freshDatabase, type DatabaseMode, type TestDatabase } from './database.js';

export const DEMO_PASSWORD = 'wedding-demo';

export interface TestClock {
  now: () => Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start = new Date()): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** A caller: anonymous, a cookie session (with its CSRF token) or a Bearer token. */
export interface Caller {
  headers: Record<string, string>;
  csrfToken?: string;
}

export const anonymous: Caller = { headers: {} };

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  clock: TestClock;
  config: Config;
  request(caller: Caller, options: InjectOptions): Promise<LightMyRequestResponse>;
  login(email: string, password?: string): Promise<Caller>;
  bearer(caller: Caller, name?: string): Promise<Caller>;
  close(): Promise<void>;
}

// The encoder thread loads its model in ~0.8 s of CPU and holds ~120 MB (measured) until stopped: one
// per test file, not one per app, stopped when the file is done.
let encoder: EmbeddingModel | undefined;
const sharedEncoder = () => (encoder ??= createUniversalSentenceEncoder({ enabled: true }));
afterAll(async () => {
  await encoder?.close();
  encoder = undefined;
});

export async function createTestApp(
  mode: DatabaseMode,
  /** `database`: one the test opened itself (e.g. on a PostgreSQL it stops and starts), already migrated. */
  /** `logger`: where the app logs (default: nowhere, or TEST_LOG's level on stdout). */
  options: { env?: Record<string, string>; seed?: boolean; clock?: TestClock; database?: TestDatabase; logger?: Logger } = {},
): Promise<TestApp> {
  let metrics: Metrics | undefined;
  const database = options.database ?? (await freshDatabase(mode, (text, ms) => metrics?.observeQuery(text, ms)));
  // BACKUP_DIR: erasures append to its ledger; a test's own, never the working directory.
  const backupDir = mkdtempSync(path.join(tmpdir(), 'wsfr-backups-'));
  // MEMBER_KEY_DIR: the member KEK versions, likewise the test's own.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_PASSWORD,
    BACKUP_DIR: backupDir,
    MEMBER_KEY_DIR: mkdtempSync(path.join(tmpdir(), 'wsfr-member-kek-')),
    ...options.env,
  });
  const clock = options.clock ?? testClock();
  const keyring = await openKeyring(database.db, config.encryptionMasterKey ?? randomBytes(32), config.memberKeyDir);
  // With REDIS_URL in `env`, the replicas' shared state is that Redis, as in production.
  const shared = await openSharedState(config, pino({ level: 'silent' }));
  const services: Services = serviceContext({
    db: database.db,
    config,
    now: clock.now,
    keyring,
    shared,
    embeddingModel: config.aiEnabled ? sharedEncoder() : undefined,
  });
  metrics = createMetrics(services, () => database.isMigrated());
  if (options.seed !== false) await seedDemo(services);
  // TEST_LOG=error shows what the server logged (e.g. the cause of a 500) while debugging a test.
  const app = await buildApp({ services, database, metrics, logger: options.logger ?? (process.env.TEST_LOG ? { level: process.env.TEST_LOG } : false) });
  await app.ready();

  const request = (caller: Caller, opts: InjectOptions) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes((opts.method ?? 'GET').toUpperCase());
    const headers = {
      ...caller.headers,
      ...(unsafe && caller.csrfToken ? { 'x-csrf-token': caller.csrfToken } : {}),
      ...(opts.headers as Record<string, string> | undefined),
    };
    return app.inject({ ...opts, headers });
  };

  return {
    app,
    services,
    database,
    clock,
    config,
    request,
    async login(email, password = DEMO_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login ${email} → ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'wsfr_session');
      return { headers: { cookie: `wsfr_session=${cookie!.value}` }, csrfToken: res.json().csrfToken };
    },
    async bearer(caller, name = 'test token') {
      const res = await request(caller, { method: 'POST', url: '/api/auth/tokens', payload: { name } });
      if (res.statusCode !== 201) throw new Error(`token → ${res.statusCode} ${res.body}`);
      return { headers: { authorization: `Bearer ${res.json().token}` } };
    },
    async close() {
      await app.close();
      await database.close();
      await shared.close();
    },
  };
}

/** Waits for something that happens after the response (onResponse hooks), without fixed sleeps. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
