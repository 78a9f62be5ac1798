import { runAdmin, USAGE } from '../../scripts/admin';
import { buildApp } from '../../src/app';
import { verifyAudit } from '../../src/audit/verify';
import { createCertificationService } from '../../src/certification/service';
import { loadWorkflow, type LoadedWorkflow } from '../../src/certification/workflow';
import { classify } from '../../src/classification/classify';
import { DEMO_ORGANISATIONS, DEMO_PROFILES, seedDemo, type DemoDeps, type DemoSummary } from '../../src/demo/seed';
import { createIdentityService } from '../../src/identity/service';
import { RULES_DIR, testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

const PASSWORD = 'demo password 2026';
const TABLES = ['organisations', 'users', 'api_keys', 'systems', 'system_versions', 'applications', 'application_evidence', 'documents', 'certificates', 'audit_log'];

let t: TestDb;
let workflow: LoadedWorkflow;
let deps: DemoDeps;
let first: DemoSummary;
type AuditRow = { actor_type: string; actor_name: string | null; action: string; request_id: string | null; before: unknown; after: unknown };
/** The audit trail as the seed left it (later tests log in, which is audited too). */
let seeded: AuditRow[];
beforeAll(async () => {
  t = await openTestDb();
  workflow = loadWorkflow(RULES_DIR);
  deps = { db: t.db, config: testConfig(), registry: testRegistry(), workflow };
  first = await seedDemo(deps, { password: PASSWORD });
  seeded = await t.db('audit_log').select('actor_type', 'actor_name', 'action', 'request_id', 'before', 'after').orderBy('seq');
}, 120_000);
afterAll(async () => t.close());

async function counts(db: TestDb['db']): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const exists = await db.schema.hasTable(table);
    if (exists) out[table] = Number((await db(table).count({ n: '*' }).first())!.n);
  }
  return out;
}

