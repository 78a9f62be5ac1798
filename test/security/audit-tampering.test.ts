/**
 * The anchored audit trail against an attacker with write access to the database (a superuser:
 * switches the append-only triggers off, edits, deletes, inserts, re-hashes) but without the
 * audit signing key, which only the service process holds. Each tampering of issue 13 is made
 * on a trail of eight signed entries with a signed checkpoint after the sixth, then verified:
 *   - full: a fresh process walking from the first entry (what `POST /v1/audit/verifications` runs);
 *   - incremental: the process that made the checkpoint, from it (what `GET /v1/audit/verify` runs).
 */
import { randomUUID } from 'node:crypto';
import { entryHash } from '../../src/audit/chain';
import { appendAudit, attachAuditSigner, readAudit, type AuditEntry, type AuditInput } from '../../src/audit/log';
import { makeCheckpoint, newAnchorState, verifyFully, verifyIncrementally, type AnchorState, type AuditVerification } from '../../src/audit/anchor';
import { generateSigningKey, signJws, signText, type KeyRing } from '../../src/platform/signing';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
const key = generateSigningKey();
const ring: KeyRing = { current: key, verifying: new Map([[key.kid, key.publicKey]]) };
/** The attacker's own key: valid Ed25519, unknown to the service. */
const mallory = generateSigningKey();

beforeAll(async () => {
  t = await openTestDb();
  attachAuditSigner(t.db, key);
});
afterAll(async () => t.close());

const clear = async () => {
  await t.db.raw('alter table audit_log disable trigger user');
  await t.db.raw('alter table audit_checkpoints disable trigger user');
  await t.db.raw('truncate audit_log, audit_checkpoints');
  await t.db.raw('alter table audit_log enable trigger user');
  await t.db.raw('alter table audit_checkpoints enable trigger user');
};
beforeEach(clear);

/** Behind the service's back: the triggers off, the SQL run, the triggers on again. */
async function tamper(...steps: Array<[string, unknown[]?]>): Promise<void> {
  await t.db.raw('alter table audit_log disable trigger user');
  await t.db.raw('alter table audit_checkpoints disable trigger user');
  try {
    for (const [sql, bindings] of steps) await t.db.raw(sql, (bindings ?? []) as never);
  } finally {
    await t.db.raw('alter table audit_log enable trigger user');
    await t.db.raw('alter table audit_checkpoints enable trigger user');
  }
}

const APP = '6f1d6b0a-0b6f-4f4e-8a43-4d4c9d43bbbb';
const input = (i: number): AuditInput => ({
  actor: { type: 'user', id: 'u-1', name: 'Reviewer One', organisationId: '6f1d6b0a-0b6f-4f4e-8a43-4d4c9d430001' },
  action: 'application.transition', objectType: 'application', objectId: APP, applicationId: APP,
  before: { state: `s${i}` }, after: { state: `s${i + 1}`, comment: 'Экспертиза — «без замечаний»' }, requestId: `req-${i}`,
});
async function append(n: number, from = 0): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (let i = from; i < from + n; i++) out.push(await t.db.transaction((trx) => appendAudit(trx, input(i))));
  return out;
}

/** Eight entries, a checkpoint after the sixth; the process that made it. */
async function trail(): Promise<{ e: AuditEntry[]; process: AnchorState }> {
  const process = newAnchorState();
  const e = await append(6);
  const { checkpoint } = await makeCheckpoint(t.db, ring, process);
  expect(checkpoint).toMatchObject({ n: 1, seq: e[5]!.seq, hash: e[5]!.hash, entries: 6, unsigned: 0 });
  e.push(...(await append(2, 6)));
  expect(await verifyIncrementally(t.db, ring, process)).toMatchObject({ valid: true, mode: 'incremental', unanchored: 2 });
  return { e, process };
}

const full = () => verifyFully(t.db, ring, newAnchorState());
const broken = (v: AuditVerification) => v.firstBroken;

