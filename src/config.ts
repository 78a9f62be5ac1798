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
    DATA_DIR: { type: 'string', default: './data', description: 'Directory of the embedded database (PGlite) and other local data.' },
    RULES_DIR: { type: 'string', default: './rules', description: 'Directory of the rule packs, the evidence catalogue and their JSON Schemas.' },
    MIGRATE_ON_START: { type: 'boolean', default: true, description: 'Run pending migrations when the service starts.' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'pino log level. Profile contents are never logged at `info`.' },
    BODY_LIMIT: { type: 'integer', minimum: 1024, default: 1048576, description: 'Largest accepted request body in bytes (413 above it).' },
    RULES_EVALUATOR: {
      type: 'string', enum: ['compiled', 'reference'], default: 'compiled',
      description: '`compiled`: rule packs compiled to plain predicates at load (fast). `reference`: json-rules-engine itself, one Engine per evaluation (slow; for checking).',
    },
  },
} as const;

export type Config = {
  PORT: number;
  HOST: string;
  DATABASE_URL?: string;
  DATABASE_SCHEMA: string;
  DATA_DIR: string;
  RULES_DIR: string;
  MIGRATE_ON_START: boolean;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  BODY_LIMIT: number;
  RULES_EVALUATOR: 'compiled' | 'reference';
};

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
  return { ...(raw as Config), ...overrides };
}

/** The README's table of environment variables, from the schema. */
export function configTable(): string {
  const rows = Object.entries(CONFIG_SCHEMA.properties).map(([name, p]) => {
    const def = 'default' in p ? `\`${String(p.default)}\`` : '(unset)';
    return `| \`${name}\` | ${def} | ${p.description} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
