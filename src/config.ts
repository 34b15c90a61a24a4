// Environment → one typed, validated configuration object. Read once at start-up; a bad value
// stops the process with a message naming the variable, never a stack trace later.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_BACKUP_RETENTION_DAYS } from './domain/backup-schedule.js';
import { DEFAULT_CATEGORIES } from './domain/feature-requests.js';
import { parseRoleMap, STAFF_ROLES, type StaffRole } from './domain/oidc-roles.js';
import { DEFAULT_SEASON_REGION, isKnownRegion, isValidTimeZone } from './domain/seasons.js';
import {
  DEFAULT_VOTE_MANIPULATION_POLICY,
  VoteManipulationPolicyOverride,
  withPolicyOverride,
  type VoteManipulationPolicy,
} from './domain/vote-manipulation.js';
import { QUEUES, type QueueName } from './queue/queue.js';
import { parseMasterKey } from './security/master-key.js';
import { DEFAULT_INSIDER_ACCESS_POLICY, InsiderAccessPolicyOverride, type InsiderAccessPolicy } from './domain/insider-access.js';
import { DEFAULT_RATE_LIMITS, RateLimitsOverride, withOverrides, type RateLimits } from './domain/rate-limits.js';
import { DEFAULT_SCRAPING_POLICY, ScrapingPolicyOverride, type ScrapingPolicy } from './domain/scraping.js';

