import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config';

export type Db = Knex;

export const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');

/**
 * One knex for both databases: PostgreSQL through `pg` when DATABASE_URL is set, otherwise
 * embedded PGlite (no server to install) persisted under DATA_DIR. `pglite` lets tests hand in
 * an instance made from a migrated template instead of running initdb again.
 */
export function createDb(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATA_DIR'>, pglite?: unknown): Db {
  if (config.DATABASE_URL) {
    const schema = config.DATABASE_SCHEMA;
    return knexFactory({
      client: 'pg',
      connection: config.DATABASE_URL,
      searchPath: [schema],
      acquireConnectionTimeout: 10_000,
      pool: {
        min: 0,
        max: 10,
        afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
          // Created only when missing: a service role without CREATE on the database (see the
          // README on the two roles) connects to a schema the owner made.
          conn.query(`do $$ begin if not exists (select 1 from pg_namespace where nspname = '${schema}') then create schema "${schema}"; end if; end $$`, (err) => done(err, conn));
        },
      },
      migrations: { directory: MIGRATIONS_DIR, schemaName: schema === 'public' ? undefined : schema, loadExtensions: ['.js'] },
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('knex-pglite');
  const ClientPgLite = mod.default ?? mod;
  let connection: unknown;
  if (pglite) {
    connection = () => ({ pglite });
  } else {
    const dir = resolve(config.DATA_DIR, 'pglite');
    mkdirSync(dir, { recursive: true });
    connection = { filename: dir };
  }
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: connection as Knex.StaticConnectionConfig,
    migrations: { directory: MIGRATIONS_DIR, loadExtensions: ['.js'] },
  });
}

export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest();
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
