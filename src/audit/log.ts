import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { asStoredJson, entryHash, GENESIS_HASH, isoMillis, type AuditActorType, type AuditEntryFields } from './chain';
import { signText, type SigningKey } from '../platform/signing';

export type AuditActor = { type: AuditActorType; id: string | null; name: string | null; organisationId: string | null };

export type AuditInput = {
  actor: AuditActor;
  action: string;
  objectType: string;
  objectId: string;
  applicationId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

export type AuditEntry = AuditEntryFields & { seq: number; prevHash: string; hash: string; signature?: string | null; kid?: string | null };

/**
 * The key that signs the entries appended through one database handle (and every transaction
 * of it). Kept beside the handle, not in a global: tests open many databases side by side.
 * The key never reaches the database; an entry appended through a handle without one is
 * unsigned, and verification reports it.
 */
const signers = new WeakMap<object, SigningKey>();
const signerKey = (db: Knex | Knex.Transaction): object | undefined => (db as unknown as { client?: { config?: object } }).client?.config;

export function attachAuditSigner(db: Knex, key: SigningKey): void {
  const k = signerKey(db);
  if (k) signers.set(k, key);
}

export function auditSignerOf(db: Knex | Knex.Transaction): SigningKey | undefined {
  const k = signerKey(db);
  return k ? signers.get(k) : undefined;
}

export type AuditFilter = { applicationId?: string; objectType?: string; objectId?: string; limit: number; afterSeq?: number };

/**
 * The key of the advisory lock that serialises appends to the chain, across every connection
 * and every service instance on one PostgreSQL (an arbitrary constant: "medaiAUD" in ASCII,
 * less than 2^63).
 */
export const AUDIT_LOCK_KEY = '7882817092322415940';

const ACTOR_TYPES: readonly AuditActorType[] = ['user', 'api_key', 'cli', 'system', 'anonymous'];

export type AuditRow = {
  seq: number | string | bigint;
  id: string;
  at: Date | string;
  actor_type: AuditActorType;
  actor_id: string | null;
  actor_name: string | null;
  organisation_id: string | null;
  action: string;
  object_type: string;
  object_id: string;
  application_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  signature?: string | null;
  kid?: string | null;
};

/**
 * Appends one entry to the audit trail inside the caller's transaction: the change and its
 * audit entry commit or roll back together. Appends are serialised by a transaction-scoped
 * advisory lock (held until the caller's transaction ends), so the chain stays linear with
 * parallel transactions and several service instances. The caller's transaction must be READ
 * COMMITTED (the default): each statement then sees the entry the previous lock holder
 * committed. (Under a stricter isolation a stale read fails on the unique prev_hash instead of
 * forking the chain.)
 */
export async function appendAudit(trx: Knex.Transaction, input: AuditInput): Promise<AuditEntry> {
  if (!trx.isTransaction) throw new Error('appendAudit needs a transaction');
  if (!ACTOR_TYPES.includes(input.actor.type)) throw new Error(`unknown actor type: ${String(input.actor.type)}`);
  await trx.raw(`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const last = await trx('audit_log').select('hash').orderBy('seq', 'desc').first();
  const prevHash: string = last ? last.hash : GENESIS_HASH;
  const fields: AuditEntryFields = {
    id: randomUUID(),
    // Taken under the lock, so entries are in time order as well (on one clock). Milliseconds
    // only: what JavaScript has and what the hash covers, kept exactly by timestamptz.
    at: new Date().toISOString(),
    actorType: input.actor.type,
    actorId: input.actor.id ?? null,
    actorName: input.actor.name ?? null,
    organisationId: input.actor.organisationId ?? null,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    applicationId: input.applicationId ?? null,
    before: asStoredJson(input.before),
    after: asStoredJson(input.after),
    requestId: input.requestId ?? null,
  };
  const hash = entryHash(prevHash, fields);
  const signer = auditSignerOf(trx);
  const signature = signer ? signText(signer, hash) : null;
  const kid = signer ? signer.kid : null;
  const [row] = await trx('audit_log')
    .insert({
      id: fields.id,
      at: fields.at,
      actor_type: fields.actorType,
      actor_id: fields.actorId,
      actor_name: fields.actorName,
      organisation_id: fields.organisationId,
      action: fields.action,
      object_type: fields.objectType,
      object_id: fields.objectId,
      application_id: fields.applicationId,
      // Always as JSON text: pg would send a JS array as a PostgreSQL array.
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      request_id: fields.requestId,
      prev_hash: prevHash,
      hash,
      signature,
      kid,
    })
    .returning('seq');
  return { ...fields, seq: Number(typeof row === 'object' ? row.seq : row), prevHash, hash, signature, kid };
}

/** Entries in chain (seq) order, filtered; `afterSeq` is the keyset cursor (the last seq seen). */
export async function readAudit(db: Knex, filter: AuditFilter): Promise<AuditEntry[]> {
  const q = db<AuditRow>('audit_log').select('*').orderBy('seq', 'asc').limit(filter.limit);
  if (filter.applicationId !== undefined) q.where('application_id', filter.applicationId);
  if (filter.objectType !== undefined) q.where('object_type', filter.objectType);
  if (filter.objectId !== undefined) q.where('object_id', filter.objectId);
  if (filter.afterSeq !== undefined) q.where('seq', '>', filter.afterSeq);
  const rows = (await q) as AuditRow[];
  return rows.map(auditEntryFromRow);
}

export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: isoMillis(row.at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    organisationId: row.organisation_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    applicationId: row.application_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
    signature: row.signature ?? null,
    kid: row.kid ?? null,
  };
}

/** An application's whole trail, oldest first, read in pages of a thousand. */
export async function readApplicationAudit(db: Knex, applicationId: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await readAudit(db, { applicationId, limit: 1000, afterSeq });
    out.push(...page);
    if (page.length < 1000) return out;
    afterSeq = page[page.length - 1].seq;
  }
}
