import type { Knex } from 'knex';
import { entryHash, GENESIS_HASH } from './chain';
import { auditEntryFromRow, type AuditRow } from './log';

export type AuditBreak = { seq: number; id: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' };

export type AuditVerification = {
  valid: boolean;
  /** How many entries the chain has (all of them are read, also past a break). */
  entries: number;
  /** The first entry whose link is broken: its own hash does not recompute (the entry was
   * edited), or its prev_hash is not the hash of the entry before it (an entry before it was
   * deleted or inserted, or that entry's hash was rewritten). */
  firstBroken: AuditBreak | null;
  /** The hash of the last entry (the genesis hash when there is none). */
  lastHash: string;
};

const BATCH = 1000;

/**
 * Walks the whole chain in seq order, a batch at a time (keyset on seq: never the whole table
 * in memory), recomputing every hash and checking every link. Past a break it goes on linking
 * each entry to the stored hash of the one before, so one edited entry is one break.
 */
export async function verifyAudit(db: Knex, options: { batchSize?: number } = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? BATCH;
  let prev = GENESIS_HASH;
  let entries = 0;
  let firstBroken: AuditBreak | null = null;
  let afterSeq: number | null = null;
  for (;;) {
    const q = db<AuditRow>('audit_log').select('*').orderBy('seq', 'asc').limit(batchSize);
    if (afterSeq !== null) q.where('seq', '>', afterSeq);
    const rows = (await q) as AuditRow[];
    for (const row of rows) {
      const entry = auditEntryFromRow(row);
      entries++;
      if (firstBroken === null) {
        if (entry.prevHash !== prev) firstBroken = { seq: entry.seq, id: entry.id, reason: 'prev_hash_mismatch' };
        else if (entryHash(entry.prevHash, entry) !== entry.hash) firstBroken = { seq: entry.seq, id: entry.id, reason: 'hash_mismatch' };
      }
      prev = entry.hash;
      afterSeq = entry.seq;
    }
    if (rows.length < batchSize) break;
  }
  return { valid: firstBroken === null, entries, firstBroken, lastHash: prev };
}