describe(`the demo seed on ${databaseKind}`, () => {
  test('the profiles classify as intended: only ChestScan\'s FDA class needs a reviewer', () => {
    for (const [name, profile] of Object.entries(DEMO_PROFILES)) {
      const review = classify(testRegistry(), profile).results.filter((r) => r.disposition === 'requires_review').map((r) => r.framework);
      expect([name, review]).toEqual([name, name === 'chestScan' ? ['us-fda'] : []]);
    }
    const tiers = Object.fromEntries(Object.entries(DEMO_PROFILES).map(([name, p]) => [name, workflow.tierOf(classify(testRegistry(), p).results).tier]));
    expect(tiers).toEqual({ chestScan: 'highest', sepsisWatch: 'highest', cardioRhythm: 'high', symptomGuide: 'medium', radNote: 'medium', clinicDesk: 'low' });
  });

  test('creates the organisations, users, keys, systems and applications it reports', async () => {
    expect(first.created).toBe(true);
    expect(first.password).toBeNull(); // given, so not echoed
    expect(first.organisations.map((o) => [o.name, o.kind]).sort()).toEqual(Object.values(DEMO_ORGANISATIONS).map((o) => [o.name, o.kind]).sort());
    expect(first.users.map((u) => [u.email, u.role])).toEqual([
      ['admin@demo.medai-risk.test', 'admin'],
      ['rules@demo.medai-risk.test', 'rules_admin'],
      ['reviewer@demo.medai-risk.test', 'reviewer'],
      ['reviewer2@demo.medai-risk.test', 'reviewer'],
      ['lead@demo.medai-risk.test', 'lead_reviewer'],
      ['lead2@demo.medai-risk.test', 'lead_reviewer'],
      ['vendor@demo.medai-risk.test', 'vendor'],
    ]);
    expect(first.users.find((u) => u.email.startsWith('lead2@'))!.language).toBe('ru');
    expect(first.apiKeys.map((k) => k.organisation).sort()).toEqual(['CardioSense (demo)', 'MedVision AI (demo)']);
    expect(first.apiKeys.every((k) => /^mk_/.test(k.key ?? ''))).toBe(true);
    expect(first.systems).toHaveLength(6);

    // One application per state, in the summary and in the database.
    const expected = { draft: 1, submitted: 1, under_review: 1, information_requested: 1, approved: 1, suspended: 1 };
    const byState = (rows: Array<{ state: string }>) => rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.state]: (m[r.state] ?? 0) + 1 }), {});
    expect(byState(first.applications)).toEqual(expected);
    expect(byState(await t.db('applications').select('state'))).toEqual(expected);

    // Every user logs in with the shared password, in their language.
    const identity = createIdentityService({ db: t.db, config: deps.config });
    for (const u of first.users) {
      const { principal } = await identity.login({ email: u.email, password: PASSWORD });
      expect([u.email, principal.role, principal.language]).toEqual([u.email, u.role, u.language]);
    }
    for (const k of first.apiKeys) expect((await identity.authenticate({ authorization: `Bearer ${k.key}` }))!.organisation.name).toBe(k.organisation);
  });

  test('the applications are where the summary says, with a valid certificate and a suspended one', async () => {
    const certification = createCertificationService({ db: t.db, registry: deps.registry, workflow, config: deps.config });
    const app = (state: string) => first.applications.find((a) => a.state === state)!;
    const admin = { principal: { kind: 'user' as const, id: first.users[0].id, name: 'Demo Administrator', role: 'admin' as const, organisation: { id: first.organisations[0].id, name: first.organisations[0].name, kind: 'regulator' as const }, language: 'en' as const } };

    const approved = await certification.get(admin, app('approved').id);
    expect(approved.application).toMatchObject({ systemName: 'ChestScan Triage', riskTier: 'highest', fourEyes: true });
    expect(approved.countersignatures).toHaveLength(1);
    expect(approved.overrides).toEqual([expect.objectContaining({ framework: 'us-fda', engineClass: null, class: 'III' })]);
    expect(approved.evidence.every((e) => e.status === 'accepted')).toBe(true);
    expect(first.certificate).toEqual({ number: approved.application.certificateNumber, status: 'valid', verificationUrl: `http://127.0.0.1:3000/v1/certificates/${approved.application.certificateNumber}` });
    const cert = await certification.certificate(first.certificate!.number);
    expect(cert).toMatchObject({ status: 'valid', systemName: 'ChestScan Triage', centreName: DEMO_ORGANISATIONS.centre.name, reReviewRequired: false });
    expect(cert.classes.find((c) => c.framework === 'imdrf-samd')!.class).toBe('IV');
    expect(cert.classes.find((c) => c.framework === 'us-fda')).toEqual({ framework: 'us-fda', class: 'III', engineClass: null });

    const suspended = app('suspended');
    expect((await certification.certificate(suspended.certificateNumber!)).status).toBe('suspended');
    expect(await t.db('incidents').select('severity', 'certificate_number')).toEqual([{ severity: 'minor', certificate_number: suspended.certificateNumber }]);

    const underReview = await certification.get(admin, app('under_review').id);
    expect(underReview.application.assigneeName).toBe('Anna Petrova');
    const statuses = underReview.evidence.map((e) => e.status);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(4);
    expect(statuses.filter((s) => s === 'provided').length).toBeGreaterThan(0);

    const info = await certification.get(admin, app('information_requested').id);
    expect(info.evidence.find((e) => e.evidenceId === 'E26')).toMatchObject({ status: 'rejected' });
    expect(info.history.at(-1)).toMatchObject({ transition: 'request_information' });

    const submitted = await certification.get(admin, app('submitted').id);
    expect(submitted.evidence.every((e) => e.status === 'provided' || e.status === 'not_applicable')).toBe(true);
    expect(submitted.documents.length).toBeGreaterThan(0);

    const draft = await certification.get(admin, app('draft').id);
    const provided = draft.evidence.filter((e) => e.status !== 'missing').map((e) => [e.evidenceId, e.status]);
    expect(provided).toEqual([['E01', 'provided'], ['E05', 'provided'], ['E11', 'provided'], ['E20', 'not_applicable']]);
    expect(draft.documents.find((d) => d.evidenceId === 'E01')).toMatchObject({ contentType: 'text/plain' });
    expect(draft.evidence.some((e) => e.status === 'missing')).toBe(true);
  });

  test('every write is audited, as the command line or as the demo user or key that did it, and the chain verifies', async () => {
    const v = await verifyAudit(t.db);
    expect(v).toMatchObject({ valid: true, firstBroken: null });
    const rows = seeded;
    expect(new Set(rows.map((r) => r.actor_type))).toEqual(new Set(['cli', 'user', 'api_key']));
    expect(rows.filter((r) => r.actor_type === 'cli').every((r) => r.actor_name === 'demo')).toBe(true);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(1);
    expect(rows[0].request_id).toMatch(/^demo-/);
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['organisation.create', 'user.create', 'api_key.create', 'system.register', 'application.create', 'evidence.upload', 'evidence.not_applicable', 'evidence.review',
      'application.transition', 'application.assign', 'application.override', 'application.countersign', 'certificate.issue', 'certificate.suspend', 'incident.report']) {
      expect([a, actions.has(a)]).toEqual([a, true]);
    }
    const text = JSON.stringify(rows);
    expect(text).not.toContain(PASSWORD);
    for (const k of first.apiKeys) expect(text).not.toContain(k.key);
  });

  test('the demo works through the API: the password logs in, a key lists its vendor\'s applications, the certificate verifies', async () => {
    const app = await buildApp(deps.config, { db: t.db, registry: deps.registry, workflow, logger: false });
    try {
      const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'reviewer@demo.medai-risk.test', password: PASSWORD } });
      expect(login.statusCode).toBe(200);
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const queue = await app.inject({ method: 'GET', url: '/v1/applications', headers: { cookie } });
      expect(queue.statusCode).toBe(200);
      // Every application but the vendor's draft, which is its own until submitted.
      expect(queue.json().items.map((a: { state: string }) => a.state).sort()).toEqual(['approved', 'information_requested', 'submitted', 'suspended', 'under_review']);

      const key = first.apiKeys.find((k) => k.organisation === 'MedVision AI (demo)')!.key!;
      const own = await app.inject({ method: 'GET', url: '/v1/applications', headers: { authorization: `Bearer ${key}` } });
      expect(own.statusCode).toBe(200);
      expect(own.json().items.map((a: { state: string }) => a.state).sort()).toEqual(['approved', 'draft', 'information_requested', 'submitted']);

      const cert = await app.inject({ method: 'GET', url: `/v1/certificates/${first.certificate!.number}` });
      expect(cert.statusCode).toBe(200);
      expect(cert.json().status).toBe('valid');
    } finally {
      await app.close();
    }
  });

  test('a second run creates nothing and answers the same demo, without secrets', async () => {
    const before = await counts(t.db);
    const lines: string[] = [];
    const again = await seedDemo(deps, { log: (l) => lines.push(l) });
    expect(await counts(t.db)).toEqual(before);
    expect(again.created).toBe(false);
    expect(lines.join('\n')).toMatch(/exists already/);
    expect(again.password).toBeNull();
    expect(again.apiKeys.map((k) => k.key)).toEqual([null, null]);
    const strip = (s: DemoSummary) => ({ ...s, created: null, apiKeys: s.apiKeys.map((k) => ({ ...k, key: null })) });
    expect(strip(again)).toEqual(strip(first));
  });
});

