#!/usr/bin/env node
// The one command-line entry: `node dist/main.js <verb>`. Verbs are what operators run; the
// embedded default (`npm start`) is `start`: migrate, load demo data on first run, serve.
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirectoryError, openDatabase, type DatabaseHandle, type DatabaseTarget } from './db/client.js';
import { DEMO_ACCOUNTS, seedDemo } from './db/seed.js';
import { BACKUP_KINDS, type BackupKind } from './domain/backup-schedule.js';
import { DRILL_USAGE, runDrill } from './drills/index.js';
import { freePort } from './drills/processes.js';
import { laneName } from './domain/audit-chain.js';
import { USER_ROLES, type UserRole } from './domain/feature-requests.js';
import { buildApp } from './http/app.js';
import type { Logger } from 'pino';
import { JOB_HANDLERS, SCHEDULES } from './jobs/index.js';
import { deadJobs, QUEUES, replay } from './queue/queue.js';
import { createWorker } from './jobs/worker.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { Keyring, requireMasterKeyWhereNeeded, resolveMasterKey } from './security/keyring.js';
import { rotateKeys, sealPlaintextRows } from './security/rotation.js';
import { createUser, verifySupplier } from './services/accounts.js';
import { verifyAuditChains } from './services/audit.js';
import { checkRestoredData, restoreToTime } from './services/backups/physical.js';
import { asServerUser, postgresTool } from './services/backups/physical-cluster.js';
import { erasePersonalData, exportPersonalData, restrictProcessing, userIdByEmail } from './services/gdpr.js';
import { auditSigningKey } from './services/audit-signing-key.js';
import { BackupNotFoundError, erasuresSince, reapplyErasures, takeBackup, verifyBackup, type VerifyReport } from './services/backups/index.js';
import type { Services } from './services/context.js';
import { ServiceError } from './services/errors.js';
import { configuredBackupKey, runWalVerb } from './wal-command.js';

const USAGE = `Usage: node dist/main.js <verb>

  start                     migrate, load demo data on first run (not in production), serve,
                            and run the job worker in the same process
  serve                     serve the API and UI (cluster mode: migrations and workers separate)
  worker                    run background jobs only (cluster mode)
  jobs dead                 list dead-lettered jobs
  jobs replay JOB_ID        put a dead-lettered job back in line
  migrate                   apply pending database migrations (and encrypt rows stored before
                            field encryption)
  backup [KIND]             take a backup set now into BACKUP_DIR, sealed, with its manifest
                            (KIND: full, incremental or pre_saturday_snapshot; default full)
  verify-backup [ID]        restore the newest (or the given) backup set into a scratch
                            database and compare every table's rows and checksum with its
                            manifest (exit code 1 on any mismatch)
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
  restore --to TIME --into DIR [--port PORT]
                            point-in-time recovery (server mode) of the newest base backup in
                            BACKUP_DIR before TIME (ISO 8601 with Z or an offset, or "latest")
                            into the new data directory DIR; never touches the live cluster
  archive-wal PATH NAME     PostgreSQL's archive_command: seal one WAL file into BACKUP_DIR/wal
                            (the same as the lighter dist/wal-command.js archive-wal PATH NAME)
  restore-wal NAME PATH     PostgreSQL's restore_command: open one archived WAL file
  ${DRILL_USAGE}
                            DR drill on this machine (loopback only): starts the processes it
                            needs, applies a steady load, injects the fault, measures RTO, lost
                            and duplicated writes; reports in drill-reports/; exit 1 when it fails

Configuration comes from the environment: see README.md.`;

function printVerifyReport(report: VerifyReport) {
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  console.log(`${'table'.padEnd(width)}  ${'manifest rows'.padStart(13)}  ${'restored rows'.padStart(13)}  result`);
  for (const t of report.tables) {
    console.log(`${t.table.padEnd(width)}  ${String(t.expectedRows).padStart(13)}  ${String(t.restoredRows ?? '-').padStart(13)}  ${t.ok ? 'ok' : 'MISMATCH'}`);
  }
  for (const problem of report.problems) console.log(`  ${problem}`);
  console.log(`backup ${report.id}: ${report.ok ? 'VERIFIED' : 'FAILED'}`);
}

