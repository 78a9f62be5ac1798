import { resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config';
import { DatabaseLockedError, runningEmbedded, startEmbedded, type Embedded, type EmbeddedConnection } from './embedded';

export type Db = Knex;

export const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');

export type DbConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATA_DIR'> &
  Partial<Pick<Config, 'DB_POOL_MAX' | 'DB_CONNECT_TIMEOUT_MS' | 'DB_ACQUIRE_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'>>;

export type DbOptions = {
  /** Start the embedded database from this dump (`dumpDataDir` tarball; tests): in memory when DATA_DIR is empty, else into a new data directory. */
  loadDataDir?: string;
  /**
   * When another live process (the service) holds the embedded database, go through its socket
   * instead of refusing (the admin command line). Without it a second opener gets
   * `DatabaseLockedError`.
   */
  attach?: boolean;
  /** Reach the database through this address instead (tests put a faulty proxy in between). */
  via?: (target: EmbeddedConnection | string) => Promise<EmbeddedConnection>;
};

/** The database cannot be reached or does not answer in time: a 503 with `Retry-After`, never a 500. */
export class DatabaseUnavailableError extends Error {
  constructor(public readonly reason: string, public readonly retryAfterSeconds: number) {
    super(`database unavailable: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Driver and server errors that say the database is unreachable, frozen or shutting down. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '57014']);
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Knex: Timeout acquiring a connection|Connection ended unexpectedly|Client has encountered a connection error|connect ECONNREFUSED|the embedded database/i;

export function isConnectionFault(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; name?: string; message?: string };
  if (e.name === 'KnexTimeoutError') return true;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

/** A short reason for readiness and logs, never a connection string. */
export function faultReason(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.name === 'KnexTimeoutError') return 'no database connection became free in time (pool acquire timeout)';
  if (e?.code === '57014' || /Query read timeout/.test(e?.message ?? '')) return 'a statement did not finish in time (statement timeout)';
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOENT') return 'the database refuses connections';
  if (/timeout exceeded when trying to connect/.test(e?.message ?? '')) return 'the database does not accept connections in time (connect timeout)';
  if (e?.code === '57P01' || e?.code === '57P02' || e?.code === '57P03') return 'the database is shutting down or starting';
  if (e?.code === '53300') return 'the database has no free connection slots';
  return 'the connection to the database failed';
}

/**
 * What the service knows of its database. After a connection fault the database is marked
 * unavailable: requests fail at once with 503 (no pool slot is taken, nothing waits for a
 * timeout), and one request a second is let through as a trial; its success marks the database
 * available again, so the service recovers by itself.
 */
export type DbHealth = {
  readonly available: boolean;
  readonly reason?: string;
  readonly since?: Date;
  retryAfterSeconds: number;
  fault(err: unknown): void;
  ok(): void;
  /** Lets the next query through as a trial even within the second (readiness probes). */
  trialNext(): void;
};

const healthOf = new WeakMap<object, DbHealth>();
export function dbHealth(db: Db): DbHealth | undefined {
  return healthOf.get(db.client);
}

function newHealth(): DbHealth & { admit(): boolean } {
  let down: { reason: string; since: Date; lastTrial: number } | undefined;
  const h = {
    get available() { return !down; },
    get reason() { return down?.reason; },
    get since() { return down?.since; },
    retryAfterSeconds: 2,
    fault(err: unknown) {
      const reason = faultReason(err);
      if (down) down.reason = reason;
      else down = { reason, since: new Date(), lastTrial: Date.now() };
    },
    ok() { down = undefined; },
    trialNext() { if (down) down.lastTrial = 0; },
    /** May a query go to the database now? Always when available; one a second when not. */
    admit(): boolean {
      if (!down) return true;
      const now = Date.now();
      if (now - down.lastTrial < 1000) return false;
      down.lastTrial = now;
      return true;
    },
  };
  return h;
}

/**
 * One knex for both databases, through the `pg` driver: PostgreSQL when DATABASE_URL is set;
 * otherwise embedded PGlite persisted under DATA_DIR, run in a worker thread and reached over a
 * private Unix socket (src/platform/embedded.ts), so a long query never blocks the event loop.
 * `pglite` (an in-process PGlite instance, through knex-pglite) is only for making the tests'
 * template database.
 */
export function createDb(config: DbConfig, pglite?: unknown, options: DbOptions = {}): Db {
  if (pglite) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('knex-pglite');
    const ClientPgLite = mod.default ?? mod;
    const db = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig,
      acquireConnectionTimeout: 600_000,
      migrations: { directory: MIGRATIONS_DIR, loadExtensions: ['.js'] },
    });
    embeddedClients.add(db.client);
    return db;
  }
  const connectTimeout = config.DB_CONNECT_TIMEOUT_MS ?? 5000;
  const statementTimeout = config.DB_STATEMENT_TIMEOUT_MS ?? 30_000;
  const postgres = Boolean(config.DATABASE_URL);
  const schema = postgres ? config.DATABASE_SCHEMA : 'public';

  let embedded: Promise<Embedded | undefined> | undefined;
  let target: Promise<EmbeddedConnection | string>;
  if (postgres) {
    target = Promise.resolve(config.DATABASE_URL!);
  } else {
    embedded = (async () => {
      if (options.loadDataDir && !config.DATA_DIR) return startEmbedded({ loadDataDir: options.loadDataDir });
      try {
        return await startEmbedded({ dataDir: resolve(config.DATA_DIR, 'pglite'), loadDataDir: options.loadDataDir });
      } catch (err) {
        if (err instanceof DatabaseLockedError && options.attach && runningEmbedded(config.DATA_DIR)) return undefined;
        throw err;
      }
    })();
    target = embedded.then((e) => e?.connection ?? runningEmbedded(config.DATA_DIR) ?? Promise.reject(new Error('the embedded database is gone')));
  }
  // Not awaited here: a refused start surfaces on the first query (migrate, at start).
  target.catch(() => {});
  const reach = options.via ? target.then((t) => options.via!(t)) : target;
  reach.catch(() => {});

  const db = knexFactory({
    client: 'pg',
    connection: async () => {
      const t = await reach;
      const base = typeof t === 'string' ? { connectionString: t } : t;
      return {
        ...base,
        connectionTimeoutMillis: connectTimeout,
        // The server's own limit (PostgreSQL), and the driver's in case the server cannot keep
        // it (PGlite runs a statement to its end; a frozen server answers nothing).
        ...(postgres ? { statement_timeout: statementTimeout } : {}),
        query_timeout: statementTimeout + 1000,
        application_name: 'medai-risk',
      } as Knex.PgConnectionConfig;
    },
    searchPath: postgres ? [schema] : undefined,
    // knex would print connection errors to stdout; a fault is logged once per request as a 503.
    log: { warn: () => {}, error: () => {}, deprecate: () => {}, debug: () => {} },
    acquireConnectionTimeout: config.DB_ACQUIRE_TIMEOUT_MS ?? 5000,
    pool: {
      min: 0,
      max: config.DB_POOL_MAX ?? 10,
      ...(postgres ? {
        afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
          // Created only when missing: a service role without CREATE on the database (see the
          // README on the two roles) connects to a schema the owner made.
          conn.query(`do $$ begin if not exists (select 1 from pg_namespace where nspname = '${schema}') then create schema "${schema}"; end if; end $$`, (err) => done(err, conn));
        },
      } : {}),
    },
    migrations: { directory: MIGRATIONS_DIR, schemaName: postgres && schema !== 'public' ? schema : undefined, loadExtensions: ['.js'] },
  });

  const health = newHealth();
  healthOf.set(db.client, health);
  if (!postgres) embeddedClients.add(db.client);
  // Every query takes a connection first: refuse at once while the database is known to be
  // down (bar one trial a second), and learn from how taking and using connections go.
  const client = db.client as { acquireConnection: () => Promise<unknown>; query: (conn: unknown, obj: unknown) => Promise<unknown>; stream?: unknown };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    // Starting the embedded database (seconds on a busy machine) is not a wait for a free connection.
    await reach;
    if (!health.admit()) throw new DatabaseUnavailableError(health.reason ?? 'unavailable', health.retryAfterSeconds);
    try {
      return await acquire();
    } catch (err) {
      if (isConnectionFault(err)) health.fault(err);
      throw err;
    }
  };
  const query = client.query.bind(client);
  client.query = async (conn: unknown, obj: unknown) => {
    try {
      const out = await query(conn, obj);
      health.ok();
      return out;
    } catch (err) {
      if (isConnectionFault(err)) {
        health.fault(err);
        // A connection whose statement timed out may still be busy: never hand it out again.
        (conn as { __knex__disposed?: unknown }).__knex__disposed ??= err;
      } else {
        health.ok();
      }
      throw err;
    }
  };

  if (embedded) {
    // knex's destroy() ends in its client's: stop the database thread after the pool is drained.
    const c = db.client as { destroy: (callback?: (err?: unknown) => void) => Promise<void> };
    const destroy = c.destroy.bind(c);
    c.destroy = async (callback) => {
      try {
        await destroy();
        const e = await embedded!.catch(() => undefined);
        await e?.close();
        callback?.();
      } catch (err) {
        if (callback) callback(err);
        else throw err;
      }
    };
  }
  return db;
}

/** Runs pending migrations, then refreshes the planner's statistics (PGlite has no autovacuum). */
export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest();
  await analyze(db);
}

const embeddedClients = new WeakSet<object>();
/** Is this the embedded database (PGlite)? */
export function isEmbedded(db: Db): boolean {
  return embeddedClients.has(db.client);
}

/**
 * `ANALYZE` on the embedded database, after migrations and bulk writes, so its planner knows the
 * tables' sizes: PGlite has no autovacuum daemon to do it. PostgreSQL's autovacuum does it there.
 */
export async function analyze(db: Db): Promise<void> {
  if (isEmbedded(db)) await db.raw('analyze');
}

/**
 * Runs the migrations; with MIGRATION_DATABASE_URL, through a connection of its own as the
 * tables' owner (the service's own role may then lack the rights to alter the audit trail).
 */
export async function migrateAsOwner(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATA_DIR' | 'MIGRATION_DATABASE_URL'>, db: Db): Promise<void> {
  if (!config.MIGRATION_DATABASE_URL || !config.DATABASE_URL) return migrate(db);
  const owner = createDb({ ...config, DATABASE_URL: config.MIGRATION_DATABASE_URL });
  try {
    await migrate(owner);
  } finally {
    await owner.destroy();
  }
}
