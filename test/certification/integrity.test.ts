import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

/**
 * What keeps a decision honest: four eyes that an override cannot remove, countersignatures that
 * stand for the classes as they were, re-reviews that keep their overrides and cannot be
 * withdrawn, superseded certificates out of reach; and ids and secrets handled strictly.
 */
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

type Json = Record<string, any>;
const call = (who: Actor | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });
async function move(who: Actor, id: string, transition: string, comment?: string) {
  const etag = (await call(who, 'GET', `/v1/applications/${id}`)).headers.etag as string;
  return call(who, 'POST', `/v1/applications/${id}/transitions`, { transition, ...(comment ? { comment } : {}) }, { 'if-match': etag });
}
const CRITICAL = () => profile({ name: `Critical ${Math.random()}`, significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' });

/** A highest-tier application under review by `reviewer`, its evidence accepted, us-fda not yet overridden. */
async function underReview(): Promise<Json> {
  const sys = (await call(w.vendorKey, 'POST', '/v1/systems', CRITICAL())).json();
  const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })).json();
  for (const e of a.evidence) await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/not-applicable`, { reason: 'Covered by the platform file.' });
  expect((await move(w.vendorKey, a.id, 'submit')).statusCode).toBe(200);
  expect((await move(w.reviewer, a.id, 'start_review')).statusCode).toBe(200);
  for (const e of a.evidence) await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/review`, { decision: 'accepted', comment: 'ok' });
  return { ...a, systemId: sys.id };
}
const override = (who: Actor, id: string, framework: string, cls: string) =>
  call(who, 'POST', `/v1/applications/${id}/overrides`, { framework, class: cls, justification: `Reviewed ${framework} by hand, see the file.` });

describe(`decision integrity on ${databaseKind}`, () => {
  test('overrides that lower every class keep four eyes; only the assignee or a lead overrides', async () => {
    const a = await underReview();
    expect((await override(w.reviewer2, a.id, 'us-fda', 'III')).statusCode).toBe(403);
    const lowest: Record<string, string> = { 'ru-differentiated': 'not_md', 'ru-current': 'not_md', 'imdrf-samd': 'not_samd', 'eu-mdr': 'not_mdsw', 'eu-ai-act': 'minimal', 'us-fda': 'not_device' };
    let last: Json = {};
    for (const [framework, cls] of Object.entries(lowest)) {
      const res = await override(w.reviewer, a.id, framework, cls);
      expect(res.statusCode).toBe(201);
      last = res.json();
    }
    expect(last).toMatchObject({ riskTier: 'low', fourEyes: true });
    const alone = await move(w.reviewer, a.id, 'approve');
    expect(alone.statusCode).toBe(409);
    expect(alone.json().detail).toContain('countersigned');
  });

  test('a countersignature given before an override does not cover it', async () => {
    const a = await underReview();
    expect((await override(w.reviewer, a.id, 'us-fda', 'III')).statusCode).toBe(201);
    expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Checked.' })).statusCode).toBe(201);
    expect((await override(w.reviewer, a.id, 'us-fda', 'II')).statusCode).toBe(201);
    const stale = await move(w.reviewer, a.id, 'approve');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toContain('after the last override');
    expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Checked again.' })).statusCode).toBe(201);
    expect((await move(w.reviewer, a.id, 'approve')).json()).toMatchObject({ state: 'approved' });
  });

  test('a re-review keeps the overrides it inherits, cannot be withdrawn by the vendor, and its superseded parent offers no certificate transitions', async () => {
    const a = await underReview();
    expect((await override(w.reviewer, a.id, 'us-fda', 'III')).statusCode).toBe(201);
    await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Checked.' });
    const approved = (await move(w.reviewer, a.id, 'approve')).json();
    const incident = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'serious', description: 'A missed haemorrhage led to a transfer.', occurredOn: '2026-01-05' });
    const reId = incident.json().reReviewApplicationId;
    const re = (await call(w.reviewer, 'GET', `/v1/applications/${reId}`)).json();
    expect(re.classes.find((c: Json) => c.framework === 'us-fda')).toMatchObject({ engineClass: null, effectiveClass: 'III', override: { class: 'III', by: { id: w.reviewer.id } } });

    const withdraw = await move(w.vendorKey, reId, 'withdraw');
    expect(withdraw.statusCode).toBe(409);
    expect(withdraw.json().detail).toContain('not_a_re_review');

    expect((await move(w.reviewer, reId, 'start_review')).statusCode).toBe(200);
    for (const e of re.evidence) await call(w.reviewer, 'POST', `/v1/applications/${reId}/evidence/${e.evidenceId}/review`, { decision: 'accepted', comment: 'ok' });
    await call(w.lead, 'POST', `/v1/applications/${reId}/countersignatures`, { transition: 'approve', comment: 'Checked.' });
    expect((await move(w.reviewer, reId, 'approve')).statusCode).toBe(200);
    expect((await call(null, 'GET', `/v1/certificates/${approved.certificateNumber}`)).json().status).toBe('superseded');
    const parent = (await call(w.reviewer, 'GET', `/v1/applications/${a.id}`)).json();
    const suspend = parent.allowedTransitions.find((x: Json) => x.transition === 'suspend');
    expect(suspend.blockedBy.map((b: Json) => b.guard)).toEqual(['certificate_current']);
  });
});

