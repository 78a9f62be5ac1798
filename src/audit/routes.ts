import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { requireRole } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { seqCursor } from '../platform/cursor';
import { operation } from '../platform/routes';
import { readAudit } from './log';
import { verifyAudit } from './verify';

const cursor = seqCursor('l');

/** The whole audit trail and its verification: admins only (an application's trail is under certification). */
export function auditRoutes(app: FastifyInstance, deps: { contract: Contract; db: Knex }): void {
  const { contract, db } = deps;

  operation(app, contract, 'listAudit', async (request) => {
    requireRole(request, 'admin');
    const q = request.query as { limit?: number; cursor?: string };
    const limit = q.limit ?? 100;
    const rows = await readAudit(db, { limit: limit + 1, afterSeq: q.cursor ? cursor.decode(q.cursor) : undefined });
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? cursor.encode(page[page.length - 1].seq) : null };
  });

  operation(app, contract, 'verifyAudit', async (request) => {
    requireRole(request, 'admin');
    return verifyAudit(db);
  });
}