/** Upper bound of a worker's concurrency, configured or boosted. */
export const MAX_WORKER_CONCURRENCY = 64;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '::' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DATABASE_CONNECT_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 60, default: 3 }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 5000 }),
  SHUTDOWN_GRACE_SECONDS: Type.Integer({ minimum: 1, maximum: 600, default: 25 }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  BOARD_VISIBILITY: Type.Union([Type.Literal('public'), Type.Literal('members')], { default: 'public' }),
  EMAIL_VERIFICATION: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
  CATEGORIES: Type.String({ pattern: '^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$', default: DEFAULT_CATEGORIES.join(',') }),
  SEASON_REGION: Type.String({ default: DEFAULT_SEASON_REGION }),
  DEMO_PASSWORD: Type.String({ minLength: 8, default: 'wedding-demo' }),
  COOKIE_SECURE: Type.Boolean({ default: true }),
  SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 7 }),
  COMMENT_EDIT_WINDOW_MINUTES: Type.Integer({ minimum: 0, maximum: 7 * 24 * 60, default: 15 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  // false | true | a hop count | a comma-separated list of proxy addresses/CIDRs (see parseTrustProxy).
  TRUST_PROXY: Type.String({ minLength: 1, default: 'false' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: MAX_WORKER_CONCURRENCY, default: 4 }),
  // The brief's name for WORKER_CONCURRENCY (its job-queue-processor sets CONCURRENCY); either may be set, not both differently.
  CONCURRENCY: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WORKER_CONCURRENCY })),
  QUEUE_NAMES: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$' })),
  WEDDING_SEASON_BOOST: Type.Boolean({ default: false }),
  SCALING_BASELINE_RPS: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 20 }),
  JOB_LEASE_SECONDS: Type.Integer({ minimum: 2, maximum: 3600, default: 30 }),
  JOB_HEARTBEAT_SECONDS: Type.Integer({ minimum: 1, maximum: 1800, default: 10 }),
  ALERTMANAGER_WEBHOOK_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  ONCALL_SCHEDULE_FILE: Type.Optional(Type.String({ minLength: 1 })),
  ESCALATION_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  // Standard Webhooks secret (whsec_ + base64 of 24–64 random bytes): escalation webhooks are signed with it.
  ESCALATION_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$' })),
  // Hosts (names or addresses, comma-separated) outgoing webhooks may reach although they resolve to loopback/private addresses.
  WEBHOOK_ALLOWED_HOSTS: Type.String({ pattern: '^[A-Za-z0-9.:\\[\\]-]*(,[A-Za-z0-9.:\\[\\]-]+)*$', default: '' }),
  // Failed attempts in a row after which an outgoing webhook endpoint is disabled.
  WEBHOOK_DISABLE_AFTER_FAILURES: Type.Integer({ minimum: 1, maximum: 1000, default: 15 }),
  // PagerDuty Events API v2: the integration's routing key pages through PagerDuty beside the webhook and email.
  PAGERDUTY_ROUTING_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{32}$' })),
  PAGERDUTY_EVENTS_URL: Type.String({ pattern: '^https?://', default: 'https://events.pagerduty.com/v2/enqueue' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  ESCALATION_EMAIL_FROM: Type.String({ minLength: 3, default: 'WedSync escalation <escalation@localhost>' }),
  MAIL_FROM: Type.String({ minLength: 3, default: 'WedSync Feature Requests <feature-requests@localhost>' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  RESPONSE_CACHE_ENABLED: Type.Boolean({ default: true }),
  RESPONSE_CACHE_UNSHARED_TTL_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2000 }),
  RESPONSE_CACHE_STALE_IF_ERROR_SECONDS: Type.Integer({ minimum: 0, maximum: 7 * 86_400, default: 3600 }),
  CDN_PURGE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  CDN_PURGE_TOKEN: Type.Optional(Type.String({ minLength: 8 })),
  PROBE_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  AI_ENABLED: Type.Boolean({ default: true }),
  ENCRYPTION_MASTER_KEY: Type.Optional(Type.String({ pattern: '^\\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\\s*$' })),
  KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_.-]{1,64}$', default: 'wsfr:' }),
  // host:port of each sentinel; with it the primary is found (and followed) through Sentinel instead of REDIS_URL.
  REDIS_SENTINELS: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]+:\\d{1,5}(,[A-Za-z0-9.-]+:\\d{1,5})*$' })),
  REDIS_SENTINEL_NAME: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', default: 'wsfr' }),
  REDIS_SENTINEL_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  RATE_LIMITS: Type.Optional(Type.String({ minLength: 2 })),
  SCRAPING_LIMITS: Type.Optional(Type.String({ minLength: 2 })),
  INSIDER_ACCESS_POLICY: Type.Optional(Type.String({ minLength: 2 })),
  VOTE_MANIPULATION_POLICY: Type.Optional(Type.String({ minLength: 2 })),
  AUDIT_SIGNING_KEY: Type.Optional(Type.String({ minLength: 32 })),
  MEMBER_KEY_DIR: Type.Optional(Type.String({ minLength: 1 })),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: Type.Integer({ minimum: 10, maximum: 3600, default: 300 }),
  BACKUP_DIR: Type.Optional(Type.String({ minLength: 1 })),
  BACKUP_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^\\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\\s*$' })),
  BACKUP_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: DEFAULT_BACKUP_RETENTION_DAYS }),
  BACKUP_BASE_BACKUP: Type.Boolean({ default: false }),
  // OpenID Connect sign-in: all three of issuer, client id and secret, or none.
  OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_PROVIDER_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  OIDC_SCOPES: Type.String({ pattern: '^[\\x21-\\x7e]+( [\\x21-\\x7e]+)*$', default: 'openid email profile' }),
  // The ID token / userinfo claim whose value(s) OIDC_ROLE_MAP maps to roles, e.g. `groups`.
  OIDC_ROLE_CLAIM: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_:./-]{1,100}$' })),
  // claim value=role pairs, comma-separated, e.g. `wedsync-product=product_team`.
  OIDC_ROLE_MAP: Type.String({ default: '' }),
  // Email domains (comma-separated) whose verified addresses may hold a staff role from OIDC_ROLE_MAP.
  OIDC_STAFF_EMAIL_DOMAINS: Type.String({ pattern: '^[A-Za-z0-9.-]*(,[A-Za-z0-9.-]+)*$', default: '' }),
  // false: staff sign in through the OpenID Connect provider only (needs OIDC_ISSUER).
  LOCAL_LOGIN_FOR_STAFF: Type.Boolean({ default: true }),
});
type Env = Static<typeof EnvSchema>;

