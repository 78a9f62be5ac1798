import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { requireRole } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { seqCursor } from '../platform/cursor';
import { conflict, notFound } from '../platform/errors';
import { operation } from '../platform/routes';
import { jwks, type KeyRing } from '../platform/signing';
import { readCheckpoints } from './anchor';
import type { AuditAnchoring } from './anchoring';
import { readAudit } from './log';

const cursor = seqCursor('l');
const checkpointCursor = seqCursor('c');

/**
 * The whole audit trail and its verification: admins only (an application's trail is under
 * certification). Its checkpoints and the public keys are public: outsiders keep them.
 */
export function auditRoutes(app: FastifyInstance, deps: { contract: Contract; db: Knex; anchoring: AuditAnchoring; publicKeys: () => Array<Pick<KeyRing, 'verifying'>> }): void {
  const { contract, db, anchoring } = deps;

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
    return anchoring.verify();
  });

  operation(app, contract, 'listAuditCheckpoints', async (request) => {
    const q = request.query as { limit?: number; cursor?: string };
    const limit = q.limit ?? 100;
    const rows = await readCheckpoints(db, { limit: limit + 1, afterN: q.cursor ? checkpointCursor.decode(q.cursor) : undefined });
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? checkpointCursor.encode(page[page.length - 1].n) : null };
  });

  operation(app, contract, 'createAuditCheckpoint', async (request, reply) => {
    requireRole(request, 'admin');
    const { checkpoint, verification } = await anchoring.checkpoint();
    if (!verification.valid) {
      const b = verification.firstBroken!;
      throw conflict(`The audit trail is broken at seq ${b.seq} (${b.reason}): no checkpoint is signed over it`);
    }
    if (!checkpoint) throw conflict('The audit trail is empty: there is nothing to anchor yet');
    return reply.status(201).send(checkpoint);
  });

  operation(app, contract, 'startAuditVerification', async (request, reply) => {
    requireRole(request, 'admin');
    const job = anchoring.startFullVerification();
    return reply.status(202).header('location', `/v1/audit/verifications/${job.id}`).send(job);
  });

  operation(app, contract, 'getAuditVerification', async (request) => {
    requireRole(request, 'admin');
    const { id } = request.params as { id: string };
    const job = anchoring.job(id);
    if (!job) throw notFound(`Verification ${id}`);
    return job;
  });

  operation(app, contract, 'getSigningKeys', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return jwks(deps.publicKeys());
  });
}
