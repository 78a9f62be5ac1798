import { profile } from '../helpers/profiles';
import { testRegistry } from '../helpers/app';
import { classify } from '../../src/classification/classify';
import { firedRules, resultFor } from '../helpers/classify';
import type { Profile } from '../../src/classification/profile';

/**
 * IMDRF/SaMD WG/N12FINAL:2014 worked examples (§7.4; regulatory-reference.md §1.6 called them §8),
 * with the significance and situation of the §7.3 criterion N12 names for each, and the category
 * N12 assigns. The full table, one row per example, is test/golden/imdrf-n12.golden.ts.
 */
type Row = [example: string, significance: Profile['significance'], situation: 'critical' | 'serious' | 'non_serious', category: string];
const N12_EXAMPLES: Row[] = [
  ['image analysis for treatment decisions in acute stroke (ischemic vs haemorrhagic)', 'treat_or_diagnose', 'critical', 'IV'],
  ['fractal analysis of a skin lesion to diagnose malignant vs benign', 'treat_or_diagnose', 'critical', 'IV'],
  ['CSF spectroscopy to diagnose TB vs viral meningitis in children', 'treat_or_diagnose', 'critical', 'IV'],
  ['immunoassay data fusion to screen for pandemic pathogens', 'treat_or_diagnose', 'critical', 'IV'],
  ['smart-device microphone detecting interrupted breathing in sleep and sounding a tone', 'treat_or_diagnose', 'serious', 'III'],
  ['tinnitus sound therapy', 'treat_or_diagnose', 'serious', 'III'],
  ['radiation treatment planning', 'drive', 'critical', 'III'],
  ['colorectal cancer risk score in a high-risk population', 'drive', 'critical', 'III'],
  ['photos and growth monitoring supplementing a professional skin-lesion diagnosis', 'drive', 'critical', 'III'],
  ['heart-rate analysis for a clinician as an aid in arrhythmia diagnosis', 'drive', 'serious', 'II'],
  ['3D CT reconstruction to aid catheter and marker placement', 'drive', 'serious', 'II'],
  ['stroke or heart-disease risk score for prevention', 'inform', 'critical', 'II'],
  // N12 §7.4 names criterion I.ii (inform × serious), not drive × non-serious.
  ['peak flow and symptom diary to anticipate an asthma episode', 'inform', 'serious', 'I'],
  ['eye-movement analysis guiding the next diagnostic action for astigmatism', 'drive', 'non_serious', 'I'],
  // N12 §7.4 names criterion I.i (drive × non-serious), not inform × non-serious.
  ['migraine risk score in a healthy population', 'drive', 'non_serious', 'I'],
  ['blood-pressure history stored for later review', 'inform', 'serious', 'I'],
];

