import type { Expectation, GoldenRow, GoldenTable, Inexpressible } from './types';

/**
 * MDCG 2021-24 (October 2021), shared/domain/sources/mdcg-2021-24-software-rules.md: the examples of §4.2
 * Rules 9–13, 15 and 22 that concern software. Hardware-only examples (condoms, lasers, infusion pumps …)
 * are not software and are not listed; hardware examples the guidance applies to software through
 * implementing rule 3.3 are listed as inexpressible.
 */
const DOC = 'MDCG 2021-24';
const MDR = 'eu-mdr';

const cls = (c: string, rule: string): Expectation[] => [{ framework: MDR, class: c, disposition: 'determined', rule }];
type P = GoldenRow['profile'];
const row = (section: string, example: string, profile: P, expect: Expectation[], note?: string): GoldenRow =>
  ({ doc: DOC, section, example, profile, expect, ...(note ? { note } : {}) });
const hw = (section: string, example: string, why: string): Inexpressible => ({ doc: DOC, section, example, why });

const closedLoop = { autonomy: 'autonomous' as const, medicalPurpose: 'treatment' as const, closedLoop: true, drivesDevice: true };

export const table: GoldenTable = {
  doc: DOC,
  rows: [
    // Rule 11, general explanation.
    row('Rule 11 general explanation', 'software analogous to a diary recording insulin doses is not a device', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based' },
      [{ framework: MDR, class: 'not_mdsw', rule: 'mdr.qualification.step3_no_action_on_data' }],
      'recording only: a diary is a record (documentation) and performs no action beyond storage'),
    row('Rule 11 general explanation', 'the insulin diary is a device once an analysis is performed on the data or it alters the treatment or doses', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'treatment' },
      [{ framework: MDR, rule: 'mdr.qualification.mdsw' }]),
    // Rule 11 table of examples.
    row('Rule 11 table, 11a IIa', 'ranks all available chemotherapy options for BRCA-positive individuals for a professional', { intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['ehr_structured', 'medical_image'], medicalPurpose: 'treatment', significance: 'inform', situations: ['critical'] }, cls('IIa', 'mdr.rule11a.mdcg_annex_iv_iia'),
      'inform × critical (cancer), as MDCG 2019-11 Annex IV reads the same example (IMDRF II.i)'),
    row('Rule 11 table, 11a IIa', 'cognitive therapy where a specialist determines the therapy from the outcome of the MDSW', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['patient_reported'], medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], closedLoop: false }, cls('IIa', 'mdr.rule11a.mdcg_annex_iv_iia'),
      'drive × serious, as MDCG 2019-11 Annex IV reads the same example (IMDRF II.ii)'),
    row('Rule 11 table, 11a III', 'diagnosis by image analysis for treatment decisions in patients with acute stroke', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'] }, cls('III', 'mdr.rule11a.mdcg_annex_iv_iii')),
    row('Rule 11 table, 11a IIb', 'mobile app analysing a user\'s heartbeat, detecting abnormalities and informing a physician', { intendedUsers: ['patient', 'physician'], autonomy: 'triage_notification', inputs: ['wearable_sensor'], medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'] }, cls('IIb', 'mdr.rule11a.mdcg_annex_iv_iib'),
      'drive × critical, as MDCG 2019-11 Annex IV reads the same example (IMDRF III.i)'),
    row('Rule 11 table, 11a IIb', 'diagnosing depression from a score of inputted symptoms (anxiety, sleep patterns, stress)', { intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['serious'] }, cls('IIb', 'mdr.rule11a.mdcg_annex_iv_iib'),
      'diagnose × serious, as MDCG 2019-11 Annex IV reads the same example (IMDRF III.ii)'),
    row('Rule 11 table, 11b IIa', 'MDSW monitoring physiological processes that are not considered vital', { intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['wearable_sensor'], medicalPurpose: 'monitoring', monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } }, cls('IIa', 'mdr.rule11b.physiological_processes')),
    row('Rule 11 table, 11b IIa', 'readings of vital physiological signals in routine check-ups including monitoring at home', { intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring', monitoring: { physiological: true, vitalParameters: true, immediateDanger: false } }, cls('IIa', 'mdr.rule11b.physiological_processes')),
    row('Rule 11 table, 11b IIb', 'continuous surveillance of vital physiological processes in anaesthesia, intensive care or emergency care', { intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['physiological_waveform'], medicalPurpose: 'monitoring', situations: ['critical'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } }, cls('IIb', 'mdr.rule11b.vital_parameters_immediate_danger'),
      'immediate danger: Rule 10 Note 3 of the same guidance ties continuous surveillance in these settings to it'),
    row('Rule 11 table, 11c I', 'app supporting conception: fertility status from basal body temperature and menstruation days, red/green/yellow', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'conception' }, cls('I', 'mdr.rule11c.other_medical_purpose')),
    // Rule 15.
    row('Rule 15 table, IIb', 'fertility monitors and MDSW intended to be used in contraception (e.g. by basal body temperature)', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported', 'wearable_sensor'], medicalPurpose: 'contraception' }, cls('IIb', 'mdr.rule15.contraception')),
    row('Rule 15 general explanation', 'devices for fertility monitoring or testing to facilitate conception (not used in contraception) are not covered by Rule 15', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported', 'wearable_sensor'], medicalPurpose: 'conception' }, cls('I', 'mdr.rule11c.other_medical_purpose'),
      'not Rule 15; as software, Rule 11c (MDCG 2019-11 Annex IV, the same guidance\'s Rule 11 table)'),
    // Rule 22.
    row('Rule 22 table', 'automated closed-loop insulin delivery system', { ...closedLoop, intendedUsers: ['patient'], inputs: ['wearable_sensor'] }, cls('III', 'mdr.rule22.closed_loop')),
    row('Rule 22 table', 'automated external infusion pumps with integrated sensors to adapt the infusion therapy', { ...closedLoop, intendedUsers: ['nurse'], inputs: ['physiological_waveform'] }, cls('III', 'mdr.rule22.closed_loop')),
    row('Rule 22 table', 'closed-loop systems for deep brain stimulation', { ...closedLoop, intendedUsers: ['specialist_physician', 'patient'], inputs: ['physiological_waveform'] }, cls('III', 'mdr.rule22.closed_loop')),
    row('Rule 22 table', 'closed-loop dynamic neurochemical control, e.g. target-controlled anaesthesia or infusion systems', { ...closedLoop, intendedUsers: ['specialist_physician'], inputs: ['physiological_waveform'] }, cls('III', 'mdr.rule22.closed_loop')),
    row('Rule 22 table', 'automated external defibrillators (and semi-automatic ones): rhythm analysis determining the shock', { ...closedLoop, intendedUsers: ['caregiver', 'other_hcp'], inputs: ['physiological_waveform'], situations: ['critical'] }, cls('III', 'mdr.rule22.closed_loop'),
      'Note 1: the diagnostic function (electrodes, feedback) continuously adjusts the therapy'),
  ],
  inexpressible: [
    hw('Rule 9 table, IIb', 'external feedback systems for active therapeutic devices', 'Rule 9 classifies software controlling or monitoring a class IIb active therapeutic device by that device; the vocabulary cannot state the driven device or its class'),
    hw('Rule 9 table, III', 'programming units, pacing system analysers, programmers for IPG/ICD/loop recorders, remote monitoring of active implantable devices', 'Rule 9 fourth indent (control or monitoring of active implantable devices → III): the vocabulary cannot say that the driven or monitored device is an active implantable'),
    hw('Rule 9 table, IIb', 'devices controlling or monitoring sources of ionizing radiation for therapy', 'the vocabulary cannot say that the driven device emits ionizing radiation (Rule 9 third indent)'),
    hw('Rule 10 table and Notes 2–3', 'electrocardiographs, EEG, electronic thermometers, stethoscopes, BP equipment (IIa); apnoea and patient monitors (IIb)', 'Rule 10 classifies active diagnostic hardware (energy, direct diagnosis); the vocabulary describes software only (its software counterpart is Rule 11b, rows above)'),
    hw('Rule 12 table', 'infusion pumps, ventilators, anaesthesia machines, dialysis equipment (IIb); feeding and suction pumps (IIa)', 'software driving them takes their class (implementing rule 3.3; MDCG 2019-11 §4.2.2), which the vocabulary cannot state'),
    hw('Rule 22 table', 'devices in brain-computer interfaces for motor control in severely paralysed patients', 'the vocabulary cannot say whether decoding neural signals to drive a device is a diagnostic function that determines patient management (closedLoop speaks of adapting therapy)'),
  ],
};
