import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

type Json = Record<string, any>;
const call = (who: Actor, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...who.headers, ...headers } });
const stats = async (who: Actor) => {
  const res = await call(who, 'GET', '/v1/stats');
  expect(res.statusCode).toBe(200);
  expectContract('getStatistics', res);
  return res.json() as Json;
};
async function move(who: Actor, id: string, transition: string, comment?: string) {
  const etag = (await call(who, 'GET', `/v1/applications/${id}`)).headers.etag as string;
  const res = await call(who, 'POST', `/v1/applications/${id}/transitions`, { transition, ...(comment ? { comment } : {}) }, { 'if-match': etag });
  expect(res.statusCode).toBe(200);
  return res.json() as Json;
}

test(`statistics count what the caller may see, from the database (${databaseKind})`, async () => {
  const systems: Json[] = [];
  for (const [i, p] of [
    profile({ name: 'S1', significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible' }),
    profile({ name: 'S2', significance: 'inform', situations: ['non_serious'] }),
    profile({ name: 'S3', significance: 'inform', situations: ['non_serious'] }),
  ].entries()) {
    const res = await call(i === 2 ? w.otherVendorKey : w.vendorKey, 'POST', '/v1/systems', p);
    systems.push(res.json());
  }
  const [s1, s2] = systems;
  const a1 = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: s1.id, centreId: w.centre })).json();
  const a2 = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: s2.id, centreId: w.centre })).json();
  for (const e of a1.evidence) await call(w.vendorKey, 'POST', `/v1/applications/${a1.id}/evidence/${e.evidenceId}/not-applicable`, { reason: 'Covered elsewhere, see the file.' });
  await move(w.vendorKey, a1.id, 'submit');
  await move(w.reviewer, a1.id, 'start_review');
  expect((await call(w.reviewer, 'POST', `/v1/applications/${a1.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'Critical-care triage without a human in the loop.' })).statusCode).toBe(201);

  // The vendor sees its own two systems and two applications; the other vendor its one system.
  const mine = await stats(w.vendorKey);
  const imdrf = (s: Json) => Object.fromEntries(s.systemsByClass.filter((r: Json) => r.framework === 'imdrf-samd').map((r: Json) => [r.class, r.count]));
  const classOf = (sys: Json) => sys.current.classification.results.find((r: Json) => r.framework === 'imdrf-samd').class;
  const expected: Record<string, number> = {};
  for (const sys of [s1, s2]) expected[classOf(sys)] = (expected[classOf(sys)] ?? 0) + 1;
  expect(imdrf(mine)).toEqual(expected);
  expect(mine.applicationsByState).toEqual([
    { state: 'draft', count: 1, overdue: 0 },
    { state: 'under_review', count: 1, overdue: 0 },
  ]);
  expect(imdrf(await stats(w.otherVendorKey))).toEqual({ [classOf(systems[2])]: 1 });
  expect((await stats(w.otherVendorKey)).applicationsByState).toEqual([]);

  // The centre's reviewer sees its applications and the override; another centre sees nothing.
  const centre = await stats(w.reviewer);
  // The vendor's draft is its own until submitted.
  expect(centre.applicationsByState.map((r: Json) => [r.state, r.count])).toEqual([['under_review', 1]]);
  expect(centre.overrides).toEqual([{ framework: 'us-fda', engineClass: null, class: 'III', count: 1 }]);
  const other = await stats(w.otherReviewer);
  expect(other.applicationsByState).toEqual([]);
  expect(other.systemsByClass).toEqual([]);
  expect(other.overrides).toEqual([]);

  // Nothing decided yet: review time is empty per tier.
  expect(centre.reviewDays.map((r: Json) => [r.tier, r.decided, r.median])).toEqual([['highest', 0, null], ['high', 0, null], ['medium', 0, null], ['low', 0, null]]);
  await move(w.vendorKey, a2.id, 'withdraw');
  const admin = await stats(w.admin);
  expect(admin.applicationsByState.find((r: Json) => r.state === 'withdrawn').count).toBe(1);
  expect((await t.app.inject({ method: 'GET', url: '/v1/stats' })).statusCode).toBe(401);
});
