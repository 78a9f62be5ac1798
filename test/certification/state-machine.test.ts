/**
 * The certification state machine, driven from its data (rules/workflow/certification.json):
 * every state is reached through the API, and from each one every transition of the workflow is
 * tried: the ones the data allows work with a proper role (and land in `to`), the others are 409
 * naming the transition and the state. Roles, required comments and every guard are checked, and
 * so are the certificate's life after approval (material versions, incidents, re-reviews, expiry).
 *
 * The app runs on a clock this file controls, so certificates can be carried past their validity.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { loadWorkflow, type Transition } from '../../src/certification/workflow';
import type { Profile } from '../../src/classification/profile';
import { RULES_DIR, testConfig, testRegistry, expectContract } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

const wf = loadWorkflow(RULES_DIR);
const PASSWORD = 'correct horse battery staple';

let app: FastifyInstance;
let testDb: TestDb;
let w: World;
/** The workflow's clock: real time plus this offset. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  testDb = await openTestDb();
  app = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), now: clock, logger: false });
  await app.ready();
  w = await seedWorld(app, testDb.db);
});
afterAll(async () => {
  await app?.close();
  await testDb?.close();
});

type Json = Record<string, any>;
const call = async (who: Actor | null, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

async function upload(who: Actor, appId: string, evidenceId: string, text: string, type = 'application/pdf') {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${evidenceId}.pdf"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

async function transition(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment !== undefined ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
}

/** A transition taken with the ETag read by an admin (for callers whose GET is not what is tested). */
async function transitionAs(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(w.admin, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment !== undefined ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
}

/** Logs an actor in again (sessions live on the workflow's clock: moving it ends them). */
async function relogin(a: Actor): Promise<Actor> {
  const { email } = await testDb.db('users').where({ id: a.id }).first('email');
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  return { ...a, headers: { cookie: String(res.headers['set-cookie']).split(';')[0] } };
}

const stateOf = async (id: string): Promise<string> => (await call(w.admin, 'GET', `/v1/applications/${id}`)).json().state;
const certificate = async (number: string): Promise<Json> => (await call(null, 'GET', `/v1/certificates/${number}`)).json();

/**
 * Not four-eyes: RU only, for patients, informing in non-serious situations. ru-differentiated 2a
 * (medium tier), ru-current not_md, imdrf-samd I; every class determined (no override needed).
 */
const MEDIUM = profile({ significance: 'inform', situations: ['non_serious'], jurisdictions: ['RU'], intendedUsers: ['patient'], worstCaseHarm: 'minor' });
/** The highest tier (four eyes); us-fda cannot be decided from the profile and needs an override. */
const CRITICAL = profile({ significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' });

let systems = 0;
type App = { id: string; systemId: string; evidence: string[] };

async function draft(p: Profile = MEDIUM): Promise<App> {
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', { ...p, name: `${p.name} ${++systems}` });
  expect(sys.statusCode).toBe(201);
  const created = await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre });
  expect(created.statusCode).toBe(201);
  const a = created.json();
  return { id: a.id, systemId: sys.json().id, evidence: a.evidence.map((e: Json) => e.evidenceId) };
}

/** Every evidence item claimed not applicable (a justified claim completes the checklist like a document). */
async function completeEvidence(a: App, except: string[] = []): Promise<void> {
  for (const e of a.evidence.filter((x) => !except.includes(x))) {
    const r = await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e}/not-applicable`, { reason: `Not applicable to this system: ${e}.` });
    expect(r.statusCode).toBe(200);
  }
}

async function acceptEvidence(a: App, reviewer: Actor = w.reviewer, except: string[] = []): Promise<void> {
  for (const e of a.evidence.filter((x) => !except.includes(x))) {
    const r = await call(reviewer, 'POST', `/v1/applications/${a.id}/evidence/${e}/review`, { decision: 'accepted', comment: 'Meets the criteria.' });
    expect(r.statusCode).toBe(200);
  }
}

async function take(who: Actor, a: App, name: string, to: string, comment?: string): Promise<Json> {
  const r = await transition(who, a.id, name, comment);
  expect([r.statusCode, r.json().detail, r.json().state]).toEqual([200, undefined, to]);
  return r.json();
}

async function submitted(p?: Profile): Promise<App> {
  const a = await draft(p);
  await completeEvidence(a);
  await take(w.vendorKey, a, 'submit', 'submitted');
  return a;
}
async function underReview(p?: Profile): Promise<App> {
  const a = await submitted(p);
  await take(w.reviewer, a, 'start_review', 'under_review');
  return a;
}
async function approved(): Promise<App & { certificate: string }> {
  const a = await underReview();
  await acceptEvidence(a);
  const r = await take(w.reviewer, a, 'approve', 'approved');
  return { ...a, certificate: r.certificateNumber };
}

/** One path through the API to each state (expired needs the clock: see the last tests). */
const reach: Record<string, () => Promise<App>> = {
  draft: () => draft(),
  submitted: () => submitted(),
  under_review: () => underReview(),
  information_requested: async () => {
    const a = await underReview();
    await take(w.reviewer, a, 'request_information', 'information_requested', 'Send the usability file.');
    return a;
  },
  approved: () => approved(),
  rejected: async () => {
    const a = await underReview();
    await take(w.reviewer, a, 'reject', 'rejected', 'The clinical evaluation does not support the claim.');
    return a;
  },
  suspended: async () => {
    const a = await approved();
    await take(w.reviewer, a, 'suspend', 'suspended', 'Field safety notice pending.');
    return a;
  },
  revoked: async () => {
    const a = await approved();
    await take(w.lead, a, 'revoke', 'revoked', 'Fraudulent evidence.');
    return a;
  },
  withdrawn: async () => {
    const a = await draft();
    await take(w.vendorKey, a, 'withdraw', 'withdrawn');
    return a;
  },
};
const CLOCKED = ['expired'];

/** The actor that takes a transition for a role of its `roles`. */
const actorFor = (role: Transition['roles'][number]): Actor =>
  ({ vendor: w.vendorKey, reviewer: w.reviewer, lead_reviewer: w.lead, admin: w.admin, rules_admin: w.rulesAdmin })[role];
/** Everyone who sees an application of vendor A at `w.centre`, with the role they act in. */
const seers = (): Array<{ actor: Actor; role: string }> => [
  { actor: w.vendorKey, role: 'vendor' }, { actor: w.vendorUser, role: 'vendor' }, { actor: w.reviewer, role: 'reviewer' },
  { actor: w.lead, role: 'lead_reviewer' }, { actor: w.admin, role: 'admin' },
];
const COMMENT = 'A comment for the record.';

/** What makes a transition's guards hold on an application just reached in one of its `from` states. */
const satisfy: Record<string, (a: App) => Promise<void>> = {
  submit: (a) => completeEvidence(a),
  approve: (a) => acceptEvidence(a),
};

describe(`the certification state machine from its data on ${databaseKind}`, () => {
  test('the workflow served is the one loaded from rules/workflow, and every state has a path here', async () => {
    const served = await call(null, 'GET', '/v1/workflow');
    expect(served.statusCode).toBe(200);
    expect(served.json()).toMatchObject({ initial: wf.initial, states: wf.states, transitions: wf.transitions, tiers: wf.tiers });
    const missing = wf.states.map((s) => s.id).filter((s) => !(s in reach) && !CLOCKED.includes(s));
    expect(missing).toEqual([]);
    expect(Object.keys(reach).filter((s) => !wf.states.some((x) => x.id === s))).toEqual([]);
    // Every transition has a state it goes from and one the tests reach.
    for (const t of wf.transitions) expect(t.from.length).toBeGreaterThan(0);
  });

  test('the profiles used: MEDIUM is not four-eyes with every class determined; CRITICAL is the highest tier', async () => {
    const m = await draft();
    const got = (await call(w.vendorKey, 'GET', `/v1/applications/${m.id}`)).json();
    expect(got).toMatchObject({ state: wf.initial, riskTier: 'medium', fourEyes: false });
    expect(got.classes.every((c: Json) => c.disposition === 'determined')).toBe(true);
    expect(m.evidence.length).toBeGreaterThan(1);
    const c = await draft(CRITICAL);
    expect((await call(w.vendorKey, 'GET', `/v1/applications/${c.id}`)).json()).toMatchObject({ riskTier: 'highest', fourEyes: true });
  });

  const reachable = wf.states.map((s) => s.id).filter((s) => !CLOCKED.includes(s));
  test.each(reachable)('from %s: allowed transitions work and land in `to`; every other is 409 naming it and the state', async (state) => {
    const base = await reach[state]();
    const read = await call(w.admin, 'GET', `/v1/applications/${base.id}`);
    expect(read.json().state).toBe(state);
    // Refusals write nothing, so the ETag read once stays current through all of them.
    const etag = String(read.headers.etag);
    const attempt = (who: Actor, name: string, comment?: string) =>
      call(who, 'POST', `/v1/applications/${base.id}/transitions`, { transition: name, ...(comment !== undefined ? { comment } : {}) }, { 'if-match': etag });
    const allowed = wf.transitions.filter((t) => t.from.includes(state));
    const refused = wf.transitions.filter((t) => !t.from.includes(state));

    // A draft is the vendor's own until it is submitted: the centre's staff do not see it at all.
    const centreSees = read.json().submittedAt !== null;
    const hidden = (actor: Actor) => !centreSees && (actor === w.reviewer || actor === w.lead);
    for (const t of refused) {
      const who = actorFor(t.roles[0]);
      const r = await attempt(who, t.id, COMMENT);
      if (hidden(who)) {
        expect([t.id, r.statusCode]).toEqual([t.id, 404]);
        continue;
      }
      expect([t.id, r.statusCode]).toEqual([t.id, 409]);
      expect(r.json().detail).toContain(`Transition ${t.id} `);
      expect(r.json().detail).toContain(`state ${state}`);
    }

    for (const t of allowed) {
      // A role not in `roles` (of those who see the application) is 403.
      for (const { actor } of seers().filter((s) => !t.roles.includes(s.role as Transition['roles'][number]))) {
        const r = await attempt(actor, t.id, COMMENT);
        if (hidden(actor)) {
          expect([t.id, actor.name, r.statusCode]).toEqual([t.id, actor.name, 404]);
          continue;
        }
        expect([t.id, actor.name, r.statusCode]).toEqual([t.id, actor.name, 403]);
        expect(r.json().detail).toContain(t.id);
      }
      // A required comment: empty or blank is 400 (before any guard is looked at).
      if (t.comment === 'required') {
        for (const comment of ['', '   ']) {
          const r = await attempt(actorFor(t.roles[0]), t.id, comment);
          expect([t.id, JSON.stringify(comment), r.statusCode]).toEqual([t.id, JSON.stringify(comment), 400]);
          expect(r.json().errors).toEqual([expect.objectContaining({ field: '/comment' })]);
        }
      }
    }
    // The certificate is in its validity now: transitions that need it past are refused by their
    // guard (the clock moves in the last tests, where they are taken).
    for (const t of allowed.filter((x) => x.guards.includes('certificate_past_validity'))) {
      const r = await attempt(actorFor(t.roles[0]), t.id, COMMENT);
      expect(r.statusCode).toBe(409);
      expect(r.json().detail).toContain(`Transition ${t.id} is refused: certificate_past_validity: The certificate is valid until`);
    }
    // Nothing of that moved the application, nor wrote to it.
    const after = await call(w.admin, 'GET', `/v1/applications/${base.id}`);
    expect([after.json().state, after.headers.etag]).toEqual([state, etag]);

    // Each allowed transition, on an application of its own in this state, with its guards satisfied.
    const takeable = allowed.filter((x) => !x.guards.includes('certificate_past_validity'));
    for (const [i, t] of takeable.entries()) {
      const a = i === 0 ? base : await reach[state]();
      await satisfy[t.id]?.(a);
      const r = await transition(actorFor(t.roles[0]), a.id, t.id, t.comment === 'required' ? COMMENT : undefined);
      expect([t.id, r.statusCode, r.json().detail]).toEqual([t.id, 200, undefined]);
      expectContract('transitionApplication', r);
      expect(r.json().state).toBe(t.to);
      expect(r.json().history.at(-1)).toMatchObject({ transition: t.id, from: state, to: t.to });
    }
  });

  test('the guards: evidence_complete names the missing item; evidence_accepted the unaccepted one; assigned_reviewer', async () => {
    const a = await draft();
    const [missing] = a.evidence.slice(-1);
    await completeEvidence(a, [missing]);
    const early = await transition(w.vendorKey, a.id, 'submit');
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toBe(`Transition submit is refused: evidence_complete: Evidence without a document or a justified "not applicable" (or rejected and not replaced): ${missing}`);
    expect((await upload(w.vendorKey, a.id, missing, '%PDF-1.4 the last item')).statusCode).toBe(201);
    await take(w.vendorKey, a, 'submit', 'submitted');
    await take(w.reviewer, a, 'start_review', 'under_review');

    const [open] = a.evidence.slice(0, 1);
    await acceptEvidence(a, w.reviewer, [open]);
    const notYet = await transition(w.reviewer, a.id, 'approve');
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().detail).toBe(`Transition approve is refused: evidence_accepted: Evidence not accepted yet: ${open}`);

    // Accepted, but its validity ended: evidence_valid.
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${open}/review`, { decision: 'accepted', comment: 'Old report.', validUntil: '2001-01-01' })).statusCode).toBe(200);
    const stale = await transition(w.reviewer, a.id, 'approve');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toBe(`Transition approve is refused: evidence_valid: Evidence outside its validity dates: ${open}`);
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${open}/review`, { decision: 'accepted', comment: 'Current report.', validUntil: '2099-01-01' })).statusCode).toBe(200);

    // Another (non-lead) reviewer of the centre is not the assignee.
    const other = await transition(w.reviewer2, a.id, 'approve');
    expect(other.statusCode).toBe(409);
    expect(other.json().detail).toContain('assigned_reviewer: Only the assigned reviewer or a lead reviewer may take this decision');
    await take(w.reviewer, a, 'request_information', 'information_requested', 'Re-sign the report.');
    await take(w.vendorKey, a, 'respond', 'under_review');
    await take(w.reviewer, a, 'approve', 'approved');
  });

  test('countersigned (highest tier): no approval without it; the deciding reviewer cannot countersign; another lead can', async () => {
    const a = await draft(CRITICAL);
    await completeEvidence(a);
    await take(w.vendorKey, a, 'submit', 'submitted');
    const started = await take(w.lead, a, 'start_review', 'under_review');
    expect(started.assignee).toMatchObject({ id: w.lead.id });
    await acceptEvidence(a, w.lead);
    const ov = await call(w.lead, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'Autonomous critical-care decisions: PMA, as for comparable devices.' });
    expect(ov.statusCode).toBe(201);

    const alone = await transition(w.lead, a.id, 'approve');
    expect(alone.statusCode).toBe(409);
    expect(alone.json().detail).toBe('Transition approve is refused: countersigned: A decision on a four-eyes application needs the countersignature of a lead reviewer other than the deciding reviewer, given after the last override');
    const rejectAlone = await transition(w.lead, a.id, 'reject', 'Not good enough.');
    expect(rejectAlone.statusCode).toBe(409);
    expect(rejectAlone.json().detail).toContain('countersigned');

    // The assigned (deciding) lead reviewer countersigning their own decision: refused.
    const own = await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'I agree with myself.' });
    expect(own.statusCode).toBe(409);
    expect(own.json().detail).toContain('cannot countersign their own decision');
    // A reviewer (not a lead) cannot countersign at all.
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'ok' })).statusCode).toBe(403);
    // Only decisions guarded by countersigned take one.
    expect((await call(w.lead2, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'suspend', comment: 'ok' })).statusCode).toBe(400);
    expect((await transition(w.lead, a.id, 'approve')).statusCode).toBe(409);

    // A countersignature from another lead: but if that lead then decides, it is their own again.
    const cs = await call(w.lead2, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Checked the clinical evaluation.' });
    expect(cs.statusCode).toBe(201);
    const selfDecided = await transition(w.lead2, a.id, 'approve');
    expect(selfDecided.statusCode).toBe(409);
    expect(selfDecided.json().detail).toContain('countersigned');

    const ok = await transition(w.lead, a.id, 'approve', 'All evidence accepted.');
    expect([ok.statusCode, ok.json().detail, ok.json().state]).toEqual([200, undefined, 'approved']);
    expect(ok.json().certificateNumber).toMatch(/^MR-\d{4}-\d{6}$/);
  });

  test('a countersignature belongs to the round it was given in: after information was requested it must be given again', async () => {
    const a = await draft(CRITICAL);
    await completeEvidence(a);
    await take(w.vendorKey, a, 'submit', 'submitted');
    await take(w.reviewer, a, 'start_review', 'under_review');
    expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Fine so far.' })).statusCode).toBe(201);
    await take(w.reviewer, a, 'request_information', 'information_requested', 'One more question.');
    await take(w.vendorKey, a, 'respond', 'under_review');
    await acceptEvidence(a);
    expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'us-fda', class: 'III', justification: 'Autonomous critical-care decisions: PMA.' })).statusCode).toBe(201);
    const stale = await transition(w.reviewer, a.id, 'approve');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toContain('countersigned');
    expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Seen the answer too.' })).statusCode).toBe(201);
    await take(w.reviewer, a, 'approve', 'approved');
  });

  describe('after approval', () => {
    test('a material new version marks the certificate reReviewRequired; a non-material one does not', async () => {
      const a = await approved();
      expect(await certificate(a.certificate)).toMatchObject({ status: 'valid', reReviewRequired: false });
      const sys = (await call(w.vendorKey, 'GET', `/v1/systems/${a.systemId}`)).json();

      const minor = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/versions`, { ...sys.current.profile, version: '1.0.1' });
      expect(minor.statusCode).toBe(201);
      expect(minor.json().changeAssessment).toMatchObject({ material: false, changedFields: ['version'] });
      expect(await certificate(a.certificate)).toMatchObject({ status: 'valid', reReviewRequired: false });

      const users = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/versions`, { ...sys.current.profile, version: '1.1.0', intendedUsers: ['patient', 'caregiver'] });
      expect(users.statusCode).toBe(201);
      expect(users.json().changeAssessment).toMatchObject({ material: true, materialFields: ['intendedUsers'] });
      const cert = await certificate(a.certificate);
      expect(cert).toMatchObject({ status: 'valid', reReviewRequired: true, version: 1 });

      // Significance: material when it moves a class (it is not a material field of its own).
      const b = await approved();
      const sysB = (await call(w.vendorKey, 'GET', `/v1/systems/${b.systemId}`)).json();
      const sig = await call(w.vendorKey, 'POST', `/v1/systems/${b.systemId}/versions`, { ...sysB.current.profile, version: '2.0.0', significance: 'treat_or_diagnose' });
      expect(sig.statusCode).toBe(201);
      expect(sig.json().changeAssessment.material).toBe(true);
      expect(sig.json().changeAssessment.frameworks.some((f: Json) => f.classChanged)).toBe(true);
      expect(await certificate(b.certificate)).toMatchObject({ status: 'valid', reReviewRequired: true });
    });

    test('a minor incident opens nothing; a serious one opens a re-review whose approval supersedes the certificate', async () => {
      const a = await approved();
      const countApps = async () => Number((await testDb.db('applications').where({ system_id: a.systemId }).count({ n: '*' }).first())!.n);
      const today = clock().toISOString().slice(0, 10);

      const minor = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'minor', description: 'A typo in the patient leaflet.', occurredOn: today });
      expect(minor.statusCode).toBe(201);
      expectContract('reportIncident', minor);
      expect(minor.json()).toMatchObject({ severity: 'minor', certificateNumber: a.certificate, reReviewApplicationId: null });
      expect(await countApps()).toBe(1);
      expect(await certificate(a.certificate)).toMatchObject({ status: 'valid', reReviewRequired: false });

      const serious = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'serious', description: 'A missed deterioration led to an admission.', occurredOn: today });
      expect(serious.statusCode).toBe(201);
      const reId = serious.json().reReviewApplicationId;
      expect(reId).toEqual(expect.any(String));
      expect(await countApps()).toBe(2);
      const re = (await call(w.reviewer, 'GET', `/v1/applications/${reId}`)).json();
      expect(re).toMatchObject({ kind: 're_review', state: 'submitted', systemId: a.systemId, version: 1, certificateNumber: null });
      expect(re.reason).toContain('Serious incident');
      expect(await certificate(a.certificate)).toMatchObject({ status: 'valid', reReviewRequired: true });
      // A second serious incident joins the re-review already open instead of opening another.
      const second = await call(w.lead, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'serious', description: 'Another missed deterioration, same ward.', occurredOn: today });
      expect(second.statusCode).toBe(201);
      expect(second.json().reReviewApplicationId).toBe(reId);
      expect(await countApps()).toBe(2);

      const r: App = { ...a, id: reId };
      await take(w.reviewer, r, 'start_review', 'under_review');
      await acceptEvidence(r);
      const done = await take(w.reviewer, r, 'approve', 'approved');
      const number = done.certificateNumber;
      expect(number).toMatch(/^MR-\d{4}-\d{6}$/);
      expect(number).not.toBe(a.certificate);
      expect(await certificate(a.certificate)).toMatchObject({ status: 'superseded' });
      expect(await certificate(number)).toMatchObject({ status: 'valid', reReviewRequired: false, applicationId: reId, systemId: a.systemId });
    });

    test('a superseded certificate stays superseded whatever happens to the application it came from', async () => {
      const a = await approved();
      const today = clock().toISOString().slice(0, 10);
      const serious = await call(w.vendorKey, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'serious', description: 'A missed deterioration led to an admission.', occurredOn: today });
      const r: App = { ...a, id: serious.json().reReviewApplicationId };
      await take(w.reviewer, r, 'start_review', 'under_review');
      await acceptEvidence(r);
      const fresh = (await take(w.reviewer, r, 'approve', 'approved')).certificateNumber;
      expect(await certificate(a.certificate)).toMatchObject({ status: 'superseded' });

      // The old application is still `approved`: suspending and reinstating it must not bring its
      // superseded certificate back into force beside the new one.
      const suspended = await transition(w.reviewer, a.id, 'suspend', 'Looking into the old certificate.');
      const afterSuspend = (await certificate(a.certificate)).status;
      const reinstated = await transition(w.lead, a.id, 'reinstate', 'Back again.');
      const afterReinstate = (await certificate(a.certificate)).status;
      const inForce = await testDb.db('certificates').where({ system_id: a.systemId }).whereIn('status', ['valid', 'suspended']).pluck('number');
      // (The transitions themselves may be refused or taken; the certificate must not move.)
      expect({ suspend: suspended.statusCode, reinstate: reinstated.statusCode, afterSuspend, afterReinstate, inForce })
        .toEqual({ suspend: 409, reinstate: 409, afterSuspend: 'superseded', afterReinstate: 'superseded', inForce: [fresh] });
      expect(suspended.json().detail).toContain('superseded');
    });
  });

  // The clock moves forward from here on: keep these last.
  describe('expiry (the clock moved past the validity)', () => {
    test('expire works from approved and suspended only once the certificate is past its validity; then every transition is 409', async () => {
      const x = await approved();
      const y = await reach.suspended();
      const yCert = (await call(w.admin, 'GET', `/v1/applications/${y.id}`)).json().certificateNumber as string;
      const cert = await certificate(x.certificate);
      expect(cert.status).toBe('valid');

      // Before the validity ends: the guard refuses, naming the date.
      const early = await transition(w.reviewer, x.id, 'expire');
      expect(early.statusCode).toBe(409);
      expect(early.json().detail).toBe(`Transition expire is refused: certificate_past_validity: The certificate is valid until ${cert.validUntil}`);

      // One day past the validity of every certificate issued above (they share a tier).
      offsetMs = Date.parse(cert.validUntil) - Date.now() + 86_400_000;
      w.reviewer = await relogin(w.reviewer);
      w.lead = await relogin(w.lead);
      w.admin = await relogin(w.admin);
      expect((await certificate(x.certificate)).status).toBe('expired');

      // Reinstating a suspension past the validity: certificate_in_validity.
      const late = await transition(w.lead, y.id, 'reinstate', 'Resolved.');
      expect(late.statusCode).toBe(409);
      expect(late.json().detail).toBe('Transition reinstate is refused: certificate_in_validity: The certificate is past its validity');

      const fromApproved = await transition(w.reviewer, x.id, 'expire');
      expect([fromApproved.statusCode, fromApproved.json().detail, fromApproved.json().state]).toEqual([200, undefined, 'expired']);
      const fromSuspended = await transition(w.admin, y.id, 'expire');
      expect([fromSuspended.statusCode, fromSuspended.json().detail, fromSuspended.json().state]).toEqual([200, undefined, 'expired']);
      expect(await certificate(yCert)).toMatchObject({ status: 'expired' });
      const stored = await testDb.db('certificates').where({ number: x.certificate }).first('status');
      expect(stored.status).toBe('expired');

      // expired is final: every transition of the workflow is refused from it.
      for (const t of wf.transitions) {
        expect(t.from).not.toContain('expired');
        const r = await transitionAs(actorFor(t.roles[0]), x.id, t.id, COMMENT);
        expect([t.id, r.statusCode]).toEqual([t.id, 409]);
        expect(r.json().detail).toContain(`Transition ${t.id} `);
        expect(r.json().detail).toContain('state expired');
      }
      expect(await stateOf(x.id)).toBe('expired');
    });
  });
});