const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

/** Background work (worker, operator verbs) runs batches that may rightly take longer than a request. */
const BACKGROUND_STATEMENT_TIMEOUT_MS = 10 * 60_000;

function databaseTarget(config: Config, { background = false } = {}): DatabaseTarget {
  return config.databaseUrl
    ? {
        kind: 'server',
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        connectTimeoutSeconds: config.databaseConnectTimeoutSeconds,
        statementTimeoutMs: background ? BACKGROUND_STATEMENT_TIMEOUT_MS : config.databaseStatementTimeoutMs,
      }
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
  const database = await openDatabase(databaseTarget(config, { background: true }));
  try {
    return await work(database, await openServices(config, database, createLogger(config.logLevel), options));
  } finally {
    await database.close();
  }
}

/** Time for closing the port and the database after the grace period, before close-with-grace gives up (exit 1). */
const CLOSE_MARGIN_MS = 5000;

function jobWorker(services: Services, log: Logger) {
  // Resolved now, so a generated key is announced once and a missing one is said at start.
  try {
    const signing = auditSigningKey(services.config);
    if (signing.generatedAt) log.warn({ file: signing.generatedAt }, 'no AUDIT_SIGNING_KEY configured: generated an audit checkpoint key (keep it with your backups)');
  } catch (err) {
    log.error({ err }, 'the audit retention purge cannot run until AUDIT_SIGNING_KEY is set');
  }
  const { config } = services;
  return createWorker({
    services,
    handlers: JOB_HANDLERS,
    schedules: SCHEDULES,
    queues: QUEUES,
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    heartbeatMs: config.jobHeartbeatMs,
    // One grace period for the whole process: requests and jobs drain together.
    stopGraceMs: config.shutdownGraceSeconds * 1000,
    log,
  });
}

