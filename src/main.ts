#!/usr/bin/env node
// The one command-line entry: `node dist/main.js <verb>`. Verbs are what operators run; the
// embedded default (`npm start`) is `start`: migrate, load demo data on first run, serve.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirectoryError, openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/client.js';
import { DataDirInUse, holderAlive, type DataDirHolder } from './db/data-dir-lock.js';
import { DEMO_ACCOUNTS, demoSignInBanner, seedDemo } from './demo/seed.js';
import { openSharedState } from './db/shared-state.js';
import { DRILL_USAGE, runDrill } from './drills/index.js';
import { freePort } from './drills/processes.js';
import { buildApp } from './http/app.js';
import { JOB_HANDLERS, schedules } from './jobs/index.js';
import { RequestActivity, yieldToRequests } from './jobs/pacing.js';
import { configuredConcurrency, createWorker, type Worker, type WorkerOptions } from './jobs/worker.js';
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
import type { SecurityControls } from './security/benchmark-controls.js';
import { sweepMemberKeys } from './services/erasure-follow-up.js';
import { indexRequestTitles, sealPlaintextRows } from './services/key-rotation.js';
import { auditSigningKey } from './services/audit-signing-key.js';
import { erasuresSince, reapplyErasures, restoreEmbeddedBackup } from './services/backups/index.js';
import { checkRestoredData, listBaseBackups, restoreToTime } from './services/backups/physical.js';
import { asServerUser, postgresTool } from './services/backups/physical-cluster.js';
import type { Services } from './services/context.js';
import { ServiceError } from './services/errors.js';
import { openKeyring, requireMasterKeyWhereNeeded, resolveMasterKey, serviceContext } from './services/service-context.js';
import { configuredBackupKey, runWalVerb } from './wal-command.js';

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
  usageLine(
    'restore --to TIME --into DIR [--port PORT]',
    'restore into the new data directory DIR, never over a live one. Server\nmode: point-in-time recovery from the newest base backup before TIME\n(ISO 8601 with Z or an offset, or "latest") and the WAL archive.\nEmbedded: the newest backup set taken at or before TIME. Both then\nre-apply erasures recorded since',
  ),
  usageLine(
    'archive-wal PATH NAME',
    "PostgreSQL's archive_command: seal one WAL file into BACKUP_DIR/wal\n(the same as the lighter dist/wal-command.js archive-wal PATH NAME)",
  ),
  usageLine('restore-wal NAME PATH', "PostgreSQL's restore_command: open one archived WAL file"),
  usageLine(
    DRILL_USAGE.split('\n')[0]!,
    `DR drill on this machine (loopback only): starts the processes it\nneeds, applies a steady load, injects the fault, measures RTO, lost\nand duplicated writes; reports in drill-reports/; exit 1 when it fails\n${DRILL_USAGE.split('\n')[1]!.trim()}`,
  ),
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

/** Background work (worker, operator verbs) runs batches that may rightly take longer than a request. */
const BACKGROUND_STATEMENT_TIMEOUT_MS = 10 * 60_000;

/**
 * `verb` is recorded in an embedded data directory's lock; a server names its operator socket there.
 * `background`: the worker's and the operator verbs' statements may run for minutes.
 */
function databaseTarget(config: Config, verb: string, { operatorSocket = false, background = false } = {}): DatabaseTarget {
  return config.databaseUrl
    ? {
        kind: 'server',
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
        statementTimeoutMs: background ? BACKGROUND_STATEMENT_TIMEOUT_MS : config.databaseStatementTimeoutMs,
      }
    : { kind: 'embedded', dataDir: config.dataDir, verb, operatorSocket: operatorSocket ? operatorSocketPath(config.dataDir) : undefined };
}

/** Time for closing the port and the database after the grace period, before close-with-grace gives up (exit 1). */
const CLOSE_MARGIN_MS = 5000;

/**
 * Services over an open database: the master key resolved (in embedded mode created on first start)
 * and the keyring opened. With `migrate`, migrations run first and rows from before field
 * encryption are sealed in place.
 */
