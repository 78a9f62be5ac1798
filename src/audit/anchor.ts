import type { Knex } from 'knex';
import { entryHash, GENESIS_HASH, isoMillis } from './chain';
import { auditEntryFromRow, type AuditRow } from './log';
import { sha256 } from '../platform/canonical';
import { signJws, verifyJws, verifyText, type KeyRing } from '../platform/signing';

/** What a checkpoint states, signed: the head of the chain when it was made. */
export type CheckpointPayload = {
  /** 1, 2, 3 … with no gap. */
  n: number;
  /** The seq and hash of the entry at the head. */
  seq: number;
  hash: string;
  /** Entries from the first up to the head, and how many of them form the unsigned prefix. */
  entries: number;
  unsigned: number;
  at: string;
  /** sha256 of the previous checkpoint's JWS (null for the first). */
  prev: string | null;
};

export type Checkpoint = CheckpointPayload & { kid: string; jws: string };

export type AuditBreakReason =
  | 'hash_mismatch' | 'prev_hash_mismatch' | 'signature_invalid' | 'unsigned'
  | 'checkpoint_signature_invalid' | 'checkpoint_chain_broken' | 'checkpoint_missing' | 'checkpoint_anchor_mismatch';

export type AuditBreak = { seq: number; id: string | null; reason: AuditBreakReason };

export type AuditVerification = {
  valid: boolean;
  /** `full`: from the first entry; `incremental`: from the last checkpoint this process verified. */
  mode: 'full' | 'incremental';
  /** The checkpoint the walk started from (null: from the first entry). */
  from: { n: number; seq: number } | null;
  /** How many entries were read (all of them are read, also past a break). */
  entries: number;
  /** The first broken link, entry or checkpoint (see AuditBreakReason). */
  firstBroken: AuditBreak | null;
  /** The hash of the last entry (the genesis hash when there is none). */
  lastHash: string;
  /** The latest checkpoint, and how many entries came after it (not anchored yet). */
  latestCheckpoint: Checkpoint | null;
  unanchored: number;
};

/** What one service process has seen: checkpoints it verified or made (the database cannot take them back). */
export type AnchorState = { verified: Checkpoint | null; latestKnown: number };

export const newAnchorState = (): AnchorState => ({ verified: null, latestKnown: 0 });

/** The advisory lock key that lets one checkpoint be made at a time ("medaiCKP" in ASCII). */
export const CHECKPOINT_LOCK_KEY = '7882817092322405712';

type CheckpointRow = { n: number | string; seq: number | string; hash: string; entries: number | string; unsigned: number | string; at: Date | string; kid: string; jws: string };

const fromRow = (r: CheckpointRow): Checkpoint => ({
  n: Number(r.n), seq: Number(r.seq), hash: r.hash, entries: Number(r.entries), unsigned: Number(r.unsigned), at: isoMillis(r.at), prev: null, kid: r.kid, jws: r.jws,
});

/** Checkpoints oldest first, `afterN` the keyset cursor. The `prev` of each comes from its JWS. */
export async function readCheckpoints(db: Knex, filter: { afterN?: number; limit: number }): Promise<Checkpoint[]> {
  const q = db<CheckpointRow>('audit_checkpoints').select('*').orderBy('n', 'asc').limit(filter.limit);
  if (filter.afterN !== undefined) q.where('n', '>', filter.afterN);
  return ((await q) as CheckpointRow[]).map((r) => ({ ...fromRow(r), prev: payloadOf(r.jws)?.prev ?? null }));
}

export async function latestCheckpoint(db: Knex): Promise<Checkpoint | null> {
  const r = (await db<CheckpointRow>('audit_checkpoints').select('*').orderBy('n', 'desc').first()) as CheckpointRow | undefined;
  return r ? { ...fromRow(r), prev: payloadOf(r.jws)?.prev ?? null } : null;
}

function payloadOf(jws: string): CheckpointPayload | null {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as CheckpointPayload;
  } catch {
    return null;
  }
}

const samePayload = (p: CheckpointPayload, c: Checkpoint) =>
  p.n === c.n && p.seq === c.seq && p.hash === c.hash && p.entries === c.entries && p.unsigned === c.unsigned && p.at === c.at;

