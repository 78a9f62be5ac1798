import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDb, migrate, type Db } from '../../src/platform/db';
import { TEMPLATE_FILE } from './template';

export const usingPostgres = Boolean(process.env.DATABASE_URL);
export const databaseKind = usingPostgres ? 'PostgreSQL' : 'PGlite';

export type TestDb = { db: Db; close: () => Promise<void>; schema: string };

/**
 * A migrated database of its own for one test file: a copy of the PGlite template, or, with
 * DATABASE_URL set, a fresh schema in that PostgreSQL (dropped again at the end).
 */
export async function openTestDb(): Promise<TestDb> {
  if (usingPostgres) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const db = createDb({ DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema, DATA_DIR: '', DB_CONNECT_TIMEOUT_MS: 60_000, DB_ACQUIRE_TIMEOUT_MS: 60_000 });
    await migrate(db);
    return {
      db,
      schema,
      close: async () => {
        await db.destroy();
        const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
        await admin.raw(`drop schema if exists "${schema}" cascade`);
        await admin.destroy();
      },
    };
  }
  // The real path of the service: PGlite in a worker thread, reached over its socket by `pg`,
  // started from the migrated template (a copy in memory).
  // Generous timeouts: test runs share a busy machine (test/platform/db-faults.test.ts sets its own).
  const db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: '', DB_CONNECT_TIMEOUT_MS: 60_000, DB_ACQUIRE_TIMEOUT_MS: 60_000 }, undefined, { loadDataDir: TEMPLATE_FILE });
  // Started before it is handed out: a suite that never queries must not leave the database
  // thread starting up after the test environment is gone (jest would then never exit).
  await db.raw('select 1');
  return {
    db,
    schema: 'public',
    close: async () => {
      await db.destroy();
    },
  };
}
