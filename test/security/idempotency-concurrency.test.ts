import { openTestApp, type TestApp } from '../helpers/app';
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
const N = 50;
const call = (who: Actor, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...who.headers, ...headers } });

async function transition(who: Actor, appId: string, name: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name }, { 'if-match': String(got.headers.etag) });
}

/** A highest-tier application under review by `w.reviewer`, every item claimed not applicable. */
async function underReview(name: string): Promise<{ id: string; items: string[] }> {
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name, significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' }));
  expect(sys.statusCode).toBe(201);
  const a = await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre });
  expect(a.statusCode).toBe(201);
  const id: string = a.json().id;
  const items: string[] = a.json().evidence.map((e: Json) => e.evidenceId);
  for (const e of items) expect((await call(w.vendorKey, 'POST', `/v1/applications/${id}/evidence/${e}/not-applicable`, { reason: 'Not part of this system at all.' })).statusCode).toBe(200);
  expect((await transition(w.vendorKey, id, 'submit')).statusCode).toBe(200);
  expect((await transition(w.reviewer, id, 'start_review')).statusCode).toBe(200);
  return { id, items };
}

const audited = async (applicationId: string, action: string) =>
  Number((await t.testDb.db('audit_log').where({ application_id: applicationId, action }).count({ n: '*' }).first())!.n);

/** Of identical sends, exactly one took effect; the others were refused (409) or replayed its answer. */
function oneEffect(results: Array<{ statusCode: number; headers: Record<string, unknown>; body: string }>) {
  const fresh = results.filter((r) => r.statusCode < 300 && r.headers['idempotent-replayed'] === undefined);
  const others = results.filter((r) => !fresh.includes(r));
  expect(fresh).toHaveLength(1);
  for (const r of others) {
    if (r.statusCode < 300) {
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.body).toBe(fresh[0].body);
    } else {
      expect(r.statusCode).toBe(409);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  }
}

describe(`exactly-once writes under ${N} identical parallel sends on ${databaseKind}`, () => {
  let app: { id: string; items: string[] };
  beforeAll(async () => { app = await underReview('Exactly once'); });

  test('reviews without a key: one is recorded, the others are 409', async () => {
    const item = app.items[0];
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.reviewer, 'POST', `/v1/applications/${app.id}/evidence/${item}/review`, { decision: 'accepted', comment: 'Meets the criteria.', validUntil: '2099-01-01' })));
    oneEffect(sends);
    expect(sends.filter((r) => r.statusCode === 409)).toHaveLength(N - 1);
    expect(await audited(app.id, 'evidence.review')).toBe(1);
    // Another decision is still a review of its own.
    expect((await call(w.reviewer, 'POST', `/v1/applications/${app.id}/evidence/${item}/review`, { decision: 'rejected', comment: 'On second thought.' })).statusCode).toBe(200);
  });

  test('reviews with one Idempotency-Key: one is recorded, the others replay its answer', async () => {
    const item = app.items[1];
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.reviewer, 'POST', `/v1/applications/${app.id}/evidence/${item}/review`, { decision: 'accepted', comment: 'Checked twice.' }, { 'idempotency-key': 'review-once' })));
    oneEffect(sends);
    expect(sends.every((r) => r.statusCode === 200)).toBe(true);
    expect(Number((await t.testDb.db('audit_log').where({ application_id: app.id, action: 'evidence.review', object_id: `${app.id}/${item}` }).count({ n: '*' }).first())!.n)).toBe(1);
  });

  test('overrides without a key: one changes the class, the others are 409', async () => {
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.lead, 'POST', `/v1/applications/${app.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'Autonomous critical-care triage: PMA, as for comparable devices.' })));
    oneEffect(sends);
    expect(Number((await t.testDb.db('overrides').where({ application_id: app.id }).count({ n: '*' }).first())!.n)).toBe(1);
    expect(await audited(app.id, 'application.override')).toBe(1);
  });

  test('countersignatures without a key: one counts, the others are 409', async () => {
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.lead, 'POST', `/v1/applications/${app.id}/countersignatures`, { transition: 'approve', comment: 'Checked the classes and evidence.' })));
    oneEffect(sends);
    expect(Number((await t.testDb.db('countersignatures').where({ application_id: app.id }).count({ n: '*' }).first())!.n)).toBe(1);
    expect(await audited(app.id, 'application.countersign')).toBe(1);
  });

  test('countersignatures with one Idempotency-Key: one counts, the others replay its answer', async () => {
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.lead2, 'POST', `/v1/applications/${app.id}/countersignatures`, { transition: 'approve', comment: 'Second lead agrees.' }, { 'idempotency-key': 'countersign-once' })));
    oneEffect(sends);
    expect(sends.every((r) => r.statusCode < 300)).toBe(true);
    expect(Number((await t.testDb.db('countersignatures').where({ application_id: app.id, actor_id: w.lead2.id }).count({ n: '*' }).first())!.n)).toBe(1);
    // Nothing is left half-done: every stored key holds its answer.
    expect(await t.testDb.db('idempotency_keys').whereNot({ state: 'done' }).first()).toBeUndefined();
  });

  test('overrides with one Idempotency-Key: one changes the class, the others replay its answer', async () => {
    const sends = await Promise.all(Array.from({ length: N }, () => call(w.reviewer, 'POST', `/v1/applications/${app.id}/overrides`, { framework: 'us-fda', class: 'II', justification: 'On reflection a 510(k) predicate exists for this.' }, { 'idempotency-key': 'override-once' })));
    oneEffect(sends);
    expect(sends.every((r) => r.statusCode < 300)).toBe(true);
    expect(Number((await t.testDb.db('overrides').where({ application_id: app.id }).count({ n: '*' }).first())!.n)).toBe(2);
  });
});
