import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The one Content-Security-Policy of every dashboard response: nothing inline, nothing foreign. */
export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** What the dashboard serves, by extension; anything else is never served. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
/** Compiled browser code comes from the build; the rest from the sources. */
const BUILT = new Set(['.js']);

export type DashboardOptions = {
  /** src/dashboard/web: index.html, styles.css, images. */
  sourceDir?: string;
  /** dist/web/dashboard/web: the compiled .js. */
  builtDir?: string;
};

const firstExisting = (candidates: string[], marker: string) => candidates.find((d) => existsSync(resolve(d, marker))) ?? candidates[0];

/**
 * Where the files are, from src/dashboard/routes.ts (ts-jest, tsx) or dist/dashboard/routes.js
 * (`npm start`): the sources stay in src/dashboard/web, `npm run build` writes dist/web.
 */
export function dashboardDirs(options: DashboardOptions = {}): { sourceDir: string; builtDir: string } {
  const sourceDir = options.sourceDir ? resolve(options.sourceDir) : firstExisting([resolve(__dirname, 'web'), resolve(__dirname, '../../src/dashboard/web')], 'index.html');
  const builtDir = options.builtDir ? resolve(options.builtDir) : firstExisting([resolve(__dirname, '../../dist/web/dashboard/web'), resolve(__dirname, '../web/dashboard/web')], 'main.js');
  return { sourceDir, builtDir };
}

type Cached = { mtimeMs: number; size: number; etag: string; body: Buffer };

function problem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, title: string, detail: string) {
  return reply.status(status).type('application/problem+json').header('cache-control', 'no-store')
    .send({ type: `https://medai-risk.dev/problems/${code}`, title, status, detail, instance: request.url.split('?')[0], requestId: String(request.id) });
}

/**
 * The reviewer dashboard at /dashboard: static files (no API operation, so `contract: false`),
 * a single-page fallback to index.html, ETags with 304s, and a strict CSP on every answer.
 */
export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions = {}): Promise<void> {
  const { sourceDir, builtDir } = dashboardDirs(options);
  const cache = new Map<string, Cached>();

  async function load(file: string): Promise<Cached | null> {
    let s;
    try {
      s = await stat(file);
    } catch {
      return null;
    }
    if (!s.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit;
    const body = await readFile(file);
    const entry = { mtimeMs: s.mtimeMs, size: s.size, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, body };
    cache.set(file, entry);
    return entry;
  }

  /** A path under `root`, or null for anything that would leave it. */
  function inside(root: string, rel: string): string | null {
    const full = resolve(root, rel);
    return full.startsWith(root + sep) ? full : null;
  }

  async function serve(request: FastifyRequest, reply: FastifyReply, wanted: string) {
    if (!existsSync(resolve(builtDir, 'main.js'))) {
      return problem(reply, request, 503, 'dashboard-not-built', 'Dashboard not built', 'The dashboard\'s browser code is not built: run `npm run build`');
    }
    // Fastify has already percent-decoded the `*` parameter once; decoding again would turn a
    // literal `%2e%2e` (sent as `%252e%252e`) into `..` after the checks below had to rely on it.
    const rel = wanted;
    const segments = rel.split('/').filter((s) => s !== '');
    // No traversal, no hidden files, no backslashes or NULs: refused before touching the disk.
    if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.') || /[\\\0]/.test(s))) {
      return problem(reply, request, 404, 'not-found', 'Not found', 'No such dashboard file');
    }
    const ext = extname(rel).toLowerCase();
    let file: string | null = null;
    let type = TYPES['.html'];
    if (segments.length > 0 && ext in TYPES) {
      file = inside(BUILT.has(ext) ? builtDir : sourceDir, segments.join('/'));
      type = TYPES[ext];
    } else if (segments.length > 0 && ext !== '') {
      // A file of a kind the dashboard never serves (.ts, .json, .map …).
      return problem(reply, request, 404, 'not-found', 'Not found', 'No such dashboard file');
    } else {
      // The single-page fallback: every other /dashboard path is the app.
      file = resolve(sourceDir, 'index.html');
    }
    const entry = file ? await load(file) : null;
    if (!entry) return problem(reply, request, 404, 'not-found', 'Not found', 'No such dashboard file');
    reply.header('etag', entry.etag).header('cache-control', 'no-cache');
    const inm = request.headers['if-none-match'];
    if (typeof inm === 'string' && inm.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(entry.etag)) {
      return reply.status(304).send();
    }
    return reply.type(type).send(entry.body);
  }

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
      return payload;
    });
    scope.get('/dashboard', { config: { contract: false } }, (request, reply) => serve(request, reply, ''));
    scope.get('/dashboard/*', { config: { contract: false } }, (request, reply) => serve(request, reply, (request.params as { '*': string })['*'] ?? ''));
  });
}
