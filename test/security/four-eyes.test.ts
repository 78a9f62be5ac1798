/**
 * Four eyes where it matters (rules/workflow/certification.json, `fourEyes` of a transition):
 * in the highest tier a revocation needs a lead reviewer; a suspension by a reviewer takes effect
 * at once (patient safety first) and lapses, undone and audited, unless a lead reviewer other
 * than the one who suspended confirms it within FOUR_EYES_CONFIRM_HOURS.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { createCertificationService } from '../../src/certification/service';
import { loadWorkflow } from '../../src/certification/workflow';
import { expectContract, RULES_DIR, testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

type Json = Record<string, any>;
let db: TestDb;
let app: FastifyInstance;
let w: World;
let clock = Date.now();
const now = () => new Date(clock);
const HOURS = 2;

beforeAll(async () => {
  db = await openTestDb();
  app = await buildApp(testConfig({ FOUR_EYES_CONFIRM_HOURS: HOURS }), { db: db.db, registry: testRegistry(), logger: false, now });
  await app.ready();
  w = await seedWorld(app, db.db);
}, 60_000);
afterAll(async () => {
  await app.close();
  await db.close();
});

const call = (who: Actor | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

async function move(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
}
async function ok(who: Actor, appId: string, name: string, comment?: string) {
  const res = await move(who, appId, name, comment);
  expect([res.statusCode, res.json().detail]).toEqual([200, undefined]);
  return res.json();
}

const critical = { significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' } as const;
const minor = { significance: 'inform', situations: ['non_serious'], jurisdictions: ['RU'], intendedUsers: ['patient'], worstCaseHarm: 'minor' } as const;
let serial = 0;

/** A certificate through the whole flow (overrides and a countersignature where the tier asks for them). */
async function certified(facts: Json): Promise<{ appId: string; number: string; fourEyes: boolean }> {
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: `Four eyes ${++serial}`, ...facts }));
  expect(sys.statusCode).toBe(201);
  const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre })).json();
  for (const e of a.evidence as Json[]) expect((await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/not-applicable`, { reason: `Not applicable: ${e.evidenceId}.` })).statusCode).toBe(200);
  await ok(w.vendorKey, a.id, 'submit');
  await ok(w.reviewer, a.id, 'start_review');
  for (const e of a.evidence as Json[]) expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/review`, { decision: 'accepted', comment: 'Fine.' })).statusCode).toBe(200);
  for (const c of a.classes as Json[]) {
    if (c.effectiveClass === null) {
      const classes = testRegistry().byRuleset.get(c.ruleset)!.classes;
      expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: c.framework, class: classes[classes.length - 1], justification: 'Autonomous triage in a critical situation.' })).statusCode).toBe(201);
    }
  }
  const fourEyes = (await call(w.reviewer, 'GET', `/v1/applications/${a.id}`)).json().fourEyes;
  if (fourEyes) expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Clinical evaluation checked.' })).statusCode).toBe(201);
  const approved = await ok(w.reviewer, a.id, 'approve');
  return { appId: a.id, number: approved.certificateNumber, fourEyes };
}

const certificateStatus = async (number: string) => (await call(null, 'GET', `/v1/certificates/${number}`)).json().status;
const auditActions = async (appId: string) => (await call(w.admin, 'GET', `/v1/applications/${appId}/audit`)).json().items.map((e: Json) => `${e.actorType}:${e.action}`);

