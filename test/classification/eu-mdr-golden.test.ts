import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import type { Profile } from '../../src/classification/profile';
import type { FrameworkOutcome } from '../../src/rulesets/decide';
import { classify } from '../../src/classification/classify';
import { RULES_DIR, testRegistry } from '../helpers/app';
import { loadRegistry } from '../../src/rulesets/registry';

/**
 * EU MDR golden cases on the active pack (eu-mdr 1.1.0): the MDCG 2019-11 Rev.1 decision steps
 * and its list of non-medical software, its Annex IV examples, the text of Annex VIII Rules 11,
 * 15 and 22 and implementing rules 3.3 and 3.5, and the MDCG Annex III table. Rows that 1.0.0
 * answered against the primary texts were corrected here, each citing its section; a last block
 * proves that 1.0.0 still answers as it did (stored classifications replay on it).
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
  // Corrected: the Annex IV app "supports conception" (MDCG 2019-11 Rev.1 Annex IV; MDCG 2021-24 Rule 15: fertility
  // monitoring to facilitate conception is not Rule 15); 1.0.0 read it as contraception, which is Rule 15, IIb.
  ['MDCG 2019-11 Annex IV: fertility app from basal temperature and menstrual days shown red/green/yellow → I (11c)',
    { medicalPurpose: 'conception', significance: 'inform', situations: undefined, intendedUsers: ['patient'], inputs: ['patient_reported', 'wearable_sensor'], monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } },
    'I', 'determined', 'mdr.rule11c.other_medical_purpose'],
  ['MDCG 2019-11 Rev.1 Annex IV: app converting selected symbols to speech for persons with communication disorders → I (11c)',
    { medicalPurpose: 'disability_compensation', significance: undefined, situations: undefined, intendedUsers: ['patient', 'caregiver'], inputs: ['patient_reported'], modelType: 'rule_based' },
    'I', 'determined', 'mdr.rule11c.other_medical_purpose'],
  ['MDCG 2019-11 example: cognitive-therapy decision support, the specialist selects the therapy from the output → IIa (11a)',
    { medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor', intendedUsers: ['specialist_physician'] },
    'IIa', 'determined', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['MDCG 2019-11 Rev.1: preventing the risk of illness by analysing physiological parameters (arterial stiffness) → IIa',
    { medicalPurpose: 'prognosis', significance: 'inform', situations: ['non_serious'], worstCaseHarm: 'minor', inputs: ['physiological_waveform'] },
    'IIa', 'determined', 'mdr.rule11a.decision_support'],
  ['MDCG 2019-11 Rev.1: NLP over clinical text contributing to a medical purpose is not "simple search" → MDSW, IIa',
    { medicalPurpose: 'diagnosis', inputs: ['clinical_text'], worstCaseHarm: 'minor' },
    'IIa', 'determined', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['MDCG 2019-11: contrast or edge enhancement so that the image serves as decision support → MDSW, IIa',
    { medicalPurpose: 'diagnosis', inputs: ['medical_image'], significance: 'drive', worstCaseHarm: 'minor', intendedUsers: ['specialist_physician'] },
    'IIa', 'determined', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['IMDRF N12 via Rule 11a: image analysis for treatment decisions in acute stroke, a wrong decision may cause death → III',
    { medicalPurpose: 'diagnosis', inputs: ['medical_image'], significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', timeCritical: true },
    'III', 'determined', 'mdr.rule11a.mdcg_annex_iv_iii'],
  ['IMDRF N12 via Rule 11a: bolus-insulin calculator (fixed formulas are an action on data), a wrong dose may seriously deteriorate health → IIb',
    { medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based', significance: 'treat_or_diagnose', situations: ['serious'], worstCaseHarm: 'serious_deterioration_or_surgery', intendedUsers: ['patient'], professionalSupport: true, inputs: ['patient_reported'] },
    'IIb', 'determined', 'mdr.rule11a.mdcg_annex_iv_iib'],
  ['IMDRF N12 via Rule 11a: heart-rate analysis for a clinician as an aid in arrhythmia diagnosis, minor worst case → IIa',
    { medicalPurpose: 'diagnosis', inputs: ['physiological_waveform'], significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor' },
    'IIa', 'determined', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['MDCG 2019-11: alarm module monitoring vital parameters (heart rate, respiration, blood pressure) where variations mean immediate danger → IIb (11b)',
    { medicalPurpose: 'monitoring', inputs: ['physiological_waveform'], significance: 'inform', situations: ['critical'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true }, intendedUsers: ['nurse'] },
    'IIb', 'determined', 'mdr.rule11b.vital_parameters_immediate_danger'],
  ['Rule 11b: monitoring of physiological processes (sleep-stage trends) → IIa',
    { medicalPurpose: 'monitoring', inputs: ['wearable_sensor'], significance: 'inform', situations: ['non_serious'], monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } },
    'IIa', 'determined', 'mdr.rule11b.physiological_processes'],
  ['Rule 11b: vital parameters whose variations do not mean immediate danger (body temperature trend at home) → IIa',
    { medicalPurpose: 'monitoring', inputs: ['discrete_vitals'], significance: 'inform', situations: ['non_serious'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: false } },
    'IIa', 'determined', 'mdr.rule11b.physiological_processes'],
  // Corrected: MDCG 2019-11 Rev.1 §4.2.1 keeps 11b for software intended only for monitoring and puts monitoring that
  // informs decisions under 11a, so 3.5 does not simply add 11b: a reviewer settles it, 11b's IIb as the provisional class.
  ['MDCG 2019-11 §4.2.1: diagnosis (11a → IIa) that also monitors vital parameters with immediate danger → review, IIb provisional',
    { medicalPurpose: 'diagnosis', inputs: ['physiological_waveform'], worstCaseHarm: 'minor', monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } },
    'IIb', 'requires_review', 'mdr.review.decision_support_with_vital_monitoring'],
];

/**
 * MDCG 2019-11 Annex III: the IMDRF matrix mapped to MDR classes, with a worst-case harm that agrees with it. The five
 * cells with an Annex IV worked example are decided by the guidance's own rule (mdr.rule11a.mdcg_annex_iv_*).
 */
