#!/usr/bin/env node
// The one command-line entry: `node dist/main.js <verb>`. Verbs are what operators run; the
// embedded default (`npm start`) is `start`: migrate, load demo data on first run, serve.
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirUnusable, openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/client.js';
import { DataDirInUse, holderAlive, type DataDirHolder } from './db/data-dir-lock.js';
import { DEMO_ACCOUNTS, seedDemo } from './db/seed.js';
import { buildApp } from './http/app.js';
import { JOB_HANDLERS, SCHEDULES } from './jobs/index.js';
import { QUEUES } from './jobs/queue.js';
import { createWorker } from './jobs/worker.js';
import { ChannelUnreachable, forwardToServer, listenForOperators, operatorSocketPath, type OperatorChannel } from './operator/channel.js';
import {
  envFor,
  EXIT_USAGE,
  findCommand,
  OPERATOR_COMMANDS,
  runOperatorCommand,
  usageProblem,
  UsageError,
  type OperatorCommand,
  type OperatorResult,
} from './operator/commands.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { Keyring, requireMasterKeyWhereNeeded, resolveMasterKey } from './security/keyring.js';
import { sealPlaintextRows } from './security/rotation.js';
import { auditSigningKey } from './services/audit-signing-key.js';
import type { Services } from './services/context.js';
import { ServiceError } from './services/errors.js';

/** `  name usage   help`, the help in a column (or on the next lines when the name is long). */
function usageLine(name: string, help: string): string {
  const [first, ...rest] = help.split('\n').map((l) => `${' '.repeat(28)}${l}`);
  const head = `  ${name}`;
  const lines = head.length < 28 ? [`${head.padEnd(28)}${first!.trimStart()}`] : [head, first!];
  return [...lines, ...rest].join('\n');
}

const USAGE = [
  'Usage: node dist/main.js <verb>',
  '',
  usageLine('start', 'migrate, load demo data on first run (not in production), serve,\nand run the job worker in the same process'),
  usageLine('serve', 'serve the API and UI (cluster mode: migrations and workers separate)'),
  usageLine('worker', 'run background jobs only (cluster mode)'),
  ...OPERATOR_COMMANDS.map((c) => usageLine(`${c.name}${c.usage ? ` ${c.usage}` : ''}`, c.help)),
  '',
  'While `start` serves an embedded DATA_DIR, the other verbs run inside that server (through',
  'DATA_DIR/operator.sock); they never open its database a second time.',
  '',
  'Configuration comes from the environment: see README.md.',
].join('\n');

const EXIT_CONFIG = 78;
/** sysexits: EX_IOERR for a data directory that cannot be used, EX_TEMPFAIL for one in use. */
const EXIT_IO = 74;
const EXIT_IN_USE = 75;

/** `verb` is recorded in an embedded data directory's lock; a server names its operator socket there. */
function databaseTarget(config: Config, verb: string, { operatorSocket = false } = {}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'server', url: config.databaseUrl, poolSize: config.databasePoolSize }
    : { kind: 'embedded', dataDir: config.dataDir, verb, operatorSocket: operatorSocket ? operatorSocketPath(config.dataDir) : undefined };
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
  const database = await openDatabase(databaseTarget(config, 'worker'));
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
  const verb = migrateAndSeed ? 'start' : 'serve';
  const database = await openDatabase(databaseTarget(config, verb, { operatorSocket: true }), (text, ms) => metrics?.observeQuery(text, ms));
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
  // The one process holding an embedded data directory also runs the operator verbs for it.
  let operators: OperatorChannel | undefined;
  if (database.kind === 'embedded') {
    const socket = operatorSocketPath(config.dataDir);
    operators = await listenForOperators(socket, { services, database, serving: true }, log).catch((err: unknown) => {
      log.error({ err, socket }, 'operator verbs cannot reach this server: they will refuse while it runs');
      return undefined;
    });
  }
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    await operators?.close();
    await app.close();
    await worker?.stop();
    await database.close();
    log.flush();
  });
  await app.listen({ host: config.host, port: config.port });
  worker?.start();
}

async function main(argv: string[]): Promise<number> {
  const [verb] = argv;
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
    case 'start':
      await serve(config, { migrateAndSeed: true });
      return 0;
    case 'serve':
      await serve(config, { migrateAndSeed: false });
      return 0;
    case 'worker':
      await runWorker(config);
      return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(USAGE);
    return EXIT_USAGE;
  }
  return print(await runCommand(config, found.command, found.args));
}

function print(result: OperatorResult): number {
  if (result.output) console.log(result.output);
  if (result.error) console.error(result.error);
  return result.exitCode;
}

/**
 * An operator verb: on the database directly, or — when a live server holds the embedded data
 * directory — inside that server. Never on a second copy of a database another process has open.
 */
async function runCommand(config: Config, command: OperatorCommand, args: string[], attempt = 1): Promise<OperatorResult> {
  try {
    command.parse(args, process.env); // usage errors before anything is opened
  } catch (err) {
    if (err instanceof UsageError) return usageProblem(command, err);
    throw err;
  }
  const refused = command.refuse?.(config);
  if (refused) return { exitCode: 1, error: refused };
  let database: DatabaseHandle;
  try {
    database = await openDatabase(databaseTarget(config, command.name));
  } catch (err) {
    if (err instanceof DataDirInUse) return runInHolder(config, err, command, args, attempt);
    throw err;
  }
  try {
    const services = await openServices(config, database, createLogger(config.logLevel), { migrate: command.migrate ?? false });
    return await runOperatorCommand({ services, database, serving: false }, command, args, process.env);
  } finally {
    await database.close();
  }
}

/** A server that has just taken the directory may still be migrating before it listens. */
const CHANNEL_PATIENCE_MS = 15_000;

async function runInHolder(config: Config, inUse: DataDirInUse, command: OperatorCommand, args: string[], attempt: number): Promise<OperatorResult> {
  const holder: DataDirHolder = inUse.holder;
  const refused = (why: string): OperatorResult => ({ exitCode: EXIT_IN_USE, error: `${command.name} refused, nothing was changed: ${inUse.message}${why}` });
  if (!holder.operatorSocket) return refused(', which takes no operator verbs. Run it again when that has finished.');
  const deadline = Date.now() + CHANNEL_PATIENCE_MS;
  for (;;) {
    try {
      return await forwardToServer(holder.operatorSocket, [...command.name.split(' '), ...args], envFor(command, process.env));
    } catch (err) {
      if (!(err instanceof ChannelUnreachable)) throw err;
      const alive = await holderAlive(holder);
      // It stopped meanwhile (a server shutting down closes its socket first): the directory is free.
      if (!alive && attempt === 1) return runCommand(config, command, args, attempt + 1);
      if (Date.now() > deadline || !alive) {
        return refused(`, but its operator channel does not answer (${err.message}). A server still starting answers once it has migrated; if it is stuck, stop it and run this again.`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    // A refused operation (unknown supplier, taken email…) or an unusable data directory is a message, not a crash.
    const told = err instanceof ServiceError || err instanceof ConfigError || err instanceof DataDirUnusable || err instanceof DataDirInUse;
    console.error(told ? err.message : err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : err instanceof DataDirUnusable ? EXIT_IO : err instanceof DataDirInUse ? EXIT_IN_USE : 1);
  },
);
