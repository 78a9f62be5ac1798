import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import type { Config } from '../../src/config';
import { testConfig, testRegistry, type TestApp } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';

/**
 * Every limit sees its refusal (problem+json in the caller's language, never a 500) while the
 * service answers others meanwhile.
 */
type Json = Record<string, any>;
const FAR = '203.0.113.7';
const OTHER = '203.0.113.8';

async function open(overrides: Partial<Config>, testDb?: TestDb): Promise<TestApp> {
  const db = testDb ?? (await openTestDb());
  const app = await buildApp(testConfig(overrides), { db: db.db, registry: testRegistry(), logger: false });
  await app.ready();
  return { app, testDb: db, close: async () => { await app.close(); if (!testDb) await db.close(); } };
}

const classify = (app: FastifyInstance, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/classifications', payload: profile({}), remoteAddress, headers });

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => Json }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json();
  expect(body.type).toBe(`https://medai-risk.dev/problems/${code}`);
  expect(body.status).toBe(status);
  return body;
}

describe(`rate limits on ${databaseKind}`, () => {
  test('per address: over the limit is 429 with Retry-After, in Russian when asked; other addresses, the machine itself and probes go on', async () => {
    const t = await open({ RATE_LIMIT_PER_ADDRESS: 3, RATE_LIMIT_WINDOW_SECONDS: 60 });
    try {
      for (let i = 0; i < 3; i++) expect((await classify(t.app, FAR)).statusCode).toBe(200);
      const refused = await classify(t.app, FAR);
      const body = expectProblem(refused, 429, 'rate-limited');
      expect(body.detail).toMatch(/more than 3 requests in 60 s/);
      const retry = Number(refused.headers['retry-after']);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      const ru = expectProblem(await classify(t.app, FAR, { 'accept-language': 'ru' }), 429, 'rate-limited');
      expect(ru.title).toBe('Слишком много запросов');
      expect(ru.detail).toMatch(/больше 3 запросов за 60 с/);
      // Meanwhile: another address, the machine itself (exempt by default), and the liveness probe.
      expect((await classify(t.app, OTHER)).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await classify(t.app, '127.0.0.1')).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/health/live', remoteAddress: FAR })).statusCode).toBe(200);
      // A refused request with a credential is refused before the credential is looked at.
      expectProblem(await t.app.inject({ method: 'GET', url: '/v1/systems', remoteAddress: FAR, headers: { authorization: 'Bearer mk_guess' } }), 429, 'rate-limited');
    } finally {
      await t.close();
    }
  });

  test('RATE_LIMIT_ALLOW=none limits the machine itself too', async () => {
    const t = await open({ RATE_LIMIT_PER_ADDRESS: 2, RATE_LIMIT_ALLOW: 'none' });
    try {
      expect((await classify(t.app, '127.0.0.1')).statusCode).toBe(200);
      expect((await classify(t.app, '127.0.0.1')).statusCode).toBe(200);
      expectProblem(await classify(t.app, '127.0.0.1'), 429, 'rate-limited');
    } finally {
      await t.close();
    }
  });

  test('per principal: one API key over its limit is 429 from any address; another key goes on', async () => {
    const t = await open({ RATE_LIMIT_PER_ADDRESS: 0, RATE_LIMIT_PER_PRINCIPAL: 4 });
    try {
      const w = await seedWorld(t.app, t.testDb.db);
      const list = (key: World['vendorKey'], remoteAddress: string) => t.app.inject({ method: 'GET', url: '/v1/systems', headers: key.headers, remoteAddress });
      for (const address of [FAR, OTHER, FAR, OTHER]) expect((await list(w.vendorKey, address)).statusCode).toBe(200);
      const refused = await list(w.vendorKey, '198.51.100.1');
      const body = expectProblem(refused, 429, 'rate-limited');
      expect(body.detail).toMatch(/API key or login made more than 4 requests/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await list(w.otherVendorKey, FAR)).statusCode).toBe(200);
      expect((await classify(t.app, FAR)).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  test('RATE_LIMIT_STORE=database: two instances on one database count against one limit', async () => {
    const testDb = await openTestDb();
    const a = await open({ RATE_LIMIT_PER_ADDRESS: 3, RATE_LIMIT_STORE: 'database' }, testDb);
    const b = await open({ RATE_LIMIT_PER_ADDRESS: 3, RATE_LIMIT_STORE: 'database' }, testDb);
    try {
      expect((await classify(a.app, FAR)).statusCode).toBe(200);
      expect((await classify(b.app, FAR)).statusCode).toBe(200);
      expect((await classify(a.app, FAR)).statusCode).toBe(200);
      const refused = await classify(b.app, FAR);
      expectProblem(refused, 429, 'rate-limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await classify(a.app, OTHER)).statusCode).toBe(200);
      const rows = await testDb.db('rate_limits').select('key', 'count');
      expect(rows.map((r) => [r.key, Number(r.count)]).sort()).toEqual([[`a:${FAR}`, 4], [`a:${OTHER}`, 1]]);
      // A store that cannot count lets requests through: never a 500 from the limiter.
      await testDb.db.schema.dropTable('rate_limits');
      expect((await classify(a.app, '198.51.100.9')).statusCode).toBe(200);
    } finally {
      await a.close();
      await b.close();
      await testDb.close();
    }
  });
});

// Each app here starts its own PDF worker thread (from the TypeScript sources, through tsx): slow on a busy machine.
describe(`PDF reports at once, on ${databaseKind}`, () => {
  test('beyond REPORTS_PER_PRINCIPAL a report is 429 with Retry-After; another caller and a classification are answered meanwhile', async () => {
    const t = await open({ REPORTS_PER_PRINCIPAL: 1, REPORTS_IN_FLIGHT: 8 });
    try {
      const w = await seedWorld(t.app, t.testDb.db);
      const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Report load' }) });
      const a = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
      expect(a.statusCode).toBe(201);
      const url = `/v1/applications/${a.json().id}/report.pdf`;
      const [one, two, three, other, classified] = await Promise.all([
        t.app.inject({ method: 'GET', url, headers: w.vendorKey.headers }),
        t.app.inject({ method: 'GET', url, headers: { ...w.vendorKey.headers, 'accept-language': 'ru' } }),
        t.app.inject({ method: 'GET', url, headers: w.vendorKey.headers }),
        t.app.inject({ method: 'GET', url, headers: w.vendorUser.headers }),
        classify(t.app, FAR),
      ]);
      const mine = [one, two, three];
      expect(mine.filter((r) => r.statusCode === 200)).toHaveLength(1);
      for (const r of mine.filter((x) => x.statusCode !== 200)) {
        expectProblem(r, 429, 'too-many-in-flight');
        expect(r.headers['retry-after']).toBe('1');
      }
      if (two.statusCode === 429) expect(two.json().title).toBe('Слишком много запросов');
      expect(other.statusCode).toBe(200);
      expect(other.headers['content-type']).toBe('application/pdf');
      expect(classified.statusCode).toBe(200);
      // Once the first is done, the same key gets its report again.
      expect((await t.app.inject({ method: 'GET', url, headers: w.vendorKey.headers })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  }, 180000);

  test('beyond REPORTS_IN_FLIGHT in all, a report is 429 too', async () => {
    const t = await open({ REPORTS_PER_PRINCIPAL: 5, REPORTS_IN_FLIGHT: 1 });
    try {
      const w = await seedWorld(t.app, t.testDb.db);
      const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Report load' }) });
      const a = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
      const url = `/v1/applications/${a.json().id}/report.pdf`;
      const res = await Promise.all([w.vendorKey, w.vendorUser, w.vendorKey].map((who) => t.app.inject({ method: 'GET', url, headers: who.headers })));
      expect(res.filter((r) => r.statusCode === 200)).toHaveLength(1);
      for (const r of res.filter((x) => x.statusCode !== 200)) expect(expectProblem(r, 429, 'too-many-in-flight').detail).toMatch(/preparing 1 PDF reports already/);
    } finally {
      await t.close();
    }
  }, 180000);
});

async function uploadTo(app: FastifyInstance, headers: Record<string, string>, appId: string, evidenceId: string, bytes: number) {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${evidenceId}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from('%PDF-1.4 ' + 'x'.repeat(bytes - 9)), Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

describe(`upload quotas per application on ${databaseKind}`, () => {
  let t: TestApp;
  let w: World;
  const newApplication = async () => {
    const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Quota' }) });
    const a = (await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } })).json();
    return { id: a.id as string, items: a.evidence.map((e: Json) => e.evidenceId) as string[] };
  };
  beforeAll(async () => {
    t = await open({ UPLOAD_MAX_DOCUMENTS_PER_APPLICATION: 2, UPLOAD_MAX_BYTES_PER_APPLICATION: 2000 });
    w = await seedWorld(t.app, t.testDb.db);
  });
  afterAll(async () => t?.close());

  test('a document beyond the count is 413, in Russian when asked, and nothing is stored; another application goes on', async () => {
    const a = await newApplication();
    expect((await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[0], 100)).statusCode).toBe(201);
    expect((await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[1], 100)).statusCode).toBe(201);
    const refused = await uploadTo(t.app, { ...w.vendorKey.headers, 'accept-language': 'ru' }, a.id, a.items[2], 100);
    const body = expectProblem(refused, 413, 'upload-quota');
    expect(body.title).toBe('Превышена квота загрузок');
    expect(body.detail).toContain('(2)');
    const en = expectProblem(await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[2], 100), 413, 'upload-quota');
    expect(en.detail).toMatch(/holds 2 documents already/);
    expect(Number((await t.testDb.db('documents').where({ application_id: a.id }).count({ n: '*' }))[0].n)).toBe(2);
    const item = (await t.app.inject({ method: 'GET', url: `/v1/applications/${a.id}`, headers: w.vendorKey.headers })).json().evidence.find((e: Json) => e.evidenceId === a.items[2]);
    expect(item.status).not.toBe('provided');
    const b = await newApplication();
    expect((await uploadTo(t.app, w.vendorKey.headers, b.id, b.items[0], 100)).statusCode).toBe(201);
  });

  test('a document that would pass the bytes quota is 413; a smaller one still fits', async () => {
    const a = await newApplication();
    expect((await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[0], 1500)).statusCode).toBe(201);
    const refused = expectProblem(await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[1], 600), 413, 'upload-quota');
    expect(refused.detail).toMatch(/holds 1500 bytes of documents; this one \(600 bytes\) would pass its quota of 2000 bytes/);
    expect((await uploadTo(t.app, w.vendorKey.headers, a.id, a.items[1], 500)).statusCode).toBe(201);
  });
});

