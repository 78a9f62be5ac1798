import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, loggerOptions } from '../../src/app';
import { loadConfig } from '../../src/config';
import { DEFAULT_LOG2N, hashCost, hashPassword, needsRehash, verifyPassword } from '../../src/identity/passwords';
import { createIdentityService, trusted } from '../../src/identity/service';
import { testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

const PASSWORD = 'correct horse battery staple';

describe('password hashing', () => {
  test('the default cost is scrypt N = 2^17, r = 8 (the OWASP minimum), and the setting cannot go below it', async () => {
    expect(DEFAULT_LOG2N).toBe(17);
    expect(loadConfig({}).PASSWORD_SCRYPT_LOG2N).toBe(17);
    expect(() => loadConfig({ PASSWORD_SCRYPT_LOG2N: '14' })).toThrow(/PASSWORD_SCRYPT_LOG2N/);
    const stored = await hashPassword(PASSWORD);
    expect(hashCost(stored)).toEqual({ n: 2 ** 17, r: 8, p: 1 });
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash(await hashPassword(PASSWORD, 14))).toBe(true);
  }, 120_000);

  test('hashing at the default cost does not block the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    const started = Date.now();
    await hashPassword(PASSWORD);
    const took = Date.now() - started;
    clearInterval(timer);
    // The timer kept firing while the hash was computed on the thread pool.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(3, Math.floor(took / 20)));
  });
});

describe(`login upgrades an older, cheaper hash, on ${databaseKind}`, () => {
  let testDb: TestDb;
  beforeAll(async () => { testDb = await openTestDb(); });
  afterAll(async () => testDb.close());

  test('a user hashed at 2^14 logs in; the hash is replaced at the configured cost, audited without the hash', async () => {
    const cheap = createIdentityService({ db: testDb.db, config: loadConfig({}, { PASSWORD_SCRYPT_LOG2N: 14 }) });
    const cli = trusted({ type: 'cli', id: null, name: 'test', organisationId: null });
    const org = await cheap.createOrganisation(cli, { name: 'Hygiene regulator', kind: 'regulator' });
    const user = await cheap.createUser(cli, org.id, { email: 'old.hash@example.org', name: 'Old Hash', role: 'admin', password: PASSWORD });
    const stored = async () => (await testDb.db('users').where({ id: user.id }).first()).password_hash as string;
    const before = await stored();
    expect(hashCost(before)!.n).toBe(2 ** 14);

    const app = await buildApp(testConfig({ PASSWORD_SCRYPT_LOG2N: 17 }), { db: testDb.db, registry: testRegistry(), logger: false });
    try {
      const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'old.hash@example.org', password: PASSWORD } });
      expect(login.statusCode).toBe(200);
      const after = await stored();
      expect(hashCost(after)).toEqual({ n: 2 ** 17, r: 8, p: 1 });
      expect(await verifyPassword(PASSWORD, after)).toBe(true);
      const entries = await testDb.db('audit_log').where({ action: 'auth.password_rehashed', object_id: user.id });
      expect(entries).toHaveLength(1);
      expect(JSON.stringify(entries[0])).not.toContain(before.split('$')[5]);
      expect(JSON.stringify(entries[0])).not.toContain(after.split('$')[5]);
      expect(entries[0].request_id).toBe(login.headers['x-request-id']);
      // Once upgraded, the next login leaves it alone.
      expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'old.hash@example.org', password: PASSWORD } })).statusCode).toBe(200);
      expect(await stored()).toBe(after);
      expect(await testDb.db('audit_log').where({ action: 'auth.password_rehashed', object_id: user.id })).toHaveLength(1);
      // A wrong password upgrades nothing.
      await testDb.db('users').where({ id: user.id }).update({ password_hash: before });
      expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'old.hash@example.org', password: 'wrong password entirely' } })).statusCode).toBe(401);
      expect(await stored()).toBe(before);
    } finally {
      await app.close();
    }
  }, 240_000); // four scrypt hashes at 2^17 (128 MiB each): seconds apiece on a busy machine
});

describe(`response headers and request ids, on ${databaseKind}`, () => {
  let testDb: TestDb;
  const lines: Array<Record<string, unknown>> = [];
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    testDb = await openTestDb();
    const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); cb(); } });
    app = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), loggerInstance: pino(loggerOptions({ LOG_LEVEL: 'info' }) as pino.LoggerOptions, sink) });
  });
  afterAll(async () => { await app.close(); await testDb.close(); });

  test.each(['/v1/rulesets', '/v1/evidence', '/health/live', '/v1/nothing-here', '/v1/systems', '/openapi.json'])('API answer %s: Cache-Control no-store and nosniff', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  test('/docs has a Content-Security-Policy without plugins or foreign framing', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  test('a caller\'s x-request-id is kept apart from the service\'s own: echoed and logged beside it, never in the audit', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'x-request-id': 'forged-id-1' }, payload: { email: 'nobody@example.org', password: 'not the password at all' } });
    expect(res.statusCode).toBe(401);
    const own = String(res.headers['x-request-id']);
    expect(own).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.headers['x-client-request-id']).toBe('forged-id-1');
    expect(res.json().requestId).toBe(own);
    const logged = lines.filter((l) => l.reqId === own);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    for (const l of logged) expect(l.clientReqId).toBe('forged-id-1');
    expect(await testDb.db('audit_log').where({ request_id: 'forged-id-1' }).first()).toBeUndefined();
  });
});
