/**
 * The service in a child process for crash tests: it listens on a free port, prints
 * `listening <port>` and, when CRASH_BEFORE is set, kills itself with SIGKILL just before the
 * first SQL statement that matches that regular expression (after CRASH_SKIP earlier matches).
 * Nothing here is in src/: the service itself has no crash switch.
 */
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDb, migrate } from '../../src/platform/db';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { LOG_LEVEL: 'silent' });
  const db = createDb(config);
  await migrate(db);
  const pattern = process.env.CRASH_BEFORE ? new RegExp(process.env.CRASH_BEFORE, 'i') : null;
  let skip = Number(process.env.CRASH_SKIP ?? 0);
  if (pattern) {
    db.on('query', (q: { sql: string }) => {
      if (!pattern.test(q.sql)) return;
      if (skip-- > 0) return;
      process.kill(process.pid, 'SIGKILL');
    });
  }
  const app = await buildApp(config, { db, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
}

main().catch((err) => {
  process.stderr.write(`crash-server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
