import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import { AppError } from './errors';

/** An in-progress claim older than this is taken to be from a crashed request and may be taken over. */
const STALE_MS = 5 * 60_000;
const KEY = /^[\x21-\x7e]{1,200}$/;
/** Expired keys deleted per claim at most (a backlog goes over several claims). */
const PURGE_BATCH = 500;
/** Response headers a replay repeats. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

function requestHash(request: FastifyRequest): string {
  const h = createHash('sha256').update(`${request.method} ${request.url}\n`);
  h.update(JSON.stringify(request.body ?? null));
  return h.digest('hex');
}

/**
 * `Idempotency-Key` on the writes whose operation declares it in openapi.yaml, for authenticated
 * callers (not where the answer holds a secret, like a new API key, nor on uploads): the first request
 * with a key claims it; the same key with the same request replays the first 2xx answer and never
 * writes again; with another request it is 422; while the first is still running it is 409. Keys
 * are scoped to the caller, so two callers never see each other's answers. A failed request
 * (non-2xx) releases its key, so it can be retried as it was. A key is remembered for
 * `keyHours` after its first request: then it is free again, and every claim deletes up to
 * PURGE_BATCH keys whose time is over (an index on created_at keeps that a short range scan).
 */
export function registerIdempotency(app: FastifyInstance, db: Knex, options: { keyHours: number }): void {
  const keyMs = options.keyHours * 3_600_000;
  app.decorateRequest('idempotency', null);

  // Hooks stay synchronous for requests without a key (the public classification's hot path).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.headers['idempotency-key'] === undefined || !request.routeOptions.config?.idempotent) return done();
    // A replay answers from here; then the chain stops (done is not called).
    claim(request, reply).then((replied) => { if (!replied) done(); }, done);
  });

  async function claim(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new AppError(400, 'validation', 'Request validation failed', 'Idempotency-Key must be 1–200 visible ASCII characters', [{ in: 'headers', field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }]);
    }
    const principal = request.principal;
    if (!principal) return false; // Anonymous operations write nothing.
    const scope = `${principal.kind}:${principal.id}`;
    const hash = requestHash(request);
    const now = new Date();
    // Expired keys go, a batch per claim, skipping rows another claim holds (no waiting, no deadlock).
    const expired = db('idempotency_keys').select('scope', 'key').where('created_at', '<', new Date(now.getTime() - keyMs).toISOString())
      .orderBy('created_at').limit(PURGE_BATCH).forUpdate().skipLocked();
    await db('idempotency_keys').whereIn(['scope', 'key'], expired).del();
    const inserted = await db('idempotency_keys')
      .insert({ scope, key: header, request_hash: hash, state: 'in_progress', created_at: now.toISOString() })
      .onConflict(['scope', 'key']).ignore()
      .returning('key');
    if (inserted.length === 0) {
      const row = await db('idempotency_keys').where({ scope, key: header }).first();
      if (!row) throw new AppError(409, 'idempotency-conflict', 'Conflict', 'A request with this Idempotency-Key has just finished; send it again');
      if (row.request_hash !== hash) throw new AppError(422, 'idempotency-mismatch', 'Idempotency key reused', 'This Idempotency-Key was used with a different request');
      if (row.state === 'done') {
        const headers = (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<string, string>;
        for (const [k, v] of Object.entries(headers)) reply.header(k, v);
        reply.header('idempotent-replayed', 'true');
        reply.status(row.status_code as number).send(row.body as string);
        return true;
      }
      const age = now.getTime() - new Date(row.created_at).getTime();
      if (age < STALE_MS) throw new AppError(409, 'idempotency-in-progress', 'Conflict', 'A request with this Idempotency-Key is still in progress');
      const taken = await db('idempotency_keys').where({ scope, key: header, state: 'in_progress', created_at: row.created_at }).update({ created_at: now.toISOString() });
      if (taken === 0) throw new AppError(409, 'idempotency-in-progress', 'Conflict', 'A request with this Idempotency-Key is still in progress');
    }
    request.idempotency = { scope, key: header };
    return false;
  }

  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.idempotency) return done(null, payload);
    settle(request, reply, payload).then(() => done(null, payload), (err) => done(err));
  });

  async function settle(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const claim = request.idempotency!;
    request.idempotency = null;
    if (reply.statusCode >= 200 && reply.statusCode < 300 && (typeof payload === 'string' || payload === null || payload === undefined)) {
      const headers: Record<string, string> = {};
      for (const h of REPLAYED_HEADERS) {
        const v = reply.getHeader(h);
        if (v !== undefined) headers[h] = String(v);
      }
      await db('idempotency_keys').where(claim).update({ state: 'done', status_code: reply.statusCode, headers: JSON.stringify(headers), body: payload ?? '' });
    } else {
      await db('idempotency_keys').where(claim).del();
    }
  }
}
