/**
 * A demo world for a newcomer (`npm run admin -- demo`): a regulator, a certification centre
 * and two vendors with their users and API keys, six systems covering the risk tiers, and
 * applications in every interesting state of the workflow, one with a certificate. Every write
 * goes through the services, so everything is audited like real work: organisations, users and
 * keys as the command line (`cli`, "demo"), everything else as the demo user or API key that
 * would have done it, all under one request id.
 *
 * Idempotent: when the demo regulator exists the seeder creates nothing and answers what is
 * there. The regulator is created last, so it marks a finished seed.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../config';
import { createClassifier } from '../classification/service';
import type { Profile } from '../classification/profile';
import { createCertificationService, etagOf, type ApplicationDetail } from '../certification/service';
import type { ApplicationListRow } from '../certification/repository';
import type { LoadedWorkflow } from '../certification/workflow';
import { createIdentityService, trusted } from '../identity/service';
import { generatePassword, MIN_PASSWORD_LENGTH } from '../identity/passwords';
import type { ApiKeyRow, OrganisationRow, UserRow } from '../identity/repository';
import type { Language, OrganisationKind, Principal, Role } from '../identity/types';
import { AppError } from '../platform/errors';
import type { Registry } from '../rulesets/registry';
import { createSystemsService } from '../systems/service';

export const DEMO_DOMAIN = 'demo.medai-risk.test';
export const DEMO_ORGANISATIONS = {
  regulator: { name: 'Roszdravnadzor (demo)', kind: 'regulator' },
  centre: { name: 'Certification Centre for Medical AI (demo)', kind: 'certification_centre' },
  medvision: { name: 'MedVision AI (demo)', kind: 'vendor' },
  cardiosense: { name: 'CardioSense (demo)', kind: 'vendor' },
} as const satisfies Record<string, { name: string; kind: OrganisationKind }>;
type OrgKey = keyof typeof DEMO_ORGANISATIONS;

const DEMO_USERS: Array<{ key: string; org: OrgKey; name: string; role: Role; language: Language }> = [
  // The regulator's users are created last: the regulator marks a finished seed.
  { key: 'admin', org: 'regulator', name: 'Demo Administrator', role: 'admin', language: 'en' },
  { key: 'rules', org: 'regulator', name: 'Rules Administrator', role: 'rules_admin', language: 'en' },
  { key: 'reviewer', org: 'centre', name: 'Anna Petrova', role: 'reviewer', language: 'en' },
  { key: 'reviewer2', org: 'centre', name: 'Dmitry Sokolov', role: 'reviewer', language: 'en' },
  { key: 'lead', org: 'centre', name: 'Elena Smirnova', role: 'lead_reviewer', language: 'en' },
  { key: 'lead2', org: 'centre', name: 'Сергей Иванов', role: 'lead_reviewer', language: 'ru' },
  { key: 'vendor', org: 'medvision', name: 'Maria Kuznetsova', role: 'vendor', language: 'en' },
];
const emailOf = (key: string) => `${key}@${DEMO_DOMAIN}`;

export type DemoSummary = {
  /** False when the demo existed already (nothing was created). */
  created: boolean;
  /** Where the public reaches the service (PUBLIC_URL). */
  publicUrl: string;
  organisations: Array<{ id: string; name: string; kind: OrganisationKind }>;
  users: Array<{ id: string; email: string; name: string; role: Role; organisation: string; language: Language }>;
  /** The shared password of every demo user when it was generated (shown once); null when it was given or the demo existed. */
  password: string | null;
  /** The vendors' API keys; `key` only when just created (shown once). */
  apiKeys: Array<{ id: string; organisation: string; name: string; prefix: string; key: string | null }>;
  systems: Array<{ id: string; name: string; organisation: string }>;
  applications: Array<{ id: string; system: string; organisation: string; state: string; riskTier: string; assignee: string | null; certificateNumber: string | null }>;
  /** The certificate of the approved application, with its public verification URL. */
  certificate: { number: string; status: string; verificationUrl: string } | null;
};

export type DemoDeps = { db: Knex; config: Config; registry: Registry; workflow: LoadedWorkflow };
export type DemoOptions = { password?: string; now?: () => Date; log?: (line: string) => void };

