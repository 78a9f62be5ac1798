import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createDb } from '../../src/platform/db';
import { DatabaseLockedError, startEmbedded, type Embedded } from '../../src/platform/embedded';
import { TEMPLATE_FILE } from '../helpers/template';
import { usingPostgres } from '../helpers/db';

// The embedded database itself; the template it starts from is made on the PGlite run only.
const describeEmbedded = usingPostgres ? describe.skip : describe;

/**
 * The embedded database in its own thread, served over the PostgreSQL wire protocol: one session
 * shared by all connections, so a connection owns it for a whole transaction; the event loop keeps
 * running while it works; its data directory has one opener, and the admin command line goes
 * through the running service.
 */
describeEmbedded('embedded PGlite in a worker thread', () => {
  let embedded: Embedded;
  const clients: Client[] = [];
  const client = async () => {
    const c = new Client(embedded.connection);
    await c.connect();
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    embedded = await startEmbedded({ loadDataDir: TEMPLATE_FILE });
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await embedded.close();
  });

  test("a second connection waits for the first one's transaction, never runs inside it", async () => {
    const a = await client();
    const b = await client();
    await a.query('create table t_owner (n int)');
    await a.query('begin');
    await a.query('insert into t_owner values ($1)', [1]);
    // Opening a connection does not wait for the transaction; its statements do.
    const late = await client();
    let seen: number | undefined;
    const lateQuery = late.query('select 1 as one');
    const bQuery = b.query('select count(*)::int as n from t_owner').then((r) => { seen = r.rows[0].n; });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toBeUndefined(); // still waiting: it would otherwise have read the uncommitted row
    await a.query('rollback');
    await bQuery;
    expect(seen).toBe(0);
    expect((await lateQuery).rows[0].one).toBe(1);
  });

  test('parameterised statements of many connections at once each get their own answer', async () => {
    const cs = await Promise.all([1, 2, 3, 4].map(() => client()));
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => cs[i % 4].query('select $1::int * 2 as v, $2::text as s', [i, `x${i}`])));
    answers.forEach((r, i) => expect(r.rows[0]).toEqual({ v: i * 2, s: `x${i}` }));
  });

  test('a connection that goes away inside a transaction is rolled back and frees the database', async () => {
    const a = await client();
    await a.query('create table t_gone (n int)');
    await a.query('begin');
    await a.query('insert into t_gone values (1)');
    a.on('error', () => {}); // its own socket is cut below
    (a as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();
    const b = await client();
    const r = await b.query('select count(*)::int as n from t_gone');
    expect(r.rows[0].n).toBe(0);
  });

  test('the event loop keeps turning while the database works', async () => {
    const c = await client();
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    const t0 = Date.now();
    await c.query('select count(*) from generate_series(1, 1000000)');
    const took = Date.now() - t0;
    clearInterval(timer);
    // In the same thread the statement would run to its end with no timer firing at all.
    expect(took).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(2);
  });
});

describeEmbedded('one opener per data directory', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'medai-lock-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a second opener is refused with a message naming the holder; a stale lock is taken over', async () => {
    const first = await startEmbedded({ dataDir: join(dir, 'pglite'), loadDataDir: TEMPLATE_FILE });
    try {
      await expect(startEmbedded({ dataDir: join(dir, 'pglite') })).rejects.toThrow(DatabaseLockedError);
      await expect(startEmbedded({ dataDir: join(dir, 'pglite') })).rejects.toThrow(`in use by process ${process.pid}`);
      const db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: dir });
      await expect(db.raw('select 1')).rejects.toThrow(DatabaseLockedError);
      await db.destroy();
    } finally {
      await first.close();
    }
    // A lock left by a process that is gone does not keep the data directory closed.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'pglite.lock'), JSON.stringify({ pid: Number(gone), socketDir: '/nonexistent', startedAt: new Date().toISOString() }));
    const again = await startEmbedded({ dataDir: join(dir, 'pglite') });
    await again.close();
    // So is one naming this very process's pid when this process does not hold it (a container
    // restarted after a crash often gets the same pid).
    writeFileSync(join(dir, 'pglite.lock'), JSON.stringify({ pid: process.pid, socketDir: '/nonexistent', startedAt: new Date().toISOString() }));
    const restarted = await startEmbedded({ dataDir: join(dir, 'pglite') });
    await restarted.close();
  }, 300_000); // four database starts: minutes on a loaded machine

  test('the admin command line, run while the service holds the database, writes through it: nothing is lost', async () => {
    const service = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: dir }, undefined, { loadDataDir: TEMPLATE_FILE });
    try {
      await service.raw('select 1');
      const run = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), resolve(__dirname, '../../scripts/admin.ts'), 'org:create', '--name', 'Written While Up', '--kind', 'vendor'], {
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', RULES_DIR: resolve(__dirname, '../../rules'), LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const org = await service('organisations').where({ name: 'Written While Up' }).first();
      expect(org).toBeDefined();
      // The service's next write works (the two never wrote past each other).
      await service('organisations').insert({ id: '00000000-0000-4000-8000-000000000001', name: 'After', kind: 'vendor' });
      expect(Number((await service('audit_log').where({ action: 'organisation.create', actor_type: 'cli' }).count({ n: '*' }))[0].n)).toBeGreaterThan(0);
    } finally {
      await service.destroy();
    }
  }, 300_000); // a database start and a command-line process: minutes on a loaded machine
});
