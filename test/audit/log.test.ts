import { randomUUID } from 'node:crypto';
import { entryHash, GENESIS_HASH } from '../../src/audit/chain';
import { appendAudit, readAudit, type AuditActor, type AuditInput } from '../../src/audit/log';
import { verifyAudit } from '../../src/audit/verify';
import { databaseKind, openTestDb, usingPostgres, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => t.close());

// Every test starts from an empty trail. The table refuses TRUNCATE, so the triggers are
// switched off for it (the test connects as a superuser, the table's owner).
beforeEach(async () => {
  await t.db.raw('alter table audit_log disable trigger user');
  await t.db.raw('truncate audit_log');
  await t.db.raw('alter table audit_log enable trigger user');
});

const actor: AuditActor = { type: 'user', id: 'u-1', name: 'Ada Lovelace', organisationId: '6f1d6b0a-0b6f-4f4e-8a43-4d4c9d430001' };
const APP = '6f1d6b0a-0b6f-4f4e-8a43-4d4c9d43aaaa';

const input = (i: number, over: Partial<AuditInput> = {}): AuditInput => ({
  actor,
  action: 'application.transition',
  objectType: 'application',
  objectId: APP,
  applicationId: APP,
  before: { state: `s${i}`, list: [3, 1, 2], nested: { z: 'last', a: 'first', n: i } },
  after: { state: `s${i + 1}`, note: 'Заявка — «принята»', empty: {}, nothing: null },
  requestId: `req-${i}`,
  ...over,
});

const append = (n: number, over: (i: number) => Partial<AuditInput> = () => ({})) =>
  (async () => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await t.db.transaction((trx) => appendAudit(trx, input(i, over(i)))));
    return out;
  })();

const count = async () => Number((await t.db('audit_log').count({ n: '*' }).first())!.n);

