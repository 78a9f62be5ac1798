import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import { classify } from '../../src/classification/classify';
import { testRegistry } from '../helpers/app';
import type { Profile } from '../../src/classification/profile';
import type { FrameworkOutcome } from '../../src/rulesets/decide';

/**
 * EU AI Act golden cases: Art 5 prohibited practices, high risk through the MDR class
 * (Art 6(1), MDCG 2025-6 table) and through Annex III (Art 6(2)), Art 50 transparency, and the
 * application dates of Regulation (EU) 2026/1744 (regulatory-reference.md §3).
 */
const AIA = 'eu-ai-act';
const eu = (o: Partial<Profile>): Profile =>
  profile({ jurisdictions: ['EU'], manufacturer: { name: 'Test vendor', country: 'DE' }, worstCaseHarm: 'minor', interactsWithPersons: false, generatesSyntheticContent: false, ...o });
const aia = (o: Partial<Profile>): FrameworkOutcome => resultFor(eu(o), AIA);
/** Not medical device software under MDR (so only the AI Act decides the tier). */
const admin: Partial<Profile> = { medicalPurpose: 'administrative', significance: undefined, situations: undefined, worstCaseHarm: undefined, intendedUsers: ['administrator'] };

type Row = [example: string, overrides: Partial<Profile>, tier: string, disposition: 'determined' | 'requires_review', reason: string];

function expectRow(r: FrameworkOutcome, tier: string, disposition: string, reason: string): void {
  expect(r.disposition).toBe(disposition);
  if (disposition === 'determined') {
    expect(r.class).toBe(tier);
  } else {
    expect(r.class).toBeNull();
    expect(r.provisionalClass).toBe(tier);
  }
  expect(firedRules(r)).toContain(reason);
}

const PROHIBITED: Row[] = [
  ['Art 5(1)(f): inferring employees\' emotions at the workplace for productivity management', { ...admin, useContexts: ['emotion_recognition', 'workplace'], inputs: ['video'], modelType: 'deep_learning' }, 'prohibited', 'determined', 'aia.art5.1f_emotion_workplace_education'],
  ['Art 5(1)(f): inferring pupils\' emotions in an education institution (engagement "wellness" score)', { ...admin, medicalPurpose: 'wellness', useContexts: ['emotion_recognition', 'education'], inputs: ['camera_photo'] }, 'prohibited', 'determined', 'aia.art5.1f_emotion_workplace_education'],
  ['Art 5(1)(a): subliminal or manipulative techniques in a patient adherence app', { ...admin, medicalPurpose: 'wellness', intendedUsers: ['patient'], useContexts: ['manipulative_techniques'], interactsWithPersons: true }, 'prohibited', 'determined', 'aia.art5.1a_manipulative_techniques'],
  ['Art 5(1)(b): exploiting the vulnerabilities of elderly or disabled patients', { medicalPurpose: 'treatment', intendedUsers: ['patient'], populations: ['elderly'], useContexts: ['exploits_vulnerabilities'] }, 'prohibited', 'determined', 'aia.art5.1b_exploits_vulnerabilities'],
  ['Art 5(1)(f): a declared clinical purpose alone does not lift the prohibition (population-level stress analytics of employees: not a medical device under the MDR)', { medicalPurpose: 'diagnosis', individualPatient: false, significance: 'inform', worstCaseHarm: 'minor', useContexts: ['emotion_recognition', 'workplace'], intendedUsers: ['administrator'] }, 'prohibited', 'determined', 'aia.art5.1f_emotion_workplace_education'],
  ['Art 5(1)(c): social scoring leading to unfavourable treatment in access to care', { ...admin, useContexts: ['social_scoring'] }, 'prohibited', 'determined', 'aia.art5.1c_social_scoring'],
];