// ---------------------------------------------------------------------------------------------
// The systems. Each is classified without `requires_review` except ChestScan's FDA class (an
// autonomous critical diagnosis: FDA may call it class III; the reviewer overrides).

const SYSTEMS = {
  chestScan: {
    name: 'ChestScan Triage', version: '3.2.0', manufacturer: { name: 'MedVision AI (demo)', country: 'RU' },
    intendedPurpose: 'Analyses frontal chest X-rays of adults in the emergency department, detects signs of pneumothorax and other life-threatening findings, and issues a preliminary report that places urgent studies at the top of the radiologist\'s worklist.',
    medicalPurpose: 'diagnosis', dataAction: 'interpretation', individualPatient: true,
    significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible',
    intendedUsers: ['specialist_physician'], autonomy: 'autonomous', timeCritical: true, reviewableBasis: false, populations: ['adult', 'elderly'],
    inputs: ['medical_image'], modelType: 'deep_learning', learningMode: 'locked', changeControlPlan: true,
    trainingData: { sources: ['three regional hospitals', 'public chest X-ray archives'], size: 412000, includesTargetPopulation: true, subgroupAnalysis: true, independentTestSet: true },
    personalData: { processing: 'pseudonymised', legalBasis: 'medical_care' },
  },
  sepsisWatch: {
    name: 'SepsisWatch ICU', version: '1.1.0', manufacturer: { name: 'MedVision AI (demo)', country: 'RU' },
    intendedPurpose: 'Continuously analyses vital signs and laboratory results of adult intensive-care patients and alerts the care team to an early risk of sepsis, so that the physician can start the sepsis bundle sooner.',
    medicalPurpose: 'monitoring', dataAction: 'interpretation', individualPatient: true,
    significance: 'drive', situations: ['critical'], worstCaseHarm: 'death_or_irreversible',
    monitoring: { physiological: true, vitalParameters: true, immediateDanger: true },
    intendedUsers: ['physician', 'nurse'], autonomy: 'triage_notification', timeCritical: true, reviewableBasis: false, populations: ['adult'],
    inputs: ['discrete_vitals', 'ehr_structured'], modelType: 'classical_ml', learningMode: 'locked',
    personalData: { processing: 'pseudonymised', legalBasis: 'medical_care' },
  },
  clinicDesk: {
    name: 'ClinicDesk Scheduler', version: '1.4.0', manufacturer: { name: 'MedVision AI (demo)', country: 'RU' },
    intendedPurpose: 'Books, moves and confirms outpatient appointments and balances clinicians\' schedules for the registry staff; it gives no clinical advice and takes no medical decision.',
    medicalPurpose: 'administrative', dataAction: 'store_transfer_display', individualPatient: true,
    intendedUsers: ['administrator'], autonomy: 'autonomous', inputs: ['ehr_structured', 'patient_reported'],
    modelType: 'classical_ml', learningMode: 'periodic_retraining',
    personalData: { processing: 'identifiable', legalBasis: 'medical_care' },
  },
  radNote: {
    name: 'RadNote Scribe', version: '0.9.0', manufacturer: { name: 'MedVision AI (demo)', country: 'RU' },
    intendedPurpose: 'Drafts structured radiology report text from the radiologist\'s dictation and the study\'s metadata; the radiologist edits and signs every report.',
    jurisdictions: ['RU', 'EU'],
    medicalPurpose: 'documentation', dataAction: 'content_generation', individualPatient: true,
    intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['speech_audio', 'clinical_text'],
    modelType: 'generative', learningMode: 'locked', generatesSyntheticContent: true,
    personalData: { processing: 'pseudonymised', legalBasis: 'medical_care' },
  },
  cardioRhythm: {
    name: 'CardioRhythm ECG', version: '2.0.1', manufacturer: { name: 'CardioSense (demo)', country: 'RU' },
    intendedPurpose: 'Analyses 12-lead resting ECG recordings and flags suspected atrial fibrillation and other arrhythmias for the cardiologist, who reviews every tracing before a diagnosis is made.',
    jurisdictions: ['US'],
    medicalPurpose: 'diagnosis', dataAction: 'interpretation', individualPatient: true,
    significance: 'drive', situations: ['serious'], worstCaseHarm: 'serious_deterioration_or_surgery',
    intendedUsers: ['specialist_physician', 'physician'], autonomy: 'assistive', timeCritical: false, reviewableBasis: true, populations: ['adult', 'elderly'],
    inputs: ['physiological_waveform'], modelType: 'deep_learning', learningMode: 'locked',
    personalData: { processing: 'pseudonymised', legalBasis: 'medical_care' },
  },
  symptomGuide: {
    name: 'SymptomGuide', version: '1.0.0', manufacturer: { name: 'CardioSense (demo)', country: 'RU' },
    intendedPurpose: 'A patient-facing chat assistant that asks about symptoms and suggests the appropriate level of care (self-care, a GP appointment or emergency services), with the reasons for its suggestion.',
    jurisdictions: ['RU'],
    medicalPurpose: 'triage', dataAction: 'interpretation', individualPatient: true,
    significance: 'inform', situations: ['non_serious'], worstCaseHarm: 'minor',
    intendedUsers: ['patient'], professionalSupport: false, autonomy: 'advisory', reviewableBasis: true, populations: ['adult'],
    inputs: ['patient_reported'], modelType: 'generative', learningMode: 'locked', interactsWithPersons: true, generatesSyntheticContent: true,
    personalData: { processing: 'pseudonymised', legalBasis: 'consent' },
  },
} satisfies Record<string, Profile>;
export const DEMO_PROFILES: Record<keyof typeof SYSTEMS, Profile> = SYSTEMS;

