// The operator commands (`node dist/main.js <verb>` that read or write the database), as one
// registry. A command parses its arguments without the database, then runs on services: in a
// process of its own, or — when an embedded server holds the data directory — inside that server,
// reached through its operator socket (./channel.ts). Both ways print the same and exit the same.
// Adding a verb is adding one entry to OPERATOR_COMMANDS.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/client.js';
import { seedDemo } from '../demo/seed.js';
import { laneName } from '../domain/audit-chain.js';
import { BACKUP_KINDS, type BackupKind } from '../domain/backup-schedule.js';
import { CACHE_TAGS, CATALOGUE_TAGS, type CacheTag } from '../domain/response-cache.js';
import { SELF_SERVICE_ROLES, STATUSES, USER_ROLES, type Status, type UserRole } from '../domain/feature-requests.js';
import {
  BUILT_IN_MAPPING_NAMES,
  EXPORT_FORMATS,
  IMPORT_CSV_MAX_CHARS,
  IMPORT_FIELDS,
  type BuiltInMapping,
  type ColumnMapping,
  type ExportFormat,
  type RowProblem,
} from '../domain/request-transfer.js';
import { isStatusTemplate, STATUS_TEMPLATE_NAMES, type StatusTemplate } from '../domain/status-announcements.js';
import { deadJobs, replay } from '../queue/queue.js';
import { rotateKeys } from '../services/key-rotation.js';
import { createUser, verifySupplier } from '../services/accounts.js';
import { checkpointAuditChains, laneArgument, parseLaneArgument, verifyAuditChains, type AuditKeys } from '../services/audit.js';
import { auditSigningKey } from '../services/audit-signing-key.js';
import { BackupNotFoundError, takeBackup, verifyBackup, type VerifyReport } from '../services/backups/index.js';
import type { Services } from '../services/context.js';
import { ServiceError } from '../services/errors.js';
import { purgeResponseCache, purgeResponseCacheNow } from '../services/response-cache.js';
import { erasePersonalData, exportPersonalData, restrictProcessing, userIdByEmail } from '../services/gdpr.js';
import { exportRequests, importRequests, type ImportReport } from '../services/request-transfer.js';
import { openStatusIncident, resolveStatusIncident } from '../services/status-incidents.js';

export interface OperatorContext {
  services: Services;
  database: DatabaseHandle;
  /** True inside the serving process (a forwarded command), false in a process of its own. */
  serving: boolean;
}

/** What the command line prints: `output` on stdout, `error` on stderr, then exits with `exitCode`. */
export interface OperatorResult {
  exitCode: number;
  output?: string;
  error?: string;
}

export type OperatorEnv = Readonly<Record<string, string | undefined>>;

/** Wrong arguments: the command line prints the command's usage and exits 64. */
export class UsageError extends Error {}

export interface OperatorCommand<Input = unknown> {
  /** One or more words: `verify-supplier`, `jobs replay`, `status incident open`. */
  name: string;
  /** The arguments after the name, for the usage text. */
  usage: string;
  /** One or two lines for the usage text. */
  help: string;
  /** Environment variables `parse` reads; sent along when the command is forwarded (secrets stay off the argv). */
  env?: readonly string[];
  /** Run directly, apply pending migrations first. */
  migrate?: boolean;
  /** Why this configuration may never run it, checked before the database is opened (and again by a server). */
  refuse?(config: Config): string | null;
  /** Pure: the arguments (after the name) into the command's input, or a UsageError. */
  parse(args: readonly string[], env: OperatorEnv): Input;
  run(context: OperatorContext, input: Input): Promise<OperatorResult>;
}

const ok = (output: string): OperatorResult => ({ exitCode: 0, output });

function noArguments(args: readonly string[]) {
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
}

function positional(args: readonly string[], names: readonly string[]): string[] {
  if (args.length < names.length) throw new UsageError(`missing ${names.slice(args.length).join(' ')}`);
  if (args.length > names.length) throw new UsageError(`unexpected argument "${args[names.length]}"`);
  return [...args];
}

