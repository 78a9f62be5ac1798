import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../../src/config';
import { createIdentityService, trusted } from '../../src/identity/service';
import { createDb, type Db } from '../../src/platform/db';
import { openTestDb, usingPostgres, databaseKind, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { TEMPLATE_FILE } from '../helpers/template';

/**
 * SIGKILL between the steps of a keyed write, in a child process running the service: before the
 * write, in the middle of it, before its answer is stored, before the commit. Each time nothing
 * is left behind (no key "in progress", no half write), and the retry with the same key writes
 * exactly once and then replays.
 */
const ROOT = resolve(__dirname, '../..');
let pg: TestDb | undefined;
let dataDir = '';
let apiKey = '';

/** The database, opened only while no child holds it (PGlite is one process's at a time). */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  if (pg) return fn(pg.db);
  const db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: dataDir });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  if (usingPostgres) {
    pg = await openTestDb();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'medai-crash-'));
    // The migrated template, unpacked into a directory of its own.
    const lite = new PGlite(join(dataDir, 'pglite'), { loadDataDir: new Blob([readFileSync(TEMPLATE_FILE)]) });
    await lite.waitReady;
    await lite.close();
  }
  await withDb(async (db) => {
    const identity = createIdentityService({ db, config: loadConfig({}) });
    const cli = trusted({ type: 'cli', id: null, name: 'test', organisationId: null });
    const org = await identity.createOrganisation(cli, { name: 'Crash vendor', kind: 'vendor' });
    apiKey = (await identity.createApiKey(cli, org.id, { name: 'ci' })).key;
  });
}, 120_000);
afterAll(async () => {
  if (pg) await pg.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Child = { proc: ChildProcess; port: number; exited: Promise<NodeJS.Signals | number | null> };

async function startService(env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'test/helpers/crash-server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', NODE_ENV: 'test', RULES_DIR: resolve(ROOT, 'rules'),
      ...(pg ? { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SCHEMA: pg.schema } : { DATA_DIR: dataDir }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((res) => proc.on('exit', (code, signal) => res(signal ?? code)));
  let err = '';
  proc.stderr!.on('data', (d) => { err += String(d); });
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening (\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    exited.then((how) => rej(new Error(`the service exited (${String(how)}) before listening: ${err}`)));
  });
  return { proc, port, exited };
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}

function register(child: Child, name: string, key: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${child.port}/v1/systems`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(profile({ name })),
  });
}


describe(`SIGKILL between the steps of a keyed write, on ${databaseKind}`, () => {
  const steps: Array<[string, string]> = [
    ['before the write, its key just claimed', '^insert into "systems"'],
    ['in the middle of the write', '^insert into "audit_log"'],
    ['after the write, before its answer is stored', '^update "idempotency_keys"'],
    ['before the commit', '^commit'],
  ];
  const nameOf = (pattern: string) => `Crash ${pattern}`;
  const keyOf = (pattern: string) => `crash-${pattern.replace(/\W+/g, '-')}`;

  test('each step killed in turn: nothing is left behind, no key in progress', async () => {
    for (const [label, pattern] of steps) {
      const doomed = await startService({ CRASH_BEFORE: pattern });
      try {
        await expect(register(doomed, nameOf(pattern), keyOf(pattern))).rejects.toThrow();
        expect([label, await doomed.exited]).toEqual([label, 'SIGKILL']);
      } finally {
        await stop(doomed);
      }
    }
    await withDb(async (db) => {
      expect(await db('idempotency_keys').whereIn('key', steps.map(([, p]) => keyOf(p))).select('key')).toEqual([]);
      expect(await db('systems').whereIn('name', steps.map(([, p]) => nameOf(p))).select('name')).toEqual([]);
    });
  }, 600_000);

  test('after a restart each retry with its key writes once, then replays the same answer', async () => {
    const service = await startService();
    try {
      for (const [, pattern] of steps) {
        const retry = await register(service, nameOf(pattern), keyOf(pattern));
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBeNull();
        const body = await retry.text();
        const again = await register(service, nameOf(pattern), keyOf(pattern));
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await again.text()).toBe(body);
      }
    } finally {
      await stop(service);
    }
    await withDb(async (db) => {
      const keys = await db('idempotency_keys').whereIn('key', steps.map(([, p]) => keyOf(p))).select('state');
      expect(keys.map((k) => k.state)).toEqual(steps.map(() => 'done'));
      for (const [, pattern] of steps) expect(Number((await db('systems').where({ name: nameOf(pattern) }).count({ n: '*' }).first())!.n)).toBe(1);
    });
  }, 600_000);
});
