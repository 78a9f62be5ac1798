import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createDb, migrate } from '../../src/platform/db';
import { TEMPLATE_FILE } from './template';

/**
 * PGlite runs initdb (seconds) for every new database. Migrate one database once per test run
 * and dump it; every suite starts from a copy of that template.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const pglite = new PGlite();
  // initdb first (seconds; over a minute on a loaded machine), not inside knex's connection timeout.
  await pglite.waitReady;
  const db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: '' }, pglite);
  await migrate(db);
  const dump = await pglite.dumpDataDir('none');
  mkdirSync(dirname(TEMPLATE_FILE), { recursive: true });
  // Written aside and renamed: a suite of a concurrent run never reads half a file.
  const partial = `${TEMPLATE_FILE}.${process.pid}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, TEMPLATE_FILE);
  await db.destroy();
}
