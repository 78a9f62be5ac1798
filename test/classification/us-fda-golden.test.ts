import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import { RULES_DIR, testRegistry } from '../helpers/app';
import { loadRegistry } from '../../src/rulesets/registry';
import { classify, classifyReference } from '../../src/classification/classify';
import type { Profile } from '../../src/classification/profile';

/**
 * Golden cases of the us-fda pack, from the FDA's own examples as regulatory-reference.md §4 gives
 * them: the §520(o)(1) exclusions, the FDA CDS guidance examples of device vs non-device CDS
 * (2022 final, revised 6 Jan 2026), the General Wellness policy (6 Jan 2026), and openFDA records
 * (IDx-DR PIB/DEN180001/K203629, Viz.ai QAS/DEN170073, QVD/DEN220063, Sepsis ImmunoScore
 * SAK/DEN230036, Paige DEN200080, CADe/x QDQ 892.2090).
 */
const FDA = 'us-fda';
const fda = (p: Profile) => resultFor(p, FDA);
const us = (o: Partial<Profile> = {}) => profile({ jurisdictions: ['US'], manufacturer: { name: 'Test vendor', country: 'US' }, ...o });
/** HCP-facing decision support on EHR data that meets all four criteria; rows change one fact. */
const cds = (o: Partial<Profile> = {}) =>
  us({ medicalPurpose: 'diagnosis', significance: 'drive', situations: ['serious'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'], timeCritical: false, reviewableBasis: true, ...o });
const nonClinical = { significance: undefined, situations: undefined } as const;

type Disposition = 'determined' | 'requires_review';
/** [FDA example, profile, class (provisional class under review), disposition, a reason that fired, pathway (null under review)] */
type Row = [example: string, p: Profile, cls: string | null, disposition: Disposition, reason: string, pathway: string | null];

const ROWS: Row[] = [
  // §520(o)(1)(A)–(D): excluded functions.
  ['§520(o)(1)(A) clinic scheduling and billing assistant', us({ medicalPurpose: 'administrative', ...nonClinical, intendedUsers: ['administrator'] }), 'not_device', 'determined', 'fda.exclusion.a_administrative', 'none'],
  ['§520(o)(1)(A) population health management dashboard', us({ medicalPurpose: 'research', ...nonClinical, individualPatient: false, intendedUsers: ['researcher'] }), 'not_device', 'determined', 'fda.exclusion.a_population', 'none'],
  ['§520(o)(1)(B) fitness and sleep coaching app', us({ medicalPurpose: 'wellness', ...nonClinical, intendedUsers: ['patient'], inputs: ['patient_reported'] }), 'not_device', 'determined', 'fda.exclusion.b_wellness', 'none'],
  ['§520(o)(1)(C) structuring the electronic patient record', us({ medicalPurpose: 'documentation', ...nonClinical, inputs: ['clinical_text'] }), 'not_device', 'determined', 'fda.exclusion.c_records', 'none'],
  ['§520(o)(1)(D) transferring and displaying lab results (MDDS-like)', us({ medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', inputs: ['ivd_signal'], significance: 'inform', modelType: 'rule_based' }), 'not_device', 'determined', 'fda.exclusion.d_transfer_display', 'none'],
  ['ambient AI scribe drafting notes: (C) provisionally, FDA position unconfirmed (reference §10.8)', us({ medicalPurpose: 'documentation', ...nonClinical, dataAction: 'content_generation', modelType: 'generative', inputs: ['speech_audio'] }), 'not_device', 'requires_review', 'fda.review.generative_documentation', null],

  // General Wellness (revised final guidance, 6 Jan 2026).
  // us-fda 1.1.0 reads what a wearable measures (General Wellness 2026 §III): the HRV/SpO2 estimate is declared physiological.
  ['General Wellness 2026: non-invasive wearable estimating HRV and SpO2 for wellness', us({ medicalPurpose: 'wellness', ...nonClinical, intendedUsers: ['patient'], inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }), 'enforcement_discretion', 'determined', 'fda.discretion.general_wellness', 'none'],
  ['General Wellness 2026 Example 2 / §520(o)(1)(B): activity tracking is not a device', us({ medicalPurpose: 'wellness', ...nonClinical, intendedUsers: ['patient'], inputs: ['wearable_sensor'], sensorMeasures: ['activity'] }), 'not_device', 'determined', 'fda.exclusion.b_wellness', 'none'],
  ['General Wellness 2026 §III: a wellness wearable whose measures are not declared', us({ medicalPurpose: 'wellness', ...nonClinical, intendedUsers: ['patient'], inputs: ['wearable_sensor'] }), 'enforcement_discretion', 'requires_review', 'fda.review.wellness_sensor_measures', null],
  ['WHOOP Warning Letter (Jul 2025): blood-pressure insights marketed as medical grade', us({ medicalPurpose: 'monitoring', significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }), 'II', 'determined', 'fda.cds.c3_fails_lay_users', 'de_novo'],

  // FDA CDS guidance: non-device CDS (all four criteria met).
  ['CDS guidance: list of possible diagnoses for a physician from EHR data, basis shown', cds(), 'not_device', 'determined', 'fda.cds.non_device', 'none'],
  ['CDS guidance: drug-interaction and allergy alerts from labelling for prescribers', cds({ medicalPurpose: 'treatment', inputs: ['ehr_structured', 'clinical_text'], intendedUsers: ['physician', 'other_hcp'] }), 'not_device', 'determined', 'fda.cds.non_device', 'none'],
  ['CDS guidance 2026: preventive-screening reminders on discrete vitals (not a pattern)', cds({ medicalPurpose: 'screening', significance: 'inform', inputs: ['discrete_vitals', 'ehr_structured'] }), 'not_device', 'determined', 'fda.cds.c1_met', 'none'],

  // FDA CDS guidance: device CDS, one criterion failed.
  // us-fda@1.2.0: image analysis for a clinician fits existing CADe regulations (892.2070, 892.2090): 510(k), 21 CFR 892.1(b).
  ['criterion 1: CT image analysis for a radiologist', cds({ inputs: ['medical_image'], autonomy: 'assistive', intendedUsers: ['specialist_physician'] }), 'II', 'determined', 'fda.cds.c1_fails', '510k'],
  ['criterion 1: ECG waveform analysis for arrhythmia', cds({ medicalPurpose: 'monitoring', inputs: ['physiological_waveform'] }), 'II', 'determined', 'fda.cds.c1_fails', 'de_novo'],
  ['criterion 1: analysis of a signal from an IVD analyser', cds({ inputs: ['ivd_signal'] }), 'II', 'determined', 'fda.cds.c1_fails', 'de_novo'],
  ['criterion 1: clinical photograph of a skin lesion (cf. dental image analyzer SBC, DEN230035)', cds({ inputs: ['camera_photo'], intendedUsers: ['specialist_physician'] }), 'II', 'determined', 'fda.cds.c1_fails_photo_video', 'de_novo'],
  ['criterion 3: insulin-dose recommendation shown to patients', cds({ medicalPurpose: 'treatment', intendedUsers: ['patient'], dataAction: 'fixed_calculation', modelType: 'rule_based', inputs: ['patient_reported', 'discrete_vitals'] }), 'II', 'determined', 'fda.cds.c3_fails_lay_users', 'de_novo'],
  // CDS 2026 §IV(4)(a): a critical, time-sensitive use fails criterion 4 (1.0.0 said criterion 3; the 29 Jan 2026 issue removed that).
  ['criterion 4: sepsis alarm needing immediate action (time-critical)', cds({ situations: ['critical'], timeCritical: true, intendedUsers: ['nurse', 'physician'], inputs: ['ehr_structured', 'discrete_vitals'] }), 'II', 'determined', 'fda.cds.c4_fails_time_critical', 'de_novo'],
  ['criterion 4: risk model whose basis the physician cannot review', cds({ reviewableBasis: false }), 'II', 'determined', 'fda.cds.c4_fails_basis', 'de_novo'],
  ['criterion 4: autonomous final output, no professional review of each case', cds({ autonomy: 'autonomous' }), 'II', 'determined', 'fda.cds.c4_fails_autonomous', 'de_novo'],
  ['HCP-facing CDS, time-criticality not declared', cds({ timeCritical: undefined }), null, 'requires_review', 'fda.review.time_critical_missing', null],
  ['HCP-facing CDS, reviewability of the basis not declared', cds({ reviewableBasis: undefined }), null, 'requires_review', 'fda.review.reviewable_basis_missing', null],
  // CDS 2026 §IV(1): genetic sequences and variant call files are patterns (criterion 1 not met; Example V.C.17). 1.0.0 sent them to review.
  ['criterion 1: genomic variant interpretation for a physician (VCF is a pattern)', cds({ inputs: ['genomic'] }), 'II', 'determined', 'fda.cds.c1_fails', 'de_novo'],
  ['criterion 1 unclear: a body sensor whose measures are not declared', cds({ inputs: ['wearable_sensor'] }), null, 'requires_review', 'fda.review.sensor_measures_missing', null],

  // CDS guidance 2026: enforcement discretion for a single clinically appropriate recommendation.
  ['CDS 2026: single guideline-directed therapy recommendation for a physician', cds({ medicalPurpose: 'treatment', autonomy: 'assistive' }), 'enforcement_discretion', 'determined', 'fda.discretion.single_recommendation', 'none'],
  ['CDS 2026: no discretion for clinical image analysis', cds({ autonomy: 'assistive', inputs: ['medical_image'] }), 'II', 'determined', 'fda.cds.c1_fails', '510k'],
  ['CDS 2026: no discretion for a time-sensitive risk prediction', cds({ autonomy: 'assistive', timeCritical: true }), 'II', 'determined', 'fda.cds.c4_fails_time_critical', 'de_novo'],
  ['CDS 2026: no discretion for outputs on unverifiable sources', cds({ autonomy: 'assistive', reviewableBasis: false }), 'II', 'determined', 'fda.cds.c4_fails_basis', 'de_novo'],
  ['CDS 2026: a triage notification is not a single recommendation', cds({ medicalPurpose: 'triage', autonomy: 'triage_notification' }), 'II', 'determined', 'fda.cds.c3_fails_specific_output', 'de_novo'],

  // us-fda 1.1.0: enforcement discretion for patient self-management and simple calculations (Policy 2022 §V.B, Appendix B).
  ['Policy 2022 Appendix B(7): symptom checklist for patients with advice on when to see a professional', us({ medicalPurpose: 'diagnosis', significance: 'inform', situations: ['non_serious'], intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], modelType: 'rule_based' }), 'enforcement_discretion', 'determined', 'fda.discretion.patient_self_management', 'none'],
  ['Policy 2022 §V.B(3): body mass index calculator for clinicians', us({ medicalPurpose: 'diagnosis', significance: 'inform', dataAction: 'fixed_calculation', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], modelType: 'rule_based' }), 'enforcement_discretion', 'determined', 'fda.discretion.simple_calculation', 'none'],
  ['Policy 2022 §V.A(3)/§V.B(3): a fixed calculation that drives treatment is not non-device CDS by default', cds({ medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based' }), null, 'requires_review', 'fda.review.fixed_calculation', null],
  ['Policy 2022 §V.B(2): photos of a wound sent to the treating professional', us({ medicalPurpose: 'monitoring', significance: 'inform', dataAction: 'store_transfer_display', intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['camera_photo'], modelType: 'rule_based' }), 'enforcement_discretion', 'determined', 'fda.discretion.photo_communication', 'none'],

  // openFDA records.
  ['IDx-DR, DEN180001 (PIB, 886.1100): autonomous diabetic-retinopathy detection, De Novo', us({ medicalPurpose: 'screening', significance: 'treat_or_diagnose', situations: ['serious'], intendedUsers: ['physician', 'other_hcp'], autonomy: 'autonomous', inputs: ['medical_image'], modelType: 'deep_learning' }), 'II', 'determined', 'fda.class.ii_de_novo', 'de_novo'],
  ['IDx-DR, K203629: 510(k) citing DEN180001', us({ medicalPurpose: 'screening', significance: 'treat_or_diagnose', situations: ['serious'], intendedUsers: ['physician', 'other_hcp'], autonomy: 'autonomous', inputs: ['medical_image'], modelType: 'deep_learning', fdaPredicate: 'DEN180001' }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],
  // us-fda@1.2.0: the De Novo created 892.2080; a profile like ContaCT's now fits that type and goes 510(k).
  ['Viz.ai ContaCT, DEN170073 (QAS, 892.2080): LVO triage notification on CT', us({ medicalPurpose: 'triage', significance: 'drive', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true, modelType: 'deep_learning' }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],
  ['later LVO triage software, 510(k) under QAS', us({ medicalPurpose: 'triage', significance: 'drive', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true, modelType: 'deep_learning', fdaPredicate: 'QAS' }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],
  ['QVD, DEN220063: ML quantitative imaging software with change control plan', us({ medicalPurpose: 'diagnosis', significance: 'inform', situations: ['serious'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], modelType: 'deep_learning', learningMode: 'periodic_retraining', changeControlPlan: true }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],
  ['Sepsis ImmunoScore, DEN230036 (SAK): sepsis risk from EHR and lab data', us({ medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured', 'ivd_signal', 'discrete_vitals'], timeCritical: true, reviewableBasis: true, modelType: 'classical_ml' }), 'II', 'determined', 'fda.cds.c1_fails', 'de_novo'],
  // us-fda@1.2.0: the De Novo created 864.3750; a profile like Paige's now fits it and goes 510(k).
  ['Paige Prostate, DEN200080: whole-slide-image second reader for pathologists', us({ intendedPurpose: 'Identifies areas suspicious for cancer on digitized whole slide images of prostate needle biopsies for the pathologist.', medicalPurpose: 'diagnosis', significance: 'drive', situations: ['serious'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], modelType: 'deep_learning' }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],
  ['mammography CADe/x, 510(k) under QDQ (892.2090)', us({ medicalPurpose: 'screening', significance: 'drive', situations: ['serious'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], modelType: 'deep_learning', fdaPredicate: 'QDQ' }), 'II', 'determined', 'fda.class.device_type_ii', '510k'],

  // Class III: only where FDA judges it high risk; the reference cannot tell, so a reviewer decides.
  ['§4.7 high risk: autonomous diagnosis in a critical situation, death or irreversible harm', us({ medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', intendedUsers: ['specialist_physician'], autonomy: 'autonomous', inputs: ['medical_image'] }), 'II', 'requires_review', 'fda.review.class_iii_autonomous_critical', null],
  ['§4.7 high risk: same, worst-case harm not declared', us({ medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'autonomous', inputs: ['medical_image'] }), 'II', 'requires_review', 'fda.review.class_iii_harm_missing', null],
  ['§4.7 life-sustaining: closed-loop software driving a device in a critical situation', us({ medicalPurpose: 'treatment', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['nurse'], autonomy: 'autonomous', drivesDevice: true, inputs: ['physiological_waveform'] }), 'II', 'requires_review', 'fda.review.class_iii_drives_device', null],

  // A contradictory profile never talks the system into a lower answer.
  ['contradiction: administrative purpose with a treat-or-diagnose output', us({ medicalPurpose: 'administrative', significance: 'treat_or_diagnose', situations: ['serious'] }), 'not_device', 'requires_review', 'fda.review.contradiction', null],
];

describe('us-fda: golden rows from FDA examples', () => {
  test.each(ROWS)('%s', (_example, p, cls, disposition, reason, pathway) => {
    const r = fda(p);
    expect(r.disposition).toBe(disposition);
    if (disposition === 'determined') {
      expect(r.class).toBe(cls);
      expect(r.pathway).toBe(pathway);
      expect(r.missing).toEqual([]);
    } else {
      expect(r.class).toBeNull();
      expect(r.provisionalClass).toBe(cls);
      expect(r.pathway).toBe(pathway);
    }
    expect(firedRules(r)).toContain(reason);
  });

  test('there are at least 22 golden rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(22);
  });

  test('class I and class III are never determined from these facts (reference §4.1/§4.7 give no AI rule)', () => {
    for (const [, p] of ROWS) expect(['I', 'III']).not.toContain(fda(p).class);
  });
});

describe('us-fda: the four CDS criteria, each a reason', () => {
  test('non-device CDS names all four criteria as met', () => {
    const r = fda(cds());
    expect(firedRules(r)).toEqual(expect.arrayContaining(['fda.cds.non_device', 'fda.cds.c1_met', 'fda.cds.c2_met', 'fda.cds.c3_met', 'fda.cds.c4_met']));
    expect(r.reasons.filter((x) => x.rule.startsWith('fda.cds.c')).every((x) => x.effect === 'note')).toBe(true);
  });

  test('every failed criterion is its own reason', () => {
    const r = fda(cds({ inputs: ['medical_image'], intendedUsers: ['patient'], timeCritical: true, reviewableBasis: false }));
    expect(r.class).toBe('II');
    expect(firedRules(r)).toEqual(expect.arrayContaining(['fda.cds.c1_fails', 'fda.cds.c3_fails_lay_users', 'fda.cds.c4_fails_time_critical', 'fda.cds.c4_fails_basis', 'fda.class.ii_de_novo']));
    expect(firedRules(r)).not.toContain('fda.cds.c2_met');
  });

  test('both undeclared fields are named as missing, never guessed', () => {
    const r = fda(cds({ timeCritical: undefined, reviewableBasis: undefined }));
    expect(r).toMatchObject({ class: null, provisionalClass: null, disposition: 'requires_review', missing: ['reviewableBasis', 'timeCritical'] });
  });

  test('a failed criterion settles the device answer: no review for facts that cannot change it', () => {
    const r = fda(cds({ inputs: ['medical_image'], timeCritical: undefined, reviewableBasis: undefined }));
    expect(r).toMatchObject({ class: 'II', disposition: 'determined', missing: [] });
  });

  test('statutory criteria cite the statute as binding; FDA readings of them cite guidance', () => {
    const statuses = (p: Profile) => new Map(fda(p).reasons.map((x) => [x.rule, x.source.status]));
    const nonDevice = statuses(cds());
    for (const rule of ['fda.cds.non_device', 'fda.cds.c1_met', 'fda.cds.c2_met', 'fda.cds.c3_met', 'fda.cds.c4_met']) expect(nonDevice.get(rule)).toBe('binding');
    expect(statuses(cds({ timeCritical: true })).get('fda.cds.c4_fails_time_critical')).toBe('guidance');
    expect(statuses(cds({ autonomy: 'assistive' })).get('fda.discretion.single_recommendation')).toBe('guidance');
    expect(statuses(cds({ autonomy: 'assistive' })).get('fda.cds.c3_fails_specific_output')).toBe('guidance');
    expect(statuses(us({ medicalPurpose: 'wellness', ...nonClinical, inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] })).get('fda.discretion.general_wellness')).toBe('guidance');
    expect(statuses(cds({ inputs: ['medical_image'] })).get('fda.cds.c1_fails')).toBe('binding');
    expect(statuses(cds({ intendedUsers: ['caregiver'] })).get('fda.cds.c3_fails_lay_users')).toBe('binding');
    // us-fda 1.1.0: (A)-(D) cite the statute text (shared/domain/sources/fdca-520o.md), so they are binding.
    for (const [p, rule] of [
      [us({ medicalPurpose: 'administrative', ...nonClinical }), 'fda.exclusion.a_administrative'],
      [us({ medicalPurpose: 'wellness', ...nonClinical, inputs: ['patient_reported'] }), 'fda.exclusion.b_wellness'],
      [us({ medicalPurpose: 'documentation', ...nonClinical }), 'fda.exclusion.c_records'],
      [us({ dataAction: 'store_transfer_display', medicalPurpose: 'monitoring' }), 'fda.exclusion.d_transfer_display'],
    ] as const) expect(statuses(p).get(rule)).toBe('binding');
    // Device classes rest on [M] background in the reference.
    expect(statuses(cds({ reviewableBasis: false })).get('fda.class.ii_de_novo')).toBe('unconfirmed');
  });

  test('every reason has an English and a Russian text and a source', () => {
    for (const [, p] of ROWS) {
      for (const x of fda(p).reasons) {
        expect(x.text.en.length).toBeGreaterThan(0);
        expect(x.text.ru).toMatch(/[а-яё]/i);
        expect(x.source.ref.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('us-fda: enforcement discretion guards', () => {
  const single = cds({ autonomy: 'assistive' });
  test.each<[string, Partial<Profile>]>([
    ['clinical image analysis', { inputs: ['medical_image'] }],
    ['a physiological waveform', { inputs: ['physiological_waveform'] }],
    ['time-sensitive', { timeCritical: true }],
    ['unverifiable basis', { reviewableBasis: false }],
    ['a lay user among the users', { intendedUsers: ['physician', 'patient'] }],
    ['more autonomy: triage notification', { autonomy: 'triage_notification' }],
    ['more autonomy: autonomous', { autonomy: 'autonomous' }],
    ['drives a device', { drivesDevice: true }],
  ])('the single-recommendation discretion does not apply with %s (device, class II)', (_why, change) => {
    const r = fda({ ...single, ...change });
    expect(r.class).toBe('II');
    expect(firedRules(r)).not.toContain('fda.discretion.single_recommendation');
  });

  test('discretion and a device class never fire together', () => {
    for (const [, p] of ROWS) {
      const rules = firedRules(fda(p));
      const discretion = rules.some((x) => x.startsWith('fda.discretion.'));
      const device = rules.some((x) => x.startsWith('fda.class.'));
      expect(discretion && device).toBe(false);
    }
  });

  test('wellness: neutral sensing → discretion; clinical inputs → review; a disease claim is not wellness', () => {
    const band = us({ medicalPurpose: 'wellness', ...nonClinical, intendedUsers: ['patient'], inputs: ['wearable_sensor', 'discrete_vitals'] });
    expect(fda(band)).toMatchObject({ class: 'enforcement_discretion', evidence: ['E01', 'E02'] });
    const images = fda({ ...band, inputs: ['medical_image'] });
    expect(images).toMatchObject({ class: null, disposition: 'requires_review' });
    expect(firedRules(images)).toContain('fda.review.wellness_clinical_inputs');
    // Declaring that the output drives clinical management contradicts the wellness purpose.
    expect(fda({ ...band, significance: 'drive' })).toMatchObject({ disposition: 'requires_review', provisionalClass: 'enforcement_discretion' });
  });
});

describe('us-fda: pathway, PCCP and evidence', () => {
  const device = cds({ inputs: ['medical_image'], autonomy: 'assistive', modelType: 'deep_learning' });

  test('510(k) when a predicate is declared, De Novo otherwise; none outside device classes', () => {
    // us-fda@1.2.0: CADe image analysis fits existing device types, so it is 510(k) without a predicate too.
    expect(fda(device).pathway).toBe('510k');
    expect(fda({ ...device, inputs: ['ehr_structured'], reviewableBasis: false }).pathway).toBe('de_novo');
    expect(fda({ ...device, fdaPredicate: 'K203629' }).pathway).toBe('510k');
    expect(fda({ ...cds(), fdaPredicate: 'K203629' })).toMatchObject({ class: 'not_device', pathway: 'none' });
  });

  test('learning models get pccp_recommended and E19; locked models do not', () => {
    const learning = fda({ ...device, learningMode: 'continuous' });
    expect(learning.obligations).toEqual([expect.objectContaining({ id: 'pccp_recommended', article: 'FDA PCCP guidance (Dec 2024)', source: expect.objectContaining({ status: 'guidance' }) })]);
    expect(learning.evidence).toContain('E19');
    const locked = fda(device);
    expect(locked.obligations).toEqual([]);
    expect(locked.evidence).not.toContain('E19');
    // A declared plan for a locked model is still evidence to submit, not a recommendation.
    expect(fda({ ...device, changeControlPlan: true })).toMatchObject({ obligations: [], evidence: expect.arrayContaining(['E19']) });
    // Not a device: no PCCP.
    expect(fda({ ...cds(), learningMode: 'continuous' })).toMatchObject({ class: 'not_device', obligations: [] });
  });

  test('device evidence follows the US FDA column of the catalogue', () => {
    const cleared = ['E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E07', 'E08', 'E09', 'E10', 'E11', 'E12', 'E13', 'E14', 'E16', 'E17', 'E18', 'E20', 'E21'];
    // us-fda@1.3.0: a device of an existing type also meets that type's special controls (E28).
    expect(fda({ ...device, fdaPredicate: 'QDQ' }).evidence).toEqual([...cleared, 'E28']);
    // A De Novo grant adds the public decision summary; a device type that fits needs none.
    expect(fda(device).evidence).toEqual([...cleared, 'E28']);
    expect(fda({ ...device, inputs: ['ehr_structured'], reviewableBasis: false }).evidence).toContain('E24');
    const ruleBased = fda(cds({ reviewableBasis: false, modelType: 'rule_based' })).evidence;
    expect(ruleBased).not.toContain('E11');
    expect(ruleBased).not.toContain('E07');
    expect(fda(cds({ intendedUsers: ['patient'], modelType: 'rule_based' })).evidence).toContain('E07');
    expect(fda({ ...device, personalData: { processing: 'identifiable', legalBasis: 'medical_care' } }).evidence).toContain('E22');
  });

  test('non-device CDS and the CDS discretion need the four-criteria rationale and the transparency of criterion 4', () => {
    expect(fda(cds()).evidence).toEqual(['E02', 'E13', 'E14']);
    expect(fda(cds({ autonomy: 'assistive' })).evidence).toEqual(['E02', 'E13', 'E14']);
    expect(fda(us({ medicalPurpose: 'administrative', ...nonClinical })).evidence).toEqual([]);
  });

  test('the response says which frameworks require each item', () => {
    const record = classify(testRegistry(), { ...device, learningMode: 'continuous' });
    const e19 = record.evidence.find((e) => e.id === 'E19');
    expect(e19?.requiredBy).toContain(FDA);
  });
});

describe('us-fda: properties on the golden rows', () => {
  const AUTONOMY: Profile['autonomy'][] = ['advisory', 'assistive', 'triage_notification', 'autonomous'];
  const rank = (p: Profile) => {
    const r = fda(p);
    const c = r.class ?? r.provisionalClass;
    return c === null ? null : testRegistry().active.find((x) => x.id === FDA)!.rank(c);
  };

  test('more autonomy never lowers the class: not_device → discretion → II → II', () => {
    expect(AUTONOMY.map((autonomy) => fda(cds({ autonomy })).class)).toEqual(['not_device', 'enforcement_discretion', 'II', 'II']);
  });

  test.each(ROWS.map(([example, p]) => [example, p] as const))('monotone around: %s', (_example, p) => {
    const base = rank(p);
    const variants: Profile[] = [];
    const SIG = ['inform', 'drive', 'treat_or_diagnose'] as const;
    const HARM = ['none', 'minor', 'serious_deterioration_or_surgery', 'death_or_irreversible'] as const;
    if (p.significance) for (const s of SIG.slice(SIG.indexOf(p.significance) + 1)) variants.push({ ...p, significance: s });
    for (const a of AUTONOMY.slice(AUTONOMY.indexOf(p.autonomy) + 1)) variants.push({ ...p, autonomy: a });
    for (const h of HARM.slice(p.worstCaseHarm ? HARM.indexOf(p.worstCaseHarm) + 1 : 0)) variants.push({ ...p, worstCaseHarm: h });
    if (p.situations && !p.situations.includes('critical')) variants.push({ ...p, situations: [...p.situations, 'critical'] });
    for (const v of variants) {
      const r = rank(v);
      if (base !== null && r !== null) expect(r).toBeGreaterThanOrEqual(base);
    }
  });

  test('every determined class is explained by a fired qualification or class reason', () => {
    for (const [, p] of ROWS) {
      const r = fda(p);
      if (r.disposition === 'determined') expect(r.reasons.some((x) => x.effect === 'qualification' || x.effect === 'class')).toBe(true);
    }
  });

  test('deterministic, and the compiled evaluator equals json-rules-engine', async () => {
    for (const [, p] of ROWS) {
      const a = classify(testRegistry(), p);
      expect(classify(testRegistry(), p)).toEqual(a);
      expect(await classifyReference(testRegistry(), p)).toEqual(a);
    }
  });
});

describe('us-fda 1.1.0: self-management, simple calculations and wellness sensors (Policy 2022 §V.B; General Wellness 2026 §III)', () => {
  const symptomChecker = us({ medicalPurpose: 'diagnosis', significance: 'inform', situations: ['non_serious'], intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], modelType: 'rule_based' });
  const bmi = us({ medicalPurpose: 'diagnosis', significance: 'inform', dataAction: 'fixed_calculation', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], modelType: 'rule_based' });

  test.each<[string, Partial<Profile>]>([
    ['an output that drives management', { significance: 'drive' }],
    ['a treat-or-diagnose output', { significance: 'treat_or_diagnose' }],
    ['a critical situation', { situations: ['critical'] }],
    ['a clinical image', { inputs: ['medical_image'] }],
    ['a photo', { inputs: ['camera_photo'] }],
    ['an ECG waveform', { inputs: ['physiological_waveform'] }],
    ['a physiological body sensor', { inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }],
    ['time-critical use', { timeCritical: true }],
    ['driving a device', { drivesDevice: true }],
    ['a closed loop', { closedLoop: true }],
    ['a specific output (assistive)', { autonomy: 'assistive' }],
  ])('patient self-management discretion does not survive %s: a device (class II)', (_why, change) => {
    expect(fda(symptomChecker)).toMatchObject({ class: 'enforcement_discretion', disposition: 'determined' });
    const r = fda({ ...symptomChecker, ...change });
    expect(r.class).toBe('II');
    expect(firedRules(r)).not.toContain('fda.discretion.patient_self_management');
  });

  test('significance undeclared for a patient-facing function: review naming it, class II provisional', () => {
    expect(fda({ ...symptomChecker, significance: undefined })).toMatchObject({ class: null, provisionalClass: 'II', disposition: 'requires_review', missing: ['significance'] });
  });

  test('a patient-facing wearable whose measures are undeclared: review only while the answer depends on it', () => {
    const band = { ...symptomChecker, medicalPurpose: 'monitoring' as const, inputs: ['wearable_sensor' as const] };
    expect(fda(band)).toMatchObject({ disposition: 'requires_review', missing: ['sensorMeasures'] });
    expect(fda({ ...band, sensorMeasures: ['activity'] })).toMatchObject({ class: 'enforcement_discretion', disposition: 'determined' });
    expect(fda({ ...band, sensorMeasures: ['physiological'] })).toMatchObject({ class: 'II', disposition: 'determined' });
    expect(fda({ ...band, significance: 'drive' })).toMatchObject({ class: 'II', disposition: 'determined', missing: [] });
  });

  test('simple calculation: discretion for professionals when it only informs; otherwise not non-device CDS by default', () => {
    expect(fda(bmi)).toMatchObject({ class: 'enforcement_discretion', disposition: 'determined', pathway: 'none' });
    // No criterion 4 facts are needed for a calculator: it is not read as decision support.
    expect(fda({ ...bmi, timeCritical: undefined, reviewableBasis: undefined }).disposition).toBe('determined');
    const dose = fda({ ...bmi, medicalPurpose: 'treatment', significance: 'drive', timeCritical: false, reviewableBasis: true });
    expect(dose).toMatchObject({ class: null, disposition: 'requires_review' });
    expect(firedRules(dose)).toContain('fda.review.fixed_calculation');
    expect(firedRules(dose)).not.toContain('fda.cds.non_device');
    // The same output as analysis that meets the four criteria stays non-device CDS.
    expect(fda({ ...bmi, dataAction: 'interpretation', significance: 'drive', timeCritical: false, reviewableBasis: true }).class).toBe('not_device');
    // A calculator for a clinical image is not simple.
    expect(fda({ ...bmi, inputs: ['medical_image'] }).class).toBe('II');
  });

  test('store and send: camera photos for a clinical use are a device under discretion; device data stays excluded by (D)', () => {
    const send = us({ medicalPurpose: 'monitoring', significance: 'inform', dataAction: 'store_transfer_display', intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['camera_photo'], modelType: 'rule_based' });
    expect(fda(send)).toMatchObject({ class: 'enforcement_discretion', pathway: 'none' });
    expect(fda({ ...send, inputs: ['discrete_vitals'] })).toMatchObject({ class: 'not_device' });
    expect(firedRules(fda({ ...send, inputs: ['discrete_vitals'] }))).toContain('fda.exclusion.d_transfer_display');
  });

  test('1.0.0 still answers as it did: the same symptom checker was class II there', () => {
    const old = classify(loadRegistry(RULES_DIR, '2026-12-01'), symptomChecker).results.find((x) => x.framework === FDA)!;
    expect(old).toMatchObject({ ruleset: 'us-fda@1.0.0', class: 'II' });
    expect(fda(symptomChecker).ruleset).toBe('us-fda@1.3.0');
  });
});