const BATCH = 250;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Verifies the trail. Checkpoints: each signed by a key of the ring, numbered without a gap,
 * naming the one before, none missing that this process has seen. Entries, in seq order from
 * the start point: each links to the one before, its hash recomputes, its signature verifies
 * (an unsigned entry only in the prefix written before entries were signed), and at every
 * checkpoint's seq the entry has the checkpoint's hash and the count of entries so far is the
 * checkpoint's. A checkpoint whose entry is gone (deleted from the tail, truncated) is a break.
 *
 * `from`: a checkpoint this process verified earlier (incremental): the count of entries up to it
 * and its entry's hash are checked, and the walk goes on from there. Without it, from the first
 * entry (full). Read in batches with a turn of the event loop between them.
 */
export async function verifyTrail(
  conn: Knex | Knex.Transaction,
  ring: Pick<KeyRing, 'verifying'>,
  state: AnchorState,
  options: { from?: Checkpoint | null; batchSize?: number; onProgress?: (entries: number) => void } = {},
): Promise<AuditVerification & { head: Head }> {
  const start = options.from ?? null;
  const batchSize = options.batchSize ?? BATCH;
  let firstBroken: AuditBreak | null = null;
  const brk = (b: AuditBreak) => { firstBroken ??= b; };

  // The checkpoints from the start point on.
  const cpRows = (await conn<CheckpointRow>('audit_checkpoints').select('*').where('n', '>=', start?.n ?? 1).orderBy('n', 'asc')) as CheckpointRow[];
  const checkpoints: Checkpoint[] = [];
  let prevJws: string | null = null;
  let expectN = start?.n ?? 1;
  for (const row of cpRows) {
    const c = fromRow(row);
    const signed = verifyJws(ring, c.jws);
    const p = signed?.payload as CheckpointPayload | undefined;
    if (c.n !== expectN) brk({ seq: c.seq, id: null, reason: 'checkpoint_missing' });
    else if (!p || !samePayload(p, c) || signed!.kid !== c.kid) brk({ seq: c.seq, id: null, reason: 'checkpoint_signature_invalid' });
    else if (start && c.n === start.n ? c.jws !== start.jws : p.prev !== (prevJws === null ? null : sha256(prevJws))) brk({ seq: c.seq, id: null, reason: 'checkpoint_chain_broken' });
    checkpoints.push({ ...c, prev: p?.prev ?? null });
    prevJws = c.jws;
    expectN = c.n + 1;
  }
  if (start && checkpoints[0]?.n !== start.n) brk({ seq: start.seq, id: null, reason: 'checkpoint_missing' });
  const latest = checkpoints[checkpoints.length - 1] ?? null;
  if ((latest?.n ?? 0) < state.latestKnown) brk({ seq: latest?.seq ?? 0, id: null, reason: 'checkpoint_missing' });
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  const met = new Set<number>();

  let prev = GENESIS_HASH;
  let count = 0;
  let unsigned = 0;
  let signedSeen = false;
  let afterSeq: number | null = null;
  if (start) {
    const upTo = Number((await conn('audit_log').where('seq', '<=', start.seq).count({ n: '*' }).first())!.n);
    const row = (await conn<AuditRow>('audit_log').where('seq', start.seq).first()) as AuditRow | undefined;
    const at = row ? auditEntryFromRow(row) : undefined;
    if (upTo !== start.entries || at?.hash !== start.hash) brk({ seq: start.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
    // The anchoring entry itself is re-hashed too (entries before it only by a full walk).
    else if (entryHash(at.prevHash, at) !== at.hash) brk({ seq: at.seq, id: at.id, reason: 'hash_mismatch' });
    met.add(start.seq);
    prev = start.hash;
    count = start.entries;
    unsigned = start.unsigned;
    signedSeen = start.entries > start.unsigned;
    afterSeq = start.seq;
  }
  let walked = 0;
  for (;;) {
    const q = conn<AuditRow>('audit_log').select('*').orderBy('seq', 'asc').limit(batchSize);
    if (afterSeq !== null) q.where('seq', '>', afterSeq);
    const rows = (await q) as AuditRow[];
    for (const row of rows) {
      const e = auditEntryFromRow(row);
      count++;
      walked++;
      if (e.prevHash !== prev) brk({ seq: e.seq, id: e.id, reason: 'prev_hash_mismatch' });
      else if (entryHash(e.prevHash, e) !== e.hash) brk({ seq: e.seq, id: e.id, reason: 'hash_mismatch' });
      if (!e.signature) {
        if (signedSeen) brk({ seq: e.seq, id: e.id, reason: 'unsigned' });
        else unsigned++;
      } else {
        signedSeen = true;
        const key = e.kid ? ring.verifying.get(e.kid) : undefined;
        if (!key || !verifyText(key, e.hash, e.signature)) brk({ seq: e.seq, id: e.id, reason: 'signature_invalid' });
      }
      const c = bySeq.get(e.seq);
      if (c && c.seq !== start?.seq) {
        met.add(c.seq);
        if (c.hash !== e.hash || c.entries !== count || c.unsigned !== unsigned) brk({ seq: e.seq, id: e.id, reason: 'checkpoint_anchor_mismatch' });
      }
      prev = e.hash;
      afterSeq = e.seq;
    }
    options.onProgress?.(walked);
    if (rows.length < batchSize) break;
    await yieldToLoop();
  }
  // A checkpoint whose entry is no longer there: the tail was cut or the table emptied.
  for (const c of checkpoints) if (!met.has(c.seq)) brk({ seq: c.seq, id: null, reason: 'checkpoint_anchor_mismatch' });

  return {
    valid: firstBroken === null,
    mode: start ? 'incremental' : 'full',
    from: start ? { n: start.n, seq: start.seq } : null,
    entries: walked,
    firstBroken,
    lastHash: prev,
    latestCheckpoint: latest,
    unanchored: latest ? count - latest.entries : count,
    head: { seq: afterSeq, entries: count, unsigned },
  };
}

/** Where a walk ended: the entry a new checkpoint anchors. */
type Head = { seq: number | null; entries: number; unsigned: number };

/**
 * Verifies the trail from the last checkpoint this process verified (or from the first entry)
 * and, when it is valid and has grown, signs its head as the next checkpoint. One at a time
 * across instances (an advisory lock); never over a broken trail.
 */
export async function makeCheckpoint(db: Knex, ring: KeyRing, state: AnchorState, now: () => Date = () => new Date()): Promise<{ checkpoint: Checkpoint | null; verification: AuditVerification }> {
  return db.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`);
    const { head, ...verification } = await verifyTrail(trx, ring, state, { from: state.verified });
    if (!verification.valid) return { checkpoint: null, verification };
    const latest = verification.latestCheckpoint;
    if (head.seq === null || head.seq === latest?.seq) {
      remember(state, latest);
      return { checkpoint: latest, verification };
    }
    const payload: CheckpointPayload = {
      n: (latest?.n ?? 0) + 1, seq: head.seq, hash: verification.lastHash, entries: head.entries, unsigned: head.unsigned,
      at: now().toISOString(), prev: latest ? sha256(latest.jws) : null,
    };
    const jws = signJws(ring.current, payload, 'medai-audit-checkpoint');
    await trx('audit_checkpoints').insert({ n: payload.n, seq: payload.seq, hash: payload.hash, entries: payload.entries, unsigned: payload.unsigned, at: payload.at, kid: ring.current.kid, jws });
    const checkpoint: Checkpoint = { ...payload, kid: ring.current.kid, jws };
    remember(state, checkpoint);
    return { checkpoint, verification: { ...verification, latestCheckpoint: checkpoint, unanchored: 0 } };
  });
}

/** Verifies incrementally and, when valid, moves the process's verified mark to the latest checkpoint. */
export async function verifyIncrementally(db: Knex, ring: KeyRing, state: AnchorState): Promise<AuditVerification> {
  const { head: _head, ...v } = await verifyTrail(db, ring, state, { from: state.verified });
  if (v.valid) remember(state, v.latestCheckpoint);
  return v;
}

/** The whole trail from the first entry, reporting progress; a valid result moves the verified mark too. */
export async function verifyFully(db: Knex, ring: KeyRing, state: AnchorState, onProgress?: (entries: number) => void): Promise<AuditVerification> {
  const { head: _head, ...v } = await verifyTrail(db, ring, state, { onProgress });
  if (v.valid) remember(state, v.latestCheckpoint);
  return v;
}

function remember(state: AnchorState, c: Checkpoint | null): void {
  if (!c) return;
  if (!state.verified || c.n > state.verified.n) state.verified = c;
  state.latestKnown = Math.max(state.latestKnown, c.n);
}