/** Writes an entry as the attacker would: correctly chained and hashed, the next one re-linked to it, signed (or not) as given. */
async function forge(seq: number, prevHash: string, sign: 'none' | 'mallory' | { copyFrom: AuditEntry }): Promise<AuditEntry> {
  const fields = { ...input(99), id: randomUUID(), at: new Date().toISOString(), actorType: 'user' as const, actorId: 'u-1', actorName: 'Reviewer One', organisationId: '6f1d6b0a-0b6f-4f4e-8a43-4d4c9d430001', applicationId: APP, before: { state: 'under_review' }, after: { state: 'approved' }, requestId: 'forged' };
  const hash = entryHash(prevHash, fields);
  const [signature, kid] = sign === 'none' ? [null, null] : sign === 'mallory' ? [signText(mallory, hash), mallory.kid] : [sign.copyFrom.signature, sign.copyFrom.kid];
  // The entry that followed prevHash now follows the forged one (re-linked; prev_hash is unique).
  await tamper([`update audit_log set prev_hash = ? where prev_hash = ?`, [hash, prevHash]], [`insert into audit_log (seq, id, at, actor_type, actor_id, actor_name, organisation_id, action, object_type, object_id, application_id, before, after, request_id, prev_hash, hash, signature, kid)
    values (?, ?, ?, 'user', 'u-1', 'Reviewer One', ?, ?, 'application', ?, ?, ?::jsonb, ?::jsonb, 'forged', ?, ?, ?, ?)`,
  [seq, fields.id, fields.at, fields.organisationId, fields.action, APP, APP, JSON.stringify(fields.before), JSON.stringify(fields.after), prevHash, hash, signature, kid]]);
  return { ...fields, seq, prevHash, hash, signature, kid };
}

/** Re-hashes the chain from `fromSeq` on, each entry keeping the signature it had (the attacker cannot sign). */
async function rehashFrom(fromSeq: number): Promise<void> {
  const rows = (await readAudit(t.db, { limit: 1000 })).filter((r) => r.seq >= fromSeq);
  const all = await readAudit(t.db, { limit: 1000 });
  let prev = all.filter((r) => r.seq < fromSeq).pop()?.hash ?? 'sha256:' + '0'.repeat(64);
  const steps: Array<[string, unknown[]]> = [];
  for (const r of rows) {
    const hash = entryHash(prev, r);
    // Unique prev_hash/hash: move each row's values out of the way before setting the new ones.
    steps.push([`update audit_log set prev_hash = ?, hash = ? where seq = ?`, [`tmp-p-${r.seq}`, `tmp-h-${r.seq}`, r.seq]]);
    steps.push([`update audit_log set prev_hash = ?, hash = ? where seq = ?`, [prev, hash, r.seq]]);
    prev = hash;
  }
  await tamper(...steps);
}

