import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../../src/app';
import { loadContract } from '../../src/platform/contract';
import type { Db } from '../../src/platform/db';
import { openTestDb } from '../helpers/db';
import { expectContract, testConfig, testRegistry } from '../helpers/app';

describe('openapi.yaml is the contract', () => {
  test('every operation has exactly one route and every API route an operation', async () => {
    const testDb = await openTestDb();
    const routes: Array<{ method: string; url: string; operationId?: string; contract?: boolean }> = [];
    const app = await buildApp(testConfig(), {
      db: testDb.db, registry: testRegistry(), logger: false,
      onRoute: (r) => {
        for (const method of [r.method].flat()) routes.push({ method, url: r.url, operationId: r.config?.operationId, contract: r.config?.contract });
      },
    });
    await app.ready();
    await app.close();
    await testDb.close();

    const operations = [...loadContract().operations.values()];
    for (const op of operations) {
      const matching = routes.filter((r) => r.method === op.method && r.url === op.url);
      expect({ operation: op.operationId, routes: matching.length }).toEqual({ operation: op.operationId, routes: 1 });
      expect(matching[0].operationId).toBe(op.operationId);
    }
    // Fastify adds HEAD twins of GET routes; documentation routes are outside the API.
    const api = routes.filter((r) => r.method !== 'HEAD' && r.contract !== false && !r.url.startsWith('/docs'));
    for (const r of api) {
      expect({ route: `${r.method} ${r.url}`, operationId: r.operationId && loadContract().operations.has(r.operationId) }).toEqual({ route: `${r.method} ${r.url}`, operationId: true });
    }
    expect(api.length).toBe(operations.length);
  });

  test('/openapi.json serves the contract and /docs renders it', async () => {
    const testDb = await openTestDb();
    const app = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), logger: false });
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    expect(Object.keys(spec.json().paths)).toContain('/v1/classifications');
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    const health = await app.inject({ method: 'GET', url: '/health/ready' });
    expectContract('healthReady', health);
    expect(health.json()).toEqual({ status: 'ok', database: 'ok' });
    expectContract('healthLive', await app.inject({ method: 'GET', url: '/health/live' }));
    await app.close();
    await testDb.close();
  });

  test('readiness fails with 503 when the database does not answer in time; liveness does not', async () => {
    // A database that never answers: the probe must still answer, within its own timeout.
    const hanging = { raw: () => new Promise(() => {}) } as unknown as Db;
    const app = await buildApp(testConfig(), { db: hanging, registry: testRegistry(), logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['content-type']).toMatch(/problem\+json/);
    expect(ready.json().detail).toMatch(/does not answer/);
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await app.close();
  });

  test('the TypeScript types are generated from openapi.yaml and up to date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medai-gen-'));
    const out = join(dir, 'openapi.ts');
    const root = resolve(__dirname, '../..');
    execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(root, 'openapi.yaml'), '-o', out], { stdio: 'pipe' });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(root, 'src/generated/openapi.ts'), 'utf8'));
  });
});
