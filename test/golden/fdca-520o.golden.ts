import type { GoldenRow, GoldenTable, Inexpressible } from './types';

/**
 * FD&C Act §520(o)(1)(A)–(D) (21 U.S.C. 360j(o); shared/domain/sources/fdca-520o.md): every
 * function the statute itself lists as excluded from the device definition, and the exceptions it
 * states ("unless such function is intended to interpret or analyze…").
 */
const DOC = 'FD&C Act §520(o)';
type P = GoldenRow['profile'];

const notDevice = (section: string, example: string, profile: P, rule: string, note?: string): GoldenRow => ({
  doc: DOC, section, example, profile: { jurisdictions: ['US'], ...profile },
  expect: [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule }], ...(note ? { note } : {}),
});
const admin = (example: string, extra: Partial<P> = {}) =>
  notDevice('§520(o)(1)(A)', example, { medicalPurpose: 'administrative', intendedUsers: ['administrator'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'rule_based', ...extra }, 'fda.exclusion.a_administrative');
const population = (example: string) =>
  notDevice('§520(o)(1)(A)', example, { medicalPurpose: 'research', individualPatient: false, intendedUsers: ['administrator', 'researcher'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'classical_ml' }, 'fda.exclusion.a_population');

const rows: GoldenRow[] = [
  admin('processing and maintenance of financial records'),
  admin('claims or billing information'),
  admin('appointment schedules', { intendedUsers: ['administrator', 'patient'] }),
  admin('business analytics', { modelType: 'classical_ml' }),
  population('information about patient populations'),
  admin('admissions'),
  admin('practice and inventory management'),
  admin('analysis of historical claims data to predict future utilization or cost-effectiveness', { modelType: 'classical_ml' }),
  admin('determination of health benefit eligibility'),
  population('population health management'),
  admin('laboratory workflow', { intendedUsers: ['administrator', 'other_hcp'] }),
  notDevice('§520(o)(1)(B)', 'maintaining or encouraging a healthy lifestyle, unrelated to the diagnosis, cure, mitigation, prevention or treatment of a disease', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], modelType: 'rule_based' }, 'fda.exclusion.b_wellness'),
  notDevice('§520(o)(1)(C)', 'electronic patient records (incl. patient-provided information) that transfer, store, convert formats or display the equivalent of a paper chart, created or reviewed by professionals, not interpreting them', { medicalPurpose: 'documentation', dataAction: 'store_transfer_display', intendedUsers: ['physician', 'nurse'], autonomy: 'advisory', inputs: ['ehr_structured', 'clinical_text', 'patient_reported'], modelType: 'rule_based' }, 'fda.exclusion.c_records', 'ONC certification (C)(ii) cannot be declared; the 3060 guidance §IV.C does not enforce where only certification is missing'),
  notDevice('§520(o)(1)(D)', 'transferring, storing, converting formats or displaying clinical laboratory test or other device data and results, without interpreting or analysing them', { medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ivd_signal', 'physiological_waveform', 'medical_image'], modelType: 'rule_based' }, 'fda.exclusion.d_transfer_display'),
  {
    doc: DOC, section: '§520(o)(1)(C)(iii)', example: 'the records exclusion does not cover a function intended to interpret or analyse patient records, incl. medical image data, for diagnosis or treatment',
    profile: { jurisdictions: ['US'], medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured', 'medical_image'] },
    expect: [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule: 'fda.cds.c1_fails' }], note: 'analysing image data: criterion 1 of (E) is not met either; the statute names no class',
  },
  {
    doc: DOC, section: '§520(o)(1)(D), unless', example: 'a function intended to interpret or analyse clinical laboratory test or other device data, results and findings is not excluded',
    profile: { jurisdictions: ['US'], medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['physician'], autonomy: 'triage_notification', inputs: ['ivd_signal'] },
    expect: [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule: 'fda.cds.c1_fails' }],
  },
];

const inexpressible: Inexpressible[] = [
  { doc: DOC, section: '§520(o)(2)', example: 'a product with several functions: the non-device functions are not regulated as a device', why: 'a profile describes one function; multiple-function products are classified function by function' },
  { doc: DOC, section: '§520(o)(3)', example: 'FDA may bring a (C), (D) or (E) function back into the device definition by a final order after a finding of serious adverse health consequences', why: 'no such order is among the primary texts, and the vocabulary has no field for it' },
  { doc: DOC, section: '§520(o)(4)(B)', example: 'software used in the manufacture and transfusion of blood and blood components stays regulated', why: 'the vocabulary cannot say that a function serves blood establishments' },
];

export const table: GoldenTable = { doc: DOC, rows, inexpressible };
