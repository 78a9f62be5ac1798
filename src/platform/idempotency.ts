import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import { AppError } from './errors';

const KEY = /^[\x21-\x7e]{1,200}$/;
/** Expired keys deleted per claim at most (a backlog goes over several claims). */
const PURGE_BATCH = 500;
/** Response headers a replay repeats. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

/** The transaction a keyed request runs in; emptied once it is committed or rolled back. */
type Ambient = { trx: Knex.Transaction | null };
const ambient = new AsyncLocalStorage<Ambient>();

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string; ambient: Ambient } | null;
  }
}

/**
 * The database as the services see it: inside a request that holds an Idempotency-Key, every
 * query and every `transaction()` (then a savepoint) goes to that request's transaction, so the
 * write and its stored answer commit together; everywhere else it is the database itself.
 */
export function requestScoped(db: Knex): Knex {
  const current = (): Knex => ambient.getStore()?.trx ?? db;
  return new Proxy(db, {
    apply: (_target, _self, args: unknown[]) => (current() as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, prop) => {
      const target = current();
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function requestHash(request: FastifyRequest): string {
  const h = createHash('sha256').update(`${request.method} ${request.url}\n`);
  h.update(JSON.stringify(request.body ?? null));
  return h.digest('hex');
}

type KeyRow = { request_hash: string; status_code: number; headers: string | Record<string, string>; body: string; created_at: string | Date };

/**
 * `Idempotency-Key` on the writes whose operation declares it in openapi.yaml, for authenticated
 * callers (not where the answer holds a secret, like a new API key, nor on uploads). Exactly once:
 * a keyed request runs in one database transaction that first inserts its key, then does the
 * write (the services' queries join it, see `requestScoped`), then stores the answer, and only
 * then commits. A crash anywhere before the commit leaves neither the write nor the key; after it,
 * both. The same key with the same request replays the stored 2xx answer (`idempotent-replayed`)
 * and never writes again; with another request it is 422. A second request with a key whose first
 * request is still running waits for it (PostgreSQL's unique index holds it back) and then
 * replays its answer, or runs itself when the first failed. A failed request (non-2xx) rolls back,
 * so it can be retried as it was. Keys are scoped to the caller. A key is remembered for
 * `keyHours` after its request: then it is free again, and every claim deletes up to PURGE_BATCH
 * keys whose time is over (an index on created_at keeps that a short range scan).
 */
export function registerIdempotency(app: FastifyInstance, db: Knex, options: { keyHours: number }): void {
  const keyMs = options.keyHours * 3_600_000;
  app.decorateRequest('idempotency', null);

  // Hooks stay synchronous for requests without a key (the public classification's hot path).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.headers['idempotency-key'] === undefined || !request.routeOptions.config?.idempotent) return done();
    // A replay answers from here; then the chain stops (done is not called). Otherwise the rest of
    // the request (the handler) runs inside the key's transaction.
    claim(request, reply).then((held) => { if (held) ambient.run(held, () => done()); }, done);
  });

  function replay(reply: FastifyReply, row: KeyRow): void {
    const headers = (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<string, string>;
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    reply.header('idempotent-replayed', 'true');
    reply.status(row.status_code).send(row.body);
  }

  /** The committed answer to a key, or a 422 when it answered another request. */
  function answered(row: KeyRow | undefined, hash: string): KeyRow | undefined {
    if (row && row.request_hash !== hash) throw new AppError(422, 'idempotency-mismatch', 'Idempotency key reused', 'This Idempotency-Key was used with a different request');
    return row;
  }

  /** Resolves to the held transaction, or to null when the request was answered (a replay). */
  async function claim(request: FastifyRequest, reply: FastifyReply): Promise<Ambient | null> {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new AppError(400, 'validation', 'Request validation failed', 'Idempotency-Key must be 1–200 visible ASCII characters', [{ in: 'headers', field: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }]);
    }
    const principal = request.principal;
    if (!principal) return { trx: null }; // Anonymous operations write nothing.
    const scope = `${principal.kind}:${principal.id}`;
    const hash = requestHash(request);
    const now = new Date();
    const expiredBefore = new Date(now.getTime() - keyMs).toISOString();
    // Expired keys go, a batch per claim, skipping rows another claim holds (no waiting, no deadlock);
    // this key's own row goes too when its time is over, whatever the backlog.
    const expired = db('idempotency_keys').select('scope', 'key').where('created_at', '<', expiredBefore)
      .orderBy('created_at').limit(PURGE_BATCH).forUpdate().skipLocked();
    await db('idempotency_keys').whereIn(['scope', 'key'], expired).del();
    await db('idempotency_keys').where({ scope, key: header }).where('created_at', '<', expiredBefore).del();

    const done = answered(await db('idempotency_keys').where({ scope, key: header }).first(), hash);
    if (done) {
      replay(reply, done);
      return null;
    }
    const trx = await db.transaction();
    try {
      // Waits while another transaction holds the same key, then inserts nothing if that one committed.
      const inserted = await trx('idempotency_keys')
        .insert({ scope, key: header, request_hash: hash, state: 'in_progress', created_at: now.toISOString() })
        .onConflict(['scope', 'key']).ignore()
        .returning('key');
      if (inserted.length === 0) {
        await trx.rollback();
        const row = answered(await db('idempotency_keys').where({ scope, key: header }).first(), hash);
        if (!row) throw new AppError(409, 'idempotency-conflict', 'Conflict', 'A request with this Idempotency-Key has just been forgotten; send it again');
        replay(reply, row);
        return null;
      }
    } catch (err) {
      if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
      throw err;
    }
    const held: Ambient = { trx };
    request.idempotency = { scope, key: header, ambient: held };
    return held;
  }

  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.idempotency) return done(null, payload);
    settle(request, reply, payload).then(() => done(null, payload), (err) => done(err));
  });
  // A request that ends without sending (the client went away, a hook failed) never leaves its transaction open.
  app.addHook('onResponse', (request, _reply, done) => {
    if (!request.idempotency) return done();
    abandon(request).then(() => done(), () => done());
  });

  async function abandon(request: FastifyRequest): Promise<void> {
    const claim = request.idempotency;
    request.idempotency = null;
    const trx = claim?.ambient.trx;
    if (claim) claim.ambient.trx = null;
    if (trx && !trx.isCompleted()) await trx.rollback();
  }

  async function settle(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const claim = request.idempotency!;
    const trx = claim.ambient.trx;
    const ok = reply.statusCode >= 200 && reply.statusCode < 300 && (typeof payload === 'string' || payload === null || payload === undefined);
    if (!trx || !ok) return abandon(request);
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = reply.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    try {
      await trx('idempotency_keys').where({ scope: claim.scope, key: claim.key })
        .update({ state: 'done', status_code: reply.statusCode, headers: JSON.stringify(headers), body: payload ?? '' });
      // Nothing of the request may use the transaction once it is being committed.
      claim.ambient.trx = null;
      request.idempotency = null;
      await trx.commit();
    } finally {
      if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    }
  }
}