async function openServices(
  config: Config,
  database: DatabaseHandle,
  log: Logger,
  { migrate, benchmarkControls }: { migrate: boolean; benchmarkControls?: Readonly<SecurityControls> },
): Promise<Services> {
  if (migrate) await database.migrate();
  const sealing = benchmarkControls?.encryption !== false;
  const keyring = await openKeyring(database.db, await resolveMasterKey(config, database.db, log), config.memberKeyDir, { sealing });
  const shared = await openSharedState(config, log);
  const services = serviceContext({ db: database.db, config, now: () => new Date(), keyring, shared, benchmarkControls });
  if (migrate) {
    const sealed = await sealPlaintextRows(services);
    if (sealed.users + sealed.featureRequests + sealed.comments > 0) log.info(sealed, 'encrypted the rows stored before field encryption');
    const titles = await indexRequestTitles(services);
    if (titles > 0) log.info({ featureRequests: titles }, 'indexed the titles of requests stored before the title search index');
    const rewrapped = await sweepMemberKeys(services);
    if (rewrapped > 0) log.info({ users: rewrapped }, 'wrapped personal keys under the newest member key-encryption key');
  }
  return services;
}

function jobWorker(services: Services, log: Logger, inServer?: Pick<WorkerOptions, 'pacing' | 'scheduledWorkAfterMs'>) {
  // Resolved now, so a generated key is announced once and a missing one is said at start.
  try {
    const signing = auditSigningKey(services.config);
    if (signing.generatedAt)
      log.warn({ file: signing.generatedAt }, 'no AUDIT_SIGNING_KEY configured: generated an audit checkpoint key (keep it with your backups)');
  } catch (err) {
    log.error({ err }, 'audit checkpoints and the retention purge cannot run until AUDIT_SIGNING_KEY is set');
  }
  const { config } = services;
  return createWorker({
    services,
    handlers: JOB_HANDLERS,
    schedules: schedules(config),
    queues: config.workerQueues,
    concurrency: configuredConcurrency(services),
    leaseMs: config.jobLeaseMs,
    heartbeatMs: config.jobHeartbeatMs,
    // One grace period for the whole process: requests and jobs drain together.
    stopGraceMs: config.shutdownGraceSeconds * 1000,
    ...inServer,
    log,
  });
}

async function runWorker(config: Config) {
  const log = createLogger(config.logLevel);
  const database = await openDatabase(databaseTarget(config, 'worker', { background: true }));
  const services = await openServices(config, database, log, { migrate: false });
  const worker = jobWorker(services, log);
  const graceMs = config.shutdownGraceSeconds * 1000;
  closeWithGrace({ delay: graceMs + CLOSE_MARGIN_MS }, async ({ err }) => {
    if (err) log.error({ err }, 'worker shutting down after an error');
    const givenBack = await worker.stop();
    if (givenBack > 0)
      log.warn(
        { jobs: givenBack, graceSeconds: config.shutdownGraceSeconds },
        'jobs still running at the end of the grace period were given back to the queue',
      );
    await database.close();
    await services.shared.close();
    log.flush();
  });
  worker.start();
  // A worker process says at info that it runs (operators and the drills wait for this line); the
  // worker inside `start` says so at debug only, beside the server's own start-up line.
  log.info({ workerId: worker.id }, 'job worker started');
}

