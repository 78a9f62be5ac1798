import type { Expectation, GoldenRow, GoldenTable, Inexpressible } from './types';

/**
 * FDA "Changes to Existing Medical Software Policies Resulting from Section 3060 of the 21st
 * Century Cures Act" (27 Sep 2019; shared/domain/sources/fda-cures-3060-guidance.md): the examples
 * of §IV.A–D (laboratory information systems, general wellness, EHR and PHR functions, Non-Device
 * MDDS and the alarms, alerts and flags that are not excluded).
 */
const DOC = 'FDA Cures §3060 guidance 2019';
type P = GoldenRow['profile'];

const row = (section: string, example: string, profile: P, expect: GoldenRow['expect'], note?: string): GoldenRow => ({
  doc: DOC, section, example, profile: { jurisdictions: ['US'], ...profile }, expect, ...(note ? { note } : {}),
});
const nd = (rule: string): Expectation[] => [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule }];
const mdds = (inputs: P['inputs'], users: P['intendedUsers'] = ['physician']): P =>
  ({ medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });

const rows: GoldenRow[] = [
  row('§IV.A', 'LIS/LIMS functions for administrative support of laboratories', { medicalPurpose: 'administrative', intendedUsers: ['administrator', 'other_hcp'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'rule_based' }, nd('fda.exclusion.a_administrative')),
  row('§IV.A', 'LIS/LIMS functions transferring, storing, converting or displaying clinical laboratory test data and results', mdds(['ivd_signal'], ['other_hcp']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.A', 'LIS function that analyses device data to give a notification or flag (a parameter out of range): remains a device', { medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['other_hcp', 'physician'], autonomy: 'triage_notification', inputs: ['ivd_signal'], modelType: 'rule_based' }, [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule: 'fda.cds.c1_fails' }], 'the guidance names no class'),
  row('§IV.B.1', 'mobile app that plays music to "soothe and relax" and "manage stress" (General Wellness Example 1): not a device', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], modelType: 'rule_based' }, nd('fda.exclusion.b_wellness')),
  row('§IV.B.1', 'app solely monitoring and recording daily energy expenditure and cardiovascular workouts (General Wellness Example 2): not a device', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['activity'], modelType: 'rule_based' }, nd('fda.exclusion.b_wellness')),
  row('§IV.B.1', 'app monitoring food consumption for weight management with alerts of unhealthy dietary activity (General Wellness Example 3): not a device', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], modelType: 'rule_based' }, nd('fda.exclusion.b_wellness')),
  row('§IV.B.2', 'apps to log, record, track, evaluate or suggest behaviour for general fitness, health or wellness (moved from Appendix B to A of the policy)', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported', 'wearable_sensor'], sensorMeasures: ['activity'], modelType: 'rule_based' }, nd('fda.exclusion.b_wellness')),
  row('§IV.C', 'functions giving individuals access to view, transfer or download their data in a certified EHR', { medicalPurpose: 'documentation', dataAction: 'store_transfer_display', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'rule_based' }, nd('fda.exclusion.c_records')),
  row('§IV.C', 'simple tools for patients with chronic disease to record events or measurements and share them with their provider', mdds(['discrete_vitals', 'patient_reported'], ['patient']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.C', 'videoconferencing portals specifically intended for medical use between patients, providers and caregivers', mdds(['video'], ['patient', 'physician', 'caregiver']), nd('fda.exclusion.d_transfer_display'), 'purpose declared "monitoring" (no communication purpose in the vocabulary)'),
  row('§IV.C', 'camera photos of skin lesions or wounds to supplement a consultation: "remains a device function under enforcement discretion"', mdds(['camera_photo'], ['patient', 'physician']), [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', rule: 'fda.discretion.photo_communication' }]),
  row('§IV.D', 'Non-Device-MDDS: collects a ventilator\'s CO2 output and transmits it to a central repository', mdds(['physiological_waveform'], ['nurse']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.D', 'Non-Device-MDDS: stores historical blood pressure for later review by a provider', mdds(['discrete_vitals']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.D', 'Non-Device-MDDS: converts pulse oximeter data into a printable format', mdds(['physiological_waveform']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.D', 'Non-Device-MDDS: displays a previously stored electrocardiogram for a patient', mdds(['physiological_waveform']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.D', 'software solely transferring, storing, converting or displaying medical images, waveforms, signals, whether or not for immediate clinical action', mdds(['medical_image', 'physiological_waveform'], ['specialist_physician', 'nurse']), nd('fda.exclusion.d_transfer_display')),
  row('§IV.D', 'prioritises patients in an intensive care unit by clinical status: interprets device data, not excluded by (D)', { medicalPurpose: 'triage', significance: 'drive', situations: ['critical'], intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['physiological_waveform', 'discrete_vitals'], timeCritical: true }, [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule: 'fda.cds.c1_fails' }], 'the guidance names no class'),
];

const inexpressible: Inexpressible[] = [
  { doc: DOC, section: '§IV.B.1', example: 'hardware with general wellness uses stays a device where it meets §201(h); FDA applies the General Wellness guidance', why: 'a profile describes a software function; hardware is outside the vocabulary' },
  { doc: DOC, section: '§IV.D', example: 'MDDS hardware (modems, interfaces) and specialised medical displays remain devices', why: 'hardware, not a software function' },
  { doc: DOC, section: '§IV.C', example: 'EHR functions are excluded only if certified under the ONC Health IT Certification Program (FDA does not enforce where only certification is missing)', why: 'the vocabulary has no field for ONC certification' },
];

export const table: GoldenTable = { doc: DOC, rows, inexpressible };
