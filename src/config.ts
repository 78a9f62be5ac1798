import Ajv from 'ajv';

/**
 * The one schema of every environment variable the service reads. The README table is
 * generated from it (`npm run config:doc`) and a test keeps the two in step.
 */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' },
    HOST: { type: 'string', default: '127.0.0.1', description: 'Address to bind; `0.0.0.0` in containers.' },
    DATABASE_URL: {
      type: 'string',
      description: 'PostgreSQL connection string (`postgres://user@host:5432/db`). Unset: the embedded PGlite database under `DATA_DIR`.',
    },
    DATABASE_SCHEMA: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', default: 'public', description: 'PostgreSQL schema for the tables (created when missing). PostgreSQL only.' },
    DB_POOL_MAX: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'Most database connections the service holds open (the embedded database serves them one transaction at a time).' },
    DB_CONNECT_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 600000, default: 5000, description: 'How long opening a database connection may take before the attempt fails (the database is then reported unavailable).' },
    DB_ACQUIRE_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 600000, default: 5000, description: 'How long a request waits for a free connection of the pool before it gets 503 with `Retry-After`.' },
    DB_STATEMENT_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 30000, description: 'Longest a statement may run: PostgreSQL cancels it (`statement_timeout`); the driver gives up 1 s later on any database that does not answer (503).' },
    DATA_DIR: { type: 'string', default: './data', description: 'Directory of the embedded database (PGlite) and other local data.' },
    RULES_DIR: { type: 'string', default: './rules', description: 'Directory of the rule packs, the evidence catalogue and their JSON Schemas.' },
    MIGRATE_ON_START: { type: 'boolean', default: true, description: 'Run pending migrations when the service starts.' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'pino log level. Profile contents are never logged at `info`.' },
    BODY_LIMIT: { type: 'integer', minimum: 1024, default: 1048576, description: 'Largest accepted request body in bytes (413 above it).' },
    RULES_EVALUATOR: {
      type: 'string', enum: ['compiled', 'reference'], default: 'compiled',
      description: '`compiled`: rule packs compiled to plain predicates at load (fast). `reference`: json-rules-engine itself, one Engine per evaluation (slow; for checking).',
    },
    SESSION_TTL_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 12, description: 'Lifetime of a dashboard login session in hours.' },
    COOKIE_SECURE: { type: 'boolean', description: 'Mark the session cookie `Secure` (browsers then send it over HTTPS only). Unset: `true` when `PUBLIC_URL` is `https://…`, else `false`.' },
    IDEMPOTENCY_KEY_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 24, description: 'How long an `Idempotency-Key` is remembered after its first request (its answer replayed); then it is free again and its row is deleted.' },
    LOGIN_MAX_FAILURES: { type: 'integer', minimum: 0, maximum: 1000, default: 5, description: 'Failed logins to one email within `LOGIN_LOCKOUT_MINUTES` after which its logins are refused (429) for `LOGIN_LOCKOUT_MINUTES`. 0: never refused.' },
    LOGIN_LOCKOUT_MINUTES: { type: 'integer', minimum: 1, maximum: 1440, default: 15, description: 'The window in which failed logins count, and how long logins stay refused once there were too many.' },
    PASSWORD_SCRYPT_LOG2N: { type: 'integer', minimum: 17, maximum: 20, default: 17, description: 'scrypt cost of password hashes: N = 2^this (r = 8, p = 1; 17 is the OWASP minimum, 128 MiB per hash). A login with an older, cheaper hash replaces it (audited, `auth.password_rehashed`).' },
    UPLOAD_MAX_BYTES: { type: 'integer', minimum: 1024, default: 20971520, description: 'Largest evidence document accepted, in bytes (413 above it).' },
    UPLOAD_TYPES: {
      type: 'string', pattern: '^[a-z0-9.+-]+/[a-z0-9.+-]+(,[a-z0-9.+-]+/[a-z0-9.+-]+)*$',
      default: 'application/pdf,text/plain,text/csv,application/json,image/png,image/jpeg,application/zip',
      description: 'Comma-separated media types accepted for evidence documents (415 for others).',
    },
    DOCUMENTS_DIR: { type: 'string', description: 'Directory for evidence documents. Unset: documents are stored in the database.' },
    REVIEW_DEADLINE_DAYS: {
      type: 'string', pattern: '^(highest|high|medium|low)=\\d{1,4}(,(highest|high|medium|low)=\\d{1,4}){3}$', default: 'highest=90,high=60,medium=45,low=30',
      description: 'Review deadline in days from submission, per risk tier (the tiers and their classes are in `rules/workflow/`).',
    },
    CERTIFICATE_VALIDITY_MONTHS: {
      type: 'string', pattern: '^(highest|high|medium|low)=\\d{1,3}(,(highest|high|medium|low)=\\d{1,3}){3}$', default: 'highest=12,high=24,medium=36,low=60',
      description: 'Validity of a certificate in months from approval, per risk tier.',
    },
    MIGRATION_DATABASE_URL: {
      type: 'string',
      description: 'PostgreSQL connection string the migrations run with (the tables\' owner), when the service itself connects (`DATABASE_URL`) as a role that may not alter or rewrite the audit trail. Unset: migrations use `DATABASE_URL`.',
    },
    SIGNING_KEYS_DIR: {
      type: 'string',
      description: 'Directory of the Ed25519 signing keys (PEM): `audit.pem` signs the audit trail and its checkpoints, `centre-<organisation id>.pem` a centre\'s certificates; `<name>.<label>.pub.pem` are retired public keys that still verify. Unset: `DATA_DIR/keys`.',
    },
    SIGNING_KEYS_GENERATE: { type: 'boolean', default: true, description: 'Generate a missing signing key into `SIGNING_KEYS_DIR` (mode 0600). `false`: a missing key stops the service (audit) or the approval (centre).' },
    AUDIT_SIGNING_KEY: { type: 'string', description: 'The audit signing key as PEM text (PKCS#8 Ed25519), instead of `SIGNING_KEYS_DIR/audit.pem`.' },
    FOUR_EYES_CONFIRM_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 24, description: 'Hours a lead reviewer has to confirm a four-eyes transition that took effect at once (a suspension in the highest tier by a reviewer); unconfirmed, it lapses (undone, audited).' },
    AUDIT_CHECKPOINT_SECONDS: { type: 'integer', minimum: 0, maximum: 86400, default: 60, description: 'How often the head of the audit trail is verified and signed as a checkpoint, in seconds. 0: only on demand (`POST /v1/audit/checkpoints`).' },
    RATE_LIMIT_WINDOW_SECONDS: { type: 'integer', minimum: 1, maximum: 86400, default: 60, description: 'The window of the rate limits below, in seconds (a fixed window per key).' },
    RATE_LIMIT_PER_ADDRESS: { type: 'integer', minimum: 0, default: 600, description: 'Requests one client address may make per window, with or without credentials (429 with `Retry-After` above it; `/health/*` exempt). 0: no limit.' },
    RATE_LIMIT_PER_PRINCIPAL: { type: 'integer', minimum: 0, default: 1200, description: 'Requests one API key or login may make per window, from any address (429 with `Retry-After` above it). 0: no limit.' },
    RATE_LIMIT_ALLOW: { type: 'string', default: '127.0.0.1,::1', description: 'Comma-separated client addresses exempt from the per-address limit (the machine itself by default; behind a proxy on the same machine, set `none` and limit at the proxy too). `none`: no address is exempt.' },
    RATE_LIMIT_STORE: { type: 'string', enum: ['memory', 'database'], default: 'memory', description: '`memory`: counts kept in each process (one instance). `database`: counts kept in the database, shared by every instance using it (one upsert per counted request).' },
    REQUEST_TIMEOUT_SECONDS: { type: 'integer', minimum: 0, maximum: 3600, default: 60, description: 'A request (headers and body) must arrive within this many seconds (408 problem+json after it). 0: no limit.' },
    HEADERS_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 20, description: 'The request headers must arrive within this many seconds (408 after it).' },
    IDLE_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 75, description: 'A connection with no traffic for this many seconds is closed (also the keep-alive time between requests, less one second).' },
    MAX_HEADER_BYTES: { type: 'integer', minimum: 1024, maximum: 1048576, default: 16384, description: 'Largest request head (request line and headers) in bytes (431 problem+json above it).' },
    MAX_CONNECTIONS: { type: 'integer', minimum: 0, default: 1024, description: 'Open connections the server accepts at once; a connection beyond it is closed at once (no answer can be sent on it). 0: no limit.' },
    UPLOAD_MAX_DOCUMENTS_PER_APPLICATION: { type: 'integer', minimum: 1, default: 200, description: 'Evidence documents one application may hold (413 problem+json for one more).' },
    UPLOAD_MAX_BYTES_PER_APPLICATION: { type: 'integer', minimum: 1024, default: 524288000, description: 'Total bytes of the evidence documents of one application (413 problem+json for a document that would pass it).' },
    REPORTS_PER_PRINCIPAL: { type: 'integer', minimum: 1, maximum: 100, default: 2, description: 'PDF reports one API key or login may have rendering at once (429 with `Retry-After` for another).' },
    REPORTS_IN_FLIGHT: { type: 'integer', minimum: 1, maximum: 1000, default: 8, description: 'PDF reports rendering at once in one process, all callers together (429 with `Retry-After` beyond it).' },
    PUBLIC_URL: { type: 'string', description: 'Base URL of the service as the public reaches it (verification links in certificates and reports). Unset: the address the service listens on, `http://HOST:PORT` (a wildcard `HOST`, `0.0.0.0` or `::`, gives `127.0.0.1` or `[::1]`). Behind a proxy or in a container, set it.' },
  },
} as const;

