import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => t.close());

const MIGRATION = '20261123100000_audit_log.js';
/** Signatures and checkpoints: built on the table and its trigger function, so down first. */
const ANCHORING = '20261203110000_audit_anchoring.js';

const present = async () => ({
  table: Boolean((await t.db.raw(`select to_regclass('audit_log') as r`)).rows[0].r),
  fn: Number((await t.db.raw(`select count(*) as n from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.proname = 'audit_log_append_only' and n.nspname = current_schema()`)).rows[0].n),
  triggers: (await t.db.raw(`select tgname from pg_trigger where not tgisinternal and tgrelid = to_regclass('audit_log') order by tgname`)).rows.map((r: { tgname: string }) => r.tgname),
});

test(`the audit_log migration goes down and up again on ${databaseKind}`, async () => {
  expect(await present()).toEqual({ table: true, fn: 1, triggers: ['audit_log_no_truncate', 'audit_log_no_update_delete'] });
  await t.db.migrate.down({ name: ANCHORING });
  expect(Boolean((await t.db.raw(`select to_regclass('audit_checkpoints') as r`)).rows[0].r)).toBe(false);
  await t.db.migrate.down({ name: MIGRATION });
  expect(await present()).toEqual({ table: false, fn: 0, triggers: [] });
  await t.db.migrate.latest();
  expect(await present()).toEqual({ table: true, fn: 1, triggers: ['audit_log_no_truncate', 'audit_log_no_update_delete'] });
});

test('the table has the columns and indexes of the spec', async () => {
  const cols = (await t.db.raw(`select column_name, data_type, is_nullable from information_schema.columns where table_schema = current_schema() and table_name = 'audit_log' order by ordinal_position`)).rows;
  expect(cols.map((c: { column_name: string; data_type: string; is_nullable: string }) => `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' not null' : ''}`)).toEqual([
    'seq bigint not null',
    'id uuid not null',
    'at timestamp with time zone not null',
    'actor_type text not null',
    'actor_id text',
    'actor_name text',
    'organisation_id uuid',
    'action text not null',
    'object_type text not null',
    'object_id text not null',
    'application_id uuid',
    'before jsonb',
    'after jsonb',
    'request_id text',
    'prev_hash text not null',
    'hash text not null',
    'signature text',
    'kid text',
  ]);
  const indexes = (await t.db.raw(`select indexdef from pg_indexes where schemaname = current_schema() and tablename = 'audit_log'`)).rows.map((r: { indexdef: string }) => r.indexdef.replace(/^.* USING /, ''));
  expect(indexes.sort()).toEqual(['btree (application_id)', 'btree (hash)', 'btree (id)', 'btree (object_type, object_id)', 'btree (prev_hash)', 'btree (seq)'].sort());
  await expect(t.db.raw(`insert into audit_log (id, at, actor_type, action, object_type, object_id, prev_hash, hash) values (gen_random_uuid(), now(), 'robot', 'a', 'o', '1', 'p', 'h')`)).rejects.toThrow(/audit_log_actor_type_check/);
});