/** `--name value` options with node's own parser; anything else is a usage error. */
function options<const K extends string>(args: readonly string[], names: readonly K[]): Partial<Record<K, string>> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Partial<Record<K, string>>;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

const cliOperator = { actor: null, via: 'cli' as const };

const auditKeys = (services: Services): AuditKeys => ({ chainKey: services.keyring.auditChainKey, signingKey: auditSigningKey(services.config).key });

function verifyReportText(report: VerifyReport): string {
  const width = Math.max(5, ...report.tables.map((t) => t.table.length));
  return [
    `${'table'.padEnd(width)}  ${'manifest rows'.padStart(13)}  ${'restored rows'.padStart(13)}  result`,
    ...report.tables.map(
      (t) => `${t.table.padEnd(width)}  ${String(t.expectedRows).padStart(13)}  ${String(t.restoredRows ?? '-').padStart(13)}  ${t.ok ? 'ok' : 'MISMATCH'}`,
    ),
    ...report.problems.map((problem) => `  ${problem}`),
    `backup ${report.id}: ${report.ok ? 'VERIFIED' : 'FAILED'}`,
  ].join('\n');
}

function gdprCommand<A extends 'export' | 'erase'>(action: A, help: string): OperatorCommand<{ email: string }> {
  return {
    name: `gdpr ${action}`,
    usage: 'EMAIL',
    help,
    parse: (args) => {
      const [email] = positional(args, ['EMAIL']);
      return { email: email! };
    },
    async run({ services }, { email }) {
      const userId = await userIdByEmail(services, email);
      const result = action === 'export' ? await exportPersonalData(services, cliOperator, userId) : await erasePersonalData(services, cliOperator, userId);
      return ok(JSON.stringify(result, null, 2));
    },
  };
}

/** `--mapping fider` or a JSON object naming the CSV column of each field. */
function parseMapping(value: string): BuiltInMapping | ColumnMapping {
  if (BUILT_IN_MAPPING_NAMES.includes(value as BuiltInMapping)) return value as BuiltInMapping;
  let mapping: unknown;
  try {
    mapping = JSON.parse(value);
  } catch {
    throw new UsageError(`--mapping is ${BUILT_IN_MAPPING_NAMES.join(' or ')}, or a JSON object of columns`);
  }
  const entries = mapping && typeof mapping === 'object' && !Array.isArray(mapping) ? Object.entries(mapping) : [];
  const unknown = entries.find(([field, column]) => !IMPORT_FIELDS.includes(field as never) || typeof column !== 'string' || column === '');
  if (entries.length === 0 || unknown) throw new UsageError(`--mapping JSON maps fields (${IMPORT_FIELDS.join(', ')}) to column names`);
  const columns = Object.fromEntries(entries) as Partial<ColumnMapping>;
  if (!columns.externalId || !columns.title) throw new UsageError('--mapping JSON needs at least externalId and title');
  return columns as ColumnMapping;
}

const problemLines = (verb: string, problems: RowProblem[]) =>
  problems.map((p) => `${verb} row ${p.row}${p.externalId ? ` (${p.externalId})` : ''}: ${p.reason}: ${p.message}`);

function importReportText(report: ImportReport): string {
  const would = report.dryRun ? 'dry run, nothing written: would create' : 'created';
  return [
    ...report.created.map(
      (c) => `${report.dryRun ? 'would create' : 'created'} rows ${c.rows.join(',')} (${c.externalId}): ${c.title}${c.requestId ? ` → ${c.requestId}` : ''}`,
    ),
    ...report.alreadyImported.map((c) => `already imported rows ${c.rows.join(',')} (${c.externalId}) → ${c.requestId}`),
    ...problemLines('skipped', report.skipped),
    ...problemLines('refused', report.refused),
    `${would} ${report.created.length} request(s), ${report.votes.created} vote(s), ${report.votes.placeholderMembers} placeholder member(s); ` +
      `${report.alreadyImported.length} already imported, ${report.skipped.length} row(s) skipped, ${report.refused.length} refused (${report.rows} rows, source ${report.source})`,
  ].join('\n');
}

/** Typed entry, stored untyped: each command's input only meets its own parse and run. */
const command = <Input>(c: OperatorCommand<Input>) => c as OperatorCommand;

