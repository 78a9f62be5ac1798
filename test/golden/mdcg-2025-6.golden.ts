import type { Profile } from '../../src/classification/profile';
import type { GoldenRow, GoldenTable } from './types';

/** Keeps a shared fragment's literal types (enum values) without making its arrays readonly. */
const p = <T extends Partial<Profile>>(o: T): T => o;

/**
 * MDCG 2025-6 / AIB 2025-1 (June 2025), shared/domain/sources/mdcg-2025-6.md: Q2 and Table 1 (which
 * MDR classes make medical device AI high-risk under AI Act Art 6(1)) and Q4 (Art 5 and Art 50 do
 * not depend on the MDR class). Table 1 is scrambled by the conversion; it is read as: Class I
 * (non-sterile, non-measuring, non-reusable surgical) no notified body, not high-risk; Class I
 * (sterile, measuring, reusable surgical), IIa, IIb, III and Annex XVI notified body, high-risk.
 *
 * Each profile makes the MDR class unambiguous (Rule 11a: significance × situation and worst-case
 * harm agree, professional users; class I through Rule 11c), so that a correct eu-mdr gives it.
 */
const DOC = 'MDCG 2025-6';
const AIA = 'eu-ai-act';
const base = p({ intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['medical_image'], modelType: 'deep_learning', learningMode: 'locked', interactsWithPersons: false, generatesSyntheticContent: false });
const CLASS_I = p({ ...base, medicalPurpose: 'disability_compensation', significance: 'inform', situations: ['non_serious'], worstCaseHarm: 'minor', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['speech_audio'] });
const CLASS_IIA = p({ ...base, medicalPurpose: 'diagnosis', significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor' });
const CLASS_IIB = p({ ...base, medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['serious'], worstCaseHarm: 'serious_deterioration_or_surgery' });
const CLASS_III = p({ ...base, medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', intendedUsers: ['specialist_physician'] });

const rows: GoldenRow[] = [
  {
    doc: DOC, section: 'Q2, Table 1 row "MDR Class I (non-sterile, non-measuring, non-reusable surgical)"',
    example: 'MDAI of MDR class I: no notified body involved, AI Act Art 6(1) conditions not fulfilled',
    profile: CLASS_I,
    expect: [{ framework: 'eu-mdr', class: 'I' }, { framework: AIA, class: 'minimal', disposition: 'determined', rule: 'aia.note.mdr_class_i_not_high_risk' }],
    note: 'class I software for compensation of a disability (Rule 11c); nothing else reaches an AI Act tier',
  },
  {
    doc: DOC, section: 'Q2, Table 1 row "MDR Class IIa, IIb, III" (IIa)',
    example: 'MDAI of MDR class IIa: notified body involved, high-risk AI system under Art 6(1)',
    profile: CLASS_IIA,
    expect: [{ framework: 'eu-mdr', class: 'IIa' }, { framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.art6_1.mdr_notified_body' }],
  },
  {
    doc: DOC, section: 'Q2, Table 1 row "MDR Class IIa, IIb, III" (IIb)',
    example: 'MDAI of MDR class IIb: notified body involved, high-risk AI system under Art 6(1)',
    profile: CLASS_IIB,
    expect: [{ framework: 'eu-mdr', class: 'IIb' }, { framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.art6_1.mdr_notified_body' }],
  },
  {
    doc: DOC, section: 'Q2, Table 1 row "MDR Class IIa, IIb, III" (III)',
    example: 'MDAI of MDR class III: notified body involved, high-risk AI system under Art 6(1)',
    profile: CLASS_III,
    expect: [{ framework: 'eu-mdr', class: 'III' }, { framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.art6_1.mdr_notified_body' }],
  },
  {
    doc: DOC, section: 'Q4 (Art 50 does not depend on the MDR class), class I',
    example: 'class I MDAI that talks to patients: the Art 50 transparency duty applies whatever the MDR class',
    profile: { ...CLASS_I, modelType: 'generative', interactsWithPersons: true },
    expect: [{ framework: AIA, class: 'limited', disposition: 'determined', rule: 'aia.art50.1_interaction' }],
  },
  {
    doc: DOC, section: 'Q4 (Art 50 does not depend on the MDR class), class III',
    example: 'class III MDAI that talks to clinicians: high-risk through Art 6(1) and the Art 50(1) duty as well',
    profile: { ...CLASS_III, modelType: 'generative', interactsWithPersons: true },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.art50.1_interaction' }],
  },
  {
    doc: DOC, section: 'Q4 (Art 5 does not depend on the MDR class)',
    example: 'class IIa MDAI deploying manipulative techniques: the Art 5 prohibition applies whatever the MDR class',
    profile: { ...CLASS_IIA, useContexts: ['manipulative_techniques'] },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1a_manipulative_techniques' }],
  },
];

export const table: GoldenTable = {
  doc: DOC,
  rows,
  inexpressible: [
    { doc: DOC, section: 'Q2, Table 1 row "MDR Class I (sterile, measuring, reusable surgical)"', example: 'class I MDAI with a measuring function: notified body involved, high-risk', why: 'the vocabulary cannot say that software has a measuring function (MDR Art 52(7)); such class I software is answered as not high-risk with a note asking a reviewer to check' },
    { doc: DOC, section: 'Q2, Table 1 row "MDR Annex XVI"; Q3', example: 'Annex XVI products (no medical purpose) containing AI: high-risk when a notified body is involved', why: 'no field for Annex XVI product groups' },
    { doc: DOC, section: 'Q2, Table 1 rows "IVDR Class A / B, C, D"', example: 'IVD software classes and the AI Act', why: 'no IVDR framework in the service; the eu-mdr pack classifies under the MDR only' },
    { doc: DOC, section: 'Q2, Table 1 row "In-house device according to Art. 5(5)"', example: 'health-institution in-house devices: no notified body, not high-risk', why: 'no field for in-house manufacture by a health institution' },
  ],
};