async function runWorker(config: Config) {
  const log = createLogger(config.logLevel);
  const database = await openDatabase(databaseTarget(config, { background: true }));
  const worker = jobWorker(await openServices(config, database, log, { migrate: false }), log);
  const graceMs = config.shutdownGraceSeconds * 1000;
  closeWithGrace({ delay: graceMs + CLOSE_MARGIN_MS }, async ({ err }) => {
    if (err) log.error({ err }, 'worker shutting down after an error');
    const givenBack = await worker.stop();
    if (givenBack > 0) log.warn({ jobs: givenBack, graceSeconds: config.shutdownGraceSeconds }, 'jobs still running at the end of the grace period were given back to the queue');
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
  // wedsync_ready follows /ready: migrated, and a write goes through (a full or read-only database is not ready).
  metrics = createMetrics(services, async () => (await database.isMigrated()) && (await database.probeWrite().then(() => true)));
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
  // SIGTERM: readiness false and new requests 503 at once (src/http/shutdown.ts), while in-flight
  // requests and running jobs get the grace period to finish; then the port and database close.
  const graceMs = config.shutdownGraceSeconds * 1000;
  closeWithGrace({ delay: graceMs + CLOSE_MARGIN_MS }, async ({ err, signal }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: new requests get 503, in-flight requests and jobs finish');
    app.shutdown.begin();
    const [requestsDone, givenBack] = await Promise.all([app.shutdown.drained(graceMs), worker ? worker.stop() : 0]);
    if (!requestsDone) {
      log.warn({ graceSeconds: config.shutdownGraceSeconds }, 'requests still in flight at the end of the grace period: closing their connections');
      app.server.closeAllConnections();
    }
    if (givenBack > 0) log.warn({ jobs: givenBack, graceSeconds: config.shutdownGraceSeconds }, 'jobs still running at the end of the grace period were given back to the queue');
    await app.close();
    await database.close();
    log.info('shut down');
    log.flush();
  });
  await app.listen({ host: config.host, port: config.port });
  worker?.start();
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

/** `restore --to TIME --into DIR [--port PORT]`: see restoreToTime (src/services/backups/physical.ts). */
async function restoreVerb(config: Config, args: string[]): Promise<number> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const to = option('--to');
  const into = option('--into');
  const port = option('--port');
  if (!to || !into || (port !== undefined && !/^\d{1,5}$/.test(port))) return EXIT_USAGE;
  if (to !== 'latest' && (!/(Z|[+-]\d\d:?\d\d)$/.test(to) || Number.isNaN(Date.parse(to)))) {
    console.error(`restore: --to ${JSON.stringify(to)} is not an ISO 8601 time with Z or an offset (e.g. 2026-06-13T18:30:00Z), nor "latest"`);
    return EXIT_USAGE;
  }
  const started = Date.now();
  const restored = await restoreToTime({
    backupDir: config.backupDir,
    key: configuredBackupKey(config),
    targetTime: to === 'latest' ? 'latest' : new Date(to),
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
    if ((await erasuresSince(config.backupDir, since)).length > 0) {
      const erasures = await withDatabase({ ...config, databaseUrl: url }, (_d, services) => reapplyErasures(services, since));
      console.log(`re-applied ${erasures.reapplied.length} erasure(s) recorded since ${since.toISOString()} (${erasures.absent.length} of members not in the restored data)`);
    }
    console.log(`recovered from the base backup of ${restored.baseBackup.finishedAt} (${restored.baseBackup.dir})`);
    console.log(`replayed up to ${restored.recoveredTo?.toISOString() ?? 'the end of the base backup'} (asked: ${to})`);
    for (const check of await checkRestoredData(url)) console.log(`  ${check.what}: ${check.rows}`);
  } finally {
    await restored.stop();
  }
  const [command, argv] = asServerUser(postgresTool('pg_ctl'), ['-D', restored.dataDir, '-l', `${restored.dataDir}.log`, '-o', `"-p ${restored.port}"`, 'start']);
  console.log(`restored in ${((Date.now() - started) / 1000).toFixed(1)} s into ${restored.dataDir} (WAL archiving off there: it never writes into the archive it came from)`);
  console.log(`start it:  ${command} ${argv.join(' ')}`);
  const user = live?.[1] || 'postgres';
  console.log(`then point DATABASE_URL at postgres://${user}${live?.[2] ? ':<password>' : ''}@127.0.0.1:${restored.port}/${encodeURIComponent(databaseName)}`);
  return 0;
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
    case 'backup': {
      const kind = (args[0] ?? 'full') as BackupKind;
      if (!BACKUP_KINDS.includes(kind)) break;
      const set = await withDatabase(config, (_d, services) => takeBackup(services, kind));
      const rowCount = set.manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      const bytes = set.manifest.files.reduce((sum, f) => sum + f.bytes, 0);
      console.log(`backup ${set.id}: ${set.manifest.mode} ${kind}, ${set.manifest.tables.length} tables, ${rowCount} rows, ${bytes} bytes sealed in ${set.dir}`);
      return 0;
    }
    case 'verify-backup': {
      try {
        const report = await withDatabase(config, (_d, services) => verifyBackup(services, args[0]));
        printVerifyReport(report);
        return report.ok ? 0 : 1;
      } catch (err) {
        if (!(err instanceof BackupNotFoundError)) throw err;
        console.error(err.message);
        return 1;
      }
    }
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
    case 'restore': {
      const code = await restoreVerb(config, args);
      if (code !== EXIT_USAGE) return code;
      break;
    }
    case 'archive-wal':
    case 'restore-wal':
      return runWalVerb(config, verb, args);
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
    // A refused operation (unknown supplier, taken email…) or an unusable DATA_DIR is a message, not a crash.
    const said = err instanceof ServiceError || err instanceof ConfigError || err instanceof DataDirectoryError;
    console.error(said ? err.message : err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
  },
);