export type Config = {
  PORT: number;
  HOST: string;
  DATABASE_URL?: string;
  DATABASE_SCHEMA: string;
  DB_POOL_MAX: number;
  DB_CONNECT_TIMEOUT_MS: number;
  DB_ACQUIRE_TIMEOUT_MS: number;
  DB_STATEMENT_TIMEOUT_MS: number;
  DATA_DIR: string;
  RULES_DIR: string;
  MIGRATE_ON_START: boolean;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  BODY_LIMIT: number;
  RULES_EVALUATOR: 'compiled' | 'reference';
  SESSION_TTL_HOURS: number;
  COOKIE_SECURE: boolean;
  IDEMPOTENCY_KEY_HOURS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCKOUT_MINUTES: number;
  PASSWORD_SCRYPT_LOG2N: number;
  UPLOAD_MAX_BYTES: number;
  UPLOAD_TYPES: string;
  DOCUMENTS_DIR?: string;
  REVIEW_DEADLINE_DAYS: string;
  CERTIFICATE_VALIDITY_MONTHS: string;
  PUBLIC_URL: string;
  MIGRATION_DATABASE_URL?: string;
  /** Empty: keys are generated in memory for the life of the process (tests). */
  SIGNING_KEYS_DIR?: string;
  SIGNING_KEYS_GENERATE: boolean;
  AUDIT_SIGNING_KEY?: string;
  AUDIT_CHECKPOINT_SECONDS: number;
  FOUR_EYES_CONFIRM_HOURS: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
  RATE_LIMIT_PER_ADDRESS: number;
  RATE_LIMIT_PER_PRINCIPAL: number;
  RATE_LIMIT_ALLOW: string;
  RATE_LIMIT_STORE: 'memory' | 'database';
  REQUEST_TIMEOUT_SECONDS: number;
  HEADERS_TIMEOUT_SECONDS: number;
  IDLE_TIMEOUT_SECONDS: number;
  MAX_HEADER_BYTES: number;
  MAX_CONNECTIONS: number;
  UPLOAD_MAX_DOCUMENTS_PER_APPLICATION: number;
  UPLOAD_MAX_BYTES_PER_APPLICATION: number;
  REPORTS_PER_PRINCIPAL: number;
  REPORTS_IN_FLIGHT: number;
};