describe('imdrf-samd: N12 worked examples', () => {
  test.each(N12_EXAMPLES)('%s → %s × %s = %s', (_example, significance, situation, category) => {
    const r = resultFor(profile({ significance, situations: [situation], intendedUsers: ['specialist_physician'] }), 'imdrf-samd');
    expect(r.class).toBe(category);
    expect(r.disposition).toBe('determined');
    expect(firedRules(r)).toContain(`imdrf.matrix.${situation}.${significance}`);
    expect(r.reasons.every((x) => x.source.ref.startsWith('IMDRF'))).toBe(true);
  });

  test('several situations: the highest counts (N12 §7.1)', () => {
    const r = resultFor(profile({ significance: 'inform', situations: ['non_serious', 'critical'] }), 'imdrf-samd');
    expect(r.class).toBe('II');
    expect(firedRules(r)).toEqual(expect.arrayContaining(['imdrf.note.highest_situation', 'imdrf.matrix.critical.inform']));
  });

  test('lay users in a serious situation: raised to critical only when the profile says there is no professional support (N12 §5.2.2 note, §7.4 examples)', () => {
    const lay = profile({ significance: 'drive', situations: ['serious'], intendedUsers: ['patient'] });
    // Support not declared: no silent raise; the matrix category is provisional and the field is named.
    const r = resultFor(lay, 'imdrf-samd');
    expect(r.disposition).toBe('requires_review');
    expect(r.class).toBeNull();
    expect(r.provisionalClass).toBe('II');
    expect(r.missing).toEqual(['professionalSupport']);
    expect(firedRules(r)).toContain('imdrf.review.professional_support_undeclared');
    expect(firedRules(r)).not.toContain('imdrf.note.lay_escalation');
    expect(resultFor({ ...lay, professionalSupport: true }, 'imdrf-samd')).toMatchObject({ class: 'II', disposition: 'determined' });
    const none = resultFor({ ...lay, professionalSupport: false }, 'imdrf-samd');
    expect(none).toMatchObject({ class: 'III', disposition: 'determined' });
    expect(firedRules(none)).toContain('imdrf.note.lay_escalation');
    // A professional among the users counts as support, as in the §7.4 cardiac-rehabilitation example.
    expect(resultFor({ ...lay, intendedUsers: ['patient', 'physician'] }, 'imdrf-samd')).toMatchObject({ class: 'II', disposition: 'determined' });
    expect(resultFor({ ...lay, intendedUsers: ['patient', 'physician'], professionalSupport: false }, 'imdrf-samd')).toMatchObject({ class: 'II', disposition: 'determined' });
    // Non-serious and critical situations are not touched by the note.
    expect(resultFor({ ...lay, situations: ['non_serious'] }, 'imdrf-samd')).toMatchObject({ class: 'I', disposition: 'determined' });
    expect(resultFor({ ...lay, situations: ['critical'] }, 'imdrf-samd')).toMatchObject({ class: 'III', disposition: 'determined' });
  });

  test('software that drives or controls a hardware medical device is not SaMD (N12 §3.1 notes, §10.1)', () => {
    const pump = profile({ medicalPurpose: 'treatment', significance: 'treat_or_diagnose', situations: ['critical'], drivesDevice: true });
    const r = resultFor(pump, 'imdrf-samd');
    expect(r).toMatchObject({ class: 'not_samd', disposition: 'determined' });
    expect(firedRules(r)).toEqual(['imdrf.qualification.drives_hardware']);
    expect(r.evidence).toEqual([]);
    // A closed loop is "part of" the device even when the software also diagnoses (§10.1 pacemaker).
    const loop = resultFor({ ...pump, medicalPurpose: 'monitoring', closedLoop: true }, 'imdrf-samd');
    expect(loop).toMatchObject({ class: 'not_samd', disposition: 'determined' });
    // A declared diagnostic function without a closed loop keeps its own SaMD category (§7.1, §10.1 CAD).
    const cad = resultFor({ ...pump, medicalPurpose: 'diagnosis', closedLoop: false }, 'imdrf-samd');
    expect(cad).toMatchObject({ class: 'IV', disposition: 'determined' });
    expect(firedRules(cad)).toContain('imdrf.note.drives_hardware_module');
    // Whether the loop is closed decides SaMD or not: undeclared, a reviewer settles it (category proposed).
    const unsure = resultFor({ ...pump, medicalPurpose: 'diagnosis' }, 'imdrf-samd');
    expect(unsure).toMatchObject({ class: null, provisionalClass: 'IV', disposition: 'requires_review', missing: ['closedLoop'] });
    // drivesDevice false or undeclared changes nothing.
    expect(resultFor({ ...pump, drivesDevice: false }, 'imdrf-samd').class).toBe('IV');
  });

  test('imdrf-samd 1.0.0 still answers as before (stored classifications replay on it)', () => {
    const pack = testRegistry().byRuleset.get('imdrf-samd@1.0.0')!;
    expect(pack).toBeDefined();
    const lay = profile({ significance: 'drive', situations: ['serious'], intendedUsers: ['patient'] });
    const old = classify(testRegistry(), lay, [pack]).results[0];
    expect(old).toMatchObject({ class: 'III', disposition: 'determined' });
  });

  test.each(['none', 'administrative', 'documentation', 'wellness', 'research'] as const)('non-medical purpose %s → not_samd', (medicalPurpose) => {
    const r = resultFor(profile({ medicalPurpose, significance: undefined, situations: undefined }), 'imdrf-samd');
    expect(r.class).toBe('not_samd');
    expect(firedRules(r)).toEqual(['imdrf.qualification.non_medical']);
    expect(r.evidence).toEqual([]);
  });

  test('a clinical purpose without significance or situation is requires_review, naming the fields', () => {
    const r = resultFor(profile({ significance: undefined, situations: undefined }), 'imdrf-samd');
    expect(r.disposition).toBe('requires_review');
    expect(r.class).toBeNull();
    expect(r.missing).toEqual(['significance', 'situations']);
  });

  test('evidence grows with the category', () => {
    const i = resultFor(profile({ significance: 'inform', situations: ['non_serious'] }), 'imdrf-samd').evidence;
    const iv = resultFor(profile({ significance: 'treat_or_diagnose', situations: ['critical'] }), 'imdrf-samd').evidence;
    expect(i).toEqual(['E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E14', 'E17']);
    expect(iv).toEqual(expect.arrayContaining([...i, 'E08', 'E10', 'E13', 'E16', 'E18']));
  });
});