describe(`the anchored audit trail on ${databaseKind}: 14 tamperings, each detected`, () => {
  test('an untouched trail verifies, fully and incrementally; every entry is signed', async () => {
    const { e, process } = await trail();
    expect(e.every((x) => x.kid === key.kid && typeof x.signature === 'string')).toBe(true);
    expect(await full()).toMatchObject({ valid: true, mode: 'full', entries: 8, firstBroken: null, lastHash: e[7]!.hash, unanchored: 2 });
    // The incremental walk reads only what came after the checkpoint.
    expect(await verifyIncrementally(t.db, ring, process)).toMatchObject({ valid: true, mode: 'incremental', from: { n: 1, seq: e[5]!.seq }, entries: 2 });
  });

  test('1. an entry before the checkpoint edited: the full walk finds it (its hash does not recompute)', async () => {
    const { e } = await trail();
    await tamper([`update audit_log set after = ?::jsonb where seq = ?`, [JSON.stringify({ state: 'approved' }), e[2]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[2]!.seq, id: e[2]!.id, reason: 'hash_mismatch' });
  });

  test('2. an entry after the checkpoint edited: found by both walks', async () => {
    const { e, process } = await trail();
    await tamper([`update audit_log set actor_name = ? where seq = ?`, ['Mallory', e[6]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[6]!.seq, id: e[6]!.id, reason: 'hash_mismatch' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[6]!.seq, id: e[6]!.id, reason: 'hash_mismatch' });
  });

  test('3. an entry edited and its own hash recomputed: its signature no longer verifies', async () => {
    const { e, process } = await trail();
    const forged = { ...e[6]!, after: { state: 'approved' } };
    await tamper([`update audit_log set after = ?::jsonb, hash = ? where seq = ?`, [JSON.stringify(forged.after), entryHash(forged.prevHash, forged), forged.seq]]);
    expect(broken(await full())).toEqual({ seq: e[6]!.seq, id: e[6]!.id, reason: 'signature_invalid' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[6]!.seq, id: e[6]!.id, reason: 'signature_invalid' });
  });

  test('4. an entry edited and the whole chain after it re-hashed: signatures fail, and the checkpoint no longer matches', async () => {
    const { e, process } = await trail();
    await tamper([`update audit_log set after = ?::jsonb where seq = ?`, [JSON.stringify({ state: 'approved' }), e[2]!.seq]]);
    await rehashFrom(e[2]!.seq);
    expect(broken(await full())).toEqual({ seq: e[2]!.seq, id: e[2]!.id, reason: 'signature_invalid' });
    // Incrementally: the entry at the checkpoint's seq has another hash now.
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('5. an entry deleted in the middle: the next one does not link; the checkpoint counts one entry fewer', async () => {
    const { e, process } = await trail();
    await tamper([`delete from audit_log where seq = ?`, [e[3]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[4]!.seq, id: e[4]!.id, reason: 'prev_hash_mismatch' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('6. the first entry deleted: the chain no longer starts at genesis', async () => {
    const { e, process } = await trail();
    await tamper([`delete from audit_log where seq = ?`, [e[0]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[1]!.seq, id: e[1]!.id, reason: 'prev_hash_mismatch' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toMatchObject({ reason: 'checkpoint_anchor_mismatch' });
  });

  test('7. the last entry deleted after it was anchored: the checkpoint names an entry that is gone', async () => {
    const { e, process } = await trail();
    expect((await makeCheckpoint(t.db, ring, process)).checkpoint).toMatchObject({ n: 2, seq: e[7]!.seq, entries: 8 });
    await tamper([`delete from audit_log where seq = ?`, [e[7]!.seq]]);
    const v = await full();
    expect(v).toMatchObject({ valid: false, entries: 7, firstBroken: { seq: e[7]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' } });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[7]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('8. the tail cut across the checkpoint (the last three entries deleted)', async () => {
    const { e, process } = await trail();
    await tamper([`delete from audit_log where seq >= ?`, [e[5]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('9. the trail truncated: the checkpoints still name its head', async () => {
    const { e, process } = await trail();
    await tamper([`truncate audit_log`]);
    expect(await full()).toMatchObject({ valid: false, entries: 0, firstBroken: { seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' } });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('10. the trail and its checkpoints truncated: the process that made a checkpoint misses it', async () => {
    const { process } = await trail();
    await tamper([`truncate audit_log, audit_checkpoints`]);
    const v = await verifyIncrementally(t.db, ring, process);
    expect(v.valid).toBe(false);
    expect(v.firstBroken?.reason).toBe('checkpoint_missing');
    // So does any process told of a checkpoint kept outside (GET /v1/audit/checkpoints, a certificate, a report).
    expect((await verifyFully(t.db, ring, { verified: null, latestKnown: 1 })).firstBroken?.reason).toBe('checkpoint_missing');
    // Without any memory of a checkpoint an empty database proves nothing either way: that is what the published ones are for.
    expect(await full()).toMatchObject({ valid: true, entries: 0 });
  });

  test('11. an entry deleted and the chain re-linked and re-hashed after it: signatures fail, the checkpoint no longer matches', async () => {
    const { e, process } = await trail();
    await tamper([`delete from audit_log where seq = ?`, [e[3]!.seq]]);
    await rehashFrom(e[4]!.seq);
    expect(broken(await full())).toEqual({ seq: e[4]!.seq, id: e[4]!.id, reason: 'signature_invalid' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_anchor_mismatch' });
  });

  test('12. a forged entry inserted in the middle, correctly chained to the one before: it is unsigned', async () => {
    const { e } = await trail();
    // Make room after e[2]: the later entries move up the sequence.
    await tamper([`update audit_log set seq = seq + 1000 where seq > ?`, [e[2]!.seq]]);
    const forged = await forge(e[2]!.seq + 1, e[2]!.hash, 'none');
    expect(broken(await full())).toEqual({ seq: forged.seq, id: forged.id, reason: 'unsigned' });
  });

  test('12b. the same, signed with a key of the attacker\'s or with a signature copied from a real entry', async () => {
    const { e } = await trail();
    await tamper([`update audit_log set seq = seq + 1000 where seq > ?`, [e[2]!.seq]]);
    const forged = await forge(e[2]!.seq + 1, e[2]!.hash, 'mallory');
    expect(broken(await full())).toEqual({ seq: forged.seq, id: forged.id, reason: 'signature_invalid' });
    await tamper([`update audit_log set signature = ?, kid = ? where seq = ?`, [e[3]!.signature, e[3]!.kid, forged.seq]]);
    expect(broken(await full())).toEqual({ seq: forged.seq, id: forged.id, reason: 'signature_invalid' });
  });

  test('13. two entries swapped (reordered): the first of them no longer links', async () => {
    const { e, process } = await trail();
    const [a, b] = [e[6]!.seq, e[7]!.seq];
    await tamper([`update audit_log set seq = -1 where seq = ?`, [a]], [`update audit_log set seq = ? where seq = ?`, [a, b]], [`update audit_log set seq = ? where seq = -1`, [b]]);
    expect(broken(await full())).toEqual({ seq: a, id: e[7]!.id, reason: 'prev_hash_mismatch' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: a, id: e[7]!.id, reason: 'prev_hash_mismatch' });
  });

  test('14. a forged entry appended at the tail, correctly chained and hashed: no valid signature', async () => {
    const { e, process } = await trail();
    const forged = await forge(e[7]!.seq + 1, e[7]!.hash, 'none');
    expect(broken(await full())).toEqual({ seq: forged.seq, id: forged.id, reason: 'unsigned' });
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: forged.seq, id: forged.id, reason: 'unsigned' });
    // Nor will the service anchor it: no checkpoint is signed over a broken trail.
    expect((await makeCheckpoint(t.db, ring, process)).checkpoint).toBeNull();
    await tamper([`update audit_log set signature = ?, kid = ? where seq = ?`, [signText(mallory, forged.hash), mallory.kid, forged.seq]]);
    expect(broken(await verifyIncrementally(t.db, ring, process))).toEqual({ seq: forged.seq, id: forged.id, reason: 'signature_invalid' });
  });
});

describe(`checkpoints themselves on ${databaseKind}`, () => {
  test('a forged checkpoint (the attacker\'s key, or a payload that differs from its row) is refused', async () => {
    const { e } = await trail();
    const payload = { n: 2, seq: e[7]!.seq, hash: e[7]!.hash, entries: 8, unsigned: 0, at: new Date().toISOString(), prev: null };
    await tamper([`insert into audit_checkpoints (n, seq, hash, entries, unsigned, at, kid, jws) values (2, ?, ?, 8, 0, ?, ?, ?)`, [payload.seq, payload.hash, payload.at, mallory.kid, signJws(mallory, payload, 'medai-audit-checkpoint')]]);
    expect(broken(await full())).toEqual({ seq: e[7]!.seq, id: null, reason: 'checkpoint_signature_invalid' });
    await tamper([`delete from audit_checkpoints where n = 2`], [`update audit_checkpoints set entries = 5 where n = 1`]);
    expect(broken(await full())).toEqual({ seq: e[5]!.seq, id: null, reason: 'checkpoint_signature_invalid' });
  });

  test('a checkpoint deleted from the middle leaves a gap', async () => {
    const { process } = await trail();
    await append(1, 8);
    await makeCheckpoint(t.db, ring, process);
    await append(1, 9);
    const third = (await makeCheckpoint(t.db, ring, process)).checkpoint!;
    expect(third.n).toBe(3);
    await tamper([`delete from audit_checkpoints where n = 2`]);
    expect(broken(await full())).toEqual({ seq: third.seq, id: null, reason: 'checkpoint_missing' });
  });

  test('each checkpoint names the hash of the one before; nothing new, no new checkpoint', async () => {
    const { process } = await trail();
    const first = (await makeCheckpoint(t.db, ring, process)).checkpoint!;
    expect(first.n).toBe(2);
    expect((await makeCheckpoint(t.db, ring, process)).checkpoint).toEqual(first);
    expect(first.prev).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('entries written before signing began form an unsigned prefix the checkpoints count; a stripped signature after it is a break', async () => {
    // Legacy entries: written signed, then their signatures dropped the way the migration found them.
    const e = await append(3);
    await tamper([`update audit_log set signature = null, kid = null`]);
    e.push(...(await append(2, 3)));
    const process = newAnchorState();
    const { checkpoint } = await makeCheckpoint(t.db, ring, process);
    expect(checkpoint).toMatchObject({ entries: 5, unsigned: 3 });
    expect(await full()).toMatchObject({ valid: true, entries: 5 });
    await tamper([`update audit_log set signature = null, kid = null where seq = ?`, [e[4]!.seq]]);
    expect(broken(await full())).toEqual({ seq: e[4]!.seq, id: e[4]!.id, reason: 'unsigned' });
  });
});
