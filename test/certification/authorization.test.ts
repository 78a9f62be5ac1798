/**
 * The authorisation matrix: every operation of openapi.yaml × every kind of caller, own and other
 * organisation. The rows are checked against the contract, so an operation added to openapi.yaml
 * without a row here fails the first test.
 *
 * What each cell means:
 *   401  anonymous on an operation without `security: []` (and `WWW-Authenticate` is sent);
 *   404  the caller may not see the object (another vendor, another centre's reviewer, a role that
 *        sees no applications): never 403, and never any of the object's data;
 *   403  the caller sees the object (or the operation has no object) but its role may not act;
 *   2xx  allowed (409 where the workflow state is the honest answer).
 * Every denied request writes nothing (the audit trail does not grow) and its body holds none of
 * vendor A's names or ids beyond what the caller sent; nor does any answer of a non-public
 * operation to vendor B or to the other centre's reviewer.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';
import { loadContract } from '../../src/platform/contract';

const contract = loadContract();
const PASSWORD = 'correct horse battery staple';

let t: TestApp;
let w: World;

type Json = Record<string, any>;
const call = async (who: Actor | null, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

function multipart(evidenceId: string, text: string, type = 'application/pdf') {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${evidenceId}.pdf"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(who: Actor, appId: string, evidenceId: string, text: string, type = 'application/pdf') {
  const { body, contentType } = multipart(evidenceId, text, type);
  return t.app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...who.headers, 'content-type': contentType } });
}

async function transition(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  return call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
}

// ---------------------------------------------------------------------------------------------
// The callers, in the order of the matrix's columns.

const ACTORS = ['anonymous', 'vendorKey', 'vendorUser', 'otherVendorKey', 'reviewer', 'lead', 'otherReviewer', 'rulesAdmin', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];
const actor = (name: ActorName): Actor | null => (name === 'anonymous' ? null : w[name]);
/** Callers that must never learn anything of vendor A's from a non-public operation. */
const OUTSIDERS: ActorName[] = ['otherVendorKey', 'otherReviewer'];

// ---------------------------------------------------------------------------------------------
// The matrix: one row per operation (two for listUsers: a centre, and a vendor), the expected
// status per caller.

