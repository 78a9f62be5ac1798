import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { requireRole } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { AppError } from '../platform/errors';
import { operation } from '../platform/routes';
import { readAudit } from './log';
import { verifyAudit } from './verify';

const encodeCursor = (seq: number) => Buffer.from(`l:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const m = /^l:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError(400, 'validation', 'Request validation failed', 'cursor is not a cursor this service issued', [{ in: 'query', field: '/cursor', message: 'is not a valid cursor' }]);
  return Number(m[1]);
}

/** The whole audit trail and its verification: admins only (an application's trail is under certification). */
export function auditRoutes(app: FastifyInstance, deps: { contract: Contract; db: Knex }): void {
  const { contract, db } = deps;

  operation(app, contract, 'listAudit', async (request) => {
    requireRole(request, 'admin');
    const q = request.query as { limit?: number; cursor?: string };
    const limit = q.limit ?? 100;
    const rows = await readAudit(db, { limit: limit + 1, afterSeq: q.cursor ? decodeCursor(q.cursor) : undefined });
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null };
  });

  operation(app, contract, 'verifyAudit', async (request) => {
    requireRole(request, 'admin');
    return verifyAudit(db);
  });
}