async function serve(config: Config, { migrateAndSeed, benchmarkControls }: { migrateAndSeed: boolean; benchmarkControls?: Readonly<SecurityControls> }) {
  const log = createLogger(config.logLevel);
  let metrics: Metrics | undefined;
  const verb = migrateAndSeed ? 'start' : 'serve';
  const database = await openDatabase(databaseTarget(config, verb, { operatorSocket: true }), (text, ms) => metrics?.observeQuery(text, ms));
  log.debug({ database: database.kind, dataDir: database.kind === 'embedded' ? config.dataDir : undefined }, 'database opened');
  const services = await openServices(config, database, log, { migrate: migrateAndSeed, benchmarkControls });
  // wedsync_ready follows /ready: migrated, and a write goes through (a full or read-only database is not ready).
  metrics = createMetrics(services, async () => (await database.isMigrated()) && (await database.probeWrite().then(() => true)));
  if (migrateAndSeed) {
    if (!config.production) {
      const seeded = await seedDemo(services);
      if (seeded.created) log.info({ requests: seeded.requests }, 'demo data loaded');
    }
  }
  // The embedded default is one process: it runs the jobs too, behind the requests it serves.
  const activity = migrateAndSeed ? new RequestActivity() : undefined;
  const app = await buildApp({ services, database, logger: log, metrics, onRequest: activity && (() => activity.record()) });
  let worker: Worker | undefined;
  if (activity) {
    // Behind the requests: paced, and its sweeps, purges and backups a minute after start.
    worker = jobWorker(services, log, { pacing: yieldToRequests(activity), scheduledWorkAfterMs: 60_000 });
  }
  // The one process holding an embedded data directory also runs the operator verbs for it.
  let operators: OperatorChannel | undefined;
  if (database.kind === 'embedded') {
    const socket = operatorSocketPath(config.dataDir);
    operators = await listenForOperators(socket, { services, database, serving: true }, log).catch((err: unknown) => {
      log.error({ err, socket }, 'operator verbs cannot reach this server: they will refuse while it runs');
      return undefined;
    });
  }
  // SIGTERM: readiness false and new requests 503 at once (src/http/shutdown.ts), while in-flight
  // requests and running jobs get the grace period to finish; then the port and database close.
  const graceMs = config.shutdownGraceSeconds * 1000;
  closeWithGrace({ delay: graceMs + CLOSE_MARGIN_MS }, async ({ err, signal }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: new requests get 503, in-flight requests and jobs finish');
    app.shutdown.begin();
    await operators?.close();
    const [requestsDone, givenBack] = await Promise.all([app.shutdown.drained(graceMs), worker ? worker.stop() : 0]);
    if (!requestsDone) {
      log.warn({ graceSeconds: config.shutdownGraceSeconds }, 'requests still in flight at the end of the grace period: closing their connections');
      app.server.closeAllConnections();
    }
    if (givenBack > 0)
      log.warn(
        { jobs: givenBack, graceSeconds: config.shutdownGraceSeconds },
        'jobs still running at the end of the grace period were given back to the queue',
      );
    await app.close();
    await database.close();
    await services.shared.close();
    log.info('shut down');
    log.flush();
  });
  await app.listen({ host: config.host, port: config.port });
  worker?.start();
  if (migrateAndSeed && !config.production) {
    const password = config.demoPassword === 'wedding-demo' ? 'wedding-demo' : 'the value of DEMO_PASSWORD';
    log.info({ url: config.publicUrl, accounts: DEMO_ACCOUNTS.map((a) => a.email) }, `demo sign-in at ${config.publicUrl} with password ${password}`);
    // On stderr, after the listening line, so it is the last thing a person sees; stdout stays JSON lines.
    process.stderr.write(`\n${demoSignInBanner(config.publicUrl, password)}\n\n`);
  }
}

/**
 * How to start wal-command.js beside this script (node and its loader, absolute paths), so
 * PostgreSQL's restore_command can run `restore-wal` from any working directory.
 */
function walCommandCli(): string[] {
  const args: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s);
    if ((flag === '--import' || flag === '--loader') && (inline ?? argv[i + 1])) {
      args.push(flag, import.meta.resolve(inline ?? argv[++i]!));
    } else {
      args.push(argv[i]!);
    }
  }
  const script = path.resolve(process.argv[1]!);
  return [process.execPath, ...args, path.join(path.dirname(script), `wal-command${path.extname(script)}`)];
}