/** Items a first application can honestly call not applicable. */
const NOT_APPLICABLE: Record<string, string> = {
  E20: 'This is the first application for the system: there is no earlier conformity certificate or marketing authorisation.',
  E21: 'The system is entered in the registers once it is certified; no registration exists yet.',
};

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A small stand-in document: a text file for the intended purpose, a PDF-like file for the rest. */
function demoDocument(registry: Registry, profile: Profile, evidenceId: string): { filename: string; contentType: string; content: Buffer } {
  const item = registry.evidenceIndex.get(evidenceId);
  const en = item?.title.en ?? evidenceId;
  const ru = item?.title.ru ?? evidenceId;
  if (evidenceId === 'E01') {
    const text = [
      `${profile.name} ${profile.version} (${profile.manufacturer.name})`, '',
      `${evidenceId} ${en} / ${ru}`, '',
      profile.intendedPurpose, '',
      'Demo document created by `npm run admin -- demo`: not a real submission.', '',
    ].join('\n');
    return { filename: `${evidenceId}-${slug(en)}.txt`, contentType: 'text/plain', content: Buffer.from(text, 'utf8') };
  }
  const pdf = [
    '%PDF-1.4', `% ${profile.name} ${profile.version} (${profile.manufacturer.name})`,
    `% ${evidenceId} ${en}`, `% ${ru}`, '% Demo document created by `npm run admin -- demo`: not a real submission.', '%%EOF', '',
  ].join('\n');
  return { filename: `${evidenceId}-${slug(en)}.pdf`, contentType: 'application/pdf', content: Buffer.from(pdf, 'utf8') };
}

