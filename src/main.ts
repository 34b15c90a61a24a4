#!/usr/bin/env node
// The one command-line entry: `node dist/main.js <verb>`. Verbs are what operators run; the
// embedded default (`npm start`) is `start`: migrate, load demo data on first run, serve.
import closeWithGrace from 'close-with-grace';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/client.js';
import { DEMO_ACCOUNTS, seedDemo } from './db/seed.js';
import { DRILL_USAGE, runDrill } from './drills/index.js';
import { laneName } from './domain/audit-chain.js';
import { USER_ROLES, type UserRole } from './domain/feature-requests.js';
import { buildApp } from './http/app.js';
import type { Logger } from 'pino';
import { JOB_HANDLERS, SCHEDULES } from './jobs/index.js';
import { deadJobs, QUEUES, replay } from './jobs/queue.js';
import { createWorker } from './jobs/worker.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { Keyring, requireMasterKeyWhereNeeded, resolveMasterKey } from './security/keyring.js';
import { rotateKeys, sealPlaintextRows } from './security/rotation.js';
import { createUser, verifySupplier } from './services/accounts.js';
import { verifyAuditChains } from './services/audit.js';
import { erasePersonalData, exportPersonalData, restrictProcessing, userIdByEmail } from './services/gdpr.js';
import { auditSigningKey } from './services/audit-signing-key.js';
import type { Services } from './services/context.js';
import { ServiceError } from './services/errors.js';

const USAGE = `Usage: node dist/main.js <verb>

  start                     migrate, load demo data on first run (not in production), serve,
                            and run the job worker in the same process
  serve                     serve the API and UI (cluster mode: migrations and workers separate)
  worker                    run background jobs only (cluster mode)
  jobs dead                 list dead-lettered jobs
  jobs replay JOB_ID        put a dead-lettered job back in line
  migrate                   apply pending database migrations (and encrypt rows stored before
                            field encryption)
  rotate-keys               new data key version now; re-encrypts every row in batches while
                            the service keeps running (the worker also does it every 90 days)
  gdpr export EMAIL         print everything held about a member as JSON (audited)
  gdpr erase EMAIL          erase a member's personal data; contributions stay as "Former member"
  gdpr restrict EMAIL on|off
                            restrict (or lift the restriction of) processing: AI and analytics halt
  audit verify              check every audit chain from its latest signed checkpoint; names any
                            modified, deleted or reordered event (exit code 1 when tampered)
  seed-demo                 load demo accounts and ~200 requests (refused in production)
  verify-supplier EMAIL     mark a wedding supplier's account as verified
  create-user EMAIL ROLE NAME TIME_ZONE
                            create an account of any role; password from NEW_USER_PASSWORD
  ${DRILL_USAGE}
                            DR drill on this machine (loopback only): starts the processes it
                            needs, applies a steady load, injects the fault, measures RTO, lost
                            and duplicated writes; reports in drill-reports/; exit 1 when it fails

Configuration comes from the environment: see README.md.`;

const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

function databaseTarget(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'server', url: config.databaseUrl, poolSize: config.databasePoolSize }
    : { kind: 'embedded', dataDir: config.dataDir };
}

/**
 * Services over an open database: the master key resolved (in embedded mode created on first start)
 * and the keyring opened. With `migrate`, migrations run first and rows from before field
 * encryption are sealed in place.
 */
async function openServices(config: Config, database: DatabaseHandle, log: Logger, { migrate }: { migrate: boolean }): Promise<Services> {
  if (migrate) await database.migrate();
  const keyring = await Keyring.open(database.db, await resolveMasterKey(config, database.db, log));
  const services: Services = { db: database.db, config, now: () => new Date(), keyring };
  if (migrate) {
    const sealed = await sealPlaintextRows(services);
    if (sealed.users + sealed.featureRequests + sealed.comments > 0) log.info(sealed, 'encrypted the rows stored before field encryption');
  }
  return services;
}

async function withDatabase<T>(config: Config, work: (database: DatabaseHandle, services: Services) => Promise<T>, options = { migrate: false }): Promise<T> {
  const database = await openDatabase(databaseTarget(config));
  try {
    return await work(database, await openServices(config, database, createLogger(config.logLevel), options));
  } finally {
    await database.close();
  }
}

function jobWorker(services: Services, log: Logger) {
  // Resolved now, so a generated key is announced once and a missing one is said at start.
  try {
    const signing = auditSigningKey(services.config);
    if (signing.generatedAt) log.warn({ file: signing.generatedAt }, 'no AUDIT_SIGNING_KEY configured: generated an audit checkpoint key (keep it with your backups)');
  } catch (err) {
    log.error({ err }, 'the audit retention purge cannot run until AUDIT_SIGNING_KEY is set');
  }
  return createWorker({ services, handlers: JOB_HANDLERS, schedules: SCHEDULES, queues: QUEUES, concurrency: services.config.workerConcurrency, log });
}

async function runWorker(config: Config) {
  const log = createLogger(config.logLevel);
  const database = await openDatabase(databaseTarget(config));
  const worker = jobWorker(await openServices(config, database, log, { migrate: false }), log);
  closeWithGrace({ delay: 30_000 }, async ({ err }) => {
    if (err) log.error({ err }, 'worker shutting down after an error');
    await worker.stop();
    await database.close();
    log.flush();
  });
  worker.start();
}

