import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import { classify } from '../../src/classification/classify';
import { testRegistry } from '../helpers/app';
import type { Profile } from '../../src/classification/profile';
import { findContradictions } from '../../src/classification/contradictions';

/** Golden cases of ../shared/domain/ru-differentiated.md: its tables, row by row. */
const RU = 'ru-differentiated';
const ru = (p: Profile) => resultFor(p, RU);
// Triage notification: neither step 1 (autonomous) nor step 4 (advisory/assistive) applies.
const neutral = (o: Partial<Profile>) => profile({ autonomy: 'triage_notification', reviewableBasis: false, ...o });

describe('ru-differentiated §2: base class matrix', () => {
  const MATRIX: Array<[string, NonNullable<Profile['significance']>, string]> = [
    ['critical', 'treat_or_diagnose', '3'], ['critical', 'drive', '2b'], ['critical', 'inform', '2a'],
    ['serious', 'treat_or_diagnose', '2b'], ['serious', 'drive', '2a'], ['serious', 'inform', '2a'],
    ['non_serious', 'treat_or_diagnose', '2a'], ['non_serious', 'drive', '2a'], ['non_serious', 'inform', '2a'],
  ];
  test.each(MATRIX)('%s × %s → %s', (situation, significance, cls) => {
    const r = ru(neutral({ significance, situations: [situation as 'critical'] }));
    expect(r.class).toBe(cls);
    expect(firedRules(r)).toContain(`ru-diff.base.matrix.${situation}.${significance}`);
  });

  test('lay users only, serious, no professional support → critical', () => {
    const p = neutral({ significance: 'treat_or_diagnose', situations: ['serious'], intendedUsers: ['patient', 'caregiver'] });
    expect(ru(p).class).toBe('3');
    expect(firedRules(ru(p))).toContain('ru-diff.note.lay_escalation');
    expect(ru({ ...p, professionalSupport: true }).class).toBe('2b');
    // A professional among the users: not "lay users only".
    expect(ru({ ...p, intendedUsers: ['patient', 'physician'] }).class).toBe('2b');
  });

  test('monitoring of vital parameters with immediate danger → at least 2b; other physiological monitoring → at least 2a', () => {
    const vital = neutral({ medicalPurpose: 'monitoring', significance: 'drive', situations: ['non_serious'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } });
    expect(ru(vital).class).toBe('2b');
    expect(firedRules(ru(vital))).toContain('ru-diff.base.monitoring_vital');
    const physio = { ...vital, monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } };
    expect(ru(physio).class).toBe('2a');
    expect(firedRules(ru(physio))).toContain('ru-diff.base.monitoring_physiological');
  });

  test.each(['disability_compensation', 'contraception'] as const)('%s with significance inform → 1', (medicalPurpose) => {
    const r = ru(neutral({ medicalPurpose, significance: 'inform', situations: undefined }));
    expect(r.class).toBe('1');
    expect(r.pathway).toBe('notification');
    expect(firedRules(r)).toContain('ru-diff.base.auxiliary_purpose');
  });
});

