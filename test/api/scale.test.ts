import * as shape from '../../src/classification/shape';
import { classify } from '../../src/classification/classify';
import { counterfactuals } from '../../src/classification/counterfactuals';
import { openTestApp, testRegistry, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

describe(`work per registration on ${databaseKind}`, () => {
  test('rule packs go to the database once per process, not with every registration', async () => {
    const inserts: string[] = [];
    const listener = (q: { sql: string }) => { if (/insert into "rulesets"/i.test(q.sql)) inserts.push(q.sql); };
    t.testDb.db.on('query', listener);
    try {
      const register = (name: string) => t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name }) });
      const first = await register('First of three');
      expect(first.statusCode).toBe(201);
      const afterFirst = inserts.length;
      expect(afterFirst).toBeLessThanOrEqual(1);
      for (const name of ['Second of three', 'Third of three']) expect((await register(name)).statusCode).toBe(201);
      expect(inserts.length).toBe(afterFirst);
      // Every pack the stored classifications point at is there (the foreign key holds them to it).
      const ids = (await t.app.inject({ method: 'GET', url: '/v1/systems', headers: w.vendorKey.headers })).json().items.map((s: { id: string }) => s.id);
      const pinned = await t.testDb.db('system_classes as c').join('rulesets as r', 'r.hash', 'c.ruleset_hash').whereIn('c.system_id', ids).count({ n: '*' });
      const all = await t.testDb.db('system_classes').whereIn('system_id', ids).count({ n: '*' });
      expect(Number(pinned[0].n)).toBe(Number(all[0].n));
      expect(Number(all[0].n)).toBeGreaterThan(0);
    } finally {
      t.testDb.db.removeListener('query', listener);
    }
  });

  test('counterfactual search hashes no variant', () => {
    const registry = testRegistry();
    const p = profile();
    const record = classify(registry, p);
    const spy = jest.spyOn(shape, 'profileHash');
    try {
      const found = counterfactuals(registry, p, record.results);
      expect(found.length).toBeGreaterThan(0);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('the registry keyset and the centre view of systems are indexed', async () => {
    const names = (await t.testDb.db.raw(`select indexname from pg_indexes where schemaname = current_schema() and tablename in ('certificates', 'applications')`)).rows.map((r: { indexname: string }) => r.indexname);
    expect(names).toEqual(expect.arrayContaining(['certificates_issued_at_number_index', 'applications_centre_submitted_system_index']));
  });
});
