import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { createDb, type Db } from '../../src/platform/db';
import { testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, usingPostgres, type TestDb } from '../helpers/db';
import { FaultyProxy } from '../helpers/proxy';
import type { EmbeddedConnection } from '../../src/platform/embedded';
import { TEMPLATE_FILE } from '../helpers/template';

/**
 * The database behind a proxy that refuses or freezes: requests get 503 problem+json with
 * Retry-After (English and Russian), readiness says why, liveness keeps answering, and the
 * service recovers by itself once the database is back.
 */
const TIMEOUTS = { DB_CONNECT_TIMEOUT_MS: 800, DB_ACQUIRE_TIMEOUT_MS: 1500, DB_STATEMENT_TIMEOUT_MS: 1000 };

describe(`database faults on ${databaseKind}`, () => {
  let testDb: TestDb | undefined;
  let proxy: FaultyProxy;
  let db: Db;
  let app: FastifyInstance;

  beforeAll(async () => {
    const via = async (target: EmbeddedConnection | string) => {
      proxy = new FaultyProxy(target);
      return proxy.start();
    };
    if (usingPostgres) {
      testDb = await openTestDb();
      db = createDb({ DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: testDb.schema, DATA_DIR: '', ...TIMEOUTS }, undefined, { via });
    } else {
      db = createDb({ DATABASE_SCHEMA: 'public', DATA_DIR: '', ...TIMEOUTS }, undefined, { loadDataDir: TEMPLATE_FILE, via });
    }
    await db.raw('select 1');
    app = await buildApp(testConfig(TIMEOUTS), { db, registry: testRegistry(), logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.setMode('pass');
    await db?.destroy();
    await proxy?.stop();
    await testDb?.close();
  });

  const registry = (lang?: string) => app.inject({ method: 'GET', url: '/v1/registry', headers: lang ? { 'accept-language': lang } : {} });

  async function expectUnavailable(lang?: string) {
    const res = await registry(lang);
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const body = res.json();
    expect(body.type).toMatch(/database-unavailable$/);
    return body;
  }

  async function recovers() {
    const until = Date.now() + 15_000;
    for (;;) {
      const res = await registry();
      if (res.statusCode === 200) return;
      expect(res.statusCode).toBe(503);
      if (Date.now() > until) throw new Error('the service did not recover');
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  test('up: the registry and readiness answer', async () => {
    expect((await registry()).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
  });

  test('unreachable: 503 with Retry-After in both languages, readiness says why, liveness answers; then it recovers', async () => {
    await proxy.setMode('refuse');
    const en = await expectUnavailable();
    expect(en.title).toBe('Database unavailable');
    const ru = await expectUnavailable('ru');
    expect(ru.title).toBe('База данных недоступна');
    expect(ru.detail).toMatch(/повторите запрос/);

    // While the database is known to be down, requests fail at once instead of each waiting for
    // a connection attempt.
    const t0 = Date.now();
    await expectUnavailable();
    expect(Date.now() - t0).toBeLessThan(TIMEOUTS.DB_CONNECT_TIMEOUT_MS);

    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toMatch(/refuses connections/);
    const readyRu = await app.inject({ method: 'GET', url: '/health/ready', headers: { 'accept-language': 'ru' } });
    expect(readyRu.json().detail).toMatch(/отклоняет соединения/);

    await proxy.setMode('pass');
    await recovers();
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });

  test('frozen: a statement that gets no answer ends in 503 after the statement timeout, the next fail fast; then it recovers', async () => {
    expect((await registry()).statusCode).toBe(200); // a pooled connection exists
    await proxy.setMode('stall');
    const t0 = Date.now();
    await expectUnavailable();
    const first = Date.now() - t0;
    expect(first).toBeLessThan(TIMEOUTS.DB_STATEMENT_TIMEOUT_MS + TIMEOUTS.DB_CONNECT_TIMEOUT_MS + TIMEOUTS.DB_ACQUIRE_TIMEOUT_MS + 3000);
    const t1 = Date.now();
    await expectUnavailable('ru');
    expect(Date.now() - t1).toBeLessThan(TIMEOUTS.DB_CONNECT_TIMEOUT_MS);
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toMatch(/timeout|does not answer/);

    await proxy.setMode('pass');
    await recovers();
  });
});
