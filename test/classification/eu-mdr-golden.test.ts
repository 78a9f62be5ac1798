import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import type { Profile } from '../../src/classification/profile';
import type { FrameworkOutcome } from '../../src/rulesets/decide';
import { classify } from '../../src/classification/classify';
import { testRegistry } from '../helpers/app';

/**
 * EU MDR golden cases: the MDCG 2019-11 Rev.1 decision steps and its list of non-medical
 * software, its Annex IV examples, the text of Annex VIII Rule 11 and its implementing rules,
 * and the MDCG Annex III table (regulatory-reference.md §2).
 */
const MDR = 'eu-mdr';
const eu = (o: Partial<Profile>): Profile => profile({ jurisdictions: ['EU'], manufacturer: { name: 'Test vendor', country: 'DE' }, ...o });
const mdr = (o: Partial<Profile>): FrameworkOutcome => resultFor(eu(o), MDR);
const nonClinical = { significance: undefined, situations: undefined } as const;

type Row = [example: string, overrides: Partial<Profile>, cls: string, disposition: 'determined' | 'requires_review', reason: string];

function expectRow(r: FrameworkOutcome, cls: string, disposition: string, reason: string): void {
  expect(r.disposition).toBe(disposition);
  if (disposition === 'determined') {
    expect(r.class).toBe(cls);
  } else {
    expect(r.class).toBeNull();
    expect(r.provisionalClass).toBe(cls === 'none' ? null : cls);
  }
  expect(firedRules(r)).toContain(reason);
}