const ANNEX_III: Array<[NonNullable<Profile['worstCaseHarm']>, 'critical' | 'serious' | 'non_serious', NonNullable<Profile['significance']>, string, string]> = [
  ['death_or_irreversible', 'critical', 'treat_or_diagnose', 'III', 'mdr.rule11a.mdcg_annex_iv_iii'],
  ['serious_deterioration_or_surgery', 'critical', 'drive', 'IIb', 'mdr.rule11a.mdcg_annex_iv_iib'],
  ['minor', 'critical', 'inform', 'IIa', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['serious_deterioration_or_surgery', 'serious', 'treat_or_diagnose', 'IIb', 'mdr.rule11a.mdcg_annex_iv_iib'],
  ['minor', 'serious', 'drive', 'IIa', 'mdr.rule11a.mdcg_annex_iv_iia'],
  ['minor', 'serious', 'inform', 'IIa', 'mdr.rule11a.decision_support'],
  ['minor', 'non_serious', 'treat_or_diagnose', 'IIa', 'mdr.rule11a.decision_support'],
  ['none', 'non_serious', 'drive', 'IIa', 'mdr.rule11a.decision_support'],
  ['none', 'non_serious', 'inform', 'IIa', 'mdr.rule11a.decision_support'],
];

const REVIEW: Row[] = [
  ['Rule 11a: decision support without the worst-case harm, in a cell MDCG 2019-11 Annex IV gives no example for → review, at least IIa', { medicalPurpose: 'diagnosis', significance: 'inform', worstCaseHarm: undefined }, 'IIa', 'requires_review', 'mdr.review.worst_case_harm_missing'],
  ['MDCG 2019-11 Annex III/IV: a declared harm reading III where the guidance reads IIa and gives no example → review with both readings, IIa provisional', { medicalPurpose: 'diagnosis', significance: 'inform', situations: ['serious'], worstCaseHarm: 'death_or_irreversible' }, 'IIa', 'requires_review', 'mdr.review.harm_reads_higher_than_annex_iii_iii'],
  ['MDCG 2019-11 Annex III: significance not declared → review naming it, Rule 11a read on the declared harm', { medicalPurpose: 'diagnosis', significance: undefined, worstCaseHarm: 'serious_deterioration_or_surgery' }, 'IIb', 'requires_review', 'mdr.review.significance_missing'],
  ['Rule 22: therapy acting without a professional, closed loop not declared → review naming closedLoop', { medicalPurpose: 'treatment', autonomy: 'autonomous', significance: 'drive', situations: ['serious'] }, 'IIa', 'requires_review', 'mdr.review.closed_loop_undeclared'],
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
    expect(r.pathway).toBe(disposition !== 'determined' ? null : cls === 'I' ? 'self_declaration' : 'notified_body');
  });

  test.each(ANNEX_III)('MDCG 2019-11 Annex III: harm %s, %s × %s → %s, Rule 11a agrees (no finding)', (worstCaseHarm, situation, significance, cls, reason) => {
    const r = mdr({ significance, situations: [situation], worstCaseHarm });
    expectRow(r, cls, 'determined', reason);
    expect(r.findings).toEqual([]);
  });

  // Corrected (family 5): MDCG 2019-11 Rev.1 Annex III and the Annex IV stroke example read treat-or-diagnose in a
  // critical situation as III; 1.0.0 took IIa from the declared harm and only added a finding. The guidance speaks, so
  // it decides, and a note gives both readings.
  test('MDCG 2019-11 Annex III/IV: critical × treat or diagnose is III even with a declared minor harm; a note gives both readings', () => {
    const r = mdr({ significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'minor' });
    expectRow(r, 'III', 'determined', 'mdr.rule11a.mdcg_annex_iv_iii');
    expect(firedRules(r)).toContain('mdr.note.guidance_followed_over_declared_harm_iii_not_iia');
    expect(r.findings).toEqual([]);
  });

  test('MDCG 2019-11 Annex IV (chemotherapy ranking, II.i): inform × critical is IIa even with a declared harm reading III, never silently the harsher', () => {
    const r = mdr({ medicalPurpose: 'treatment', significance: 'inform', situations: ['critical'], worstCaseHarm: 'death_or_irreversible' });
    expectRow(r, 'IIa', 'determined', 'mdr.rule11a.mdcg_annex_iv_iia');
    const note = r.reasons.find((x) => x.rule === 'mdr.note.guidance_followed_over_declared_harm_iia_not_iii')!;
    expect(note.text.en).toMatch(/class III.*class IIa/s);
    expect(note.text.ru).toMatch(/III.*IIa/s);
  });

  // Corrected: MDCG Annex III does not refer to the IMDRF N12 lay-user note, so lay users do not change the MDR reading.
  test('lay users do not change the MDR reading (MDCG 2019-11 Annex III has no lay-user note)', () => {
    const lay = { significance: 'drive' as const, situations: ['serious' as const], worstCaseHarm: 'minor' as const, intendedUsers: ['patient' as const] };
    expect(mdr(lay)).toMatchObject({ class: 'IIa', disposition: 'determined', findings: [] });
  });

  test('the fertility app is not monitoring under 11b (MDCG classifies it under 11c), and says why', () => {
    const r = mdr(RULE_11[0][1]);
    expect(firedRules(r)).toContain('mdr.note.tracking_for_other_purpose_not_11b');
    expect(firedRules(r)).not.toContain('mdr.rule11b.physiological_processes');
  });

  // Corrected (family 4): MDR Annex VIII Rule 15; MDCG 2019-11 §4.2.4 ("software used for contraception will be
  // classified as class IIb"); MDCG 2021-24 Rule 15 (MDSW used in contraception, e.g. by basal body temperature).
  test('Rule 15: contraception software (basal body temperature) → IIb; the same app supporting conception → I (11c)', () => {
    const bbt = { significance: 'inform' as const, situations: undefined, intendedUsers: ['patient' as const], inputs: ['patient_reported' as const, 'wearable_sensor' as const] };
    expectRow(mdr({ ...bbt, medicalPurpose: 'contraception' }), 'IIb', 'determined', 'mdr.rule15.contraception');
    expectRow(mdr({ ...bbt, medicalPurpose: 'conception' }), 'I', 'determined', 'mdr.rule11c.other_medical_purpose');
  });

  // Corrected (family 3): MDCG 2019-11 Rev.1 §4.2.1 and MDCG 2021-24 Rule 11: 11b is the specific rule for
  // monitoring-only software; 1.0.0 also applied 11a to monitoring that drives management and took the strictest.
  test('monitoring-only software is classified by 11b alone, whatever harm it declares', () => {
    const monitoring = { medicalPurpose: 'monitoring' as const, monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } };
    const drive = mdr({ ...monitoring, significance: 'drive', worstCaseHarm: 'death_or_irreversible' });
    expectRow(drive, 'IIa', 'determined', 'mdr.rule11b.physiological_processes');
    expect(firedRules(drive)).toContain('mdr.note.monitoring_only_11b');
    expect(firedRules(drive)).not.toContain('mdr.rule11a.death_or_irreversible');
    const tod = mdr({ ...monitoring, significance: 'treat_or_diagnose' });
    expectRow(tod, 'IIa', 'requires_review', 'mdr.review.monitoring_with_diagnostic_output');
  });

  // Corrected: MDCG 2019-11 Rev.1 §4.2.1 reads 11a as applicable to all MDSW that informs decisions; 11c is not
  // automatic for monitoring of something other than physiological processes.
  test('monitoring of something other than physiological processes → review (11a or 11c)', () => {
    const r = mdr({ medicalPurpose: 'monitoring', significance: 'inform', monitoring: { physiological: false, vitalParameters: false, immediateDanger: false } });
    expectRow(r, 'none', 'requires_review', 'mdr.review.monitoring_not_physiological');
  });

  test('Rule 22: a closed loop adapting therapy from its own diagnostic output → III (MDCG 2019-11 Annex IV cognitive therapy)', () => {
    expectRow(mdr({ medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], closedLoop: true, autonomy: 'autonomous' }), 'III', 'determined', 'mdr.rule22.closed_loop');
  });

  test('implementing rule 3.3 / MDCG 2019-11 §4.1: software driving a device is determined only where its own class is III', () => {
    const melanoma = { medicalPurpose: 'diagnosis' as const, significance: 'treat_or_diagnose' as const, situations: ['critical' as const], drivesDevice: true, closedLoop: false, inputs: ['medical_image' as const] };
    expectRow(mdr(melanoma), 'III', 'determined', 'mdr.rule11a.mdcg_annex_iv_iii');
    expectRow(mdr({ ...melanoma, situations: ['serious'] }), 'IIb', 'requires_review', 'mdr.review.drives_device');
    // Step 2 comes before steps 3-5: a device driver without a medical purpose of its own is still covered by the MDR.
    expectRow(mdr({ medicalPurpose: 'none', significance: undefined, situations: undefined, drivesDevice: true, closedLoop: false }), 'none', 'requires_review', 'mdr.review.drives_device');
  });

  test('Rule 11 reasons cite the binding text; qualification reasons cite MDCG guidance', () => {
    const device = mdr({ worstCaseHarm: 'minor' });
    expect(device.reasons.find((x) => x.rule === 'mdr.rule11a.mdcg_annex_iv_iia')!.source).toMatchObject({ status: 'binding' });
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
    expect(mdr({ medicalPurpose: 'diagnosis', significance: 'inform', worstCaseHarm: undefined }).missing).toEqual(['worstCaseHarm']);
    expect(mdr({ medicalPurpose: 'diagnosis', significance: undefined, situations: undefined, worstCaseHarm: undefined }).missing).toEqual(['significance', 'situations', 'worstCaseHarm']);
    expect(mdr({ medicalPurpose: 'monitoring', significance: 'inform' }).missing).toEqual(['monitoring']);
    expect(mdr({ worstCaseHarm: 'minor', drivesDevice: true }).missing).toEqual([]);
    expect(mdr({ medicalPurpose: 'treatment', worstCaseHarm: 'minor', drivesDevice: true }).missing).toEqual(['closedLoop']);
    expect(mdr({ medicalPurpose: 'treatment', worstCaseHarm: 'minor', drivesDevice: true, closedLoop: false }).missing).toEqual([]);
  });

  test('a missing harm never matters once the software is out of scope', () => {
    const r = mdr({ medicalPurpose: 'treatment', individualPatient: false, significance: 'inform', worstCaseHarm: undefined });
    expect(r).toMatchObject({ class: 'not_mdsw', disposition: 'determined', missing: [] });
  });
});