/** Opens a database just long enough to re-apply the erasures recorded since `since` (the ledger in BACKUP_DIR). */
async function reapplyErasuresInto(config: Config, since: Date): Promise<void> {
  if ((await erasuresSince(config.backupDir, since)).length === 0) return;
  const database = await openDatabase(databaseTarget(config, 'restore', { background: true }));
  const erasures = await openServices(config, database, createLogger(config.logLevel), { migrate: false })
    .then((services) => reapplyErasures(services, since).finally(() => services.shared.close()))
    .finally(() => database.close());
  console.log(
    `re-applied ${erasures.reapplied.length} erasure(s) recorded since ${since.toISOString()} (${erasures.absent.length} of members not in the restored data)`,
  );
}

/** Embedded `restore`: the newest backup set at or before the moment, into a new DATA_DIR. */
async function restoreEmbedded(config: Config, targetTime: Date | 'latest', into: string, started: number): Promise<number> {
  const { set, dataDir } = await restoreEmbeddedBackup(config, targetTime, into);
  await reapplyErasuresInto({ ...config, dataDir }, new Date(set.manifest.startedAt));
  console.log(`restored backup set ${set.id} (taken ${set.manifest.startedAt}) into ${dataDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`writes after ${set.manifest.startedAt} are not in it: embedded mode keeps no WAL archive, only backup sets`);
  console.log(`start it:  DATA_DIR=${dataDir} BACKUP_DIR=${config.backupDir} node dist/main.js start`);
  return 0;
}

/** `restore --to TIME --into DIR [--port PORT]`: see restoreToTime (src/services/backups/physical.ts). */
async function restoreVerb(config: Config, args: string[]): Promise<number> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const to = option('--to');
  const into = option('--into');
  const port = option('--port');
  if (!to || !into || (port !== undefined && !/^\d{1,5}$/.test(port))) {
    console.error('Usage: node dist/main.js restore --to TIME --into DIR [--port PORT]');
    return EXIT_USAGE;
  }
  if (to !== 'latest' && (!/(Z|[+-]\d\d:?\d\d)$/.test(to) || Number.isNaN(Date.parse(to)))) {
    console.error(`restore: --to ${JSON.stringify(to)} is not an ISO 8601 time with Z or an offset (e.g. 2026-06-13T18:30:00Z), nor "latest"`);
    return EXIT_USAGE;
  }
  const started = Date.now();
  const targetTime = to === 'latest' ? 'latest' : new Date(to);
  // Base backups in BACKUP_DIR mean a server's point-in-time recovery (which needs no live database);
  // without them and without DATABASE_URL, the embedded backup sets.
  if (!config.databaseUrl && (await listBaseBackups(config.backupDir)).length === 0) return restoreEmbedded(config, targetTime, path.resolve(into), started);
  const restored = await restoreToTime({
    backupDir: config.backupDir,
    key: configuredBackupKey(config),
    targetTime,
    dataDir: path.resolve(into),
    port: port ? Number(port) : await freePort(),
    cli: walCommandCli(),
  });
  // The live URL's user and database name (a multi-host URL is no WHATWG URL: read it by hand).
  const live = /^postgres(?:ql)?:\/\/(?:([^:@/]*)(:[^@/]*)?@)?[^/?]*(?:\/([^?]*))?/.exec(config.databaseUrl ?? '');
  const databaseName = decodeURIComponent(live?.[3] || 'postgres');
  try {
    const url = restored.url.replace(/\/postgres$/, `/${encodeURIComponent(databaseName)}`);
    // Members erased after the restored moment are erased again (the ledger in BACKUP_DIR).
    // (Opened only when there are some: the services need the master key and a migrated database.)
    const since = restored.recoveredTo ?? new Date(restored.baseBackup.startedAt);
    await reapplyErasuresInto({ ...config, databaseUrl: url }, since);
    console.log(`recovered from the base backup of ${restored.baseBackup.finishedAt} (${restored.baseBackup.dir})`);
    console.log(`replayed up to ${restored.recoveredTo?.toISOString() ?? 'the end of the base backup'} (asked: ${to})`);
    for (const check of await checkRestoredData(url)) console.log(`  ${check.what}: ${check.rows}`);
  } finally {
    await restored.stop();
  }
  const [command, argv] = asServerUser(postgresTool('pg_ctl'), [
    '-D',
    restored.dataDir,
    '-l',
    `${restored.dataDir}.log`,
    '-o',
    `"-p ${restored.port}"`,
    'start',
  ]);
  console.log(
    `restored in ${((Date.now() - started) / 1000).toFixed(1)} s into ${restored.dataDir} (WAL archiving off there: it never writes into the archive it came from)`,
  );
  console.log(`start it:  ${command} ${argv.join(' ')}`);
  const user = live?.[1] || 'postgres';
  console.log(`then point DATABASE_URL at postgres://${user}${live?.[2] ? ':<password>' : ''}@127.0.0.1:${restored.port}/${encodeURIComponent(databaseName)}`);
  return 0;
}

/** `benchmarkControls`: only bench/security-server.ts passes them, for `start` (see benchmark-controls.ts). */
async function main(argv: string[], benchmarkControls?: Readonly<SecurityControls>): Promise<number> {
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
  // Verbs that never open this deployment's database: drills start their own, WAL and restore work on files.
  switch (verb) {
    case 'drill':
      return runDrill(args, { root: fileURLToPath(new URL('..', import.meta.url)), seasonRegion: config.seasonRegion });
    case 'restore':
      return restoreVerb(config, args);
    case 'archive-wal':
    case 'restore-wal':
      return runWalVerb(config, verb, args);
    case 'start':
      await serve(config, { migrateAndSeed: true, benchmarkControls });
      return 0;
    case 'serve':
      await serve(config, { migrateAndSeed: false });
      return 0;
    case 'worker':
      await runWorker(config);
      return 0;
    // The operator verbs (src/operator/commands.ts), on this deployment's database or inside the
    // server holding its embedded data directory. This switch is the one table of top-level verbs;
    // test/unit/operator/commands.test.ts keeps it and the registry alike.
    case 'migrate':
    case 'seed-demo':
    case 'backup':
    case 'verify-backup':
    case 'rotate-keys':
    case 'jobs':
    case 'gdpr':
    case 'audit':
    case 'cache':
    case 'verify-supplier':
    case 'create-user':
    case 'status':
    case 'export-requests':
    case 'import-requests': {
      const found = findCommand(argv);
      if (found) return print(await runCommand(config, found.command, found.args));
    }
  }
  console.error(USAGE);
  return EXIT_USAGE;
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
    database = await openDatabase(databaseTarget(config, command.name, { background: true }));
  } catch (err) {
    if (err instanceof DataDirInUse) return runInHolder(config, err, command, args, attempt);
    throw err;
  }
  let services: Services | undefined;
  try {
    services = await openServices(config, database, createLogger(config.logLevel), { migrate: command.migrate ?? false });
    return await runOperatorCommand({ services, database, serving: false }, command, args, process.env);
  } finally {
    await database.close();
    await services?.shared.close();
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
        return refused(
          `, but its operator channel does not answer (${err.message}). A server still starting answers once it has migrated; if it is stuck, stop it and run this again.`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs a verb as the process's whole life: its exit code, or an error told as a message. */
export function runMain(argv: string[], benchmarkControls?: Readonly<SecurityControls>): Promise<void> {
  return main(argv, benchmarkControls).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (err: unknown) => {
      // A refused operation (unknown supplier, taken email…) or an unusable data directory is a message, not a crash.
      const told = err instanceof ServiceError || err instanceof ConfigError || err instanceof DataDirectoryError || err instanceof DataDirInUse;
      console.error(told ? err.message : err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(err instanceof ConfigError ? EXIT_CONFIG : err instanceof DataDirectoryError ? EXIT_IO : err instanceof DataDirInUse ? EXIT_IN_USE : 1);
    },
  );
}

/** Whether this module is the process's entry point (`node dist/main.js`, with or without `.js`), not imported by bench/security-server.ts. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const withoutExtension = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
  const resolved = existsSync(entry) ? realpathSync(entry) : path.resolve(entry);
  return withoutExtension(resolved) === withoutExtension(realpathSync(fileURLToPath(import.meta.url)));
}

if (isEntryPoint()) void runMain(process.argv.slice(2));