describe(`four eyes on certificate transitions of the highest tier, on ${databaseKind}`, () => {
  test('the workflow data says which: suspend needs a lead\'s confirmation, revoke a lead', () => {
    const wf = loadWorkflow(RULES_DIR);
    expect(wf.transition('suspend')!.fourEyes).toBe('lead_confirmation');
    expect(wf.transition('revoke')!.fourEyes).toBe('lead_required');
    expect(wf.tiers.find((t) => t.id === 'highest')!.fourEyes).toBe(true);
  });

  test('a reviewer\'s suspension takes effect at once and waits for a lead; the suspender cannot confirm; another lead does', async () => {
    const c = await certified(critical);
    expect(c.fourEyes).toBe(true);
    const suspended = await ok(w.reviewer, c.appId, 'suspend', 'Reports of missed strokes: suspended pending investigation.');
    expect(suspended.state).toBe('suspended');
    expect(await certificateStatus(c.number)).toBe('suspended');
    const got = await call(w.lead, 'GET', `/v1/applications/${c.appId}`);
    expectContract('getApplication', got);
    expect(got.json().pendingConfirmation).toEqual({
      transition: 'suspend', requestedBy: { id: w.reviewer.id, name: w.reviewer.name },
      requestedAt: expect.any(String), dueAt: new Date(Date.parse(got.json().pendingConfirmation.requestedAt) + HOURS * 3_600_000).toISOString(),
    });
    // A reviewer is no lead.
    expect((await call(w.reviewer, 'POST', `/v1/applications/${c.appId}/countersignatures`, { transition: 'suspend', comment: 'Confirming my own.' })).statusCode).toBe(403);
    const confirmed = await call(w.lead, 'POST', `/v1/applications/${c.appId}/countersignatures`, { transition: 'suspend', comment: 'Confirmed: the reports are credible.' });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().pendingConfirmation).toBeNull();
    expect(confirmed.json().countersignatures.map((x: Json) => x.transition)).toContain('suspend');
    // Past the deadline nothing lapses: it was confirmed.
    clock += (HOURS + 1) * 3_600_000;
    expect(await createCertificationService({ db: db.db, registry: testRegistry(), workflow: loadWorkflow(RULES_DIR), config: testConfig(), now }).lapseUnconfirmed()).toBe(0);
    expect(await certificateStatus(c.number)).toBe('suspended');
    expect(await auditActions(c.appId)).toEqual(expect.arrayContaining(['user:application.four_eyes_requested', 'user:application.four_eyes_confirmed']));
  });

  test('unconfirmed in time, the suspension lapses: application approved again, certificate valid, audited as the system', async () => {
    const c = await certified(critical);
    await ok(w.reviewer, c.appId, 'suspend', 'Suspended on a single unverified report.');
    expect(await certificateStatus(c.number)).toBe('suspended');
    const service = createCertificationService({ db: db.db, registry: testRegistry(), workflow: loadWorkflow(RULES_DIR), config: testConfig(), now });
    clock += (HOURS - 1) * 3_600_000;
    expect(await service.lapseUnconfirmed()).toBe(0); // not yet due
    clock += 2 * 3_600_000;
    expect(await service.lapseUnconfirmed()).toBe(1);
    expect(await service.lapseUnconfirmed()).toBe(0); // once only
    const after = (await call(w.lead, 'GET', `/v1/applications/${c.appId}`)).json();
    expect(after.state).toBe('approved');
    expect(after.pendingConfirmation).toBeNull();
    expect(after.history.at(-1)).toMatchObject({ transition: 'four_eyes_lapsed', from: 'suspended', to: 'approved' });
    expect(await certificateStatus(c.number)).toBe('valid');
    expect((await auditActions(c.appId)).slice(-2)).toEqual(['system:certificate.reinstate', 'system:application.four_eyes_lapsed']);
    // A confirmation after the lapse finds nothing to confirm: suspend is then no decision that takes a countersignature.
    const late = await call(w.lead, 'POST', `/v1/applications/${c.appId}/countersignatures`, { transition: 'suspend', comment: 'Too late to confirm.' });
    expect(late.statusCode).toBe(400);
    expect(late.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await call(w.lead, 'GET', `/v1/applications/${c.appId}`)).json().state).toBe('approved');
  });

  test('a lead\'s own suspension stands without a second confirmation; a later transition settles a pending one', async () => {
    const c = await certified(critical);
    const byLead = await ok(w.lead, c.appId, 'suspend', 'Suspended by the lead reviewer.');
    expect(byLead.pendingConfirmation).toBeNull();
    await ok(w.lead, c.appId, 'reinstate', 'Investigation closed.');
    await ok(w.reviewer, c.appId, 'suspend', 'Suspended again by a reviewer.');
    expect((await call(w.lead, 'GET', `/v1/applications/${c.appId}`)).json().pendingConfirmation).toMatchObject({ transition: 'suspend' });
    // The lead revokes instead: nothing is left to lapse.
    await ok(w.lead, c.appId, 'revoke', 'Revoked after the investigation.');
    clock += (HOURS + 1) * 3_600_000;
    expect(await createCertificationService({ db: db.db, registry: testRegistry(), workflow: loadWorkflow(RULES_DIR), config: testConfig(), now }).lapseUnconfirmed()).toBe(0);
    expect(await certificateStatus(c.number)).toBe('revoked');
  });

  test('a revocation in the highest tier needs a lead reviewer (403 for a reviewer, nothing changes)', async () => {
    const c = await certified(critical);
    const res = await move(w.reviewer, c.appId, 'revoke', 'A reviewer tries to revoke.');
    expect(res.statusCode).toBe(403);
    expect(await certificateStatus(c.number)).toBe('valid');
  });

  test('below the highest tier a reviewer\'s suspension needs no confirmation', async () => {
    const c = await certified(minor);
    expect(c.fourEyes).toBe(false);
    const s = await ok(w.reviewer, c.appId, 'suspend', 'Suspended in the medium tier.');
    expect(s.pendingConfirmation).toBeNull();
  });
});