/** Seeds the demo world (see the module comment); answers what it created or found. */
export async function seedDemo(deps: DemoDeps, options: DemoOptions = {}): Promise<DemoSummary> {
  const { db, config, registry, workflow } = deps;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const requestId = `demo-${randomUUID()}`;

  // Wired as src/app.ts wires them.
  const classifier = createClassifier(registry, config.RULES_EVALUATOR);
  const identity = createIdentityService({ db, config, now: options.now });
  const certification = createCertificationService({ db, registry, workflow, config, now: options.now });
  const systems = createSystemsService({ db, registry, classifier, onMaterialChange: (trx, ctx, id, version) => certification.markReReviewRequired(trx, ctx, id, version) });
  const cli = trusted({ type: 'cli', id: null, name: 'demo', organisationId: null }, requestId);

  const regulator = await identity.findOrganisation(DEMO_ORGANISATIONS.regulator.name);
  if (regulator) {
    log(`The demo exists already (${regulator.name}, created ${regulator.createdAt}): nothing was created.`);
    return describe(false, null, new Map());
  }
  const partial: string[] = [];
  for (const o of Object.values(DEMO_ORGANISATIONS)) if (await identity.findOrganisation(o.name)) partial.push(o.name);
  if (partial.length > 0) {
    throw new AppError(409, 'conflict', 'Conflict',
      `An earlier demo seed stopped part-way: ${partial.join(', ')} exist without ${DEMO_ORGANISATIONS.regulator.name}. Seed the demo into a fresh database.`);
  }
  // Checked before anything is written: a bad password must not leave half a demo behind.
  if (options.password !== undefined && [...options.password].length < MIN_PASSWORD_LENGTH) {
    throw new AppError(400, 'validation', 'Request validation failed', `/password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      [{ in: 'body', field: '/password', message: `must have at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
  const password = options.password ?? generatePassword();

  // --- Organisations, users, keys (as the command line) ------------------------------------
  const orgs = {} as Record<OrgKey, OrganisationRow>;
  const users: Record<string, UserRow> = {};
  const orgOrder: OrgKey[] = ['centre', 'medvision', 'cardiosense'];
  for (const k of orgOrder) orgs[k] = await identity.createOrganisation(cli, DEMO_ORGANISATIONS[k]);
  log(`organisations: ${orgOrder.map((k) => orgs[k].name).join(', ')}`);
  for (const u of DEMO_USERS.filter((x) => x.org !== 'regulator')) {
    users[u.key] = await identity.createUser(cli, orgs[u.org].id, { email: emailOf(u.key), name: u.name, role: u.role, password, language: u.language });
  }
  const keys = new Map<string, string>();
  const medvisionKey = await identity.createApiKey(cli, orgs.medvision.id, { name: 'MedVision CI (demo)' });
  const cardioKey = await identity.createApiKey(cli, orgs.cardiosense.id, { name: 'CardioSense integration (demo)' });
  keys.set(medvisionKey.apiKey.id, medvisionKey.key);
  keys.set(cardioKey.apiKey.id, cardioKey.key);

  // --- Who acts: the demo users and keys themselves ----------------------------------------
  const asUser = (key: string): { principal: Principal; requestId: string } => {
    const u = users[key];
    const o = Object.values(orgs).find((x) => x.id === u.organisationId)!;
    return { principal: { kind: 'user', id: u.id, name: u.name, role: u.role, organisation: { id: o.id, name: o.name, kind: o.kind }, language: u.language }, requestId };
  };
  const asKey = (k: ApiKeyRow, o: OrganisationRow) => ({
    principal: { kind: 'api_key', id: k.id, name: k.name, role: 'vendor', organisation: { id: o.id, name: o.name, kind: o.kind }, language: 'en' } as Principal,
    requestId,
  });
  const medvision = asKey(medvisionKey.apiKey, orgs.medvision);
  const cardio = asKey(cardioKey.apiKey, orgs.cardiosense);
  const vendorUser = asUser('vendor');
  const reviewer = asUser('reviewer');
  const reviewer2 = asUser('reviewer2');
  const lead = asUser('lead');
  const lead2 = asUser('lead2');
  type Ctx = typeof reviewer;

  const today = () => now().toISOString().slice(0, 10);
  const inYears = (n: number) => { const d = now(); d.setUTCFullYear(d.getUTCFullYear() + n); return d.toISOString().slice(0, 10); };

  const register = async (ctx: Ctx, profile: Profile) => (await systems.register(ctx, profile)).system;
  const open = async (ctx: Ctx, systemId: string) => (await certification.create(ctx, { systemId, centreId: orgs.centre.id })).application;
  const step = async (ctx: Ctx, id: string, transition: string, comment?: string): Promise<ApplicationDetail> => {
    const current = await certification.get(ctx, id);
    return certification.transition(ctx, id, { transition, ...(comment ? { comment } : {}) }, etagOf(current.application));
  };
  const evidenceOf = async (ctx: Ctx, id: string) => (await certification.get(ctx, id)).evidence.map((e) => e.evidenceId);
  /** Every item of the checklist: not applicable where that is honest, a document otherwise (or only `only`). */
  const provide = async (ctx: Ctx, id: string, profile: Profile, only?: string[]) => {
    for (const e of await evidenceOf(ctx, id)) {
      if (only && !only.includes(e)) continue;
      if (NOT_APPLICABLE[e]) await certification.markNotApplicable(ctx, id, e, NOT_APPLICABLE[e]);
      else await certification.upload(ctx, id, e, demoDocument(registry, profile, e));
    }
  };
  const accept = async (ctx: Ctx, id: string, only?: string[]) => {
    for (const e of await evidenceOf(ctx, id)) {
      if (only && !only.includes(e)) continue;
      const comment = NOT_APPLICABLE[e] ? 'The justification holds for a first application.' : 'Meets the acceptance criteria of the catalogue.';
      await certification.reviewEvidence(ctx, id, e, { decision: 'accepted', comment, validFrom: today(), validUntil: inYears(3) });
    }
  };

  // --- Systems ----------------------------------------------------------------------------
  const chestScan = await register(medvision, SYSTEMS.chestScan);
  const clinicDesk = await register(medvision, SYSTEMS.clinicDesk);
  const radNote = await register(medvision, SYSTEMS.radNote);
  const sepsisWatch = await register(vendorUser, SYSTEMS.sepsisWatch);
  const cardioRhythm = await register(cardio, SYSTEMS.cardioRhythm);
  const symptomGuide = await register(cardio, SYSTEMS.symptomGuide);
  log('systems: 6 registered and classified');

  // --- approved: the highest tier, an FDA override and a lead reviewer's countersignature -
  const approved = await open(medvision, chestScan.id);
  await provide(medvision, approved.id, SYSTEMS.chestScan);
  await step(medvision, approved.id, 'submit', 'Initial certification of ChestScan Triage 3.2.0.');
  await step(reviewer, approved.id, 'start_review');
  await accept(reviewer, approved.id);
  await certification.override(reviewer, approved.id, {
    framework: 'us-fda', class: 'III',
    justification: 'An autonomous diagnosis in a critical situation where a missed pneumothorax can be fatal: high risk, premarket approval as for comparable devices.',
  });
  await certification.countersign(lead2, approved.id, { transition: 'approve', comment: 'Проверил клиническую оценку и переопределение класса FDA: согласен.' });
  const approvedDetail = await step(reviewer, approved.id, 'approve', 'All evidence accepted; FDA class set by override.');
  log(`approved: ${SYSTEMS.chestScan.name}, certificate ${approvedDetail.application.certificateNumber}`);

  // --- suspended: certified, then suspended after a reported incident --------------------
  const suspended = await open(cardio, cardioRhythm.id);
  await provide(cardio, suspended.id, SYSTEMS.cardioRhythm);
  await step(cardio, suspended.id, 'submit');
  await step(reviewer2, suspended.id, 'start_review');
  await accept(reviewer2, suspended.id);
  await step(reviewer2, suspended.id, 'approve', 'All evidence accepted.');
  await certification.reportIncident(cardio, cardioRhythm.id, {
    severity: 'minor', occurredOn: today(),
    description: 'Atrial flutter with 2:1 conduction was labelled as sinus tachycardia in a run of recordings from one clinic; the cardiologist corrected the reports.',
  });
  await step(lead, suspended.id, 'suspend', 'Suspended until the vendor sends its analysis of the flutter misclassifications and the corrective action.');

  // --- under_review: assigned by a lead reviewer, some items accepted -----------------------
  const underReview = await open(cardio, symptomGuide.id);
  await provide(cardio, underReview.id, SYSTEMS.symptomGuide);
  await step(cardio, underReview.id, 'submit');
  await certification.assign(lead, underReview.id, { assigneeId: users.reviewer.id, comment: 'Patient-facing triage: please take this one.' });
  await step(reviewer, underReview.id, 'start_review');
  await accept(reviewer, underReview.id, (await evidenceOf(reviewer, underReview.id)).slice(0, 4));

  // --- information_requested: one document rejected, the vendor is asked for more --------
  const infoRequested = await open(medvision, radNote.id);
  await provide(medvision, infoRequested.id, SYSTEMS.radNote);
  await step(medvision, infoRequested.id, 'submit');
  await step(reviewer2, infoRequested.id, 'start_review');
  await accept(reviewer2, infoRequested.id, ['E01', 'E02']);
  await certification.reviewEvidence(reviewer2, infoRequested.id, 'E26', {
    decision: 'rejected', comment: 'The evaluation covers English dictation only; the system is offered in Russia.',
  });
  await step(reviewer2, infoRequested.id, 'request_information', 'Please send the generative output safety evaluation (E26) for Russian-language dictation: omission and hallucination rates.');

  // --- submitted: complete, waiting in the queue -----------------------------------------
  const submitted = await open(medvision, clinicDesk.id);
  await provide(medvision, submitted.id, SYSTEMS.clinicDesk);
  await step(medvision, submitted.id, 'submit');

  // --- draft: opened by the vendor user, some evidence in ---------------------------------
  const draft = await open(vendorUser, sepsisWatch.id);
  await provide(vendorUser, draft.id, SYSTEMS.sepsisWatch, ['E01', 'E05', 'E11', 'E20']);
  log('applications: approved, suspended, under_review, information_requested, submitted, draft');

  // --- The regulator last: the demo is complete ----------------------------------------------
  orgs.regulator = await identity.createOrganisation(cli, DEMO_ORGANISATIONS.regulator);
  for (const u of DEMO_USERS.filter((x) => x.org === 'regulator')) {
    users[u.key] = await identity.createUser(cli, orgs.regulator.id, { email: emailOf(u.key), name: u.name, role: u.role, password, language: u.language });
  }
  return describe(true, options.password === undefined ? password : null, keys);

  /** What the demo holds, read back through the services; secrets only as just created. */
  async function describe(created: boolean, generatedPassword: string | null, secrets: Map<string, string>): Promise<DemoSummary> {
    const found: OrganisationRow[] = [];
    for (const o of Object.values(DEMO_ORGANISATIONS)) {
      const org = await identity.findOrganisation(o.name);
      if (org) found.push(org);
    }
    const name = (id: string) => found.find((o) => o.id === id)?.name ?? id;
    const summary: DemoSummary = {
      created, publicUrl: config.PUBLIC_URL, organisations: found.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
      users: [], password: generatedPassword, apiKeys: [], systems: [], applications: [], certificate: null,
    };
    const ops = trusted({ type: 'cli', id: null, name: 'demo', organisationId: null });
    for (const org of found) {
      for (const u of await identity.listUsers(ops, org.id)) {
        summary.users.push({ id: u.id, email: u.email, name: u.name, role: u.role, organisation: org.name, language: u.language });
      }
      if (org.kind !== 'vendor') continue;
      for (const k of await identity.listApiKeys(ops, org.id)) {
        if (k.revokedAt === null) summary.apiKeys.push({ id: k.id, organisation: org.name, name: k.name, prefix: k.prefix, key: secrets.get(k.id) ?? null });
      }
      // Read as the vendor sees its own: systems and applications of the demo only.
      const ctx = { principal: { kind: 'user', id: randomUUID(), name: 'demo', role: 'vendor', organisation: { id: org.id, name: org.name, kind: org.kind }, language: 'en' } as Principal };
      for (let cursor: string | undefined; ;) {
        const page = await systems.list(ctx, { limit: 100, cursor });
        for (const s of page.items) summary.systems.push({ id: s.system.id, name: s.system.name, organisation: org.name });
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const apps: ApplicationListRow[] = [];
      for (let cursor: string | undefined; ;) {
        const page = await certification.list(ctx, { limit: 100, cursor });
        apps.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      for (const a of apps) {
        summary.applications.push({ id: a.id, system: a.systemName, organisation: name(a.organisationId), state: a.state, riskTier: a.riskTier, assignee: a.assigneeName, certificateNumber: a.certificateNumber });
      }
    }
    const emails = DEMO_USERS.map((u) => emailOf(u.key));
    summary.users.sort((a, b) => emails.indexOf(a.email) - emails.indexOf(b.email));
    const order = workflow.states.map((x) => x.id);
    summary.applications.sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.system.localeCompare(b.system));
    const certified = summary.applications.find((a) => a.state === 'approved' && a.certificateNumber);
    if (certified) {
      const c = await certification.certificate(certified.certificateNumber!);
      summary.certificate = { number: c.number, status: c.status, verificationUrl: c.verificationUrl };
    }
    return summary;
  }
}
