import { mkdirSync, writeFileSync } from 'node:fs';
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
  const db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: '' }, pglite);
  await migrate(db);
  const dump = await pglite.dumpDataDir('none');
  mkdirSync(dirname(TEMPLATE_FILE), { recursive: true });
  writeFileSync(TEMPLATE_FILE, Buffer.from(await dump.arrayBuffer()));
  await db.destroy();
}