describe('eu-mdr: pathway, evidence and obligations by class', () => {
  const byClass: Record<string, Partial<Profile>> = {
    I: { medicalPurpose: 'conception', significance: 'inform', situations: undefined },
    IIa: { worstCaseHarm: 'minor' },
    IIb: { worstCaseHarm: 'serious_deterioration_or_surgery', significance: 'treat_or_diagnose' },
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

/** eu-mdr 1.0.0 keeps answering as it did: stored classifications replay on it. */
describe('eu-mdr 1.0.0 still answers as before', () => {
  const v100 = loadRegistry(RULES_DIR, '2026-11-23');
  const mdr100 = (o: Partial<Profile>): FrameworkOutcome => classify(v100, eu(o)).results.find((x) => x.framework === MDR)!;

  test('the registry of that day has eu-mdr 1.0.0 active', () => {
    expect(v100.active.find((p) => p.id === MDR)!.version).toBe('1.0.0');
    expect(mdr100({ worstCaseHarm: 'minor' }).ruleset).toBe('eu-mdr@1.0.0');
  });

  test('1.0.0: contraception is 11c (I), the strictest sub-rule, the harm-based 11a, the Annex III finding', () => {
    expectRow(mdr100({ medicalPurpose: 'contraception', significance: 'inform', situations: undefined }), 'I', 'determined', 'mdr.rule11c.other_medical_purpose');
    expectRow(mdr100({ medicalPurpose: 'diagnosis', worstCaseHarm: 'minor', monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } }), 'IIb', 'determined', 'mdr.rule11b.vital_parameters_immediate_danger');
    const finding = mdr100({ significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'minor' });
    expectRow(finding, 'IIa', 'determined', 'mdr.rule11a.decision_support');
    expect(finding.findings.map((f) => f.code)).toEqual(['mdcg_annex_iii_divergence']);
    expectRow(mdr100({ medicalPurpose: 'diagnosis', worstCaseHarm: undefined }), 'IIa', 'requires_review', 'mdr.review.worst_case_harm_missing');
  });
});