describe(`npm run admin -- demo on ${databaseKind}`, () => {
  let fresh: TestDb;
  beforeAll(async () => {
    fresh = await openTestDb();
  });
  afterAll(async () => fresh.close());

  async function admin(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const identity = createIdentityService({ db: fresh.db, config: deps.config });
    const code = await runAdmin(argv, {
      identity, out: (l) => out.push(l), err: (l) => err.push(l), username: 'ops',
      seedDemo: (options) => seedDemo({ ...deps, db: fresh.db }, options),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('is in the help', () => {
    expect(USAGE).toContain('demo [--password PASSWORD]');
  });

  test('a short password is bad usage and writes nothing', async () => {
    const before = await counts(fresh.db);
    const r = await admin('demo', '--password', 'short');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--password must have at least 12 characters/);
    expect(await counts(fresh.db)).toEqual(before);
    expect((await admin('demo', '--colour', 'red')).code).toBe(2);
  });

  test('seeds the demo, printing the generated password once, the keys, a curl example and the certificate URL; a second run says it exists', async () => {
    const r = await admin('demo');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('Demo created.');
    const password = /Password of every demo user: (\S+)/.exec(r.out)![1];
    expect(password.length).toBeGreaterThanOrEqual(24);
    const identity = createIdentityService({ db: fresh.db, config: deps.config });
    expect((await identity.login({ email: 'lead2@demo.medai-risk.test', password })).principal.language).toBe('ru');
    const keys = [...r.out.matchAll(/mk_[A-Za-z0-9_-]{20,}/g)].map((m) => m[0]);
    expect(new Set(keys).size).toBe(2);
    expect(r.out).toContain(`curl -s -H "Authorization: Bearer ${keys[0]}" http://127.0.0.1:3000/v1/applications`);
    expect(r.out).toContain('/v1/auth/login');
    expect(r.out).toContain('/dashboard');
    expect(r.out).toMatch(/verifiable by anyone: http:\/\/127\.0\.0\.1:3000\/v1\/certificates\/MR-\d{4}-\d{6}/);
    for (const state of ['draft', 'submitted', 'under_review', 'information_requested', 'approved', 'suspended']) expect(r.out).toContain(state);

    const again = await admin('demo');
    expect(again.code).toBe(0);
    expect(again.out).toContain('The demo exists already');
    expect(again.out).not.toContain(password);
    for (const k of keys) expect(again.out).not.toContain(k);
    expect((await verifyAudit(fresh.db)).valid).toBe(true);
  });
});
