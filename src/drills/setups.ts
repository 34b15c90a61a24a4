// The two ways the product runs, stood up for a drill: the embedded default (one `start` process on a
// data directory) and cluster mode (a PostgreSQL database, `migrate`, `seed-demo`, API replicas and a
// worker), each with keys of its own so a drill never touches real secrets.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort, runVerb, spawnApp, throwawayDatabase, type AppProcess } from './processes.js';
import type { DrillContext } from './types.js';

const drillSecrets = () => ({
  ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'),
  AUDIT_SIGNING_KEY: randomBytes(32).toString('hex'),
});

export interface EmbeddedSetup {
  url: string;
  dataDir: string;
  app: AppProcess;
  /** Starts `start` again on the same data directory and port (what a supervisor does after a crash). */
  restart(): Promise<AppProcess>;
  stop(): Promise<void>;
}

export async function startEmbedded(ctx: DrillContext, env: Record<string, string> = {}): Promise<EmbeddedSetup> {
  const dataDir = path.join(ctx.workDir, 'data');
  const port = String(await freePort());
  const launch = () => spawnApp({ root: ctx.root, verb: 'start', env: { DATA_DIR: dataDir, PORT: port, ...env }, label: 'start', log: ctx.log });
  const setup: EmbeddedSetup = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    app: await launch(),
    async restart() {
      setup.app = await launch();
      return setup.app;
    },
    stop: () => setup.app.stop(),
  };
  try {
    await setup.app.waitReady(180_000);
  } catch (err) {
    await setup.stop();
    throw err;
  }
  return setup;
}

export interface ClusterSetup {
  databaseUrl: string;
  env: Record<string, string>;
  apis: AppProcess[];
  worker: AppProcess | null;
  urls: string[];
  /** Starts API replica `i` again on its port, with settings for it alone when given (e.g. a small DATABASE_POOL_SIZE). */
  restartApi(i: number, apiEnv?: Record<string, string>): Promise<AppProcess>;
  restartWorker(): Promise<AppProcess>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  replicas?: number;
  worker?: boolean;
  /** An existing database (e.g. a failover formation's multi-host URL); default: a throwaway one on ctx.adminDatabaseUrl. */
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Node options for the API replicas (e.g. --cpu-prof). */
  apiNodeArgs?: string[];
}

export async function startCluster(ctx: DrillContext, options: ClusterOptions = {}): Promise<ClusterSetup> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await throwawayDatabase(ctx.adminDatabaseUrl);
  // DATA_DIR only places the default BACKUP_DIR in cluster mode: both inside the drill's directory.
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: path.join(ctx.workDir, 'data'),
    BACKUP_DIR: path.join(ctx.workDir, 'backups'),
    ...drillSecrets(),
    ...options.env,
  };
  const ports = await Promise.all(Array.from({ length: options.replicas ?? 1 }, () => freePort()));
  const api = (i: number, apiEnv: Record<string, string> = {}) =>
    spawnApp({
      root: ctx.root,
      verb: 'serve',
      env: { ...env, ...apiEnv, PORT: String(ports[i]) },
      label: `api-${i + 1}`,
      log: ctx.log,
      nodeArgs: options.apiNodeArgs,
    });
  const worker = () => spawnApp({ root: ctx.root, verb: 'worker', env, label: 'worker', log: ctx.log });
  const setup: ClusterSetup = {
    databaseUrl: database.url,
    env,
    apis: [],
    worker: null,
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    async restartApi(i, apiEnv) {
      setup.apis[i] = await api(i, apiEnv);
      await setup.apis[i].waitReady();
      return setup.apis[i];
    },
    async restartWorker() {
      setup.worker = await worker();
      await setup.worker.waitReady();
      return setup.worker;
    },
    async stop() {
      await Promise.all([...setup.apis, ...(setup.worker ? [setup.worker] : [])].map((p) => p.stop()));
      await database.drop();
    },
  };
  try {
    await runVerb({ root: ctx.root, verb: 'migrate', env, label: 'migrate', log: ctx.log });
    await runVerb({ root: ctx.root, verb: 'seed-demo', env, label: 'seed-demo', log: ctx.log });
    setup.apis = await Promise.all(ports.map((_, i) => api(i)));
    if (options.worker ?? true) setup.worker = await worker();
    await Promise.all([...setup.apis, ...(setup.worker ? [setup.worker] : [])].map((p) => p.waitReady()));
  } catch (err) {
    await setup.stop();
    throw err;
  }
  return setup;
}
