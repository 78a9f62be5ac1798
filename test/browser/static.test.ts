import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { DASHBOARD_CSP, dashboardRoutes } from '../../src/dashboard/routes';
import { registerErrorHandling } from '../../src/platform/errors';
import { openTestDb } from '../helpers/db';
import { testConfig, testRegistry } from '../helpers/app';

const ROOT = resolve(__dirname, '../..');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A server with only the dashboard routes, its browser code built into a directory of its own. */
let built: string;
let app: FastifyInstance;
beforeAll(async () => {
  built = mkdtempSync(join(tmpdir(), 'medai-dashboard-'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'src/dashboard/web/tsconfig.json'), '--outDir', built], { stdio: 'pipe' });
  app = Fastify({ logger: false });
  registerErrorHandling(app);
  await dashboardRoutes(app, { builtDir: join(built, 'dashboard/web') });
  await app.ready();
}, 120000);
afterAll(async () => {
  await app.close();
  rmSync(built, { recursive: true, force: true });
});

function expectSecurityHeaders(headers: Record<string, unknown>) {
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('dashboard static serving', () => {
  test('the CSP is exactly the strict one', () => expect(DASHBOARD_CSP).toBe(CSP));

  test('index.html, scripts, styles and images with their types, cache-control, ETag and the security headers', async () => {
    const cases: Array<[string, RegExp, string]> = [
      ['/dashboard', /^text\/html; charset=utf-8/, '<script type="module" src="/dashboard/main.js">'],
      ['/dashboard/', /^text\/html; charset=utf-8/, '<main id="main"'],
      ['/dashboard/main.js', /^text\/javascript; charset=utf-8/, 'import'],
      ['/dashboard/pages/application.js', /^text\/javascript; charset=utf-8/, 'export async function applicationPage'],
      ['/dashboard/styles.css', /^text\/css; charset=utf-8/, ':root'],
      ['/dashboard/favicon.svg', /^image\/svg\+xml/, '<svg'],
    ];
    for (const [url, type, text] of cases) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.headers['content-type']).toMatch(type);
      expect(res.body).toContain(text);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expectSecurityHeaders(res.headers);
      // Nothing inline: the CSP would refuse it.
      if (url.startsWith('/dashboard/') && url.endsWith('/')) {
        expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
        expect(res.body).not.toMatch(/\sstyle=|<style/);
      }
    }
  });

  test('a matching If-None-Match is 304 without a body', async () => {
    const first = await app.inject({ method: 'GET', url: '/dashboard/main.js' });
    const again = await app.inject({ method: 'GET', url: '/dashboard/main.js', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expectSecurityHeaders(again.headers);
    const other = await app.inject({ method: 'GET', url: '/dashboard/main.js', headers: { 'if-none-match': '"something-else"' } });
    expect(other.statusCode).toBe(200);
  });

  test('unknown dashboard paths fall back to index.html; missing assets are 404', async () => {
    for (const url of ['/dashboard/queue', '/dashboard/applications/123', '/dashboard/a/b/c?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<main id="main"');
      expectSecurityHeaders(res.headers);
    }
    for (const url of ['/dashboard/missing.js', '/dashboard/nope.css', '/dashboard/pages/none.svg']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectSecurityHeaders(res.headers);
    }
  });

  test('no directory traversal and no source files, however the path is spelled', async () => {
    const urls = [
      '/dashboard/../package.json', '/dashboard/../../package.json', '/dashboard/%2e%2e/%2e%2e/package.json', '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json', '/dashboard/pages/..%2f..%2f..%2f..%2fpackage.json', '/dashboard/%2e%2e%2f%2e%2e%2f%2e%2e%2fsrc%2fapp.ts',
      '/dashboard/main.ts', '/dashboard/tsconfig.json', '/dashboard/pages/application.ts', '/dashboard/.env', '/dashboard/%00.js', '/dashboard/%E0%A4%A.js',
      '/dashboard//etc/passwd', '/dashboard/%2fetc%2fpasswd',
    ];
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.body]).not.toEqual([url, expect.stringContaining('"name": "medai-risk"')]);
      expect(res.body).not.toContain('root:x:0:0');
      expect(res.body).not.toContain('import type');
      // Either refused or the app itself (the SPA fallback), never a file from elsewhere.
      if (res.statusCode === 200) expect([url, res.body]).toEqual([url, expect.stringContaining('<main id="main"')]);
      else expect([url, res.statusCode >= 400]).toEqual([url, true]);
      // Dot segments are resolved by the URL parser before routing: those never reach the dashboard.
      if (!/No route|FST_ERR_BAD_URL/.test(res.body)) expectSecurityHeaders(res.headers);
    }
    // Over a real socket, with the path sent exactly as written (no client-side normalization).
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    for (const path of ['/dashboard/../package.json', '/dashboard/../../package.json', '/dashboard/..%2f..%2f..%2fpackage.json', '/dashboard/../../../../../../etc/passwd']) {
      const { status, body } = await new Promise<{ status: number; body: string }>((done, fail) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (c) => { body += c; });
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', fail);
        req.end();
      });
      expect(body).not.toContain('"name": "medai-risk"');
      expect(body).not.toContain('root:x:0:0');
      expect([path, status === 200 ? body.includes('<main id="main"') : status >= 400]).toEqual([path, true]);
    }
  });

  test('the path is decoded once (by the router): double-encoded dots stay literal, a lone % is no error', async () => {
    // `%252e%252e` reaches the dashboard as the literal segment `%2e%2e`, never as `..`.
    for (const url of ['/dashboard/%252e%252e/%252e%252e/package.json', '/dashboard/%252e%252e/%252e%252e/main.js', '/dashboard/%252e%252e%252f%252e%252e%252fpackage.json', '/dashboard/pages/%252e%252e/%252e%252e/%252e%252e/src/app.ts']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).not.toContain('"name": "medai-risk"');
      expectSecurityHeaders(res.headers);
    }
    // A double-encoded path without an extension is an app route: the single-page fallback.
    for (const url of ['/dashboard/%252e%252e/%252e%252e', '/dashboard/%25', '/dashboard/%25/queue', '/dashboard/a%25b']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<main id="main"');
      expectSecurityHeaders(res.headers);
    }
  });

  test('without the built browser code, /dashboard is 503 problem+json saying to run npm run build', async () => {
    const bare = Fastify({ logger: false });
    registerErrorHandling(bare);
    await dashboardRoutes(bare, { builtDir: join(built, 'does-not-exist') });
    for (const url of ['/dashboard', '/dashboard/main.js', '/dashboard/queue']) {
      const res = await bare.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 503, title: 'Dashboard not built' });
      expect(res.json().detail).toContain('npm run build');
      expectSecurityHeaders(res.headers);
    }
    await bare.close();
  });

  test('the service registers the dashboard outside the API contract and finds its sources from src/', async () => {
    const testDb = await openTestDb();
    const routes: Array<{ url: string; contract?: boolean }> = [];
    const service = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), logger: false, onRoute: (r) => routes.push({ url: r.url, contract: r.config?.contract }) });
    await service.ready();
    expect(routes.filter((r) => r.url.startsWith('/dashboard')).every((r) => r.contract === false)).toBe(true);
    expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(['/dashboard', '/dashboard/*']));
    const res = await service.inject({ method: 'GET', url: '/dashboard/styles.css' });
    // 200 when `npm run build` has run, 503 otherwise: the sources are found either way.
    expect([200, 503]).toContain(res.statusCode);
    if (res.statusCode === 200) expect(res.body).toContain(':root');
    expectSecurityHeaders(res.headers);
    // API answers do not carry the dashboard's headers.
    expect((await service.inject({ method: 'GET', url: '/health/live' })).headers['content-security-policy']).toBeUndefined();
    await service.close();
    await testDb.close();
  });
});