//                                 anon vKey vUser oVnd  rev lead oRev rAdm admin
const MATRIX: Array<[string, number[]]> = [
  ['classifyProfile',            [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['listRulesets',               [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['getRuleset',                 [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['listEvidence',               [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['listDeviceTypes',            [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['getDeviceType',              [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['registerSystem',             [401, 201, 201, 201, 403, 403, 403, 403, 403]],
  ['listSystems',                [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['getSystem',                  [401, 200, 200, 404, 404, 404, 404, 200, 200]],
  ['addSystemVersion',           [401, 201, 201, 404, 404, 404, 404, 403, 403]],
  ['getSystemVersion',           [401, 200, 200, 404, 404, 404, 404, 200, 200]],
  ['login',                      [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['logout',                     [401, 204, 204, 204, 204, 204, 204, 204, 204]],
  ['getMe',                      [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['updateMe',                   [401, 403, 200, 403, 200, 200, 200, 200, 200]],
  ['listOrganisations',          [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['createOrganisation',         [401, 403, 403, 403, 403, 403, 403, 403, 201]],
  ['listUsers (the centre)',     [401, 404, 404, 404, 200, 200, 404, 404, 200]],
  ['listUsers (vendor A)',       [401, 403, 403, 404, 404, 404, 404, 404, 200]],
  ['createUser',                 [401, 403, 403, 403, 403, 403, 403, 403, 201]],
  ['listApiKeys',                [401, 403, 200, 404, 404, 404, 404, 404, 200]],
  ['createApiKey',               [401, 403, 201, 404, 404, 404, 404, 404, 201]],
  ['revokeApiKey',               [401, 403, 200, 404, 404, 404, 404, 404, 200]],
  ['createApplication',          [401, 201, 201, 404, 403, 403, 403, 403, 403]],
  ['listApplications',           [401, 200, 200, 200, 200, 200, 200, 403, 200]],
  ['getApplication',             [401, 200, 200, 404, 404, 404, 404, 404, 200]],
  ['transitionApplication',      [401, 200, 200, 404, 200, 200, 404, 404, 409]],
  ['assignApplication',          [401, 403, 403, 404, 403, 200, 404, 404, 403]],
  ['countersignApplication',     [401, 403, 403, 404, 403, 201, 404, 404, 403]],
  ['overrideClassification',     [401, 403, 403, 404, 403, 201, 404, 404, 403]],
  ['uploadEvidenceDocument',     [401, 201, 201, 404, 404, 404, 404, 404, 403]],
  ['markEvidenceNotApplicable',  [401, 200, 200, 404, 404, 404, 404, 404, 403]],
  ['reviewEvidence',             [401, 403, 403, 404, 200, 200, 404, 404, 403]],
  ['downloadDocument',           [401, 200, 200, 404, 404, 404, 404, 404, 200]],
  ['getApplicationAudit',        [401, 403, 403, 404, 404, 404, 404, 404, 200]],
  ['listAudit',                  [401, 403, 403, 403, 403, 403, 403, 403, 200]],
  ['verifyAudit',                [401, 403, 403, 403, 403, 403, 403, 403, 200]],
  ['listAuditCheckpoints',       [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['createAuditCheckpoint',      [401, 403, 403, 403, 403, 403, 403, 403, 201]],
  ['startAuditVerification',     [401, 403, 403, 403, 403, 403, 403, 403, 202]],
  ['getAuditVerification',       [401, 403, 403, 403, 403, 403, 403, 403, 200]],
  ['getSigningKeys',             [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['getCertificate',             [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['reportIncident',             [401, 201, 201, 404, 201, 201, 404, 403, 201]],
  ['listIncidents',              [401, 200, 200, 404, 200, 200, 404, 200, 200]],
  ['getWorkflow',                [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['getApplicationReport',       [401, 200, 200, 404, 404, 404, 404, 404, 200]],
  ['listRegistry',               [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['exportRegistryCsv',          [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['exportRegistryJson',         [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['exportCentreDecisions',      [401, 404, 404, 404, 403, 200, 404, 404, 200]],
  ['getStatistics',              [401, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['healthLive',                 [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['healthReady',                [200, 200, 200, 200, 200, 200, 200, 200, 200]],
];

/**
 * Rows that fail because of a bug in src/ (see the final report): kept with the right
 * expectation and marked failing, so they start passing when the bug is fixed.
 */
const KNOWN_BUGS: Record<string, string> = {};
// overrideClassification: only the assigned reviewer or a lead reviewer overrides; the fixture's
// review is not assigned to `reviewer`, so it is 403 there.
// The rows on vendor A's draft (and its system, which has no other application) answer 404 to the
// centre's reviewers: a draft is the vendor's own until it is submitted.

// ---------------------------------------------------------------------------------------------
// Fixtures owned by vendor A, and the requests of each row.

const tag = Math.random().toString(36).slice(2, 10);
const NAME_A = `Authz system ${tag}`;
const MAKER_A = `Maker A ${tag}`;
/** RU only, for patients: medium tier, every class determined (no override, no countersignature needed). */
const P_A = profile({ name: NAME_A, manufacturer: { name: MAKER_A, country: 'RU' }, significance: 'inform', situations: ['non_serious'], jurisdictions: ['RU'], intendedUsers: ['patient'], worstCaseHarm: 'minor' });

type Fixtures = {
  sysA: string; appDraft: string; docId: string; evidence: string[];
  sysR: string; appReview: string;
  sysC: string; appCert: string; certificate: string; incident: string;
  vendorAName: string;
  secrets: string[];
};
let f: Fixtures;
let systems = 0;

async function registerA(suffix: string): Promise<string> {
  const r = await call(w.vendorKey, 'POST', '/v1/systems', { ...P_A, name: `${NAME_A} ${suffix} ${++systems}` });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}
async function openApplication(systemId: string): Promise<{ id: string; evidence: string[] }> {
  const r = await call(w.vendorKey, 'POST', '/v1/applications', { systemId, centreId: w.centre });
  expect(r.statusCode).toBe(201);
  return { id: r.json().id, evidence: r.json().evidence.map((e: Json) => e.evidenceId) };
}
async function claimAll(appId: string, evidence: string[]) {
  for (const e of evidence) expect((await call(w.vendorKey, 'POST', `/v1/applications/${appId}/evidence/${e}/not-applicable`, { reason: `Not applicable: ${e}.` })).statusCode).toBe(200);
}
async function submittedApplication(suffix: string) {
  const a = await openApplication(await registerA(suffix));
  await claimAll(a.id, a.evidence);
  expect((await transition(w.vendorKey, a.id, 'submit')).statusCode).toBe(200);
  return a;
}

/** A request of the matrix: the response, and what the caller itself sent (URL and body). */
type Sent = { res: LightMyRequestResponse; sent: string; auditDelta: number };
const auditCount = async () => Number((await t.testDb.db('audit_log').count({ n: '*' }).first())!.n);

/** Sends the request of an operation, its path filled from openapi.yaml, and counts the audit entries it wrote. */
async function op(who: Actor | null, operationId: string, params: Record<string, string | number> = {}, payload?: object | Buffer, headers: Record<string, string> = {}, query = ''): Promise<Sent> {
  const spec = contract.operations.get(operationId);
  if (!spec) throw new Error(`openapi.yaml has no operation ${operationId}`);
  const url = spec.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (params[k] === undefined) throw new Error(`${operationId}: no value for {${k}}`);
    return encodeURIComponent(String(params[k]));
  }) + query;
  const before = await auditCount();
  const res = await t.app.inject({ method: spec.method, url, payload: payload as never, headers: { ...(who?.headers ?? {}), ...headers } });
  const auditDelta = (await auditCount()) - before;
  return { res, sent: url + ' ' + (Buffer.isBuffer(payload) ? payload.toString('latin1') : JSON.stringify(payload ?? null)) + ' ' + JSON.stringify(headers), auditDelta };
}

async function emailOf(a: Actor): Promise<string> {
  return (await t.testDb.db('users').where({ id: a.id }).first('email')).email;
}

/** An admin's view of an application's ETag (so a caller who cannot read it still sends a current one). */
const etagOf = async (appId: string) => String((await call(w.admin, 'GET', `/v1/applications/${appId}`)).headers.etag);

const REQUESTS: Record<string, (who: Actor | null, name: ActorName) => Promise<Sent>> = {
  classifyProfile: (who) => op(who, 'classifyProfile', {}, profile({ name: 'Matrix classification' })),
  listRulesets: (who) => op(who, 'listRulesets'),
  getRuleset: (who) => op(who, 'getRuleset', { id: 'imdrf-samd' }),
  listEvidence: (who) => op(who, 'listEvidence'),
  listDeviceTypes: (who) => op(who, 'listDeviceTypes', {}, undefined, {}, '?q=triage'),
  getDeviceType: (who) => op(who, 'getDeviceType', { code: 'QFM' }),
  registerSystem: (who, name) => op(who, 'registerSystem', {}, profile({ name: `Matrix registration by ${name}` })),
  listSystems: (who) => op(who, 'listSystems'),
  getSystem: (who) => op(who, 'getSystem', { id: f.sysA }),
  addSystemVersion: (who, name) => op(who, 'addSystemVersion', { id: f.sysA }, { ...P_A, version: `1.0.${ACTORS.indexOf(name)}` }),
  getSystemVersion: (who) => op(who, 'getSystemVersion', { id: f.sysA, n: 1 }),
  login: async (who) => op(who, 'login', {}, { email: await emailOf(w.vendorUser), password: PASSWORD }),
  logout: async (who, name) => {
    // A user logs out of a session of its own made for this (its test session stays).
    if (!who || !['vendorUser', 'reviewer', 'lead', 'otherReviewer', 'rulesAdmin', 'admin'].includes(name)) return op(who, 'logout');
    const login = await call(null, 'POST', '/v1/auth/login', { email: await emailOf(who), password: PASSWORD });
    expect(login.statusCode).toBe(200);
    return op({ ...who, headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } }, 'logout');
  },
  getMe: (who) => op(who, 'getMe'),
  updateMe: (who) => op(who, 'updateMe', {}, { language: 'en' }),
  listOrganisations: (who) => op(who, 'listOrganisations'),
  createOrganisation: (who, name) => op(who, 'createOrganisation', {}, { name: `Matrix org by ${name} ${tag}`, kind: 'vendor' }),
  'listUsers (the centre)': (who) => op(who, 'listUsers', { id: w.centre }),
  'listUsers (vendor A)': (who) => op(who, 'listUsers', { id: w.vendorA }),
  createUser: (who, name) => op(who, 'createUser', { id: w.vendorA }, { email: `matrix.${name.toLowerCase()}.${tag}@example.org`, name: `Matrix user by ${name}`, role: 'vendor', password: PASSWORD }),
  listApiKeys: (who) => op(who, 'listApiKeys', { id: w.vendorA }),
  createApiKey: (who, name) => op(who, 'createApiKey', { id: w.vendorA }, { name: `matrix key by ${name}` }),
  revokeApiKey: async (who, name) => {
    const key = await call(w.admin, 'POST', `/v1/organisations/${w.vendorA}/api-keys`, { name: `to revoke by ${name}` });
    expect(key.statusCode).toBe(201);
    return op(who, 'revokeApiKey', { id: w.vendorA, keyId: key.json().id });
  },
  createApplication: async (who, name) => {
    // Vendor A opens one on a fresh system of its own (a version takes one open application);
    // everyone else tries vendor A's system.
    const systemId = name === 'vendorKey' || name === 'vendorUser' ? await registerA(`opened by ${name}`) : f.sysA;
    return op(who, 'createApplication', {}, { systemId, centreId: w.centre });
  },
  listApplications: (who) => op(who, 'listApplications'),
  getApplication: (who) => op(who, 'getApplication', { id: f.appDraft }),
  transitionApplication: async (who, name) => {
    // The natural move of each role: the vendor withdraws a draft, a reviewer starts a review, the
    // admin records an expiry (refused by its guard: the certificate is in force); the others try
    // to withdraw vendor A's draft.
    let appId = f.appDraft;
    let move = 'withdraw';
    if (name === 'vendorKey' || name === 'vendorUser') appId = (await openApplication(await registerA(`withdrawn by ${name}`))).id;
    if (name === 'reviewer' || name === 'lead') [appId, move] = [(await submittedApplication(`reviewed by ${name}`)).id, 'start_review'];
    if (name === 'admin') [appId, move] = [f.appCert, 'expire'];
    return op(who, 'transitionApplication', { id: appId }, { transition: move }, { 'if-match': await etagOf(appId) });
  },
  assignApplication: (who) => op(who, 'assignApplication', { id: f.appReview }, { assigneeId: w.reviewer2.id }),
  countersignApplication: (who) => op(who, 'countersignApplication', { id: f.appReview }, { transition: 'approve', comment: 'Countersigned in the matrix.' }),
  overrideClassification: (who) => op(who, 'overrideClassification', { id: f.appReview }, { framework: 'imdrf-samd', class: 'I', justification: 'The engine class, confirmed in the matrix.' }),
  uploadEvidenceDocument: (who, name) => {
    const { body, contentType } = multipart(f.evidence[0], `%PDF-1.4 matrix upload by ${name}`);
    return op(who, 'uploadEvidenceDocument', { id: f.appDraft, evidenceId: f.evidence[0] }, body, { 'content-type': contentType });
  },
  markEvidenceNotApplicable: (who) => op(who, 'markEvidenceNotApplicable', { id: f.appDraft, evidenceId: f.evidence[1] }, { reason: 'Not applicable, said in the matrix.' }),
  reviewEvidence: (who) => op(who, 'reviewEvidence', { id: f.appReview, evidenceId: f.evidence[0] }, { decision: 'accepted', comment: 'Accepted in the matrix.' }),
  downloadDocument: (who) => op(who, 'downloadDocument', { id: f.appDraft, documentId: f.docId }),
  getApplicationAudit: (who) => op(who, 'getApplicationAudit', { id: f.appDraft }),
  listAudit: (who) => op(who, 'listAudit'),
  verifyAudit: (who) => op(who, 'verifyAudit'),
  listAuditCheckpoints: (who) => op(who, 'listAuditCheckpoints'),
  createAuditCheckpoint: (who) => op(who, 'createAuditCheckpoint'),
  startAuditVerification: (who) => op(who, 'startAuditVerification'),
  getAuditVerification: async (who) => {
    const job = await call(w.admin, 'POST', '/v1/audit/verifications');
    expect(job.statusCode).toBe(202);
    return op(who, 'getAuditVerification', { id: job.json().id });
  },
  getSigningKeys: (who) => op(who, 'getSigningKeys'),
  getCertificate: (who) => op(who, 'getCertificate', { number: f.certificate }),
  reportIncident: (who) => op(who, 'reportIncident', { id: f.sysC }, { severity: 'minor', description: 'A typo in the matrix leaflet.', occurredOn: '2025-01-15' }),
  listIncidents: (who) => op(who, 'listIncidents', { id: f.sysC }),
  getWorkflow: (who) => op(who, 'getWorkflow'),
  getApplicationReport: (who) => op(who, 'getApplicationReport', { id: f.appDraft }),
  listRegistry: (who) => op(who, 'listRegistry'),
  exportRegistryCsv: (who) => op(who, 'exportRegistryCsv'),
  exportRegistryJson: (who) => op(who, 'exportRegistryJson'),
  exportCentreDecisions: (who) => op(who, 'exportCentreDecisions', { id: w.centre }, undefined, {}, '?from=2000-01-01&to=2099-12-31'),
  getStatistics: (who) => op(who, 'getStatistics'),
  healthLive: (who) => op(who, 'healthLive'),
  healthReady: (who) => op(who, 'healthReady'),
};

beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);

  // A draft with a document.
  const sysA = await registerA('draft');
  const draft = await openApplication(sysA);
  const up = await upload(w.vendorKey, draft.id, draft.evidence[0], '%PDF-1.4 vendor A evidence');
  expect(up.statusCode).toBe(201);
  const docId = up.json().documents[0].id;

  // An application under review (assigned to the reviewer).
  const review = await submittedApplication('under review');
  expect((await transition(w.reviewer, review.id, 'start_review')).statusCode).toBe(200);

  // A certificate through the whole flow, and an incident on it.
  const cert = await submittedApplication('certified');
  expect((await transition(w.reviewer, cert.id, 'start_review')).statusCode).toBe(200);
  for (const e of cert.evidence) expect((await call(w.reviewer, 'POST', `/v1/applications/${cert.id}/evidence/${e}/review`, { decision: 'accepted', comment: 'Fine.' })).statusCode).toBe(200);
  const approved = await transition(w.reviewer, cert.id, 'approve');
  expect(approved.statusCode).toBe(200);
  const sysC = approved.json().systemId;
  const incident = await call(w.vendorKey, 'POST', `/v1/systems/${sysC}/incidents`, { severity: 'minor', description: 'A typo in the patient leaflet.', occurredOn: '2025-01-10' });
  expect(incident.statusCode).toBe(201);

  const vendorAName = (await t.testDb.db('organisations').where({ id: w.vendorA }).first('name')).name;
  const sysR = (await call(w.admin, 'GET', `/v1/applications/${review.id}`)).json().systemId;
  f = {
    sysA, appDraft: draft.id, docId, evidence: draft.evidence, sysR, appReview: review.id, sysC, appCert: cert.id,
    certificate: approved.json().certificateNumber, incident: incident.json().id, vendorAName,
    secrets: [NAME_A, MAKER_A, vendorAName, w.vendorA, sysA, sysR, sysC, draft.id, review.id, cert.id, docId, approved.json().certificateNumber, incident.json().id],
  };
}, 120_000);
afterAll(async () => t.close());

const operationOf = (label: string) => label.split(' ')[0];

describe(`authorisation matrix on ${databaseKind}`, () => {
  test('every operation of openapi.yaml has a row, every row an operation and a request, and anonymous cells follow `security`', () => {
    const rows = new Set(MATRIX.map(([label]) => operationOf(label)));
    const missing = [...contract.operations.keys()].filter((id) => !rows.has(id)).map((id) => `operation ${id} has no authorisation expectation`);
    expect(missing).toEqual([]);
    expect([...rows].filter((id) => !contract.operations.has(id)).map((id) => `row ${id} names no operation of openapi.yaml`)).toEqual([]);
    for (const [label, expected] of MATRIX) {
      expect([label, expected.length]).toEqual([label, ACTORS.length]);
      expect([label, typeof REQUESTS[label]]).toEqual([label, 'function']);
      const spec = contract.operations.get(operationOf(label))!;
      // Public operations answer anonymous callers; every other is 401 for them.
      expect([label, spec.public ? expected[0] < 300 : expected[0] === 401]).toEqual([label, true]);
    }
    expect(Object.keys(REQUESTS).filter((k) => !MATRIX.some(([label]) => label === k))).toEqual([]);
  });

  for (const [label, expected] of MATRIX) {
    // MATRIX_STRICT=1 runs the known-bug rows as plain tests, to see what they get.
    const bug = process.env.MATRIX_STRICT === '1' ? undefined : KNOWN_BUGS[label];
    (bug ? test.failing : test)(`${label}: ${ACTORS.map((a, i) => `${a} ${expected[i]}`).join(', ')}${bug ? ` (known bug: ${bug})` : ''}`, async () => {
      const operationId = operationOf(label);
      const spec = contract.operations.get(operationId)!;
      const problems: string[] = [];
      for (const [i, name] of ACTORS.entries()) {
        const { res, sent, auditDelta } = await REQUESTS[label](actor(name), name);
        const want = expected[i];
        const brief = res.headers['content-type']?.toString().includes('json') ? res.body.slice(0, 300) : `(${res.headers['content-type']})`;
        if (res.statusCode !== want) problems.push(`${name}: expected ${want}, got ${res.statusCode} ${brief}`);
        const denied = res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404;
        if (res.statusCode === 401 && !String(res.headers['www-authenticate'] ?? '').startsWith('Bearer')) problems.push(`${name}: 401 without WWW-Authenticate: Bearer`);
        if (denied && auditDelta !== 0) problems.push(`${name}: a denied request (${res.statusCode}) wrote ${auditDelta} audit entries`);
        if (denied || (!spec.public && OUTSIDERS.includes(name))) {
          const leaked = f.secrets.filter((s) => res.body.includes(s) && !sent.includes(s));
          if (leaked.length > 0) problems.push(`${name}: the ${res.statusCode} answer holds vendor A's ${leaked.join(', ')} (not sent by the caller)`);
        }
        if (res.statusCode < 300 && res.statusCode !== 204 && String(res.headers['content-type']).startsWith('application/json')) {
          try {
            expectContract(operationId, res);
          } catch (err) {
            problems.push(`${name}: ${(err as Error).message.slice(0, 300)}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  test('denied requests changed nothing: the draft is still a draft, the review still assigned in its centre, no organisation or user was made by a non-admin', async () => {
    const draft = (await call(w.admin, 'GET', `/v1/applications/${f.appDraft}`)).json();
    expect(draft.state).toBe('draft');
    const cert = (await call(null, 'GET', `/v1/certificates/${f.certificate}`)).json();
    expect(cert).toMatchObject({ status: 'valid' });
    const orgs = await t.testDb.db('organisations').where('name', 'like', `Matrix org by %${tag}`).pluck('name');
    expect(orgs).toEqual([`Matrix org by admin ${tag}`]);
    const users = await t.testDb.db('users').where('email', 'like', `matrix.%.${tag}@example.org`).pluck('email');
    expect(users).toEqual([`matrix.admin.${tag}@example.org`]);
  });

  test('a document is found only under its own application: another vendor cannot fetch it through an application of theirs', async () => {
    const sys = await call(w.otherVendorKey, 'POST', '/v1/systems', profile({ name: 'Vendor B system' }));
    expect(sys.statusCode).toBe(201);
    const theirs = await call(w.otherVendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre });
    expect(theirs.statusCode).toBe(201);
    const res = await call(w.otherVendorKey, 'GET', `/v1/applications/${theirs.json().id}/documents/${f.docId}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('vendor A evidence');
    // Nor can vendor B open an application for vendor A's system, or upload into vendor A's application.
    expect((await call(w.otherVendorKey, 'POST', '/v1/applications', { systemId: f.sysA, centreId: w.centre })).statusCode).toBe(404);
  });

  test('lists are scoped: vendor B and the other centre see none of vendor A\'s systems or applications; a reviewer sees its centre\'s', async () => {
    const ids = (res: LightMyRequestResponse) => res.json().items.map((x: Json) => x.id);
    for (const who of [w.otherVendorKey, w.otherReviewer]) {
      expect(ids(await call(who, 'GET', '/v1/systems?limit=200'))).not.toEqual(expect.arrayContaining([f.sysA]));
      const apps = ids(await call(who, 'GET', '/v1/applications?limit=200'));
      for (const id of [f.appDraft, f.appReview, f.appCert]) expect(apps).not.toContain(id);
    }
    const centreApps = ids(await call(w.reviewer, 'GET', '/v1/applications?limit=200'));
    expect(centreApps).toEqual(expect.arrayContaining([f.appReview, f.appCert]));
    const centreSystems = ids(await call(w.reviewer, 'GET', '/v1/systems?limit=200'));
    expect(centreSystems).toEqual(expect.arrayContaining([f.sysR, f.sysC]));
    const all = ids(await call(w.rulesAdmin, 'GET', '/v1/systems?limit=200'));
    expect(all).toEqual(expect.arrayContaining([f.sysA, f.sysR, f.sysC]));
  });
});