describe(`strict ids, secrets and bounds on ${databaseKind}`, () => {
  test('an id not in canonical form is 400 naming it, and the audit chain stays sound', async () => {
    const sys = (await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Canonical ids' }))).json();
    const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })).json();
    for (const id of [a.id.toUpperCase(), `urn:uuid:${a.id}`]) {
      const res = await call(w.vendorKey, 'GET', `/v1/applications/${encodeURIComponent(id)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ in: 'params', field: '/id' });
    }
    const upper = await call(w.vendorKey, 'POST', `/v1/applications/${a.id.toUpperCase()}/evidence/${a.evidence[0].evidenceId}/not-applicable`, { reason: 'Not relevant to this system.' });
    expect(upper.statusCode).toBe(400);
    expect((await call(w.reviewer, 'GET', `/v1/applications?assignee=${'a'.repeat(36)}`)).statusCode).toBe(400);
    expect((await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id.toUpperCase(), centreId: w.centre })).statusCode).toBe(400);
    const missing = await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre, version: 7 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({ field: '/version' });
    expect((await call(w.admin, 'GET', '/v1/audit/verify')).json()).toMatchObject({ valid: true });
  });

  test('a new API key is never kept in the replay store: Idempotency-Key does not apply there', async () => {
    const first = await call(w.vendorUser, 'POST', `/v1/organisations/${w.vendorA}/api-keys`, { name: 'ci-2' }, { 'idempotency-key': 'key-1' });
    expect(first.statusCode).toBe(201);
    const key = first.json().key as string;
    const stored = await t.testDb.db('idempotency_keys').select('body');
    expect(stored.some((r: { body: string | null }) => (r.body ?? '').includes(key))).toBe(false);
    const again = await call(w.vendorUser, 'POST', `/v1/organisations/${w.vendorA}/api-keys`, { name: 'ci-2' }, { 'idempotency-key': 'key-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json().key).not.toBe(key);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  test('an API key is taken from a header only, never from the session cookie', async () => {
    const key = w.vendorKey.headers.authorization.slice('Bearer '.length);
    expect((await t.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    const inCookie = await t.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { cookie: `medai_session=${key}` } });
    expect(inCookie.statusCode).toBe(401);
  });

  test('a registry cursor with an impossible time and a decision range outside real years are 400, not a broken answer', async () => {
    const cursor = Buffer.from('r:2026-13-45T99:99:99.999Z|MR-2026-000001').toString('base64url');
    const res = await call(null, 'GET', `/v1/registry?cursor=${cursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: '/cursor' });
    for (const [from, to, field] of [['0000-01-01', '2026-01-01', '/from'], ['2026-01-01', '9999-12-31', '/to']]) {
      const r = await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=${from}&to=${to}`);
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toContain('problem+json');
      expect(r.json().errors[0]).toMatchObject({ field });
    }
  });

  test('two requests opening an application for one version: one wins', async () => {
    const sys = (await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Raced application' }))).json();
    const results = await Promise.all(Array.from({ length: 4 }, () => call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    expectContract('createApplication', results.find((r) => r.statusCode === 201)!);
  });
});