/** Secrets may come from a mounted file (Kubernetes secrets): NAME_FILE wins over NAME. */
const SECRET_NAMES = [
  'DATABASE_URL',
  'DEMO_PASSWORD',
  'METRICS_TOKEN',
  'ALERTMANAGER_WEBHOOK_TOKEN',
  'ESCALATION_WEBHOOK_URL',
  'ESCALATION_WEBHOOK_SECRET',
  'PAGERDUTY_ROUTING_KEY',
  'SMTP_URL',
  'ENCRYPTION_MASTER_KEY',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'AUDIT_SIGNING_KEY',
  'BACKUP_ENCRYPTION_KEY',
  'CDN_PURGE_TOKEN',
  'OIDC_CLIENT_SECRET',
] as const;

/** Every environment variable loadConfig reads, with the NAME_FILE form of each secret. */
export const ENV_NAMES: readonly string[] = [...Object.keys(EnvSchema.properties), ...SECRET_NAMES.map((name) => `${name}_FILE`)];

export interface Config {
  env: Env['NODE_ENV'];
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Server mode: how long opening a connection may take before that host counts as unreachable. */
  databaseConnectTimeoutSeconds: number;
  /** Server mode: PostgreSQL statement_timeout of the API's connections (0: none; migrations have none). */
  databaseStatementTimeoutMs: number;
  /** On SIGTERM: how long in-flight requests and jobs may take to finish before the process exits. */
  shutdownGraceSeconds: number;
  logLevel: Env['LOG_LEVEL'];
  boardVisibility: Env['BOARD_VISIBILITY'];
  /**
   * Whether a member must confirm their address (the sign-up link) before they post, vote or
   * comment. Default: required in server mode; optional in embedded mode, where a local trial often
   * has no SMTP server to deliver the link (docs/decisions/0035).
   */
  emailVerification: 'required' | 'optional';
  categories: readonly string[];
  seasonRegion: string;
  demoPassword: string;
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** How long after posting a member may still edit or delete their comment (0: never). */
  commentEditWindowMinutes: number;
  bodyLimitBytes: number;
  /** Which X-Forwarded-For hops to believe: none, all, the nearest N, or those from listed proxies. */
  trustProxy: boolean | number | string[];
  /** Bearer token Prometheus must present on /metrics; without one, only loopback may scrape. */
  metricsToken: string | undefined;
  /** Jobs one worker runs at once (in-process with `start`, or each `worker` process), besides its health lane. */
  workerConcurrency: number;
  /** The queues this process's worker claims from (QUEUE_NAMES; default: all). */
  workerQueues: readonly QueueName[];
  /** WEDDING_SEASON_BOOST: concurrency follows the season calendar (src/domain/scaling-signal.ts boostedConcurrency). */
  weddingSeasonBoost: boolean;
  /** Requests per second one API pod carries at normal off-season load: the B of wedding_season_multiplier. */
  scalingBaselineRps: number;
  /** How long a claimed job stays a worker's without a heartbeat: a dead worker's jobs run again after this. */
  jobLeaseMs: number;
  /** How often a worker extends the leases of the jobs it runs (at most half the lease). */
  jobHeartbeatMs: number;
  /** Bearer token Alertmanager presents on POST /api/ops/alertmanager/webhook; unset = webhook refused. */
  alertmanagerWebhookToken: string | undefined;
  /** JSON roster of on-call teams (see deploy/oncall/schedule.example.json); unset = built-in demo roster. */
  oncallScheduleFile: string | undefined;
  /** Slack-compatible incoming webhook that escalation notifications are posted to. */
  escalationWebhookUrl: string | undefined;
  /** Signs escalation webhooks the Standard Webhooks way when set. */
  escalationWebhookSecret: string | undefined;
  /** Outgoing webhooks may reach these hosts even on loopback/private addresses (lower-case, no brackets). */
  webhookAllowedHosts: string[];
  /** PagerDuty Events v2 integration key: incidents trigger and resolve a PagerDuty alert when set. */
  pagerdutyRoutingKey: string | undefined;
  pagerdutyEventsUrl: string;
  webhookDisableAfterFailures: number;
  /** Off: duplicate detection runs lexically only and reports the AI as unavailable. */
  aiEnabled: boolean;
  /** SMTP server for escalation and member emails (smtp://user:pass@host:587, smtps://…); unset: no email is sent. */
  smtpUrl: string | undefined;
  escalationEmailFrom: string;
  /** Sender of the emails to members (status changes, merges, replies, digests). */
  mailFrom: string;
  /** Where members reach the web app: links in emails (requests, one-click unsubscribe). Default: http://localhost:PORT. */
  publicUrl: string;
  /** The response cache (src/services/response-cache.ts) for the board, roadmap and AI analysis; off: every request is computed. */
  responseCacheEnabled: boolean;
  /** How long a replica believes its own cached copy while it cannot hear other replicas' purges (Redis down). */
  responseCacheUnsharedTtlMs: number;
  /** How long past its TTL a cached copy may still be answered (marked stale) while the database fails. */
  responseCacheStaleIfErrorSeconds: number;
  /** Optional CDN purge hook: POST {tags} here on every tag purge, with CDN_PURGE_TOKEN as Bearer token. */
  cdnPurgeUrl: string | undefined;
  cdnPurgeToken: string | undefined;
  /** Where the synthetic probes call the running API (default: this process on loopback). */
  probeBaseUrl: string;
  /**
   * 32-byte master key of the field encryption (src/security/keyring.ts). Unset: the embedded mode
   * keeps one in DATA_DIR/keys/master.key; production and server mode refuse to start.
   */
  encryptionMasterKey: Buffer | undefined;
  /** A new data key version after this many days (the brief's 90), re-encrypting in the background. */
  keyRotationDays: number;
  /** Shared state for several replicas (rate limits); unset: in memory, per process. */
  redisUrl: string | undefined;
  /** The same shared state through Sentinel: the primary the sentinels name, followed across failovers. */
  redisSentinel: RedisSentinelConfig | undefined;
  /** Password of the Redis servers (with REDIS_URL it may be part of the URL instead). */
  redisPassword: string | undefined;
  redisKeyPrefix: string;
  /** Requests per minute per role and route class (src/domain/rate-limits.ts + RATE_LIMITS). */
  rateLimits: RateLimits;
  /** When bulk reading slows down and then blocks a client (src/domain/scraping.ts + SCRAPING_LIMITS). */
  scrapingPolicy: ScrapingPolicy;
  /** Which staff access to personal data is anomalous (src/domain/insider-access.ts + INSIDER_ACCESS_POLICY). */
  insiderAccessPolicy: InsiderAccessPolicy;
  /** When votes are held for review or down-weighted (src/domain/vote-manipulation.ts + VOTE_MANIPULATION_POLICY). */
  voteManipulationPolicy: VoteManipulationPolicy;
  /** HMAC key for audit checkpoints; embedded mode without one generates DATA_DIR/audit-signing.key. */
  auditSigningKey: string | undefined;
  /** How often the worker signs a checkpoint at every audit lane's head: the most of a chain's tail left unsigned. */
  auditCheckpointIntervalMs: number;
  /**
   * Where backup sets, the WAL archive (`wal/`) and the erasure ledger live. Default: `<DATA_DIR>-backups`, a sibling of the
   * data directory, so copying, wiping or mounting DATA_DIR (and its keys/) never carries them along.
   */
  backupDir: string;
  /**
   * The member key-encryption key versions (src/security/member-keys.ts): files outside the database,
   * so that destroying an old version also kills the copies of erased members' keys in dead rows, WAL
   * and backups. Default: DATA_DIR/keys/member-kek, beside the master key. Several processes share it.
   */
  memberKeyDir: string;
  /** 32-byte key sealing backup files; unset: derived from the master key (HKDF "backups"). */
  backupEncryptionKey: Buffer | undefined;
  /** Backup sets older than this are pruned (the newest verified full backup never is). */
  backupRetentionDays: number;
  /** Server mode: full backups also take a physical base backup (pg_basebackup) for point-in-time recovery. */
  backupBaseBackup: boolean;
  /** OpenID Connect sign-in (src/services/oidc-sign-in.ts); unset: password sign-in only. */
  oidc: OidcConfig | undefined;
  /** false: staff accounts cannot sign in with a password, only through the OpenID Connect provider. */
  localLoginForStaff: boolean;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button: "Sign in with <providerName>". */
  providerName: string;
  scopes: string;
  /** Claim naming the account's groups or roles; unset: nobody gets a staff role through sign-in. */
  roleClaim: string | undefined;
  /** Claim value → role granted by it. */
  roleMap: Record<string, StaffRole>;
  /** Lower-case email domains whose verified addresses may hold a mapped staff role. */
  staffEmailDomains: string[];
}