export const OPERATOR_COMMANDS: readonly OperatorCommand[] = [
  command({
    name: 'jobs dead',
    usage: '',
    help: 'list dead-lettered jobs',
    parse: noArguments,
    async run({ services }) {
      const dead = await deadJobs(services.db);
      const lines = dead.map(
        (job) => `${job.id}  ${job.queue}/${job.type}  attempts=${job.attempts}  died=${job.finishedAt?.toISOString()}  ${job.lastError ?? ''}`,
      );
      return ok([...lines, `${dead.length} dead-lettered job(s)`].join('\n'));
    },
  }),
  command({
    name: 'jobs replay',
    usage: 'JOB_ID',
    help: 'put a dead-lettered job back in line',
    parse: (args) => positional(args, ['JOB_ID'])[0]!,
    async run({ services }, jobId) {
      const replayed = await replay(services.db, jobId, services.now());
      return { exitCode: replayed ? 0 : 1, output: replayed ? `job ${jobId} queued again` : `no dead-lettered job ${jobId}` };
    },
  }),
  command({
    name: 'migrate',
    usage: '',
    help: 'apply pending database migrations (and encrypt rows stored before\nfield encryption); while an embedded server runs, says whether it did',
    migrate: true,
    parse: noArguments,
    async run({ database, serving }) {
      if (!serving) return ok('migrations applied');
      // The server migrated at start; migrating under a serving process would change its schema beneath it.
      if (await database.isMigrated()) return ok('migrations applied (by the running server at start)');
      return {
        exitCode: 1,
        error: "migrate refused: the running server has not applied this build's migrations; restart it with `start`, which migrates first",
      };
    },
  }),
  command({
    name: 'backup',
    usage: `[${BACKUP_KINDS.join('|')}]`,
    help: 'take a backup set now into BACKUP_DIR, sealed, with its manifest\n(default full; the worker takes them on schedule too)',
    parse: (args) => {
      if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
      const kind = (args[0] ?? 'full') as BackupKind;
      if (!BACKUP_KINDS.includes(kind)) throw new UsageError(`KIND must be one of ${BACKUP_KINDS.join(', ')}`);
      return kind;
    },
    async run({ services }, kind) {
      const set = await takeBackup(services, kind);
      const rowCount = set.manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      const bytes = set.manifest.files.reduce((sum, f) => sum + f.bytes, 0);
      return ok(`backup ${set.id}: ${set.manifest.mode} ${kind}, ${set.manifest.tables.length} tables, ${rowCount} rows, ${bytes} bytes sealed in ${set.dir}`);
    },
  }),
  command({
    name: 'verify-backup',
    usage: '[ID]',
    help: "restore the newest (or the given) backup set into a scratch database\nand compare every table's rows and checksum with its manifest (exit 1 on a mismatch)",
    parse: (args) => {
      if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
      return args[0];
    },
    async run({ services }, id) {
      try {
        const report = await verifyBackup(services, id);
        return { exitCode: report.ok ? 0 : 1, output: verifyReportText(report) };
      } catch (err) {
        if (err instanceof BackupNotFoundError) return { exitCode: 1, error: err.message };
        throw err;
      }
    },
  }),
  command({
    name: 'rotate-keys',
    usage: '',
    help: 'new data key version now; re-encrypts every row in batches while\nthe service keeps running (the worker also does it every 90 days)',
    parse: noArguments,
    async run({ services }) {
      const rotated = await rotateKeys(services, 'cli');
      const moved = rotated.reencrypted;
      return ok(
        `data key version ${rotated.from} → ${rotated.to}; re-encrypted ${moved.users} personal keys, ${moved.featureRequests} requests, ${moved.comments} comments`,
      );
    },
  }),
  gdprCommand('export', 'print everything held about a member as JSON (audited)'),
  gdprCommand('erase', 'erase a member\'s personal data; contributions stay as "Former member"'),
  command({
    name: 'gdpr restrict',
    usage: 'EMAIL on|off',
    help: 'restrict (or lift the restriction of) processing: AI and analytics halt',
    parse: (args) => {
      const [email, flag] = positional(args, ['EMAIL', 'on|off']);
      if (flag !== 'on' && flag !== 'off') throw new UsageError(`"${flag}" is neither on nor off`);
      return { email: email!, restricted: flag === 'on' };
    },
    async run({ services }, { email, restricted }) {
      const userId = await userIdByEmail(services, email);
      return ok(JSON.stringify(await restrictProcessing(services, cliOperator, userId, restricted), null, 2));
    },
  }),
  command({
    name: 'audit verify',
    usage: '[--expect LANE=SEQUENCE]...',
    help: 'check every audit chain from its latest signed checkpoint; names any\nmodified, deleted or reordered event, and any lane whose head is below an\n--expect (e.g. 7_years=120, 1_year:3=42; exit code 1 when tampered)',
    parse: (args) => {
      let values: { expect?: string[] };
      try {
        ({ values } = parseArgs({ args: [...args], options: { expect: { type: 'string', multiple: true } }, strict: true, allowPositionals: false }));
      } catch (err) {
        throw new UsageError((err as Error).message.split('\n')[0]);
      }
      const expect: [string, number][] = (values.expect ?? []).map((given) => {
        const [lane, sequence, extra] = given.split('=');
        const where = parseLaneArgument(lane ?? '');
        if (!where || extra !== undefined || !/^\d+$/.test(sequence ?? ''))
          throw new UsageError(`--expect ${given}: not LANE=SEQUENCE (e.g. 7_years=120 or 1_year:3=42)`);
        return [laneArgument(where), Number(sequence)];
      });
      return { expect };
    },
    async run({ services }, { expect }) {
      const reports = await verifyAuditChains(services.db, auditKeys(services), new Map(expect));
      const lines = reports.flatMap((r) => [
        `${laneName(r)}: ${r.problems.length === 0 ? 'OK' : 'TAMPERED'} (${r.events} events, sequence ${r.from}–${r.to})`,
        ...r.problems.map((problem) => `  ${problem}`),
      ]);
      return { exitCode: reports.some((r) => r.problems.length > 0) ? 1 : 0, output: lines.join('\n') };
    },
  }),
  command({
    name: 'audit checkpoint',
    usage: '',
    help: "sign a checkpoint at every audit lane's head now; prints the heads as\n--expect arguments to keep outside the database for `audit verify`",
    parse: noArguments,
    async run({ services }) {
      const results = await checkpointAuditChains(services.db, auditSigningKey(services.config).key, services.now());
      const signed = results.filter((r) => r.signed).length;
      return ok(
        [
          `signed ${signed} checkpoint${signed === 1 ? '' : 's'} (${results.length - signed} lane${results.length - signed === 1 ? '' : 's'} already signed at their head)`,
          `heads: ${results.map((r) => `--expect ${laneArgument(r)}=${r.sequence}`).join(' ')}`,
        ].join('\n'),
      );
    },
  }),
  command({
    name: 'seed-demo',
    usage: '',
    help: 'load demo accounts and ~200 requests (refused in production)',
    migrate: true,
    refuse: (config) => (config.production ? 'seed-demo refused: demo accounts are never created when NODE_ENV=production' : null),
    parse: noArguments,
    async run({ services }) {
      const result = await seedDemo(services);
      // The running replicas' caches (and the CDN) drop what they showed before the demo data.
      if (result.created) purgeResponseCache(services, CATALOGUE_TAGS);
      return ok(result.created ? `demo data loaded: ${result.requests} requests` : 'demo data already present');
    },
  }),
  command({
    name: 'cache purge',
    usage: '[TAG…]',
    help: `drop cached responses under the tags (${CACHE_TAGS.join(', ')}; default: all) on every replica, and at the CDN when CDN_PURGE_URL is set`,
    parse: (args) => {
      const unknown = args.filter((tag) => !(CACHE_TAGS as readonly string[]).includes(tag));
      if (unknown.length > 0) throw new UsageError(`unknown tag ${unknown.join(', ')}: use ${CACHE_TAGS.join(', ')}`);
      return (args.length > 0 ? [...new Set(args)] : [...CACHE_TAGS]) as CacheTag[];
    },
    async run({ services }, tags) {
      await purgeResponseCacheNow(services, tags);
      return ok(`purged ${tags.join(', ')}`);
    },
  }),
  command({
    name: 'verify-supplier',
    usage: 'EMAIL',
    help: "mark a wedding supplier's account as verified",
    parse: (args) => positional(args, ['EMAIL'])[0]!,
    async run({ services }, email) {
      const account = await verifySupplier(services, email);
      return ok(`verified ${account.businessName ?? account.displayName}`);
    },
  }),
  command({
    name: 'create-user',
    usage: 'EMAIL ROLE NAME TIME_ZONE',
    help: 'create an account of any role; password from NEW_USER_PASSWORD',
    env: ['NEW_USER_PASSWORD'],
    parse: (args, env) => {
      const [email, role, name, timeZone] = positional(args, ['EMAIL', 'ROLE', 'NAME', 'TIME_ZONE']);
      if (!USER_ROLES.includes(role as UserRole)) throw new UsageError(`ROLE must be one of ${USER_ROLES.join(', ')}`);
      const password = env.NEW_USER_PASSWORD;
      if (!password) throw new UsageError('set NEW_USER_PASSWORD (kept out of shell history and process lists)');
      return { email: email!, role: role as UserRole, displayName: name!, timeZone: timeZone!, password };
    },
    async run({ services }, input) {
      const user = await createUser(services, { ...input, verified: true, emailVerified: true });
      return ok(`created ${user.role} ${user.id}`);
    },
  }),
  command({
    name: 'status incident open',
    usage: `--template ${STATUS_TEMPLATE_NAMES.join('|')} [--message TEXT]`,
    help: "the public status page shows the brief's communication template\n(then TEXT) as an open incident until resolved; again to change the text",
    parse: (args) => {
      const { template, message } = options(args, ['template', 'message']);
      if (!template) throw new UsageError('missing --template');
      if (!isStatusTemplate(template)) throw new UsageError(`unknown template "${template}": one of ${STATUS_TEMPLATE_NAMES.join(', ')}`);
      return { template: template satisfies StatusTemplate, update: message };
    },
    async run({ services }, input) {
      const incident = await openStatusIncident(services, input);
      return ok(`status page ${incident.updated ? 'incident updated' : 'in incident mode'} (${incident.template}, incident ${incident.id}): ${incident.text}`);
    },
  }),
  command({
    name: 'status incident resolve',
    usage: '[--message NOTE]',
    help: "end incident mode: the incident moves to the page's history",
    parse: (args) => options(args, ['message']).message,
    async run({ services }, note) {
      const incident = await resolveStatusIncident(services, note);
      return ok(`status incident ${incident.id} (${incident.template}) resolved`);
    },
  }),
  command({
    name: 'export-requests',
    usage: `--format ${EXPORT_FORMATS.join('|')} --out FILE [--status STATUS] [--justification TEXT]`,
    help: 'write every request with its votes and comments to FILE (a new file),\nwithout personal data unless --justification says why (audited either way)',
    parse: (args) => {
      const { format, out, status, justification } = options(args, ['format', 'out', 'status', 'justification']);
      if (!format || !EXPORT_FORMATS.includes(format as ExportFormat)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      if (!out) throw new UsageError('missing --out FILE');
      if (status !== undefined && !STATUSES.includes(status as Status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
      // Resolved here: a forwarded command runs in the server, whose working directory is not the operator's.
      return { format: format as ExportFormat, out: path.resolve(out), status: status as Status | undefined, justification };
    },
    async run({ services }, { out, ...options }) {
      // `wx`: never overwrites, so a mistyped path cannot replace another file with personal data.
      // Opened before the export is recorded: an unwritable path exports (and audits) nothing.
      const target = createWriteStream(out, { flags: 'wx', mode: 0o600 });
      const opened = await new Promise<NodeJS.ErrnoException | null>((resolve) => target.once('open', () => resolve(null)).once('error', resolve));
      if (opened) return { exitCode: 1, error: `cannot write ${out}: ${opened.code ?? opened.message}` };
      const file = await exportRequests(services, cliOperator, options).catch((err: unknown) => {
        target.destroy();
        throw err;
      });
      await pipeline(Readable.from(file.chunks), target);
      return ok(`exported ${file.records} request(s) as ${file.format} ${file.personal ? 'with personal data' : 'without personal data'} to ${out}`);
    },
  }),
  command({
    name: 'import-requests',
    usage: `--file FILE --mapping ${BUILT_IN_MAPPING_NAMES.join('|')}|JSON [--source NAME] [--default-category CATEGORY] [--user-type ${SELF_SERVICE_ROLES.join('|')}] [--dry-run]`,
    help: "import requests and votes from another tool's CSV (idempotent per source\nand row id); --dry-run reports what would be created, skipped and refused\n(exit code 1 when a row is refused)",
    parse: (args) => {
      const dryRun = args.includes('--dry-run');
      const values = options(
        args.filter((a) => a !== '--dry-run'),
        ['file', 'mapping', 'source', 'default-category', 'user-type'],
      );
      if (!values.file) throw new UsageError('missing --file FILE');
      if (!values.mapping) throw new UsageError('missing --mapping');
      const userType = values['user-type'];
      if (userType !== undefined && !SELF_SERVICE_ROLES.includes(userType as never))
        throw new UsageError(`--user-type must be one of ${SELF_SERVICE_ROLES.join(', ')}`);
      return {
        file: path.resolve(values.file),
        mapping: parseMapping(values.mapping),
        source: values.source,
        defaultCategory: values['default-category'],
        userType: userType as UserRole | undefined,
        dryRun,
      };
    },
    async run({ services }, { file, ...input }) {
      const csv = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => err);
      if (typeof csv !== 'string') return { exitCode: 1, error: `cannot read ${file}: ${csv.code ?? csv.message}` };
      if (csv.length > IMPORT_CSV_MAX_CHARS) return { exitCode: 1, error: `${file} is over ${IMPORT_CSV_MAX_CHARS} characters: split it` };
      const report = await importRequests(services, cliOperator, { csv, ...input });
      return { exitCode: report.refused.length > 0 ? 1 : 0, output: importReportText(report) };
    },
  }),
];

/** The command `argv` names (its longest matching name) and the arguments after it. */
export function findCommand(argv: readonly string[], commands = OPERATOR_COMMANDS): { command: OperatorCommand; args: string[] } | null {
  let found: { command: OperatorCommand; args: string[] } | null = null;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!found || words.length > found.command.name.split(' ').length)) {
      found = { command, args: argv.slice(words.length) };
    }
  }
  return found;
}

