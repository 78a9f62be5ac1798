import { canonicalJson, sha256 } from '../platform/canonical';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = 'sha256:' + '0'.repeat(64);

export type AuditActorType = 'user' | 'api_key' | 'cli' | 'system' | 'anonymous';

/** The fields of an entry its hash covers (besides the previous entry's hash). */
export type AuditEntryFields = {
  id: string;
  /** ISO 8601, UTC, with milliseconds: `2026-11-23T10:00:00.000Z`. */
  at: string;
  actorType: AuditActorType;
  actorId: string | null;
  actorName: string | null;
  organisationId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  applicationId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

/**
 * The hash of an entry: sha256 of the previous entry's hash, a newline and the canonical JSON
 * (keys sorted at every level) of the entry's fields. `at` is normalised to ISO with
 * milliseconds, so a Date or a timestamp string read back from either database gives the same
 * hash as the value written.
 */
export function entryHash(prevHash: string, entry: AuditEntryFields): string {
  const fields = {
    id: entry.id,
    at: isoMillis(entry.at),
    actorType: entry.actorType,
    actorId: entry.actorId ?? null,
    actorName: entry.actorName ?? null,
    organisationId: entry.organisationId ?? null,
    action: entry.action,
    objectType: entry.objectType,
    objectId: entry.objectId,
    applicationId: entry.applicationId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: entry.requestId ?? null,
  };
  return sha256(prevHash + '\n' + canonicalJson(fields));
}

/** A timestamp (Date, or a string PostgreSQL or JavaScript wrote) as ISO 8601 UTC with milliseconds. */
export function isoMillis(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

/**
 * A value as it comes back from a jsonb column: what JSON can carry (Dates become their ISO
 * text, undefined members disappear, undefined or unrepresentable values become null). Hashing
 * this, not the caller's value, makes the hash recompute identically after the round trip.
 */
export function asStoredJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}
