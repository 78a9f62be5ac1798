import { openTestDb, databaseKind, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => t.close());

const tables = async () => {
  const rows = await t.db('information_schema.tables').where({ table_schema: t.schema }).select('table_name');
  return rows.map((r: { table_name: string }) => r.table_name).filter((n: string) => !n.startsWith('knex_')).sort();
};

const ALL_TABLES = [
  'api_keys', 'application_evidence', 'application_history', 'applications', 'audit_checkpoints', 'audit_log', 'certificates', 'countersignatures', 'documents', 'four_eyes_confirmations',
  'idempotency_keys', 'incidents', 'login_failures', 'organisations', 'overrides', 'rate_limits', 'rulesets', 'sessions', 'system_classes', 'system_versions', 'systems', 'users',
];

test(`migrations go up, down and up again on ${databaseKind}, keeping data across an up`, async () => {
  expect(await tables()).toEqual(ALL_TABLES);
  await t.db('rulesets').insert({ hash: 'sha256:x', ruleset: 'a@1.0.0', framework: 'a', version: '1.0.0', content: JSON.stringify({ a: 1 }) });
  // Up again is a no-op that keeps the data.
  await t.db.migrate.latest();
  expect(Number((await t.db('rulesets').count({ n: '*' }).first())!.n)).toBe(1);
  await t.db.migrate.rollback(undefined, true);
  expect(await tables()).toEqual([]);
  await t.db.migrate.latest();
  expect(await tables()).toEqual(ALL_TABLES);
});

test('system_classes cannot point at a rule pack that was never pinned', async () => {
  await expect(
    t.db.transaction(async (trx) => {
      await trx('systems').insert({ id: '11111111-1111-4111-8111-111111111111', name: 'x', manufacturer: 'y', current_version: 1, created_at: new Date(), updated_at: new Date() });
      await trx('system_versions').insert({ system_id: '11111111-1111-4111-8111-111111111111', number: 1, profile: '{}', profile_hash: 'h', classification: '{}', created_at: new Date() });
      await trx('system_classes').insert({ system_id: '11111111-1111-4111-8111-111111111111', number: 1, framework: 'f', class: 'c', disposition: 'determined', ruleset: 'f@1', ruleset_hash: 'sha256:missing' });
    }),
  ).rejects.toThrow(/foreign key/);
  expect(Number((await t.db('systems').count({ n: '*' }).first())!.n)).toBe(0);
});