describe(`audit trail on ${databaseKind}`, () => {
  test('entries appended across transactions form a valid chain, and read back exactly as returned', async () => {
    const written = await append(4);
    written.push(await t.db.transaction((trx) => appendAudit(trx, { actor: { type: 'system', id: null, name: null, organisationId: null }, action: 'audit.note', objectType: 'system', objectId: 'x' })));
    expect(written[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < written.length; i++) {
      expect(written[i]!.prevHash).toBe(written[i - 1]!.hash);
      expect(written[i]!.seq).toBeGreaterThan(written[i - 1]!.seq);
    }
    expect(written[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const read = await readAudit(t.db, { limit: 100 });
    expect(read).toEqual(written);
    expect(read[4]).toMatchObject({ actorType: 'system', actorId: null, applicationId: null, before: null, after: null, requestId: null });

    expect(await verifyAudit(t.db)).toEqual({ valid: true, entries: 5, firstBroken: null, lastHash: written[4]!.hash });
  });

  test('an empty trail is valid and ends at the genesis hash', async () => {
    expect(await verifyAudit(t.db)).toEqual({ valid: true, entries: 0, firstBroken: null, lastHash: GENESIS_HASH });
  });

  test('the entry commits or rolls back with the change it records', async () => {
    await append(1);
    await expect(
      t.db.transaction(async (trx) => {
        await appendAudit(trx, input(1));
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await count()).toBe(1);
    // The chain goes on from the committed entry.
    await append(1);
    expect(await verifyAudit(t.db)).toMatchObject({ valid: true, entries: 2 });
  });

  test('appending needs a transaction and a known actor type', async () => {
    await expect(appendAudit(t.db as never, input(0))).rejects.toThrow(/transaction/);
    await expect(t.db.transaction((trx) => appendAudit(trx, input(0, { actor: { ...actor, type: 'robot' as never } })))).rejects.toThrow(/actor type/);
    expect(await count()).toBe(0);
  });

  test('the database refuses UPDATE, DELETE and TRUNCATE of the trail', async () => {
    const [first] = await append(2);
    await expect(t.db('audit_log').where({ seq: first!.seq }).update({ after: JSON.stringify({ forged: true }) })).rejects.toThrow(/audit_log is append-only/);
    await expect(t.db('audit_log').where({ seq: first!.seq }).del()).rejects.toThrow(/audit_log is append-only/);
    await expect(t.db('audit_log').del()).rejects.toThrow(/audit_log is append-only/);
    await expect(t.db.raw('truncate audit_log')).rejects.toThrow(/audit_log is append-only/);
    await expect(t.db.raw('truncate audit_log cascade')).rejects.toThrow(/audit_log is append-only/);
    expect(await count()).toBe(2);
    expect(await verifyAudit(t.db)).toMatchObject({ valid: true, entries: 2 });
  });

  test('the trigger function lives in the schema of the table', async () => {
    const rows = (await t.db.raw(`select n.nspname as schema from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.proname = 'audit_log_append_only'`)).rows;
    expect(rows.map((r: { schema: string }) => r.schema)).toContain(t.schema);
  });

  // Behind the service's back: a superuser switches the triggers off to change the table.
  const tamper = async (sql: string, bindings: readonly unknown[]) => {
    await t.db.raw('alter table audit_log disable trigger user');
    try {
      await t.db.raw(sql, bindings as never);
    } finally {
      await t.db.raw('alter table audit_log enable trigger user');
    }
  };

  test('an edited entry is found: the first broken link is that entry, its hash does not recompute', async () => {
    const written = await append(5);
    await tamper(`update audit_log set after = ?::jsonb where seq = ?`, [JSON.stringify({ state: 'approved' }), written[2]!.seq]);
    expect(await verifyAudit(t.db)).toEqual({
      valid: false,
      entries: 5,
      firstBroken: { seq: written[2]!.seq, id: written[2]!.id, reason: 'hash_mismatch' },
      lastHash: written[4]!.hash,
    });
  });

  test('an edited entry whose hash was recomputed breaks the link of the next entry', async () => {
    const written = await append(5);
    const forged = { ...written[1]!, after: { state: 'approved' } };
    await tamper(`update audit_log set after = ?::jsonb, hash = ? where seq = ?`, [JSON.stringify(forged.after), entryHash(forged.prevHash, forged), forged.seq]);
    expect(await verifyAudit(t.db)).toMatchObject({ valid: false, entries: 5, firstBroken: { seq: written[2]!.seq, id: written[2]!.id, reason: 'prev_hash_mismatch' } });
  });

  test('a deleted entry is found: the next entry does not link to the one before it', async () => {
    const written = await append(5);
    await tamper(`delete from audit_log where seq = ?`, [written[2]!.seq]);
    expect(await verifyAudit(t.db)).toEqual({
      valid: false,
      entries: 4,
      firstBroken: { seq: written[3]!.seq, id: written[3]!.id, reason: 'prev_hash_mismatch' },
      lastHash: written[4]!.hash,
    });
  });

  test('a deleted first entry is found: the chain must start at genesis', async () => {
    const written = await append(3);
    await tamper(`delete from audit_log where seq = ?`, [written[0]!.seq]);
    expect((await verifyAudit(t.db)).firstBroken).toEqual({ seq: written[1]!.seq, id: written[1]!.id, reason: 'prev_hash_mismatch' });
  });

  test('verification reads in batches and finds a break in a later batch', async () => {
    const written = await append(7);
    expect(await verifyAudit(t.db, { batchSize: 2 })).toEqual({ valid: true, entries: 7, firstBroken: null, lastHash: written[6]!.hash });
    expect(await verifyAudit(t.db, { batchSize: 7 })).toMatchObject({ valid: true, entries: 7 });
    await tamper(`update audit_log set actor_name = ? where seq = ?`, ['Mallory', written[5]!.seq]);
    expect(await verifyAudit(t.db, { batchSize: 2 })).toMatchObject({ valid: false, entries: 7, firstBroken: { seq: written[5]!.seq, reason: 'hash_mismatch' } });
  });

  test('reading filters by application, by object, pages with afterSeq, in seq order', async () => {
    const other = randomUUID();
    const written = await append(6, (i) => (i % 2 ? { applicationId: other, objectType: 'document', objectId: `doc-${i}` } : {}));
    const mine = await readAudit(t.db, { applicationId: APP, limit: 100 });
    expect(mine.map((e) => e.seq)).toEqual([written[0]!.seq, written[2]!.seq, written[4]!.seq]);
    expect((await readAudit(t.db, { objectType: 'document', objectId: 'doc-3', limit: 100 })).map((e) => e.id)).toEqual([written[3]!.id]);
    expect((await readAudit(t.db, { objectType: 'document', limit: 100 })).length).toBe(3);
    const page1 = await readAudit(t.db, { limit: 4 });
    const page2 = await readAudit(t.db, { limit: 4, afterSeq: page1[3]!.seq });
    expect([...page1, ...page2].map((e) => e.id)).toEqual(written.map((e) => e.id));
  });

  test('50 appends in parallel transactions give one valid chain of 50 distinct entries', async () => {
    const written = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.db.transaction(async (trx) => {
          // Some work in the transaction before and after the append, as a real write has.
          await trx.raw('select 1');
          const entry = await appendAudit(trx, input(i));
          await new Promise((r) => setTimeout(r, i % 3));
          return entry;
        }),
      ),
    );
    expect(new Set(written.map((e) => e.hash)).size).toBe(50);
    expect(new Set(written.map((e) => e.prevHash)).size).toBe(50);
    const result = await verifyAudit(t.db);
    expect(result).toMatchObject({ valid: true, entries: 50, firstBroken: null });
    const bySeq = [...written].sort((a, b) => a.seq - b.seq);
    expect(result.lastHash).toBe(bySeq[49]!.hash);
    expect(await readAudit(t.db, { limit: 100 })).toEqual(bySeq);
  });

  (usingPostgres ? test : test.skip)('a caller in REPEATABLE READ with a stale snapshot fails instead of forking the chain', async () => {
    await append(1);
    const stale = await t.db.transaction({ isolationLevel: 'repeatable read' });
    try {
      await stale('audit_log').count(); // takes the snapshot
      await append(1);
      await expect(appendAudit(stale, input(9))).rejects.toThrow(/unique/);
    } finally {
      await stale.rollback().catch(() => undefined);
    }
    expect(await verifyAudit(t.db)).toMatchObject({ valid: true, entries: 2 });
  });
});