const QUALIFICATION: Row[] = [
  ['MDCG 2019-11 §3 non-MDSW list: invoicing software for a hospital', { medicalPurpose: 'administrative', intendedUsers: ['administrator'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.non_mdsw_administrative'],
  ['MDCG 2019-11 §3 non-MDSW list: staff planning', { medicalPurpose: 'administrative', intendedUsers: ['administrator', 'nurse'], modelType: 'rule_based', ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.non_mdsw_administrative'],
  ['MDCG 2019-11 §3 non-MDSW list: wellness or fitness app', { medicalPurpose: 'wellness', intendedUsers: ['patient'], inputs: ['wearable_sensor'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.non_mdsw_wellness'],
  ['MDCG 2019-11 communication systems: speech-to-text dictation of clinical notes', { medicalPurpose: 'documentation', dataAction: 'content_generation', inputs: ['speech_audio'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.non_mdsw_documentation'],
  ['MDCG 2019-11 information systems: EHR used solely to replace paper-based patient files', { medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based', ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.step3_no_action_on_data'],
  ['MDCG 2019-11 step 3: e-mail, web or voice messaging between patient and clinic', { medicalPurpose: 'none', dataAction: 'store_transfer_display', inputs: ['clinical_text'], intendedUsers: ['patient', 'physician'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.step3_no_action_on_data'],
  ['MDCG 2019-11 step 3: archival and lossless compression of medical images', { medicalPurpose: 'none', dataAction: 'store_transfer_display', inputs: ['medical_image'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.step3_no_action_on_data'],
  ['MDCG 2019-11 Rev.1: telemedicine that solely transfers and displays monitoring data without interpreting it', { medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', inputs: ['discrete_vitals'], modelType: 'rule_based', monitoring: { physiological: true, vitalParameters: true, immediateDanger: false } }, 'not_mdsw', 'determined', 'mdr.qualification.step3_no_action_on_data'],
  ['MDCG 2019-11 step 4: population data for epidemiological studies or registers', { medicalPurpose: 'research', individualPatient: false, intendedUsers: ['researcher'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.step4_not_individual_patient'],
  ['MDCG 2019-11 step 4: generic treatment pathways not directed to an individual patient', { medicalPurpose: 'treatment', individualPatient: false, significance: 'inform' }, 'not_mdsw', 'determined', 'mdr.qualification.step4_not_individual_patient'],
  ['MDCG 2019-11 step 5: data parsing with no medical purpose of its own', { medicalPurpose: 'none', inputs: ['ehr_structured'], ...nonClinical }, 'not_mdsw', 'determined', 'mdr.qualification.step5_no_medical_purpose'],
];

const RULE_11: Row[] = [
  ['MDCG 2019-11 Annex IV: fertility app from basal temperature and menstrual days shown red/green/yellow → I (11c)',
    { medicalPurpose: 'contraception', significance: 'inform', situations: undefined, intendedUsers: ['patient'], inputs: ['patient_reported', 'wearable_sensor'], monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } },
    'I', 'determined', 'mdr.rule11c.other_medical_purpose'],
  ['MDCG 2019-11 Rev.1 Annex IV: app converting selected symbols to speech for persons with communication disorders → I (11c)',
    { medicalPurpose: 'disability_compensation', significance: undefined, situations: undefined, intendedUsers: ['patient', 'caregiver'], inputs: ['patient_reported'], modelType: 'rule_based' },
    'I', 'determined', 'mdr.rule11c.other_medical_purpose'],
  ['MDCG 2019-11 example: cognitive-therapy decision support, the specialist selects the therapy from the output → IIa (11a)',
    { medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor', intendedUsers: ['specialist_physician'] },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['MDCG 2019-11 Rev.1: preventing the risk of illness by analysing physiological parameters (arterial stiffness) → IIa',
    { medicalPurpose: 'prognosis', significance: 'inform', situations: ['non_serious'], worstCaseHarm: 'minor', inputs: ['physiological_waveform'] },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['MDCG 2019-11 Rev.1: NLP over clinical text contributing to a medical purpose is not "simple search" → MDSW, IIa',
    { medicalPurpose: 'diagnosis', inputs: ['clinical_text'], worstCaseHarm: 'minor' },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['MDCG 2019-11: contrast or edge enhancement so that the image serves as decision support → MDSW, IIa',
    { medicalPurpose: 'diagnosis', inputs: ['medical_image'], significance: 'drive', worstCaseHarm: 'minor', intendedUsers: ['specialist_physician'] },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['IMDRF N12 via Rule 11a: image analysis for treatment decisions in acute stroke, a wrong decision may cause death → III',
    { medicalPurpose: 'diagnosis', inputs: ['medical_image'], significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', timeCritical: true },
    'III', 'determined', 'mdr.rule11a.death_or_irreversible'],
  ['IMDRF N12 via Rule 11a: bolus-insulin calculator (fixed formulas are an action on data), a wrong dose may seriously deteriorate health → IIb',
    { medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based', significance: 'treat_or_diagnose', situations: ['serious'], worstCaseHarm: 'serious_deterioration_or_surgery', intendedUsers: ['patient'], professionalSupport: true, inputs: ['patient_reported'] },
    'IIb', 'determined', 'mdr.rule11a.serious_deterioration_or_surgery'],
  ['IMDRF N12 via Rule 11a: heart-rate analysis for a clinician as an aid in arrhythmia diagnosis, minor worst case → IIa',
    { medicalPurpose: 'diagnosis', inputs: ['physiological_waveform'], significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor' },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['MDCG 2019-11: alarm module monitoring vital parameters (heart rate, respiration, blood pressure) where variations mean immediate danger → IIb (11b)',
    { medicalPurpose: 'monitoring', inputs: ['physiological_waveform'], significance: 'inform', situations: ['critical'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true }, intendedUsers: ['nurse'] },
    'IIb', 'determined', 'mdr.rule11b.vital_parameters_immediate_danger'],
  ['Rule 11b: monitoring of physiological processes (sleep-stage trends) → IIa',
    { medicalPurpose: 'monitoring', inputs: ['wearable_sensor'], significance: 'inform', situations: ['non_serious'], monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } },
    'IIa', 'determined', 'mdr.rule11b.physiological_processes'],
  ['Rule 11b: vital parameters whose variations do not mean immediate danger (body temperature trend at home) → IIa',
    { medicalPurpose: 'monitoring', inputs: ['discrete_vitals'], significance: 'inform', situations: ['non_serious'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: false } },
    'IIa', 'determined', 'mdr.rule11b.physiological_processes'],
  ['Annex VIII 3.5: diagnosis (11a → IIa) that also monitors vital parameters with immediate danger (11b → IIb): the strictest sub-rule → IIb',
    { medicalPurpose: 'diagnosis', inputs: ['physiological_waveform'], worstCaseHarm: 'minor', monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } },
    'IIb', 'determined', 'mdr.rule11b.vital_parameters_immediate_danger'],
];

/** MDCG 2019-11 Annex III: the IMDRF matrix mapped to MDR classes, with a worst-case harm that agrees with it. */
const ANNEX_III: Array<[NonNullable<Profile['worstCaseHarm']>, 'critical' | 'serious' | 'non_serious', NonNullable<Profile['significance']>, string, string]> = [
  ['death_or_irreversible', 'critical', 'treat_or_diagnose', 'III', 'mdr.rule11a.death_or_irreversible'],
  ['serious_deterioration_or_surgery', 'critical', 'drive', 'IIb', 'mdr.rule11a.serious_deterioration_or_surgery'],
  ['minor', 'critical', 'inform', 'IIa', 'mdr.rule11a.decision_support'],
  ['serious_deterioration_or_surgery', 'serious', 'treat_or_diagnose', 'IIb', 'mdr.rule11a.serious_deterioration_or_surgery'],
  ['minor', 'serious', 'drive', 'IIa', 'mdr.rule11a.decision_support'],
  ['minor', 'serious', 'inform', 'IIa', 'mdr.rule11a.decision_support'],
  ['minor', 'non_serious', 'treat_or_diagnose', 'IIa', 'mdr.rule11a.decision_support'],
  ['none', 'non_serious', 'drive', 'IIa', 'mdr.rule11a.decision_support'],
  ['none', 'non_serious', 'inform', 'IIa', 'mdr.rule11a.decision_support'],
];

const REVIEW: Row[] = [
  ['Rule 11a: decision support without the worst-case harm → review, at least IIa', { medicalPurpose: 'diagnosis', worstCaseHarm: undefined }, 'IIa', 'requires_review', 'mdr.review.worst_case_harm_missing'],
  ['Annex VIII 3.3: insulin-dosing software driving an insulin pump takes the pump\'s class → review, Rule 11 as lower bound',
    { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', worstCaseHarm: 'serious_deterioration_or_surgery', drivesDevice: true, inputs: ['wearable_sensor'] }, 'IIb', 'requires_review', 'mdr.review.drives_device'],
  ['Rule 11b: monitoring without saying what is monitored → review', { medicalPurpose: 'monitoring', significance: 'inform' }, 'none', 'requires_review', 'mdr.review.monitoring_undeclared'],
  ['Contradiction: documentation whose output is declared to treat or diagnose → review', { medicalPurpose: 'documentation', significance: 'treat_or_diagnose' }, 'not_mdsw', 'requires_review', 'mdr.review.contradiction.non_medical_purpose_with_clinical_significance'],
  ['Contradiction: display only, yet a diagnostic purpose → review', { medicalPurpose: 'diagnosis', dataAction: 'store_transfer_display', worstCaseHarm: 'minor' }, 'not_mdsw', 'requires_review', 'mdr.review.contradiction.display_only_with_clinical_decision'],
];

describe('eu-mdr: MDCG 2019-11 qualification steps and non-MDSW list', () => {
  test.each(QUALIFICATION)('%s', (_example, overrides, cls, disposition, reason) => {
    const r = mdr(overrides);
    expectRow(r, cls, disposition, reason);
    expect(r.pathway).toBeNull();
    expect(r.evidence).toEqual([]);
    expect(r.obligations).toEqual([]);
    expect(r.reasons.filter((x) => x.effect === 'class')).toEqual([]);
  });
});

describe('eu-mdr: Rule 11 and the MDCG 2019-11 examples', () => {
  test.each(RULE_11)('%s', (_example, overrides, cls, disposition, reason) => {
    const r = mdr(overrides);
    expectRow(r, cls, disposition, reason);
    expect(r.pathway).toBe(cls === 'I' ? 'self_declaration' : 'notified_body');
  });

  test.each(ANNEX_III)('MDCG 2019-11 Annex III: harm %s, %s × %s → %s, Rule 11a agrees (no finding)', (worstCaseHarm, situation, significance, cls, reason) => {
    const r = mdr({ significance, situations: [situation], worstCaseHarm });
    expectRow(r, cls, 'determined', reason);
    expect(r.findings).toEqual([]);
  });

  test('MDCG 2019-11 Annex III maps critical × treat or diagnose to III; a declared minor harm gives IIa under Rule 11: a finding says so', () => {
    const r = mdr({ significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'minor' });
    expectRow(r, 'IIa', 'determined', 'mdr.rule11a.decision_support');
    expect(r.findings).toEqual([expect.objectContaining({ code: 'mdcg_annex_iii_divergence', framework: MDR, fields: ['significance', 'situations', 'worstCaseHarm'] })]);
    expect(r.findings[0].text.ru.length).toBeGreaterThan(0);
  });

  test('the Annex III cross-check reads lay users in a serious situation without support as critical (IMDRF N12 note)', () => {
    const lay = { significance: 'drive' as const, situations: ['serious' as const], worstCaseHarm: 'minor' as const, intendedUsers: ['patient' as const] };
    expect(mdr(lay).findings.map((f) => f.code)).toEqual(['mdcg_annex_iii_divergence']);
    expect(mdr({ ...lay, professionalSupport: true }).findings).toEqual([]);
  });

  test('the fertility app is not monitoring under 11b (MDCG classifies it under 11c), and says why', () => {
    const r = mdr(RULE_11[0][1]);
    expect(firedRules(r)).toContain('mdr.note.other_purpose_tracking_not_11b');
    expect(firedRules(r)).not.toContain('mdr.rule11b.physiological_processes');
  });

  test('11a also applies to monitoring whose output drives management; the strictest sub-rule wins', () => {
    const monitoring = { medicalPurpose: 'monitoring' as const, monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } };
    expect(mdr({ ...monitoring, significance: 'inform', worstCaseHarm: 'death_or_irreversible' }).class).toBe('IIa');
    const drive = mdr({ ...monitoring, significance: 'drive', worstCaseHarm: 'death_or_irreversible' });
    expect(drive.class).toBe('III');
    expect(firedRules(drive)).toEqual(expect.arrayContaining(['mdr.note.strictest_sub_rule', 'mdr.rule11a.death_or_irreversible', 'mdr.rule11b.physiological_processes']));
  });

  test('monitoring of something other than physiological processes, with no decision support → I (11c)', () => {
    const r = mdr({ medicalPurpose: 'monitoring', significance: 'inform', monitoring: { physiological: false, vitalParameters: false, immediateDanger: false } });
    expectRow(r, 'I', 'determined', 'mdr.rule11c.other_medical_purpose');
  });

  test('Rule 11 reasons cite the binding text; qualification reasons cite MDCG guidance', () => {
    const device = mdr({ worstCaseHarm: 'minor' });
    expect(device.reasons.find((x) => x.rule === 'mdr.rule11a.decision_support')!.source).toMatchObject({ status: 'binding' });
    const admin = mdr({ medicalPurpose: 'administrative', ...nonClinical });
    expect(admin.reasons[0].source.status).toBe('guidance');
    expect(admin.reasons[0].source.ref).toMatch(/^MDCG 2019-11/);
  });
});

describe('eu-mdr: honest about gaps', () => {
  test.each(REVIEW)('%s', (_example, overrides, cls, disposition, reason) => {
    const r = mdr(overrides);
    expectRow(r, cls, disposition, reason);
    expect(r.pathway).toBeNull();
  });

  test('missing fields are named', () => {
    expect(mdr({ medicalPurpose: 'diagnosis', worstCaseHarm: undefined }).missing).toEqual(['worstCaseHarm']);
    expect(mdr({ medicalPurpose: 'monitoring', significance: 'inform' }).missing).toEqual(['monitoring']);
    expect(mdr({ worstCaseHarm: 'minor', drivesDevice: true }).missing).toEqual([]);
  });

  test('a missing harm never matters once the software is out of scope', () => {
    const r = mdr({ medicalPurpose: 'treatment', individualPatient: false, significance: 'inform', worstCaseHarm: undefined });
    expect(r).toMatchObject({ class: 'not_mdsw', disposition: 'determined', missing: [] });
  });
});

describe('eu-mdr: pathway, evidence and obligations by class', () => {
  const byClass: Record<string, Partial<Profile>> = {
    I: { medicalPurpose: 'contraception', significance: 'inform', situations: undefined },
    IIa: { worstCaseHarm: 'minor' },
    IIb: { worstCaseHarm: 'serious_deterioration_or_surgery' },
    III: { worstCaseHarm: 'death_or_irreversible', significance: 'treat_or_diagnose', situations: ['critical'] },
  };
  const BASE = ['E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E07', 'E08', 'E09', 'E10', 'E14', 'E15', 'E16', 'E17', 'E18', 'E20', 'E21'];

  test.each(Object.entries(byClass))('class %s', (cls, o) => {
    const r = mdr(o);
    expect(r.class).toBe(cls);
    expect(r.pathway).toBe(cls === 'I' ? 'self_declaration' : 'notified_body');
    expect(r.evidence).toEqual(expect.arrayContaining(BASE));
    expect(r.evidence.includes('E24')).toBe(cls === 'III');
    const ids = r.obligations.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining(['mdr_clinical_evaluation', 'mdr_vigilance', 'mdr_conformity_assessment', 'mdr_udi_eudamed']));
    expect(ids.includes('mdr_pms_report')).toBe(cls === 'I');
    expect(ids.includes('mdr_psur')).toBe(cls !== 'I');
    expect(ids.includes('mdr_sscp')).toBe(cls === 'III');
    for (const o of r.obligations) {
      expect(o.source.status).toBe('unconfirmed');
      expect(o.appliesFrom).toBe('2021-05-26');
    }
  });

  test('PSUR cadence: every two years for IIa, yearly for IIb and III (Art 86)', () => {
    const psur = (o: Partial<Profile>) => mdr(o).obligations.find((x) => x.id === 'mdr_psur')!.text.en;
    expect(psur(byClass.IIa)).toMatch(/every two years/);
    expect(psur(byClass.IIb)).toMatch(/annually/);
    expect(psur(byClass.III)).toMatch(/annually/);
  });

  test('learning models: E19 and notified-body approval of significant changes; AI models: datasets and bias (E11, E12)', () => {
    const learning = mdr({ worstCaseHarm: 'minor', learningMode: 'continuous' });
    expect(learning.evidence).toEqual(expect.arrayContaining(['E11', 'E12', 'E19']));
    expect(learning.obligations.map((o) => o.id)).toContain('mdr_significant_change_approval');
    const ruleBased = mdr({ worstCaseHarm: 'minor', modelType: 'rule_based' });
    expect(ruleBased.evidence).not.toContain('E11');
    expect(ruleBased.evidence).not.toContain('E19');
  });

  test('every evidence item names eu-mdr among the frameworks that require it', () => {
    const record = classify(testRegistry(), eu({ worstCaseHarm: 'minor' }));
    for (const e of resultFor(eu({ worstCaseHarm: 'minor' }), MDR).evidence) {
      expect(record.evidence.find((x) => x.id === e)!.requiredBy).toContain(MDR);
    }
  });

  test('texts are bilingual', () => {
    const r = mdr(byClass.III);
    for (const x of [...r.reasons, ...r.obligations]) {
      expect(x.text.en.length).toBeGreaterThan(0);
      expect(x.text.ru).toMatch(/[а-яё]/i);
    }
  });
});

test('golden rows: at least 35 regulator examples with class, disposition and reason', () => {
  expect(QUALIFICATION.length + RULE_11.length + ANNEX_III.length + 1 + REVIEW.length).toBeGreaterThanOrEqual(35);
});
