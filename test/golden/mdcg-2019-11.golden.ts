import type { Expectation, GoldenRow, GoldenTable, Inexpressible } from './types';

/**
 * MDCG 2019-11 Rev.1 (June 2025), shared/domain/sources/mdcg-2019-11-rev1-2025.md: the qualification examples
 * of §3.1–§3.3, §6, §7, Annex I and Annex II (MDSW or not) and the classification examples of §4.1, §4.2.1,
 * §4.2.4 and Annex IV. Where an example says only that the software qualifies as MDSW, the row asserts that
 * qualification (mdr.qualification.mdsw, or the driven device's review where it drives one) and no class.
 * Software that only stores, transfers or displays, or computes by fixed formulas, is read as rule-based
 * (modelType), since such an example describes no learned model.
 */
const DOC = 'MDCG 2019-11 Rev.1';
const MDR = 'eu-mdr';

const notMdsw = (rule?: string): Expectation[] => [{ framework: MDR, class: 'not_mdsw', disposition: 'determined', ...(rule ? { rule } : {}) }];
const mdsw: Expectation[] = [{ framework: MDR, rule: 'mdr.qualification.mdsw' }];
const cls = (c: string, rule: string): Expectation[] => [{ framework: MDR, class: c, disposition: 'determined', rule }];

type P = GoldenRow['profile'];
const row = (section: string, example: string, profile: P, expect: Expectation[], note?: string): GoldenRow =>
  ({ doc: DOC, section, example, profile, expect, ...(note ? { note } : {}) });
const ivd = (section: string, example: string): Inexpressible =>
  ({ doc: DOC, section, example, why: 'an in vitro diagnostic (IVDR) example: this service classifies under the MDR only, and the vocabulary has no IVDR classes or rules' });

// Frequent shapes.
const office = { intendedUsers: ['administrator' as const], autonomy: 'advisory' as const, inputs: ['ehr_structured' as const] };
const hcp = { intendedUsers: ['physician' as const], autonomy: 'advisory' as const };

