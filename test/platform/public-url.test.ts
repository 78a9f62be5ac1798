import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { RULES_DIR, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld } from '../helpers/world';

/** PUBLIC_URL defaults to the address the service listens on, so links follow PORT and HOST. */
describe('PUBLIC_URL by default', () => {
  test('is http://HOST:PORT; a wildcard HOST gives loopback, IPv6 in brackets; a set PUBLIC_URL wins', () => {
    expect(loadConfig({}).PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ PORT: '8088' }).PUBLIC_URL).toBe('http://127.0.0.1:8088');
    expect(loadConfig({ PORT: '8088', HOST: 'risk.internal' }).PUBLIC_URL).toBe('http://risk.internal:8088');
    expect(loadConfig({ PORT: '80', HOST: '0.0.0.0' }).PUBLIC_URL).toBe('http://127.0.0.1:80');
    expect(loadConfig({ PORT: '8088', HOST: '::' }).PUBLIC_URL).toBe('http://[::1]:8088');
    expect(loadConfig({ PORT: '8088', HOST: '::1' }).PUBLIC_URL).toBe('http://[::1]:8088');
    expect(loadConfig({ PORT: '8088', PUBLIC_URL: 'https://risk.example.org' }).PUBLIC_URL).toBe('https://risk.example.org');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe(`a certificate's verification link on a non-default port, on ${databaseKind}`, () => {
  let testDb: TestDb;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    testDb = await openTestDb();
    // Configured as `PORT=… npm start` would be: only PORT from the environment.
    const config = loadConfig({ PORT: String(port), LOG_LEVEL: 'silent', RULES_DIR });
    app = await buildApp(config, { db: testDb.db, registry: testRegistry(), logger: false });
    await app.listen({ port: config.PORT, host: config.HOST });
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.close();
  });

  test('the link carries the port the service listens on, and following it answers', async () => {
    const w = await seedWorld(app, testDb.db);
    const sys = await app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Port check' }) });
    expect(sys.statusCode).toBe(201);
    const a = await app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
    expect(a.statusCode).toBe(201);
    const number = 'MR-2025-700001';
    const now = new Date().toISOString();
    await testDb.db('certificates').insert({
      number, application_id: a.json().id, system_id: sys.json().id, version: 1, organisation_id: w.vendorA, centre_id: w.centre,
      status: 'valid', re_review_required: false, issued_at: now, valid_until: '2099-01-01T00:00:00.000Z', status_changed_at: now,
      classes: JSON.stringify([{ framework: 'imdrf-samd', class: 'II', engineClass: 'II' }]), rulesets: JSON.stringify([]),
    });
    const res = await fetch(`http://127.0.0.1:${port}/v1/certificates/${number}`);
    expect(res.status).toBe(200);
    const link = ((await res.json()) as { verificationUrl: string }).verificationUrl;
    expect(link).toBe(`http://127.0.0.1:${port}/v1/certificates/${number}`);
    const followed = await fetch(link);
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { number: string }).number).toBe(number);
    // The registry's entries carry the same link.
    const registry = (await (await fetch(`http://127.0.0.1:${port}/v1/registry`)).json()) as { items: Array<{ certificateNumber: string; verificationUrl: string }> };
    expect(registry.items.find((e) => e.certificateNumber === number)!.verificationUrl).toBe(link);
  });
});