async function serve(config: Config, { migrateAndSeed }: { migrateAndSeed: boolean }) {
  const log = createLogger(config.logLevel);
  let metrics: Metrics | undefined;
  const database = await openDatabase(databaseTarget(config), (text, ms) => metrics?.observeQuery(text, ms));
  log.info({ database: database.kind, dataDir: database.kind === 'embedded' ? config.dataDir : undefined }, 'database opened');
  const services = await openServices(config, database, log, { migrate: migrateAndSeed });
  metrics = createMetrics(services, () => database.isMigrated());
  if (migrateAndSeed) {
    if (!config.production) {
      const seeded = await seedDemo(services);
      if (seeded.created) log.info({ requests: seeded.requests }, 'demo data loaded');
      const password = config.demoPassword === 'wedding-demo' ? 'wedding-demo' : 'the value of DEMO_PASSWORD';
      log.info(`demo sign-in: ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')} with password ${password}`);
    }
  }
  const app = await buildApp({ services, database, logger: log, metrics });
  // The embedded default is one process: it runs the jobs too.
  const worker = migrateAndSeed ? jobWorker(services, log) : undefined;
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    await app.close();
    await worker?.stop();
    await database.close();
    log.flush();
  });
  await app.listen({ host: config.host, port: config.port });
  worker?.start();
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (!verb || verb === 'help' || verb === '--help') {
    console.log(USAGE);
    return verb ? 0 : EXIT_USAGE;
  }
  let config: Config;
  try {
    config = loadConfig();
    requireMasterKeyWhereNeeded(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return EXIT_CONFIG;
    }
    throw err;
  }
  switch (verb) {
    case 'drill':
      return runDrill(args, { root: fileURLToPath(new URL('..', import.meta.url)), seasonRegion: config.seasonRegion });
    case 'start':
      await serve(config, { migrateAndSeed: true });
      return 0;
    case 'serve':
      await serve(config, { migrateAndSeed: false });
      return 0;
    case 'worker':
      await runWorker(config);
      return 0;
    case 'jobs': {
      if (args[0] === 'dead') {
        const dead = await withDatabase(config, (_d, services) => deadJobs(services.db));
        for (const job of dead) console.log(`${job.id}  ${job.queue}/${job.type}  attempts=${job.attempts}  died=${job.finishedAt?.toISOString()}  ${job.lastError ?? ''}`);
        console.log(`${dead.length} dead-lettered job(s)`);
        return 0;
      }
      if (args[0] === 'replay' && args[1]) {
        const replayed = await withDatabase(config, (_d, services) => replay(services.db, args[1]!, services.now()));
        console.log(replayed ? `job ${args[1]} queued again` : `no dead-lettered job ${args[1]}`);
        return replayed ? 0 : 1;
      }
      break;
    }
    case 'audit': {
      if (args[0] !== 'verify') break;
      const reports = await withDatabase(config, (_d, services) => verifyAuditChains(services.db, auditSigningKey(config).key));
      for (const r of reports) {
        console.log(`${laneName(r)}: ${r.problems.length === 0 ? 'OK' : 'TAMPERED'} (${r.events} events, sequence ${r.from}–${r.to})`);
        for (const problem of r.problems) console.log(`  ${problem}`);
      }
      return reports.some((r) => r.problems.length > 0) ? 1 : 0;
    }
    case 'gdpr': {
      const [action, email, flag] = args;
      if (!email || !['export', 'erase', 'restrict'].includes(action!) || (action === 'restrict' && flag !== 'on' && flag !== 'off')) break;
      const operator = { actor: null, via: 'cli' as const };
      const result = await withDatabase(config, async (_d, services) => {
        const userId = await userIdByEmail(services, email);
        if (action === 'export') return exportPersonalData(services, operator, userId);
        if (action === 'erase') return erasePersonalData(services, operator, userId);
        return restrictProcessing(services, operator, userId, flag === 'on');
      });
      console.log(JSON.stringify(result, null, 2));
      return 0;
    }
    case 'migrate':
      await withDatabase(config, async () => {}, { migrate: true });
      console.log('migrations applied');
      return 0;
    case 'rotate-keys': {
      const rotated = await withDatabase(config, (_d, services) => rotateKeys(services, 'cli'));
      const moved = rotated.reencrypted;
      console.log(`data key version ${rotated.from} → ${rotated.to}; re-encrypted ${moved.users} personal keys, ${moved.featureRequests} requests, ${moved.comments} comments`);
      return 0;
    }
    case 'seed-demo': {
      if (config.production) {
        console.error('seed-demo refused: demo accounts are never created when NODE_ENV=production');
        return 1;
      }
      const result = await withDatabase(config, (_d, services) => seedDemo(services), { migrate: true });
      console.log(result.created ? `demo data loaded: ${result.requests} requests` : 'demo data already present');
      return 0;
    }
    case 'verify-supplier': {
      if (!args[0]) break;
      const account = await withDatabase(config, (_d, services) => verifySupplier(services, args[0]!));
      console.log(`verified ${account.businessName ?? account.displayName}`);
      return 0;
    }
    case 'create-user': {
      const [email, role, name, timeZone] = args;
      const password = process.env.NEW_USER_PASSWORD;
      if (!email || !name || !timeZone || !USER_ROLES.includes(role as UserRole)) break;
      if (!password) {
        console.error('create-user: set NEW_USER_PASSWORD (kept out of shell history and process lists)');
        return EXIT_USAGE;
      }
      const user = await withDatabase(config, (_d, services) =>
        createUser(services, { email, password, displayName: name, role: role as UserRole, timeZone, verified: true }),
      );
      console.log(`created ${user.role} ${user.id}`);
      return 0;
    }
  }
  console.error(USAGE);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    // A refused operation (unknown supplier, taken email…) is a message, not a crash.
    console.error(err instanceof ServiceError || err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
  },
);