export const table: GoldenTable = {
  doc: DOC,
  rows: [
    // §3.1: software only intended for non-medical purposes, simple search, and software that processes medical information.
    row('§3.1 non-medical software', 'invoicing', { ...office, medicalPurpose: 'administrative' }, notMdsw('mdr.qualification.non_mdsw_administrative')),
    row('§3.1 non-medical software', 'staff planning', { ...office, medicalPurpose: 'administrative' }, notMdsw('mdr.qualification.non_mdsw_administrative')),
    row('§3.1 non-medical software', 'e-mailing', { ...office, medicalPurpose: 'none', dataAction: 'store_transfer_display', inputs: ['clinical_text'] }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('§3.1 non-medical software', 'web or voice messaging', { ...office, medicalPurpose: 'none', dataAction: 'store_transfer_display', inputs: ['speech_audio'] }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('§3.1 non-medical software', 'data parsing', { ...office, medicalPurpose: 'none' }, notMdsw('mdr.qualification.step5_no_medical_purpose')),
    row('§3.1 non-medical software', 'word processing', { ...office, medicalPurpose: 'none', inputs: ['clinical_text'] }, notMdsw('mdr.qualification.step5_no_medical_purpose')),
    row('§3.1 non-medical software', 'back-up', { ...office, medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('§3.1 non-medical software', 'wellness or fitness apps', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], medicalPurpose: 'wellness' }, notMdsw('mdr.qualification.non_mdsw_wellness')),
    row('§3.1 simple search', '"simple search": retrieval of records by matching metadata (e.g. library functions)', { ...hcp, inputs: ['clinical_text'], medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('§3.1', 'altering the representation of data for embellishment/cosmetic or compatibility purposes does not readily qualify', { ...hcp, inputs: ['medical_image'], medicalPurpose: 'none' }, notMdsw('mdr.qualification.step5_no_medical_purpose'),
      'a cosmetic or compatibility change of representation: no medical purpose of its own'),
    row('§3.1', 'search performed with NLP that contributes to achieving a medical purpose is not simple search', { ...hcp, inputs: ['clinical_text'], medicalPurpose: 'diagnosis' }, mdsw),
    row('§3.1', 'software which searches medical images for findings that support a clinical hypothesis as to the diagnosis', { ...hcp, autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis' }, mdsw),
    row('§3.1', 'locally amplifies contrast, edge enhancement, grey-scale manipulation so that it serves as decision support', { ...hcp, autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis' }, mdsw),

    // §3.2 Note 1: independent MDSW.
    row('§3.2 Note 1', 'smartwatch app sending alarm notifications to the user and/or practitioner when it recognises irregular heartbeats (arrhythmia)', { intendedUsers: ['patient', 'physician'], autonomy: 'triage_notification', inputs: ['wearable_sensor'], medicalPurpose: 'diagnosis' }, mdsw),
    row('§3.2 Note 1', 'alleviates eating-disorder behaviours via personalised psycho-educational interactive and VR workshops reacting to patient inputs', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 1', 'treats children with dyslexia by improving visio-orthographic analysis of written words', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment', populations: ['pediatric'] }, mdsw),
    row('§3.2 Note 1', 'aids treatment of schizophrenia: patients monitor symptoms and receive personalised interventions from daily surveys', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 1', 'recommends personalised rehabilitation exercises from X-rays, range of motion, weight, age to alleviate musculoskeletal pain', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['medical_image', 'patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 1', 'VR headset software creating an avatar of an amputated limb to alleviate phantom-limb phenomena', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['wearable_sensor'], medicalPurpose: 'treatment' }, mdsw),

    // §3.2 Note 2: a medical purpose of its own and driving or influencing a device.
    row('§3.2 Note 2', 'measures and transmits blood glucose, calculates the insulin dose and drives the insulin pump (closed-loop insulin delivery)', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['wearable_sensor'], medicalPurpose: 'treatment', drivesDevice: true, closedLoop: true }, mdsw),
    row('§3.2 Note 2', 'monitors inhaler adherence from a sensor in the inhaler, informs on the inhaled dose and recommends treatment-plan adjustments', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], medicalPurpose: 'treatment', drivesDevice: true }, mdsw),
    row('§3.2 Note 2', 'MDAI with a CT scanner auto-contouring cancer lesions vs healthy tissue in radiotherapy simulation', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'treatment', drivesDevice: true }, mdsw),
    row('§3.2 Note 2', 'viewing and analysis of data from a maternal/foetal ECG monitor, adding indicators relevant to patient condition or management', { ...hcp, inputs: ['physiological_waveform'], medicalPurpose: 'monitoring', drivesDevice: true }, mdsw),
    row('§3.2 Note 2', 'self-monitoring of blood pressure: controls the BP measurement device, collects, analyses and interprets measurements', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring', drivesDevice: true }, mdsw),

    // §3.2 Note 3 and Note 4.
    row('§3.2 Note 3', 'therapy for PTSD by virtual-reality exposure, the therapist configuring the environment', { intendedUsers: ['patient', 'other_hcp'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 3', 'adds image recognition to a CT, X-ray, ultrasound, endoscope or MRI device to highlight potentially malignant lesions', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis' }, mdsw),
    row('§3.2 Note 3', 'extension adding dementia detection to a non-medical voice-recording system', { ...hcp, inputs: ['speech_audio'], medicalPurpose: 'screening' }, mdsw),
    row('§3.2 Note 4', 'insulin dose recommendations to a patient, whatever the delivery method', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 4', 'assesses, monitors and manages depression with mood questionnaires and individually chosen exercises and videos', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('§3.2 Note 4', 'integrated in an EHR: analyses patient data to give therapy recommendations and adverse drug-interaction alerts to professionals', { ...hcp, inputs: ['ehr_structured'], medicalPurpose: 'treatment' }, mdsw),

    // §4.1 implementing rules 3.3 and 3.5; §4.2.1 and §4.2.4.
    row('§4.1 implementing rules 3.3 and 3.5', 'melanoma image analysis driving a near-infrared laser scanner (IIa, Rule 10): Rule 11 for cancer diagnosis → III', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], drivesDevice: true }, cls('III', 'mdr.rule11a.mdcg_annex_iv_iii'),
      'diagnosis of cancer: significance "diagnose"; cancer is "a critical disease" in the guidance\'s own words (Annex IV, chemotherapy example)'),
    row('§4.2.1 sub-rule 11a', 'device preventing the risk of illness by analysing physiological parameters (placement of dorsal vertebrae, arterial stiffness) → IIa', { ...hcp, inputs: ['physiological_waveform'], medicalPurpose: 'screening' }, [{ framework: MDR, provisionalClass: 'IIa', disposition: 'requires_review', rule: 'mdr.review.significance_missing' }],
      'the example states IIa but neither significance nor situation: the service proposes IIa and asks for them'),
    row('§4.2.4 Rule 15', 'software used for contraception → IIb', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'contraception' }, cls('IIb', 'mdr.rule15.contraception')),

    // §6 and §7.
    row('§6.1 option 1', 'app providing a 10-year risk of cardiovascular disease from data input by a lay user', { intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], medicalPurpose: 'prognosis' }, mdsw),
    row('§6.2 option 2', 'part of a pulse oximeter: filters noise, computes the red/infrared ratio and converts it to SpO2 by a Beer-Lambert lookup table', { ...hcp, autonomy: 'autonomous', inputs: ['physiological_waveform'], medicalPurpose: 'monitoring', dataAction: 'fixed_calculation', modelType: 'rule_based', drivesDevice: true }, mdsw),
    row('§7 modules', 'collect and maintain administrative patient data (non-MDSW)', { ...office, medicalPurpose: 'administrative' }, notMdsw()),
    row('§7 modules', 'store patient medical history (non-MDSW)', { ...office, medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('§7 modules', 'invoicing and other accounting functions (non-MDSW)', { ...office, medicalPurpose: 'administrative' }, notMdsw()),
    row('§7 modules', 'connect to the social security system for reimbursement (non-MDSW)', { ...office, medicalPurpose: 'administrative', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('§7 modules', 'link to drug prescription and dispensing systems (non-MDSW)', { ...office, medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('§7 modules', 'expert assistance for clinical decision-making, e.g. radiotherapy dose planning (MDSW)', { ...hcp, inputs: ['medical_image'], medicalPurpose: 'treatment' }, mdsw),

    // Annex I: illustrative qualification examples.
    row('Annex I a)', 'hospital information system: admission, appointments, insurance and billing', { ...office, medicalPurpose: 'administrative' }, notMdsw('mdr.qualification.non_mdsw_administrative')),
    row('Annex I b)', 'decision support combining medical knowledge with patient-specific data to recommend diagnosis, prognosis, monitoring, treatment', { ...hcp, inputs: ['ehr_structured'], medicalPurpose: 'diagnosis' }, mdsw),
    row('Annex I b)', 'radiotherapy treatment planning: calculates the dose of ionizing irradiation for a patient, directly influencing the source', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based', drivesDevice: true }, mdsw),
    row('Annex I b)', 'drug planning (chemotherapy): calculates the drug dosage for a patient', { intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['ehr_structured'], medicalPurpose: 'treatment', dataAction: 'fixed_calculation', modelType: 'rule_based' }, mdsw),
    row('Annex I b)', 'computer-aided detection automatically analysing X-ray images', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis' }, mdsw),
    row('Annex I b)', 'computer-aided detection interpreting ECGs', { ...hcp, autonomy: 'assistive', inputs: ['physiological_waveform'], medicalPurpose: 'diagnosis' }, mdsw),
    row('Annex I c)', 'information system only transferring, storing, converting, formatting, archiving data', { ...hcp, inputs: ['ehr_structured'], medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('Annex I c.1)', 'EHR system used solely to replace paper-based patient files', { ...hcp, inputs: ['ehr_structured'], medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('Annex I c.1)', 'EHR module to view and analyse CT/MRI images with measurement overlays or automated anomaly detection', { ...hcp, autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis' }, mdsw),
    row('Annex I c.1)', 'EHR module analysing ECG data from devices, flagging arrhythmia or interpreting ECG readings', { ...hcp, autonomy: 'assistive', inputs: ['physiological_waveform'], medicalPurpose: 'diagnosis' }, mdsw),
    row('Annex I c.1)', 'EHR module suggesting dosage adjustments or flagging drug interactions for patients with kidney impairment', { ...hcp, inputs: ['ehr_structured'], medicalPurpose: 'treatment' }, mdsw),
    row('Annex I c.1.1)', 'CIS/PDMS storing and transferring intensive-care patient information', { intendedUsers: ['nurse', 'physician'], autonomy: 'advisory', inputs: ['discrete_vitals', 'ehr_structured'], medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('Annex I c.1.1)', 'CIS/PDMS module providing information that contributes to diagnosis, therapy and follow-up (e.g. generating alarms)', { intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring' }, mdsw),
    row('Annex I c.1.2)', 'pre-hospital ECG system storing and transferring patient information from the ambulance to a remote doctor', { intendedUsers: ['other_hcp', 'physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], medicalPurpose: 'documentation', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw()),
    row('Annex I c.1.2)', 'pre-hospital module creating new treatment information for paramedics or the remote doctor to start treatment in transport', { intendedUsers: ['other_hcp', 'physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], medicalPurpose: 'treatment' }, mdsw),
    row('Annex I d)', 'communication systems (e-mail, mobile telecommunication, video, paging, speech-to-text) transferring information', { ...hcp, inputs: ['speech_audio', 'clinical_text'], medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('Annex I d)', 'module generating alarms based on monitoring and analysis of patient-specific physiological parameters', { intendedUsers: ['nurse'], autonomy: 'triage_notification', inputs: ['physiological_waveform'], medicalPurpose: 'monitoring' }, mdsw),
    row('Annex I d.1)', 'telemedicine that solely transfers and displays information for monitoring without interpreting data', { intendedUsers: ['physician', 'patient'], autonomy: 'advisory', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('Annex I d.1)', 'telemedicine module raising threshold alerts for a medical purpose', { intendedUsers: ['physician'], autonomy: 'triage_notification', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring', dataAction: 'fixed_calculation', modelType: 'rule_based' }, mdsw),
    row('Annex I d.1)', 'telemedicine delivering therapy by driving a medical device (remote pump activation)', { intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], medicalPurpose: 'treatment', drivesDevice: true }, mdsw),
    row('Annex I d.1)', 'telemedicine able to directly treat patients (VR therapy)', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment' }, mdsw),
    row('Annex I d.1.1)', 'remote control software used with telesurgery robots: drives or influences the use of a medical device', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['video'], medicalPurpose: 'none', drivesDevice: true }, [{ framework: MDR, class: null, disposition: 'requires_review', rule: 'mdr.review.drives_device' }],
      'covered as part of the robot it drives (step 2); its class is the robot\'s, which the profile cannot state'),
    row('Annex I d.1.1)', 'telesurgery communication modules', { intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['video'], medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('Annex I d.1.1)', 'other telesurgery modules intended to influence the surgery procedure', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['video'], medicalPurpose: 'treatment' }, mdsw),
    row('Annex I e)', 'web system monitoring the medical performance of active implants (pacemakers, ICDs)', { ...hcp, inputs: ['physiological_waveform'], medicalPurpose: 'monitoring' }, mdsw),
    row('Annex I e)', 'monitoring of medical devices in hospital systems for maintenance and repair', { ...office, medicalPurpose: 'administrative' }, notMdsw('mdr.qualification.non_mdsw_administrative')),
    row('Annex I f.1)', 'laboratory information system / work area manager: ordering, sorting, distribution of samples, reporting', { intendedUsers: ['other_hcp'], autonomy: 'advisory', inputs: ['ehr_structured'], medicalPurpose: 'administrative' }, notMdsw()),
    row('Annex I f.4)', 'home-care software archiving or transferring IVD results from home to the healthcare provider', { intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['ivd_signal'], medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),
    row('Annex I f.5)', 'image management system only viewing, archiving and transmitting digital pathology images', { intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['medical_image'], medicalPurpose: 'none', dataAction: 'store_transfer_display', modelType: 'rule_based' }, notMdsw('mdr.qualification.step3_no_action_on_data')),

    // Annex II.
    row('Annex II Figure 1 example 1', 'module on an IVD instrument tracking laboratory operational metrics (volumes, turnaround, QC): not for individual patients', { intendedUsers: ['administrator'], autonomy: 'advisory', inputs: ['ehr_structured'], medicalPurpose: 'administrative', individualPatient: false }, notMdsw('mdr.qualification.step4_not_individual_patient')),
    row('Annex II Figure 2 example 2', 'risk score from respiratory rate, heart rate, blood pressure, SpO2 triggering care processes to reduce ICU transfers and readmissions (MD MDSW)', { intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['discrete_vitals'], medicalPurpose: 'prognosis' }, mdsw),

    // Annex IV: classification examples.
    row('Annex IV example 1', 'image analysis for treatment decisions in acute stroke → III, Rule 11(a), IMDRF IV.i', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'] }, cls('III', 'mdr.rule11a.mdcg_annex_iv_iii')),
    row('Annex IV example 2', 'cognitive therapy with a diagnostic function feeding back to determine follow-up therapy (adapts depression treatment) → III, Rule 22', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'treatment', situations: ['serious'], closedLoop: true }, cls('III', 'mdr.rule22.closed_loop')),
    row('Annex IV example 2', 'the same cognitive therapy where a specialist determines the therapy from the output → IIa, Rule 11(a), IMDRF II.ii', { intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['patient_reported'], medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], closedLoop: false }, cls('IIa', 'mdr.rule11a.mdcg_annex_iv_iia')),
    row('Annex IV example 3', 'continuous surveillance of vital physiological processes in anaesthesia, intensive or emergency care → IIb, Rule 11(b)', { intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['physiological_waveform'], medicalPurpose: 'monitoring', situations: ['critical'], monitoring: { physiological: true, vitalParameters: true, immediateDanger: true } }, cls('IIb', 'mdr.rule11b.vital_parameters_immediate_danger'),
      'immediate danger: MDCG 2021-24 Rule 10 Note 3 ties continuous surveillance in these settings to the immediate-danger indent'),
    row('Annex IV example 4', 'monitoring physiological processes that are not vital → IIa, Rule 11(b)', { ...hcp, inputs: ['wearable_sensor'], medicalPurpose: 'monitoring', monitoring: { physiological: true, vitalParameters: false, immediateDanger: false } }, cls('IIa', 'mdr.rule11b.physiological_processes')),
    row('Annex IV example 4', 'readings of vital physiological signals in routine check-ups including monitoring at home → IIa, Rule 11(b)', { intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], medicalPurpose: 'monitoring', monitoring: { physiological: true, vitalParameters: true, immediateDanger: false } }, cls('IIa', 'mdr.rule11b.physiological_processes')),
    row('Annex IV example 5', 'mobile app analysing a user\'s heartbeat, detecting abnormalities and informing a physician to guide diagnosis → IIb, Rule 11(a), IMDRF III.i', { intendedUsers: ['patient', 'physician'], autonomy: 'triage_notification', inputs: ['wearable_sensor'], medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'] }, cls('IIb', 'mdr.rule11a.mdcg_annex_iv_iib'),
      'III.i: "drives clinical management" in a critical situation, as the example states'),
    row('Annex IV example 6', 'scoring depression from inputted symptoms (mood, anxiety) → IIb, Rule 11(a), IMDRF III.ii', { ...hcp, inputs: ['patient_reported'], medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['serious'] }, cls('IIb', 'mdr.rule11a.mdcg_annex_iv_iib')),
    row('Annex IV example 9', 'ranks all chemotherapy options for BRCA-positive individuals for a professional → IIa, Rule 11(a), IMDRF II.i', { intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['ehr_structured', 'medical_image'], medicalPurpose: 'treatment', significance: 'inform', situations: ['critical'] }, cls('IIa', 'mdr.rule11a.mdcg_annex_iv_iia')),
    row('Annex IV example 10', 'app supporting conception: fertility status from basal body temperature and menstruation days, red/green/yellow → I, Rule 11c', { intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'conception' }, cls('I', 'mdr.rule11c.other_medical_purpose')),
    row('Annex IV example 11', 'app helping persons with a communication disorder talk by converting selected symbols into speech → I, Rule 11c', { intendedUsers: ['patient', 'caregiver'], autonomy: 'autonomous', inputs: ['patient_reported'], medicalPurpose: 'disability_compensation' }, cls('I', 'mdr.rule11c.other_medical_purpose')),
  ],
  inexpressible: [
    ivd('§3.2 Note 1', 'risk of trisomy 21 from maternal age, serum markers and foetal ultrasound'),
    { doc: DOC, section: '§3.2 Note 1', example: 'prostate cancer risk from transrectal ultrasound findings, age and IVD instruments', why: 'MDR or IVDR depends on weighting IVD against device data (Figure 2 step 3), which the vocabulary cannot express' },
    ivd('§3.2 Note 1', 'mass spectrometry software identifying microorganisms and antibiotic resistance'),
    ivd('§3.2 Note 3', 'operating a point-of-care test from a remote location'),
    ivd('§3.2 Note 3', 'extension adding multiplexing to a PCR instrument'),
    ivd('§3.2 Note 4', 'app adding trend analysis and risk assessment to a home-use blood glucose meter'),
    ivd('§3.2 Note 4', 'blood gas analyser software for pH, blood gas, metabolites, electrolytes'),
    ivd('§3.2 Note 4', 'blood glucose reader reading test strips, trends, dose logging, insulin guide for self-test'),
    ivd('§3.3', 'software operating a clinical chemistry analyser'),
    ivd('§3.3', 'built-in electronic controls for IVD quality control'),
    ivd('§3.4', 'interpretation of ELISA optical density, line or spot patterns of a blot'),
    ivd('§5.1', 'software operating a CRP analyser remotely (class A like the analyser)'),
    ivd('§5.1', 'genotype of multiple genes predicting disease risk'),
    ivd('§5.2', 'HbA1c from an ELISA analyser → class C, IVDR Rule 3(k)'),
    ivd('§5.2', 'PAP smear classification → class C, IVDR Rule 3(h)'),
    ivd('§5.2', 'HIV line immunoassay interpretation → class D, IVDR Rule 1'),
    ivd('§5.2', 'trisomy 21 risk → class C, IVDR Rule 3(l)'),
    ivd('§6.1', 'HbA1c MDSW on an ELISA analyser'),
    { doc: DOC, section: '§6.1', example: 'anticoagulant dosage from INR results of IVD instruments and manually entered data', why: 'MDR or IVDR depends on weighting IVD against other data (Figure 2), which the vocabulary cannot express' },
    ivd('§6.1', 'HEp-2 cell image analysis for antinuclear antibody patterns'),
    ivd('§6.2', 'blood gas analyser, POCT glucose and ELISA analyser software as integral parts'),
    { doc: DOC, section: 'Annex I f.1) note', example: 'arithmetic, unit conversion, plotting or user-set limits on IVD results is not an IVD', why: 'the reason (results readable without the software) has no field; the vocabulary would call a medical-purpose calculation MDSW' },
    ivd('Annex I f.1)', 'module assessing test criticality and reprioritising orders from patient data'),
    ivd('Annex I f.2)', 'expert systems: genotype risk, viral resistance profile, microbial identification'),
    ivd('Annex I f.3)', 'interpretation of raw IVD data (ELISA reader, blot patterns)'),
    ivd('Annex I f.5)', 'image management system with post-processing for diagnosis in digital pathology'),
    ivd('Annex II Figure 2 example 3', 'trisomy 21/18 predisposition from IVD assays and ultrasound → IVD MDSW'),
    ivd('Annex II Figure 2 example 4', 'NGS bioinformatics for somatic alterations → IVD MDSW'),
    { doc: DOC, section: 'Annex IV example 7', example: 'ambulatory ventilation MDSW alerting to disconnection or volume deviation → IIb, Rule 9', why: 'Rule 9 classifies the active therapeutic (energy-exchanging) hardware; the vocabulary has no field for the driven device or its rule' },
    { doc: DOC, section: 'Annex IV example 8', example: 'electronic thermometers and stethoscopes with MDSW for direct diagnosis → IIa, Rule 10', why: 'Rule 10 classifies the active diagnostic hardware; the vocabulary describes software only and has no field for the hardware device\'s rule' },
  ],
};