/** Where the signing keys come from (see SIGNING_KEYS_DIR). */
export function keySource(config: Pick<Config, 'SIGNING_KEYS_DIR' | 'SIGNING_KEYS_GENERATE' | 'DATA_DIR'>): { dir: string | null; generate: boolean } {
  const dir = config.SIGNING_KEYS_DIR ?? (config.DATA_DIR ? `${config.DATA_DIR.replace(/\/$/, '')}/keys` : '');
  return { dir: dir === '' ? null : dir, generate: config.SIGNING_KEYS_GENERATE };
}

export type RiskTier = 'highest' | 'high' | 'medium' | 'low';

/** `highest=90,high=60,…` → a number per tier; every tier must be named once. */
export function perTier(value: string, name: string): Record<RiskTier, number> {
  const out: Partial<Record<RiskTier, number>> = {};
  for (const part of value.split(',')) {
    const [tier, n] = part.split('=') as [RiskTier, string];
    out[tier] = Number(n);
  }
  for (const t of ['highest', 'high', 'medium', 'low'] as const) {
    if (out[t] === undefined) throw new ConfigError(`invalid configuration: ${name} names no value for tier ${t}`);
  }
  return out as Record<RiskTier, number>;
}

export class ConfigError extends Error {}

/** Reads and checks the configuration; unknown MEDAI_* keys are not read, bad values throw. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: true });
  const validate = ajv.compile(CONFIG_SCHEMA);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_SCHEMA.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  if (!validate(raw)) {
    const msg = (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || e.params && (e.params as { missingProperty?: string }).missingProperty || ''} ${e.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const config = { ...(raw as Config), ...overrides };
  config.PUBLIC_URL ??= listenUrl(config.HOST, config.PORT);
  config.COOKIE_SECURE ??= /^https:\/\//i.test(config.PUBLIC_URL);
  perTier(config.REVIEW_DEADLINE_DAYS, 'REVIEW_DEADLINE_DAYS');
  perTier(config.CERTIFICATE_VALIDITY_MONTHS, 'CERTIFICATE_VALIDITY_MONTHS');
  return config;
}

/** `http://HOST:PORT` as a client on this machine reaches it: a wildcard address becomes loopback, IPv6 gets brackets. */
export function listenUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;
}

/** The README's table of environment variables, from the schema. */
export function configTable(): string {
  const rows = Object.entries(CONFIG_SCHEMA.properties).map(([name, p]) => {
    const def = 'default' in p ? `\`${String(p.default)}\`` : '(unset)';
    return `| \`${name}\` | ${def} | ${p.description} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
