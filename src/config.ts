// Environment → one typed, validated configuration object. Read once at start-up; a bad value
// stops the process with a message naming the variable, never a stack trace later.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_CATEGORIES } from './domain/feature-requests.js';
import { DEFAULT_SEASON_REGION, isKnownRegion } from './domain/seasons.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '::' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  LOG_LEVEL: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), { default: 'info' }),
  BOARD_VISIBILITY: Type.Union([Type.Literal('public'), Type.Literal('members')], { default: 'public' }),
  CATEGORIES: Type.String({ pattern: '^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$', default: DEFAULT_CATEGORIES.join(',') }),
  SEASON_REGION: Type.String({ default: DEFAULT_SEASON_REGION }),
  DEMO_PASSWORD: Type.String({ minLength: 8, default: 'wedding-demo' }),
  COOKIE_SECURE: Type.Boolean({ default: true }),
  SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 7 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
  ALERTMANAGER_WEBHOOK_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  ONCALL_SCHEDULE_FILE: Type.Optional(Type.String({ minLength: 1 })),
  ESCALATION_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  ESCALATION_EMAIL_FROM: Type.String({ minLength: 3, default: 'WedSync escalation <escalation@localhost>' }),
  BOARD_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2000 }),
  PROBE_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  AI_ENABLED: Type.Boolean({ default: true }),
  AUDIT_SIGNING_KEY: Type.Optional(Type.String({ minLength: 32 })),
});
type Env = Static<typeof EnvSchema>;

/** Secrets may come from a mounted file (Kubernetes secrets): NAME_FILE wins over NAME. */
const SECRET_NAMES = ['DATABASE_URL', 'DEMO_PASSWORD', 'METRICS_TOKEN', 'ALERTMANAGER_WEBHOOK_TOKEN', 'ESCALATION_WEBHOOK_URL', 'SMTP_URL', 'AUDIT_SIGNING_KEY'] as const;

export interface Config {
  env: Env['NODE_ENV'];
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  logLevel: Env['LOG_LEVEL'];
  boardVisibility: Env['BOARD_VISIBILITY'];
  categories: readonly string[];
  seasonRegion: string;
  demoPassword: string;
  cookieSecure: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** Bearer token Prometheus must present on /metrics; without one, only loopback may scrape. */
  metricsToken: string | undefined;
  /** Jobs one worker runs at once (in-process with `start`, or each `worker` process). */
  workerConcurrency: number;
  /** Bearer token Alertmanager presents on POST /api/ops/alertmanager/webhook; unset = webhook refused. */
  alertmanagerWebhookToken: string | undefined;
  /** JSON roster of on-call teams (see deploy/oncall/schedule.example.json); unset = built-in demo roster. */
  oncallScheduleFile: string | undefined;
  /** Slack-compatible incoming webhook that escalation notifications are posted to. */
  escalationWebhookUrl: string | undefined;
  /** Off: duplicate detection runs lexically only and reports the AI as unavailable. */
  aiEnabled: boolean;
  /** SMTP server for escalation emails (smtp://user:pass@host:587, smtps://…). */
  smtpUrl: string | undefined;
  escalationEmailFrom: string;
  /** How long the anonymous board may be served from memory (0: never). */
  boardCacheTtlMs: number;
  /** Where the synthetic probes call the running API (default: this process on loopback). */
  probeBaseUrl: string;
  /** HMAC key for audit checkpoints; embedded mode without one generates DATA_DIR/audit-signing.key. */
  auditSigningKey: string | undefined;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.properties);
  const raw = Object.fromEntries(Object.entries(withSecretFiles(env)).filter(([k, v]) => known.includes(k) && v !== ''));
  const candidate = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, candidate)].map((e) => {
    const name = e.path.replace(/^\//, '');
    const shown = SECRET_NAMES.includes(name as (typeof SECRET_NAMES)[number]) ? '(hidden)' : JSON.stringify(raw[name]);
    return `${name}=${shown}: ${e.message}`;
  });
  const parsed = candidate as Env;
  if (problems.length === 0 && !isKnownRegion(parsed.SEASON_REGION)) problems.push(`SEASON_REGION=${JSON.stringify(parsed.SEASON_REGION)}: unknown wedding season region`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: parsed.NODE_ENV,
    production: parsed.NODE_ENV === 'production',
    host: parsed.HOST,
    port: parsed.PORT,
    dataDir: path.resolve(parsed.DATA_DIR),
    databaseUrl: parsed.DATABASE_URL,
    databasePoolSize: parsed.DATABASE_POOL_SIZE,
    logLevel: parsed.LOG_LEVEL,
    boardVisibility: parsed.BOARD_VISIBILITY,
    categories: parsed.CATEGORIES.split(','),
    seasonRegion: parsed.SEASON_REGION,
    demoPassword: parsed.DEMO_PASSWORD,
    cookieSecure: parsed.COOKIE_SECURE,
    sessionTtlHours: parsed.SESSION_TTL_HOURS,
    bodyLimitBytes: parsed.BODY_LIMIT_BYTES,
    trustProxy: parsed.TRUST_PROXY,
    metricsToken: parsed.METRICS_TOKEN,
    workerConcurrency: parsed.WORKER_CONCURRENCY,
    alertmanagerWebhookToken: parsed.ALERTMANAGER_WEBHOOK_TOKEN,
    oncallScheduleFile: parsed.ONCALL_SCHEDULE_FILE ? path.resolve(parsed.ONCALL_SCHEDULE_FILE) : undefined,
    escalationWebhookUrl: parsed.ESCALATION_WEBHOOK_URL,
    smtpUrl: parsed.SMTP_URL,
    escalationEmailFrom: parsed.ESCALATION_EMAIL_FROM,
    boardCacheTtlMs: parsed.BOARD_CACHE_TTL_MS,
    aiEnabled: parsed.AI_ENABLED,
    auditSigningKey: parsed.AUDIT_SIGNING_KEY,
    probeBaseUrl: (parsed.PROBE_BASE_URL ?? `http://127.0.0.1:${parsed.PORT}`).replace(/\/$/, ''),
  };
}