const HIGH_RISK: Row[] = [
  ['Annex III 5(d): AI that evaluates and classifies emergency calls and sets dispatch priority', { medicalPurpose: 'triage', inputs: ['speech_audio'], worstCaseHarm: 'death_or_irreversible', useContexts: ['emergency_call_triage'], intendedUsers: ['other_hcp'] }, 'high_risk', 'determined', 'aia.annex_iii.5d_emergency_call_triage'],
  ['Annex III 5(d): emergency healthcare patient triage system in the emergency department', { medicalPurpose: 'triage', worstCaseHarm: 'serious_deterioration_or_surgery', useContexts: ['emergency_department_triage'], intendedUsers: ['nurse'] }, 'high_risk', 'determined', 'aia.annex_iii.5d_emergency_patient_triage'],
  ['Annex III 5(c): risk assessment and pricing of natural persons in health insurance', { ...admin, useContexts: ['health_insurance_pricing'] }, 'high_risk', 'determined', 'aia.annex_iii.5c_health_insurance_pricing'],
  ['Annex III 5(a): a public authority evaluating eligibility for healthcare services', { ...admin, useContexts: ['public_benefit_eligibility'] }, 'high_risk', 'determined', 'aia.annex_iii.5a_public_healthcare_eligibility'],
  ['Annex III 1(c): emotion recognition outside work and school (mood detection for app users)', { ...admin, medicalPurpose: 'wellness', intendedUsers: ['patient'], useContexts: ['emotion_recognition'], inputs: ['camera_photo'] }, 'high_risk', 'determined', 'aia.annex_iii.1c_emotion_recognition'],
  ['Art 5(1)(f) exception: emotion inference at the workplace by a medical device for therapy (MDR IIa, not screening of staff) → high-risk, not prohibited', { medicalPurpose: 'treatment', significance: 'drive', worstCaseHarm: 'minor', useContexts: ['emotion_recognition', 'workplace'], intendedUsers: ['physician'] }, 'high_risk', 'determined', 'aia.note.art5f_medical_exception'],
  ['Annex III 1(b): biometric categorisation by sensitive attributes', { ...admin, useContexts: ['biometric_categorisation'], inputs: ['camera_photo'] }, 'high_risk', 'determined', 'aia.annex_iii.1b_biometric_categorisation'],
  ['MDCG 2025-6: MDR class IIa needs a notified body → high-risk under Art 6(1)', { medicalPurpose: 'diagnosis', worstCaseHarm: 'minor' }, 'high_risk', 'determined', 'aia.art6_1.mdr_notified_body'],
  ['MDCG 2025-6: MDR class IIb → high-risk under Art 6(1)', { medicalPurpose: 'treatment', worstCaseHarm: 'serious_deterioration_or_surgery' }, 'high_risk', 'determined', 'aia.art6_1.mdr_notified_body'],
  ['MDCG 2025-6: MDR class III (acute stroke image analysis) → high-risk under Art 6(1)', { medicalPurpose: 'diagnosis', inputs: ['medical_image'], significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible' }, 'high_risk', 'determined', 'aia.art6_1.mdr_notified_body'],
  ['MDCG 2025-6: MDR class IIb through 11b (vital-parameter alarm) → high-risk under Art 6(1)', { medicalPurpose: 'monitoring', significance: 'inform', inputs: ['physiological_waveform'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } }, 'high_risk', 'determined', 'aia.art6_1.mdr_notified_body'],
  ['Cumulative tiers: patient-facing symptom-checker chatbot, MDR IIa → high-risk with Art 50(1) duties', { medicalPurpose: 'triage', intendedUsers: ['patient'], modelType: 'generative', interactsWithPersons: true, generatesSyntheticContent: true, worstCaseHarm: 'minor' }, 'high_risk', 'determined', 'aia.art50.1_interaction'],
];

const LOWER: Row[] = [
  ['MDCG 2025-6 Table 1: an MDR class I app (the fertility app of MDCG 2019-11 Rev.1 Annex IV, Rule 11c; self-declared, no notified body) → not high-risk under Art 6(1): minimal', { medicalPurpose: 'conception', significance: 'inform', situations: undefined, intendedUsers: ['patient'] }, 'minimal', 'determined', 'aia.note.mdr_class_i_not_high_risk'],
  ['Art 50(1): wellness chatbot talking to patients (not a medical device) → limited', { ...admin, medicalPurpose: 'wellness', intendedUsers: ['patient'], modelType: 'generative', interactsWithPersons: true }, 'limited', 'determined', 'aia.art50.1_interaction'],
  ['Art 50(2): generative scribe drafting clinical notes (synthetic text, not MDSW) → limited', { ...admin, medicalPurpose: 'documentation', dataAction: 'content_generation', modelType: 'generative', inputs: ['speech_audio'], intendedUsers: ['physician'] }, 'limited', 'determined', 'aia.art50.2_synthetic_content'],
  ['Minimal: AI scheduling optimiser (administrative, no interaction, no synthetic content)', { ...admin, modelType: 'classical_ml' }, 'minimal', 'determined', 'aia.qualification.minimal_risk'],
  ['Art 3(1): rule-based staff roster is not an AI system → no AI Act obligations (minimal)', { ...admin, modelType: 'rule_based' }, 'minimal', 'determined', 'aia.qualification.not_ai_system'],
];

const REVIEW: Row[] = [
  ['Art 3(1) undecided: rule-based bolus-insulin calculator, MDR IIb → review whether it is an AI system (provisionally high-risk)', { medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based', worstCaseHarm: 'serious_deterioration_or_surgery' }, 'high_risk', 'requires_review', 'aia.review.ai_system_definition'],
  ['Art 6(1) unsettled: the MDR class needs review (worst-case harm missing) → review (provisionally high-risk)', { medicalPurpose: 'diagnosis', significance: 'inform', worstCaseHarm: undefined }, 'high_risk', 'requires_review', 'aia.review.mdr_unsettled'],
  ['Art 5(1)(f), recital 44, Commission guidelines C(2025) 884 (unconfirmed): burnout screening of clinicians at the workplace is staff well-being monitoring, not plainly a medical reason → review, provisionally prohibited (was high-risk in 1.0.0)', { medicalPurpose: 'screening', significance: 'inform', worstCaseHarm: 'minor', useContexts: ['emotion_recognition', 'workplace'], intendedUsers: ['physician'] }, 'prohibited', 'requires_review', 'aia.review.art5f_staff_screening'],
  ['Art 5(1)(f): emotion inference in education while the MDR qualification is unsettled → review, provisionally prohibited', { medicalPurpose: 'diagnosis', significance: 'inform', worstCaseHarm: undefined, useContexts: ['emotion_recognition', 'education'], intendedUsers: ['other_hcp'] }, 'prohibited', 'requires_review', 'aia.review.art5f_mdr_unsettled'],
  ['Generative system that does not declare whether it talks to people → review (Art 50(1) cannot be ruled out)', { ...admin, modelType: 'generative', interactsWithPersons: undefined }, 'minimal', 'requires_review', 'aia.review.interaction_undeclared'],
];

const OTHER_ROUTE_DECIDES: Row[] = [
  ['MDR unsettled, but emergency patient triage (Annex III 5(d)) decides → high-risk', { medicalPurpose: 'triage', significance: 'inform', worstCaseHarm: undefined, useContexts: ['emergency_department_triage'] }, 'high_risk', 'determined', 'aia.annex_iii.5d_emergency_patient_triage'],
  ['MDR unsettled, but a manipulative technique (Art 5(1)(a)) decides → prohibited', { medicalPurpose: 'diagnosis', significance: 'inform', worstCaseHarm: undefined, useContexts: ['manipulative_techniques'] }, 'prohibited', 'determined', 'aia.art5.1a_manipulative_techniques'],
];

const ROWS = { PROHIBITED, HIGH_RISK, LOWER, REVIEW, OTHER_ROUTE_DECIDES };

describe.each(Object.entries(ROWS))('eu-ai-act golden rows: %s', (_group, rows) => {
  test.each(rows)('%s', (_example, overrides, tier, disposition, reason) => {
    expectRow(aia(overrides), tier, disposition, reason);
  });
});

const ids = (r: FrameworkOutcome) => r.obligations.map((o) => o.id);
const from = (r: FrameworkOutcome, id: string) => r.obligations.find((o) => o.id === id)?.appliesFrom;

describe('eu-ai-act: obligations are cumulative and dated (Art 113 as amended by Regulation (EU) 2026/1744)', () => {
  test('every AI system: Art 4 AI literacy and Art 5 from 2 Feb 2025', () => {
    const r = aia({ ...admin, modelType: 'classical_ml' });
    expect(ids(r)).toEqual(['art4_ai_literacy', 'art5_prohibited_practices']);
    expect(r.obligations.every((o) => o.appliesFrom === '2025-02-02')).toBe(true);
    expect(r.evidence).toEqual(['E01', 'E23']);
  });

  test('not an AI system: no obligations, no evidence', () => {
    const r = aia({ ...admin, modelType: 'rule_based' });
    expect(r.obligations).toEqual([]);
    expect(r.evidence).toEqual([]);
  });

  test('Art 50 from 2 Aug 2026, each paragraph with its article', () => {
    const r = aia({ ...admin, medicalPurpose: 'wellness', modelType: 'generative', interactsWithPersons: true, generatesSyntheticContent: true, useContexts: ['emotion_recognition'] });
    for (const id of ['art50_transparency', 'art50_1_ai_interaction_disclosure', 'art50_2_synthetic_content_marking', 'art50_3_exposure_notice']) {
      expect(from(r, id)).toBe('2026-08-02');
    }
    expect(r.obligations.filter((o) => o.id.startsWith('art50_')).map((o) => o.article)).toEqual(['Art 50', 'Art 50(1)', 'Art 50(2)', 'Art 50(3)']);
    expect(r.evidence).toContain('E14');
  });

  test('Annex III high-risk duties from 2 Dec 2027: Arts 9–15, 17, 43, 49, 72–73, with registration and FRIA for insurance pricing', () => {
    const r = aia({ ...admin, useContexts: ['health_insurance_pricing'] });
    const annexIII = r.obligations.filter((o) => o.id.endsWith('_annex_iii'));
    expect(annexIII.map((o) => o.id)).toEqual([
      'art9_risk_management_annex_iii', 'art10_data_governance_annex_iii', 'art11_technical_documentation_annex_iii', 'art12_record_keeping_annex_iii',
      'art13_14_instructions_human_oversight_annex_iii', 'art15_accuracy_robustness_cybersecurity_annex_iii', 'art17_43_qms_conformity_annex_iii',
      'art49_registration_annex_iii', 'art72_73_post_market_incidents_annex_iii',
    ]);
    expect(annexIII.every((o) => o.appliesFrom === '2027-12-02')).toBe(true);
    expect(from(r, 'art27_fria')).toBe('2027-12-02');
    expect(r.obligations.find((o) => o.id === 'art12_record_keeping_annex_iii')!.source.status).toBe('binding');
    expect(r.evidence).toEqual(expect.arrayContaining(['E05', 'E11', 'E12', 'E03', 'E15', 'E14', 'E13', 'E08', 'E16', 'E04', 'E17', 'E21', 'E25']));
  });

  test('Annex I (MDR) high-risk duties from 2 Aug 2028, registered through the MDR rather than Art 49', () => {
    const r = aia({ medicalPurpose: 'diagnosis', worstCaseHarm: 'minor', learningMode: 'continuous' });
    const annexI = r.obligations.filter((o) => o.id.endsWith('_annex_i'));
    expect(annexI.length).toBe(8);
    expect(annexI.every((o) => o.appliesFrom === '2028-08-02')).toBe(true);
    expect(ids(r)).not.toContain('art49_registration_annex_i');
    expect(r.evidence).toContain('E19');
    expect(r.evidence).not.toContain('E21');
    expect(r.evidence).not.toContain('E25');
  });

  test('both routes: Annex III duties from 2027, Annex I duties from 2028, Art 50 from 2026', () => {
    const r = aia({ medicalPurpose: 'triage', worstCaseHarm: 'serious_deterioration_or_surgery', useContexts: ['emergency_department_triage'], interactsWithPersons: true, intendedUsers: ['patient', 'nurse'] });
    expect(r.class).toBe('high_risk');
    expect(from(r, 'art9_risk_management_annex_iii')).toBe('2027-12-02');
    expect(from(r, 'art9_risk_management_annex_i')).toBe('2028-08-02');
    expect(from(r, 'art50_1_ai_interaction_disclosure')).toBe('2026-08-02');
  });

  test('a prohibited practice lists only the Art 4 and Art 5 duties', () => {
    const r = aia(PROHIBITED[0][1]);
    expect(ids(r)).toEqual(['art4_ai_literacy', 'art5_prohibited_practices', 'art5_practice_prohibited']);
    expect(r.evidence).toEqual(['E01', 'E23']);
  });
});

describe('eu-ai-act: reading the eu-mdr result', () => {
  test('the MDR class decides Art 6(1): I is not high-risk, IIa and above are', () => {
    const tier = (o: Partial<Profile>) => aia(o).class;
    expect(tier({ medicalPurpose: 'conception', significance: 'inform' })).toBe('minimal');
    expect(tier({ worstCaseHarm: 'minor' })).toBe('high_risk');
    expect(tier({ worstCaseHarm: 'serious_deterioration_or_surgery' })).toBe('high_risk');
    expect(tier({ worstCaseHarm: 'death_or_irreversible' })).toBe('high_risk');
  });

  test('the MDR is evaluated for the AI Act even when only the AI Act is shown', () => {
    const registry = testRegistry();
    const pack = registry.active.find((p) => p.id === AIA)!;
    const r = classify(registry, eu({ worstCaseHarm: 'minor' }), [pack]).results;
    expect(r.map((x) => x.framework)).toEqual([AIA]);
    expect(r[0].class).toBe('high_risk');
  });

  test('eu-ai-act 1.0.0 still answers as it did: a declared clinical purpose lifted Art 5(1)(f) there (stored classifications replay on it)', () => {
    const registry = testRegistry();
    const old = registry.byRuleset.get('eu-ai-act@1.0.0')!;
    const burnout = eu({ medicalPurpose: 'screening', significance: 'inform', useContexts: ['emotion_recognition', 'workplace'], intendedUsers: ['physician'] });
    const then = classify(registry, burnout, [old]).results.find((x) => x.framework === AIA)!;
    expect(then).toMatchObject({ ruleset: 'eu-ai-act@1.0.0', class: 'high_risk', disposition: 'determined' });
    const now = aia({ medicalPurpose: 'screening', significance: 'inform', useContexts: ['emotion_recognition', 'workplace'], intendedUsers: ['physician'] });
    expect(now).toMatchObject({ ruleset: 'eu-ai-act@1.1.0', class: null, provisionalClass: 'prohibited', disposition: 'requires_review' });
  });

  test('reasons cite their sources: Art 5(1)(f) and Annex III 5 are binding, the MDR route is MDCG guidance', () => {
    const status = (o: Partial<Profile>, rule: string) => aia(o).reasons.find((x) => x.rule === rule)!.source.status;
    expect(status(PROHIBITED[0][1], 'aia.art5.1f_emotion_workplace_education')).toBe('binding');
    expect(status(HIGH_RISK[2][1], 'aia.annex_iii.5c_health_insurance_pricing')).toBe('binding');
    expect(status({ worstCaseHarm: 'minor' }, 'aia.art6_1.mdr_notified_body')).toBe('guidance');
    expect(status({ ...admin, modelType: 'rule_based' }, 'aia.qualification.not_ai_system')).toBe('unconfirmed');
  });

  test('texts are bilingual', () => {
    const r = aia({ medicalPurpose: 'triage', worstCaseHarm: 'minor', useContexts: ['emergency_department_triage'], interactsWithPersons: true });
    for (const x of [...r.reasons, ...r.obligations]) {
      expect(x.text.en.length).toBeGreaterThan(0);
      expect(x.text.ru).toMatch(/[а-яё]/i);
    }
  });
});

test('golden rows: at least 25 regulator cases with tier, disposition and reason', () => {
  expect(Object.values(ROWS).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThanOrEqual(25);
});