export interface RedisSentinelConfig {
  sentinels: { host: string; port: number }[];
  /** The master name the sentinels monitor. */
  name: string;
  password: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function withSecretFiles(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of SECRET_NAMES) {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        resolved[name] = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new ConfigError([`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
      }
    }
  }
  return resolved;
}

const PROXY_ENTRY = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;

/**
 * TRUST_PROXY: `false` (default: request.ip is the socket's peer), a hop count (`1`: one proxy of
 * ours in front, the client is the address it appended), a list of our proxies' addresses/CIDRs
 * (`10.0.0.0/8,loopback`), or `true` (believe the whole header — only when every path to the
 * server goes through a proxy that overwrites it, or clients can choose their own address).
 */
export function parseTrustProxy(value: string): Config['trustProxy'] | undefined {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const list = value.split(',').map((v) => v.trim());
  return list.every((entry) => PROXY_ENTRY.test(entry)) ? list : undefined;
}

/** A JSON override of a data default, checked against its schema: problems name the variable. */
function jsonOverride<T>(name: string, text: string | undefined, schema: Parameters<typeof Value.Check>[0], problems: string[]): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push(`${name}: not valid JSON`);
    return undefined;
  }
  const first = [...Value.Errors(schema, value)][0];
  if (first) problems.push(`${name}: ${first.path || '/'} ${first.message}`);
  return first ? undefined : (value as T);
}

/** Backups must survive the loss of the data directory and never sit beside the master key. */
function backupDirProblem(backupDir: string, dataDir: string): string | undefined {
  const within = (dir: string) => backupDir === dir || backupDir.startsWith(`${dir}${path.sep}`);
  if (within(path.join(dataDir, 'keys'))) return 'must not be inside DATA_DIR/keys, beside the master key';
  if (backupDir === dataDir || within(path.join(dataDir, 'pgdata'))) return 'must not be DATA_DIR itself or inside the database files';
  return undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.properties);
  const raw = Object.fromEntries(Object.entries(withSecretFiles(env)).filter(([k, v]) => known.includes(k) && v !== ''));
  const bothConcurrencies = raw.CONCURRENCY !== undefined && raw.WORKER_CONCURRENCY !== undefined;
  const candidate = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, candidate)].map((e) => {
    const name = e.path.replace(/^\//, '');
    const shown = SECRET_NAMES.includes(name as (typeof SECRET_NAMES)[number]) ? '(hidden)' : JSON.stringify(raw[name]);
    return `${name}=${shown}: ${e.message}`;
  });
  const parsed = candidate as Env;
  if (problems.length === 0 && !isKnownRegion(parsed.SEASON_REGION))
    problems.push(`SEASON_REGION=${JSON.stringify(parsed.SEASON_REGION)}: unknown wedding season region`);
  const trustProxy = parseTrustProxy(parsed.TRUST_PROXY);
  if (problems.length === 0 && trustProxy === undefined)
    problems.push(`TRUST_PROXY=${JSON.stringify(parsed.TRUST_PROXY)}: expected false, true, a hop count or a comma-separated list of proxy addresses/CIDRs`);
  if (problems.length === 0 && parsed.BACKUP_DIR) {
    const problem = backupDirProblem(path.resolve(parsed.BACKUP_DIR), path.resolve(parsed.DATA_DIR));
    if (problem) problems.push(`BACKUP_DIR=${JSON.stringify(parsed.BACKUP_DIR)}: ${problem}`);
  }
  const rateLimits = jsonOverride<RateLimitsOverride>('RATE_LIMITS', parsed.RATE_LIMITS, RateLimitsOverride, problems);
  const scraping = jsonOverride<ScrapingPolicyOverride>('SCRAPING_LIMITS', parsed.SCRAPING_LIMITS, ScrapingPolicyOverride, problems);
  const insider = jsonOverride<InsiderAccessPolicyOverride>('INSIDER_ACCESS_POLICY', parsed.INSIDER_ACCESS_POLICY, InsiderAccessPolicyOverride, problems);
  if (insider?.workingTimeZone !== undefined && !isValidTimeZone(insider.workingTimeZone))
    problems.push(`INSIDER_ACCESS_POLICY: workingTimeZone ${JSON.stringify(insider.workingTimeZone)} is not an IANA time zone`);
  const votePolicy = jsonOverride<VoteManipulationPolicyOverride>(
    'VOTE_MANIPULATION_POLICY',
    parsed.VOTE_MANIPULATION_POLICY,
    VoteManipulationPolicyOverride,
    problems,
  );
  if (problems.length === 0 && parsed.REDIS_SENTINELS) {
    if (parsed.REDIS_URL) problems.push('REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both');
    if (parsed.REDIS_SENTINELS.split(',').some((entry) => Number(entry.split(':')[1]) > 65535))
      problems.push(`REDIS_SENTINELS=${JSON.stringify(parsed.REDIS_SENTINELS)}: a port is above 65535`);
  }
  if (problems.length === 0 && parsed.BACKUP_BASE_BACKUP && !(parsed.DATABASE_URL && parsed.BACKUP_ENCRYPTION_KEY)) {
    // The WAL archive and `restore` read BACKUP_ENCRYPTION_KEY itself (the database host never holds the master key).
    problems.push('BACKUP_BASE_BACKUP=true: needs DATABASE_URL (server mode) and BACKUP_ENCRYPTION_KEY');
  }
  if (problems.length === 0 && parsed.JOB_HEARTBEAT_SECONDS * 2 > parsed.JOB_LEASE_SECONDS) {
    // One late heartbeat must not cost a running job its lease.
    problems.push(`JOB_HEARTBEAT_SECONDS=${parsed.JOB_HEARTBEAT_SECONDS}: must be at most half of JOB_LEASE_SECONDS (${parsed.JOB_LEASE_SECONDS})`);
  }
  if (problems.length === 0 && bothConcurrencies && parsed.CONCURRENCY !== parsed.WORKER_CONCURRENCY) {
    problems.push(`CONCURRENCY=${parsed.CONCURRENCY}: WORKER_CONCURRENCY says ${parsed.WORKER_CONCURRENCY}; set one of them`);
  }
  const workerQueues = (parsed.QUEUE_NAMES?.split(',') ?? [...QUEUES]) as QueueName[];
  const unknownQueues = workerQueues.filter((q) => !QUEUES.includes(q));
  if (problems.length === 0 && unknownQueues.length > 0)
    problems.push(`QUEUE_NAMES=${JSON.stringify(parsed.QUEUE_NAMES)}: unknown queue ${unknownQueues.join(', ')} (known: ${QUEUES.join(', ')})`);
  const oidc = oidcConfig(parsed, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: parsed.NODE_ENV,
    production: parsed.NODE_ENV === 'production',
    host: parsed.HOST,
    port: parsed.PORT,
    dataDir: path.resolve(parsed.DATA_DIR),
    databaseUrl: parsed.DATABASE_URL,
    databasePoolSize: parsed.DATABASE_POOL_SIZE,
    databaseConnectTimeoutSeconds: parsed.DATABASE_CONNECT_TIMEOUT_SECONDS,
    databaseStatementTimeoutMs: parsed.DATABASE_STATEMENT_TIMEOUT_MS,
    shutdownGraceSeconds: parsed.SHUTDOWN_GRACE_SECONDS,
    logLevel: parsed.LOG_LEVEL,
    boardVisibility: parsed.BOARD_VISIBILITY,
    emailVerification: parsed.EMAIL_VERIFICATION ?? (parsed.DATABASE_URL ? 'required' : 'optional'),
    categories: parsed.CATEGORIES.split(','),
    seasonRegion: parsed.SEASON_REGION,
    demoPassword: parsed.DEMO_PASSWORD,
    cookieSecure: parsed.COOKIE_SECURE,
    sessionTtlHours: parsed.SESSION_TTL_HOURS,
    commentEditWindowMinutes: parsed.COMMENT_EDIT_WINDOW_MINUTES,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    trustProxy: trustProxy!,
    metricsToken: parsed.METRICS_TOKEN,
    workerConcurrency: parsed.CONCURRENCY ?? parsed.WORKER_CONCURRENCY,
    workerQueues: [...new Set(workerQueues)],
    weddingSeasonBoost: parsed.WEDDING_SEASON_BOOST,
    scalingBaselineRps: parsed.SCALING_BASELINE_RPS,
    jobLeaseMs: parsed.JOB_LEASE_SECONDS * 1000,
    jobHeartbeatMs: parsed.JOB_HEARTBEAT_SECONDS * 1000,
    alertmanagerWebhookToken: parsed.ALERTMANAGER_WEBHOOK_TOKEN,
    oncallScheduleFile: parsed.ONCALL_SCHEDULE_FILE ? path.resolve(parsed.ONCALL_SCHEDULE_FILE) : undefined,
    escalationWebhookUrl: parsed.ESCALATION_WEBHOOK_URL,
    escalationWebhookSecret: parsed.ESCALATION_WEBHOOK_SECRET,
    webhookAllowedHosts: parsed.WEBHOOK_ALLOWED_HOSTS.split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[(.*)\]$/, '$1'),
      )
      .filter((h) => h.length > 0),
    webhookDisableAfterFailures: parsed.WEBHOOK_DISABLE_AFTER_FAILURES,
    pagerdutyRoutingKey: parsed.PAGERDUTY_ROUTING_KEY,
    pagerdutyEventsUrl: parsed.PAGERDUTY_EVENTS_URL,
    smtpUrl: parsed.SMTP_URL,
    escalationEmailFrom: parsed.ESCALATION_EMAIL_FROM,
    mailFrom: parsed.MAIL_FROM,
    publicUrl: (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/$/, ''),
    responseCacheEnabled: parsed.RESPONSE_CACHE_ENABLED,
    responseCacheUnsharedTtlMs: parsed.RESPONSE_CACHE_UNSHARED_TTL_MS,
    responseCacheStaleIfErrorSeconds: parsed.RESPONSE_CACHE_STALE_IF_ERROR_SECONDS,
    cdnPurgeUrl: parsed.CDN_PURGE_URL,
    cdnPurgeToken: parsed.CDN_PURGE_TOKEN,
    aiEnabled: parsed.AI_ENABLED,
    auditSigningKey: parsed.AUDIT_SIGNING_KEY,
    auditCheckpointIntervalMs: parsed.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
    probeBaseUrl: (parsed.PROBE_BASE_URL ?? `http://127.0.0.1:${parsed.PORT}`).replace(/\/$/, ''),
    encryptionMasterKey: (parsed.ENCRYPTION_MASTER_KEY && parseMasterKey(parsed.ENCRYPTION_MASTER_KEY)) || undefined,
    keyRotationDays: parsed.KEY_ROTATION_DAYS,
    redisUrl: parsed.REDIS_URL,
    redisSentinel: parsed.REDIS_SENTINELS
      ? {
          sentinels: parsed.REDIS_SENTINELS.split(',').map((entry) => {
            const [host, port] = entry.split(':') as [string, string];
            return { host, port: Number(port) };
          }),
          name: parsed.REDIS_SENTINEL_NAME,
          password: parsed.REDIS_SENTINEL_PASSWORD,
        }
      : undefined,
    redisPassword: parsed.REDIS_PASSWORD,
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    rateLimits: withOverrides(DEFAULT_RATE_LIMITS, rateLimits),
    scrapingPolicy: { ...DEFAULT_SCRAPING_POLICY, ...scraping },
    insiderAccessPolicy: { ...DEFAULT_INSIDER_ACCESS_POLICY, ...insider },
    voteManipulationPolicy: withPolicyOverride(DEFAULT_VOTE_MANIPULATION_POLICY, votePolicy),
    memberKeyDir: path.resolve(parsed.MEMBER_KEY_DIR ?? path.join(path.resolve(parsed.DATA_DIR), 'keys', 'member-kek')),
    backupDir: path.resolve(parsed.BACKUP_DIR ?? `${path.resolve(parsed.DATA_DIR)}-backups`),
    backupEncryptionKey: (parsed.BACKUP_ENCRYPTION_KEY && parseMasterKey(parsed.BACKUP_ENCRYPTION_KEY)) || undefined,
    backupRetentionDays: parsed.BACKUP_RETENTION_DAYS,
    backupBaseBackup: parsed.BACKUP_BASE_BACKUP,
    oidc,
    localLoginForStaff: parsed.LOCAL_LOGIN_FOR_STAFF,
  };
}

function oidcConfig(parsed: Env, problems: string[]): OidcConfig | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = parsed;
  const roleMap = parseRoleMap(parsed.OIDC_ROLE_MAP);
  const staffEmailDomains = parsed.OIDC_STAFF_EMAIL_DOMAINS.split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d.length > 0);
  if (!issuer && !clientId && !clientSecret) {
    if (!parsed.LOCAL_LOGIN_FOR_STAFF) problems.push('LOCAL_LOGIN_FOR_STAFF=false: needs OIDC_ISSUER, or staff could not sign in at all');
    return undefined;
  }
  if (!issuer || !clientId || !clientSecret) {
    problems.push('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three or none');
    return undefined;
  }
  const url = new URL(issuer);
  // Plain HTTP only to a provider on this machine (development, tests): tokens cross that connection.
  if (url.protocol === 'http:' && !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))
    problems.push(`OIDC_ISSUER=${JSON.stringify(issuer)}: must be https (plain http only on loopback)`);
  if (roleMap === undefined) problems.push(`OIDC_ROLE_MAP: expected value=role pairs separated by commas, roles among ${STAFF_ROLES.join(', ')}`);
  else if (Object.keys(roleMap).length > 0) {
    if (!parsed.OIDC_ROLE_CLAIM) problems.push('OIDC_ROLE_MAP: needs OIDC_ROLE_CLAIM, the claim its values are read from');
    if (staffEmailDomains.length === 0) problems.push('OIDC_ROLE_MAP: needs OIDC_STAFF_EMAIL_DOMAINS, the domains staff roles may be granted to');
  }
  return {
    issuer,
    clientId,
    clientSecret,
    providerName: parsed.OIDC_PROVIDER_NAME ?? url.hostname,
    scopes: parsed.OIDC_SCOPES.split(' ').includes('openid') ? parsed.OIDC_SCOPES : `openid ${parsed.OIDC_SCOPES}`,
    roleClaim: parsed.OIDC_ROLE_CLAIM,
    roleMap: roleMap ?? {},
    staffEmailDomains,
  };
}
