import { openTestApp, expectContract, type TestApp } from '../helpers/app';
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
const call = async (who: Actor | null, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

async function upload(who: Actor, appId: string, evidenceId: string, text: string, type = 'application/pdf') {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${evidenceId}.pdf"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

async function transition(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
}

/** A system of the highest tier: IMDRF IV (treat or diagnose in a critical situation). */
const critical = profile({ name: 'Stroke triage', significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' });

describe(`certification end to end on ${databaseKind}`, () => {
  test('draft → certificate → suspension → reinstatement, every step audited and the chain verifiable', async () => {
    const sys = await call(w.vendorKey, 'POST', '/v1/systems', critical);
    expect(sys.statusCode).toBe(201);
    const systemId = sys.json().id;

    const created = await call(w.vendorKey, 'POST', '/v1/applications', { systemId, centreId: w.centre });
    expect(created.statusCode).toBe(201);
    expectContract('createApplication', created);
    const a: Json = created.json();
    expect(a).toMatchObject({ state: 'draft', riskTier: 'highest', fourEyes: true, version: 1 });
    expect(created.headers.etag).toBe(a.etag);
    const stored = sys.json().current.classification.evidence.map((e: Json) => e.id);
    expect(a.evidence.map((e: Json) => e.evidenceId)).toEqual(stored);
    expect(a.evidence.every((e: Json) => e.status === 'missing')).toBe(true);

    // Submission is refused while evidence is missing; the answer names the items.
    const early = await transition(w.vendorKey, a.id, 'submit');
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('evidence_complete');
    expect(early.json().detail).toContain(stored[0]);

    const [naItem, ...docItems] = stored as string[];
    const na = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${naItem}/not-applicable`, { reason: 'The system has no user interface of its own.' });
    expect(na.statusCode).toBe(200);
    expect(na.json()).toMatchObject({ status: 'not_applicable', notApplicableReason: 'The system has no user interface of its own.' });
    for (const id of docItems) {
      const up = await upload(w.vendorKey, a.id, id, `%PDF-1.4 evidence ${id}`);
      expect(up.statusCode).toBe(201);
      expectContract('uploadEvidenceDocument', up);
      expect(up.json().status).toBe('provided');
    }
    const doc = (await call(w.vendorKey, 'GET', `/v1/applications/${a.id}`)).json().evidence[1].documents[0];
    const { createHash } = await import('node:crypto');
    expect(doc.sha256).toBe(`sha256:${createHash('sha256').update(`%PDF-1.4 evidence ${docItems[0]}`).digest('hex')}`);

    const submitted = await transition(w.vendorKey, a.id, 'submit');
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({ state: 'submitted', overdue: false });
    expect(submitted.json().deadline).not.toBeNull();

    // The vendor cannot review; the reviewer of another centre does not even see it.
    expect((await transition(w.vendorKey, a.id, 'start_review')).statusCode).toBe(403);
    expect((await call(w.otherReviewer, 'GET', `/v1/applications/${a.id}`)).statusCode).toBe(404);

    const started = await transition(w.reviewer, a.id, 'start_review');
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ state: 'under_review', assignee: { id: w.reviewer.id } });

    // Reject one document, ask for information (a comment is required), the vendor replaces it.
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${docItems[0]}/review`, { decision: 'rejected', comment: 'Unsigned.' })).statusCode).toBe(200);
    expect((await transition(w.reviewer, a.id, 'request_information')).statusCode).toBe(400);
    expect((await transition(w.reviewer, a.id, 'request_information', 'Send the signed report.')).json().state).toBe('information_requested');
    expect((await transition(w.vendorKey, a.id, 'respond')).statusCode).toBe(409);
    expect((await upload(w.vendorKey, a.id, docItems[0], '%PDF-1.4 signed')).statusCode).toBe(201);
    expect((await transition(w.vendorKey, a.id, 'respond')).json().state).toBe('under_review');

    // Approval waits for every item to be accepted.
    const notYet = await transition(w.reviewer, a.id, 'approve');
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().detail).toContain('evidence_accepted');
    for (const id of stored) {
      const r = await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${id}/review`, { decision: 'accepted', comment: 'Meets the criteria.', validUntil: '2099-01-01' });
      expect(r.statusCode).toBe(200);
      expect(r.json().status).toBe('accepted');
    }

    // US FDA cannot be decided from the profile: a reviewer overrides it, beside the engine's result.
    const undecided = await transition(w.reviewer, a.id, 'approve');
    expect(undecided.json().detail).toContain('classes_determined: Frameworks the engine could not decide need an override first: us-fda');
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'us-fda', class: 'IV', justification: 'No such class, must be refused by the pack.' })).statusCode).toBe(400);
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'too short' })).statusCode).toBe(400);
    const ov = await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'Autonomous critical-care triage: PMA, as for comparable devices.' });
    expect(ov.statusCode).toBe(201);
    expectContract('overrideClassification', ov);
    expect(ov.json().classes.find((c: Json) => c.framework === 'us-fda')).toMatchObject({
      engineClass: null, disposition: 'requires_review', effectiveClass: 'III', override: { class: 'III', by: { id: w.reviewer.id } },
    });

    // The queue shows the override too, and finds the application by its effective class.
    const listed = (await call(w.reviewer, 'GET', '/v1/applications?framework=us-fda&class=III')).json().items;
    expect(listed.map((x: Json) => x.id)).toEqual([a.id]);
    expect(listed[0].classes.find((c: Json) => c.framework === 'us-fda').override).toMatchObject({ class: 'III', by: { id: w.reviewer.id } });

    // Four eyes: the reviewer alone cannot approve a highest-tier application.
    const alone = await transition(w.reviewer, a.id, 'approve');
    expect(alone.statusCode).toBe(409);
    expect(alone.json().detail).toContain('countersigned');
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'ok' })).statusCode).toBe(403);
    const cs = await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Checked the clinical evaluation.' });
    expect(cs.statusCode).toBe(201);

    const approved = await transition(w.reviewer, a.id, 'approve', 'All evidence accepted.');
    expect([approved.statusCode, approved.json().detail]).toEqual([200, undefined]);
    expectContract('transitionApplication', approved);
    const number = approved.json().certificateNumber;
    expect(number).toMatch(/^MR-\d{4}-\d{6}$/);

    const cert = await call(null, 'GET', `/v1/certificates/${number}`);
    expect(cert.statusCode).toBe(200);
    expectContract('getCertificate', cert);
    expect(cert.json()).toMatchObject({ status: 'valid', systemId, version: 1, reReviewRequired: false });
    expect(cert.json().rulesets.map((r: Json) => r.ruleset)).toEqual(sys.json().current.classification.results.map((r: Json) => r.ruleset));
    expect(cert.json().classes.find((c: Json) => c.framework === 'imdrf-samd').class).toBe('IV');
    expect(cert.json().classes.find((c: Json) => c.framework === 'us-fda')).toEqual({ framework: 'us-fda', class: 'III', engineClass: null });

    // Suspension needs a comment; the certificate follows the application.
    expect((await transition(w.reviewer, a.id, 'suspend')).statusCode).toBe(400);
    expect((await transition(w.reviewer, a.id, 'suspend', 'Field safety notice pending.')).json().state).toBe('suspended');
    expect((await call(null, 'GET', `/v1/certificates/${number}`)).json().status).toBe('suspended');
    expect((await transition(w.reviewer, a.id, 'reinstate', 'Resolved.')).statusCode).toBe(403);
    expect((await transition(w.lead, a.id, 'reinstate', 'Resolved.')).json().state).toBe('approved');
    expect((await call(null, 'GET', `/v1/certificates/${number}`)).json().status).toBe('valid');

    // The trail: readable by the centre's reviewers and admins, not by the vendor; the chain holds.
    expect((await call(w.vendorKey, 'GET', `/v1/applications/${a.id}/audit`)).statusCode).toBe(403);
    const trail = await call(w.reviewer, 'GET', `/v1/applications/${a.id}/audit`);
    expect(trail.statusCode).toBe(200);
    expectContract('getApplicationAudit', trail);
    const actions = trail.json().items.map((e: Json) => e.action);
    expect(actions[0]).toBe('application.create');
    expect(actions).toEqual(expect.arrayContaining(['evidence.upload', 'evidence.not_applicable', 'evidence.review', 'application.countersign', 'application.override', 'certificate.issue', 'certificate.suspend', 'certificate.reinstate']));
    expect(actions.filter((x: string) => x === 'application.transition')).toHaveLength(7); // submit, start_review, request_information, respond, approve, suspend, reinstate
    const verify = await call(w.admin, 'GET', '/v1/audit/verify');
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ valid: true, firstBroken: null });
    expect((await call(w.reviewer, 'GET', '/v1/audit/verify')).statusCode).toBe(403);
  });

  test('transitions need the current ETag: 428 without, 412 when stale', async () => {
    const sys = (await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'ETag system' }))).json();
    const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })).json();
    const none = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'withdraw' });
    expect(none.statusCode).toBe(428);
    const stale = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'withdraw' }, { 'if-match': '"00000000-r0"' });
    expect(stale.statusCode).toBe(412);
    const ok = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'withdraw' }, { 'if-match': a.etag });
    expect(ok.statusCode).toBe(200);
    // The same ETag again is stale now: a second racer loses.
    const again = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'withdraw' }, { 'if-match': a.etag });
    expect(again.statusCode).toBe(412);
  });

  test('the same Idempotency-Key replays the first answer and never writes twice; another request with it is 422', async () => {
    const before = Number((await t.testDb.db('systems').count({ n: '*' }).first())!.n);
    const p = profile({ name: 'Idempotent system' });
    const first = await call(w.vendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'register-1' });
    const second = await call(w.vendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'register-1' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(Number((await t.testDb.db('systems').count({ n: '*' }).first())!.n)).toBe(before + 1);
    const other = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Another' }), { 'idempotency-key': 'register-1' });
    expect(other.statusCode).toBe(422);
    // Keys belong to their caller: another vendor's same key is a new request.
    const theirs = await call(w.otherVendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'register-1' });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(first.json().id);
  });

  test('concurrent requests with one Idempotency-Key write once', async () => {
    const before = Number((await t.testDb.db('systems').count({ n: '*' }).first())!.n);
    const p = profile({ name: 'Raced system' });
    const results = await Promise.all(Array.from({ length: 5 }, () => call(w.vendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'race-1' })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201).length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const ids = new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(Number((await t.testDb.db('systems').count({ n: '*' }).first())!.n)).toBe(before + 1);
  });

  test('a key is remembered for IDEMPOTENCY_KEY_HOURS (24) after its first request, then free again; expired keys are deleted', async () => {
    const keys = () => t.testDb.db('idempotency_keys');
    const first = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Expiring 1' }), { 'idempotency-key': 'expire-1' });
    const spare = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Expiring 2' }), { 'idempotency-key': 'expire-2' });
    expect([first.statusCode, spare.statusCode]).toEqual([201, 201]);
    // Age both keys behind the service's back: one just inside the 24 hours, one just outside.
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    await keys().where({ key: 'expire-1' }).update({ created_at: hoursAgo(23.9) });
    await keys().where({ key: 'expire-2' }).update({ created_at: hoursAgo(24.1) });
    // Inside: still a replay, or a 422 for another request.
    expect((await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Expiring 1' }), { 'idempotency-key': 'expire-1' })).headers['idempotent-replayed']).toBe('true');
    expect((await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Something else' }), { 'idempotency-key': 'expire-1' })).statusCode).toBe(422);
    // That claim deleted the expired key: its row is gone, and it is a new key again.
    expect(await keys().where({ key: 'expire-2' }).first()).toBeUndefined();
    const reused = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Something new' }), { 'idempotency-key': 'expire-2' });
    expect(reused.statusCode).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(reused.json().id).not.toBe(spare.json().id);
    // A backlog goes 500 keys per claim, so no claim waits long on it.
    const backlog = () => keys().where('key', 'like', 'backlog-%').count({ n: '*' }).first().then((r) => Number(r!.n));
    await keys().insert(Array.from({ length: 600 }, (_, i) => ({ scope: 'api_key:gone', key: `backlog-${i}`, request_hash: 'x', state: 'done', status_code: 201, headers: '{}', body: '', created_at: hoursAgo(30) })));
    expect((await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Expiring 3' }), { 'idempotency-key': 'expire-3' })).statusCode).toBe(201);
    expect(await backlog()).toBe(100);
    expect((await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Expiring 4' }), { 'idempotency-key': 'expire-4' })).statusCode).toBe(201);
    expect(await backlog()).toBe(0);
  });
});