describe('ru-differentiated §3: differentiation steps, in order', () => {
  test('step 1: autonomous treat/diagnose or drive → up one class (never above 3)', () => {
    expect(ru(neutral({ autonomy: 'autonomous', significance: 'drive', situations: ['serious'] })).class).toBe('2b');
    expect(ru(neutral({ autonomy: 'autonomous', significance: 'treat_or_diagnose', situations: ['critical'] })).class).toBe('3');
    const inform = ru(neutral({ autonomy: 'autonomous', significance: 'inform', situations: ['serious'] }));
    expect(inform.class).toBe('2a');
    expect(firedRules(inform)).not.toContain('ru-diff.step1.autonomous');
  });

  test('step 2: continuous learning without a change control plan → up one class', () => {
    const p = neutral({ significance: 'drive', situations: ['serious'], learningMode: 'continuous' });
    expect(ru(p).class).toBe('2b');
    expect(ru({ ...p, changeControlPlan: true }).class).toBe('2a');
    expect(ru({ ...p, learningMode: 'periodic_retraining' }).class).toBe('2a');
  });

  test('step 3: drives a device → at least 2b, and 3 in a critical situation', () => {
    expect(ru(neutral({ significance: 'inform', situations: ['non_serious'], drivesDevice: true })).class).toBe('2b');
    expect(ru(neutral({ significance: 'inform', situations: ['critical'], drivesDevice: true })).class).toBe('3');
  });

  test('steps apply in order and each is a reason', () => {
    const r = ru(neutral({ autonomy: 'autonomous', significance: 'drive', situations: ['non_serious'], learningMode: 'continuous' }));
    expect(r.class).toBe('3');
    const adjust = r.reasons.filter((x) => x.effect === 'adjust');
    expect(adjust.map((x) => [x.rule, x.class])).toEqual([['ru-diff.step1.autonomous', '2b'], ['ru-diff.step2.continuous_learning', '3']]);
  });

  const auxiliary = profile({ significance: 'inform', situations: ['critical'], autonomy: 'advisory', reviewableBasis: true, timeCritical: false, intendedUsers: ['physician', 'nurse'] });
  test('step 4: informs professionals who review the basis, not time-critical → down to 1', () => {
    const r = ru(auxiliary);
    expect(r.class).toBe('1');
    expect(r.pathway).toBe('notification');
    expect(r.reasons.at(-1)).toMatchObject({ rule: 'ru-diff.step4.auxiliary_function', class: '1' });
    expect(ru({ ...auxiliary, autonomy: 'assistive' }).class).toBe('1');
  });
  test.each<[string, Partial<Profile>]>([
    ['time-critical', { timeCritical: true }],
    ['basis not reviewable', { reviewableBasis: false }],
    ['basis reviewability not declared', { reviewableBasis: undefined }],
    ['a lay user among the users', { intendedUsers: ['physician', 'patient'] }],
    ['triage notification', { autonomy: 'triage_notification' }],
    ['drives clinical management', { significance: 'drive' }],
  ])('step 4 does not apply when %s', (_why, change) => {
    expect(ru({ ...auxiliary, ...change }).class).not.toBe('1');
  });
});

