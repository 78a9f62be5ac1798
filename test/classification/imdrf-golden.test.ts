import { profile } from '../helpers/profiles';
import { firedRules, resultFor } from '../helpers/classify';
import type { Profile } from '../../src/classification/profile';

/**
 * IMDRF/SaMD WG/N12FINAL:2014 worked examples (§8, as listed in regulatory-reference.md §1.6),
 * with the significance and situation N12 gives them, and the category N12 assigns.
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
  ['peak flow and symptom diary to anticipate an asthma episode', 'drive', 'non_serious', 'I'],
  ['eye-movement analysis guiding the next diagnostic action for astigmatism', 'drive', 'non_serious', 'I'],
  ['migraine risk score in a healthy population', 'inform', 'non_serious', 'I'],
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

  test('lay users in a serious situation without professional support count as critical (N12 §5.2 note)', () => {
    const lay = profile({ significance: 'drive', situations: ['serious'], intendedUsers: ['patient'] });
    const r = resultFor(lay, 'imdrf-samd');
    expect(r.class).toBe('III');
    expect(firedRules(r)).toContain('imdrf.note.lay_escalation');
    expect(resultFor({ ...lay, professionalSupport: true }, 'imdrf-samd').class).toBe('II');
    expect(resultFor({ ...lay, professionalSupport: false }, 'imdrf-samd').class).toBe('III');
    // Non-serious situations are not escalated.
    expect(resultFor({ ...lay, situations: ['non_serious'] }, 'imdrf-samd').class).toBe('I');
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