/** `node dist/main.js <name> <usage>` for a usage error. */
export const usageOf = (command: OperatorCommand) => `Usage: node dist/main.js ${command.name}${command.usage ? ` ${command.usage}` : ''}`;

/** The environment a command reads, and nothing else: what is forwarded to the server. */
export function envFor(command: OperatorCommand, env: OperatorEnv): Record<string, string> {
  return Object.fromEntries((command.env ?? []).flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

/**
 * Parses, checks and runs a command. A refused operation (unknown supplier, taken email…) is a message and
 * exit code 1; a usage error exits 64. Anything else is a fault and is thrown.
 */
export async function runOperatorCommand(
  context: OperatorContext,
  command: OperatorCommand,
  args: readonly string[],
  env: OperatorEnv,
): Promise<OperatorResult> {
  let input: unknown;
  try {
    input = command.parse(args, env);
  } catch (err) {
    if (err instanceof UsageError) return usageProblem(command, err);
    throw err;
  }
  const refused = command.refuse?.(context.services.config);
  if (refused) return { exitCode: 1, error: refused };
  try {
    return await command.run(context, input);
  } catch (err) {
    if (err instanceof ServiceError) return { exitCode: 1, error: err.message };
    throw err;
  }
}

export const EXIT_USAGE = 64;

export const usageProblem = (command: OperatorCommand, err: UsageError): OperatorResult => ({
  exitCode: EXIT_USAGE,
  error: `${command.name}: ${err.message}\n${usageOf(command)}`,
});