describe('ru-differentiated §1: qualification', () => {
  test.each<[string, Partial<Profile>, string]>([
    ['administrative', { medicalPurpose: 'administrative', significance: undefined }, 'ru-diff.qualification.purpose'],
    ['research', { medicalPurpose: 'research', significance: undefined }, 'ru-diff.qualification.purpose'],
    ['no medical purpose', { medicalPurpose: 'none', significance: undefined }, 'ru-diff.qualification.purpose'],
    ['storage and display only', { medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', modelType: 'rule_based' }, 'ru-diff.qualification.data_action'],
    ['predetermined formulas', { dataAction: 'fixed_calculation', modelType: 'rule_based' }, 'ru-diff.qualification.data_action'],
    ['population data', { individualPatient: false, significance: 'inform' }, 'ru-diff.qualification.population'],
    ['wellness', { medicalPurpose: 'wellness', significance: undefined, intendedUsers: ['patient'] }, 'ru-diff.qualification.wellness'],
    ['plain transcription', { medicalPurpose: 'documentation', dataAction: 'store_transfer_display', significance: undefined }, 'ru-diff.qualification.documentation'],
  ])('%s → not_md', (_why, change, rule) => {
    const r = ru(profile(change));
    expect(r.class).toBe('not_md');
    expect(r.pathway).toBe('none');
    expect(firedRules(r)).toContain(rule);
  });

  test('documentation generating content for the medical record → class 1 (ru-current: not_md)', () => {
    const scribe = profile({ medicalPurpose: 'documentation', dataAction: 'content_generation', significance: undefined, situations: undefined, modelType: 'generative', inputs: ['speech_audio'] });
    expect(ru(scribe)).toMatchObject({ class: '1', pathway: 'notification' });
    expect(ru(scribe).evidence).toContain('E26');
    expect(resultFor(scribe, 'ru-current').class).toBe('not_md');
  });

  test('wellness chatbot for patients: not_md, yet the AI disclosure (E14) is required', () => {
    const r = ru(profile({ medicalPurpose: 'wellness', significance: undefined, intendedUsers: ['patient'], interactsWithPersons: true }));
    expect(r.class).toBe('not_md');
    expect(r.evidence).toEqual(['E14']);
  });
});

describe('ru-differentiated §4–§5: regime and evidence ladder', () => {
  const cases: Array<[string, Partial<Profile>]> = [
    ['1', { significance: 'inform', autonomy: 'advisory', reviewableBasis: true }],
    ['2a', { significance: 'drive', situations: ['serious'], autonomy: 'triage_notification' }],
    ['2b', { significance: 'drive', situations: ['critical'], autonomy: 'triage_notification' }],
    ['3', { significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'triage_notification' }],
  ];
  const PATHWAY: Record<string, string> = { '1': 'notification', '2a': 'registration_technical', '2b': 'registration_clinical', '3': 'registration_clinical_prospective' };
  const LADDER: Record<string, string[]> = {
    '1': ['E01', 'E02', 'E03', 'E05', 'E06', 'E14'],
    '2a': ['E08', 'E09', 'E11', 'E12', 'E16', 'E17', 'E18'],
    '2b': ['E10', 'E13'],
    '3': ['E04', 'E24'],
  };
  test.each(cases)('class %s: pathway and cumulative evidence', (cls, change) => {
    const r = ru(profile(change));
    expect(r.class).toBe(cls);
    expect(r.pathway).toBe(PATHWAY[cls]);
    const order = ['1', '2a', '2b', '3'];
    const expected = order.slice(0, order.indexOf(cls) + 1).flatMap((c) => LADDER[c]).sort();
    expect(r.evidence).toEqual(expected);
  });

  test('class 3 evidence must be prospective', () => {
    const r = ru(profile(cases[3][1]));
    expect(r.obligations.map((o) => o.id)).toEqual(['prospective_clinical_investigation']);
  });

  test('conditional evidence: lay users at 2b, learning models, auto-transmission, generative, agentic, personal data', () => {
    const base = profile({ significance: 'drive', situations: ['critical'], autonomy: 'triage_notification', intendedUsers: ['physician', 'patient'] });
    expect(ru(base).evidence).toContain('E07');
    expect(ru({ ...base, learningMode: 'periodic_retraining' }).evidence).toContain('E19');
    expect(ru({ ...base, learningMode: 'periodic_retraining' }).evidence).not.toContain('E15');
    expect(ru({ ...base, learningMode: 'periodic_retraining', autoMonitoringTransmission: true }).evidence).toContain('E15');
    expect(ru({ ...base, modelType: 'generative' }).evidence).toContain('E26');
    expect(ru({ ...base, modelType: 'generative' }).evidence).not.toContain('E27');
    expect(ru({ ...base, modelType: 'agentic' }).evidence).toEqual(expect.arrayContaining(['E26', 'E27']));
    expect(ru({ ...base, personalData: { processing: 'pseudonymised', legalBasis: 'data_donation' } }).evidence).toContain('E22');
    expect(ru({ ...base, personalData: { processing: 'anonymous', legalBasis: 'none' } }).evidence).not.toContain('E22');
  });
});

describe('ru-current beside the differentiated model', () => {
  const doctorsTool = profile({ significance: 'inform', situations: ['serious'], autonomy: 'advisory', reviewableBasis: true, modelType: 'deep_learning' });
  test('an AI tool for doctors: class 3 today, class 1 under the differentiated model', () => {
    const record = classify(testRegistry(), doctorsTool);
    const byId = Object.fromEntries(record.results.map((r) => [r.framework, r]));
    expect(byId['ru-current']).toMatchObject({ class: '3', pathway: 'registration', disposition: 'determined' });
    expect(byId['ru-current'].reasons[0].source.status).toBe('unconfirmed');
    expect(byId[RU]).toMatchObject({ class: '1', pathway: 'notification' });
  });
  test('an app patients use on their own: not_md today; the differentiated model sees it', () => {
    const app = profile({ significance: 'drive', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'autonomous' });
    expect(resultFor(app, 'ru-current').class).toBe('not_md');
    expect(resultFor(app, 'ru-current').reasons[0].source.status).toBe('unconfirmed');
    expect(ru(app).class).toBe('3');
  });
  test.each<[string, Partial<Profile>]>([
    ['scheduling', { medicalPurpose: 'administrative', significance: undefined, situations: undefined }],
    ['display of results', { dataAction: 'store_transfer_display', medicalPurpose: 'monitoring', significance: undefined, situations: undefined }],
    ['a patient diary used alone', { intendedUsers: ['patient'], significance: 'inform', situations: ['non_serious'] }],
  ])('rule-based software that is not a medical device (%s): determined not_md, no review', (_what, change) => {
    const r = resultFor(profile({ ...change, modelType: 'rule_based' }), 'ru-current');
    expect(r).toMatchObject({ class: 'not_md', disposition: 'determined', pathway: 'none' });
    expect(firedRules(r)).not.toContain('ru-current.review.rule_based');
  });

  test('rule-based software: requires_review (class criteria of Order 686н unconfirmed)', () => {
    const r = resultFor({ ...doctorsTool, modelType: 'rule_based' }, 'ru-current');
    expect(r.disposition).toBe('requires_review');
    expect(r.class).toBeNull();
    expect(r.missing).toEqual([]);
  });
});

describe('gaps and contradictions', () => {
  test('missing significance → requires_review naming the field', () => {
    const r = ru(profile({ significance: undefined }));
    expect(r).toMatchObject({ disposition: 'requires_review', class: null, missing: ['significance'] });
  });
  test('a contradiction is a finding and every framework reading it answers requires_review', () => {
    const p = profile({ medicalPurpose: 'administrative', significance: 'treat_or_diagnose', situations: ['critical'] });
    const record = classify(testRegistry(), p);
    expect(record.findings.map((f) => f.code)).toEqual(['contradiction']);
    expect(record.findings[0].fields).toEqual(['medicalPurpose', 'significance']);
    for (const r of record.results) {
      expect(r.disposition).toBe('requires_review');
      expect(r.class).toBeNull();
    }
  });
  test.each<[string, Partial<Profile>, string]>([
    ['population output for an autonomous diagnosis', { individualPatient: false }, 'population_output_with_clinical_decision'],
    ['a deep-learning model declared as a fixed calculation', { dataAction: 'fixed_calculation' }, 'learned_model_declared_as_fixed_calculation'],
    ['a deep-learning model declared as display only', { dataAction: 'store_transfer_display' }, 'learned_model_declared_as_fixed_calculation'],
  ])('%s cannot lower any class: every framework reading those facts answers requires_review', (_what, change, code) => {
    const ct = profile({ significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible', modelType: 'deep_learning', inputs: ['medical_image'] });
    const honest = classify(testRegistry(), ct);
    const record = classify(testRegistry(), { ...ct, ...change });
    expect(findContradictions({ ...ct, ...change }).map((c) => c.code)).toContain(code);
    for (const r of record.results) {
      const before = honest.results.find((x) => x.framework === r.framework)!;
      // Either the framework does not read the contradicted facts (same answer), or it asks a reviewer.
      if (r.disposition === 'determined') expect(r.class).toBe(before.class);
      else expect(r.class).toBeNull();
    }
    for (const fw of ['ru-differentiated', 'ru-current', 'eu-mdr', 'eu-ai-act', 'us-fda']) {
      expect(record.results.find((r) => r.framework === fw)!.disposition).toBe('requires_review');
    }
  });

  test('declaring display-only cannot talk a diagnostic system out of regulation', () => {
    const r = ru(profile({ dataAction: 'store_transfer_display', significance: 'treat_or_diagnose', situations: ['critical'] }));
    expect(r.disposition).toBe('requires_review');
    expect(r.provisionalClass).toBe('not_md');
  });
});