/** Raw HTTP on a real socket: what a slow or oversized client sends. */
function raw(port: number, send: (s: ReturnType<typeof connect>) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => { got += d.toString('utf8'); });
    s.on('close', () => resolve(got));
    s.on('error', (e) => (got ? resolve(got) : reject(e)));
    s.on('connect', () => send(s));
  });
}

describe(`request timeouts and header limits on a listening server, ${databaseKind}`, () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await open({ REQUEST_TIMEOUT_SECONDS: 1, HEADERS_TIMEOUT_SECONDS: 1, MAX_HEADER_BYTES: 4096 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  test('a body that stops arriving is 408 problem+json; the service answers others meanwhile', async () => {
    const slow = raw(port, (s) => s.write('POST /v1/classifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"name":'));
    // Meanwhile, within the same second, a whole request is answered.
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
    const answer = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('application/problem+json');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ status: 408, type: 'https://medai-risk.dev/problems/request-timeout' });
    expect(body.detail).toContain('Запрос не пришёл вовремя');
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });

  test('headers that never end are 408 too', async () => {
    const answer = await raw(port, (s) => s.write('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n'));
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('a head over MAX_HEADER_BYTES is 431 problem+json', async () => {
    const answer = await raw(port, (s) => s.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, type: 'https://medai-risk.dev/problems/headers-too-large' });
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });
});
