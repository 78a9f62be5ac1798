import type { GoldenRow, GoldenTable, Inexpressible } from './types';
import type { Profile } from '../../src/classification/profile';

/**
 * FDA "Clinical Decision Support Software" guidance (issued 29 Jan 2026, superseding the 6 Jan 2026
 * issue; shared/domain/sources/fda-cds-guidance.md): §IV(1) and §IV(3) examples (enforcement
 * discretion for a single clinically appropriate recommendation, and the "However" variants that
 * remain devices), V.A and V.B (non-device CDS) and V.C (device software functions).
 *
 * V.A examples are non-device CDS "provided that they also meet Criterion 4": their rows declare
 * a reviewable basis and a use that is not time-critical. V.C says "if an example does not include
 * a statement that the function fails a criterion, it can be assumed that the criterion is
 * satisfied": the rows follow that. For a device the row asserts "class II, determined" (the
 * pack's class for a device software function; the guidance names no class) and the criterion
 * the guidance gives as failed, where the vocabulary can carry it.
 */
const DOC = 'FDA CDS guidance 2026';
type P = GoldenRow['profile'];

const row = (section: string, example: string, profile: P, expect: GoldenRow['expect'], note?: string): GoldenRow => ({
  doc: DOC, section, example, profile: { jurisdictions: ['US'], ...profile }, expect, ...(note ? { note } : {}),
});
const notDevice = (section: string, example: string, profile: P, note?: string, rule = 'fda.cds.non_device') =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule }], note);
const discretion = (section: string, example: string, profile: P, note?: string) =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', rule: 'fda.discretion.single_recommendation' }], note);
const device = (section: string, example: string, profile: P, rule: string, note?: string) =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule }], note);

/** HCP-facing, criteria 1–4 met: options for the professional, reviewable basis, not time-critical. */
const cds = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'] = ['ehr_structured'], extra: Partial<Profile> = {}): P =>
  ({ medicalPurpose, significance: 'drive', intendedUsers: ['physician'], autonomy: 'advisory', inputs, timeCritical: false, reviewableBasis: true, ...extra });
/** §IV(3): one clinically appropriate recommendation for the professional to review, revise and finalise. */
const single = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'] = ['ehr_structured'], extra: Partial<Profile> = {}): P =>
  cds(medicalPurpose, inputs, { autonomy: 'assistive', ...extra });
/** V.C: a device function; facts the example states. */
const fn = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'], extra: Partial<Profile> = {}): P =>
  ({ medicalPurpose, significance: 'treat_or_diagnose', intendedUsers: ['physician'], autonomy: 'assistive', inputs, ...extra });
const physiological: Partial<Profile> = { sensorMeasures: ['physiological'] };
const urgent: Partial<Profile> = { timeCritical: true, situations: ['critical'] };

const rows: GoldenRow[] = [
  // §IV(1): not every signal acquisition is a device.
  notDevice('§IV(1)', 'activity monitors measuring physiological parameters not specifically intended or marketed for a medical purpose are not devices', { medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['activity'], modelType: 'rule_based' }, undefined, 'fda.exclusion.b_wellness'),
  notDevice('§IV(1)', 'retinal image analysis for biometric identification, e.g. secure access to a facility', { medicalPurpose: 'none', intendedUsers: ['administrator'], autonomy: 'autonomous', inputs: ['camera_photo'] }, undefined, 'fda.qualification.no_medical_purpose'),
  // §IV(3): single clinically appropriate recommendation → enforcement discretion; the "However" variants remain devices.
  discretion('§IV(3) example 1', 'predicts risk of future cardiovascular events for an HCP from weight, smoking status, blood pressure and BNP test results', single('prognosis', ['ehr_structured', 'discrete_vitals']), 'the BNP result is a discrete test result in the record (§IV(2)), not an IVD signal'),
  device('§IV(3) example 1, however (a)', 'same, but also uses variant genomic data without established relevance', single('prognosis', ['ehr_structured', 'discrete_vitals', 'genomic']), 'fda.cds.c1_fails'),
  device('§IV(3) example 1, however (b)', 'same, but predicts a cardiovascular event in the next 24 hours', single('prognosis', ['ehr_structured', 'discrete_vitals'], { timeCritical: true }), 'fda.cds.c4_fails_time_critical'),
  discretion('§IV(3) example 2', 'recommended treatment plan for patients with cognitive impairment from diagnosis, comorbidities, age, sex and preferences, reviewed, revised and finalised by an HCP', single('treatment')),
  device('§IV(3) example 2, however', 'same, but also analyses PET scan images', single('treatment', ['ehr_structured', 'medical_image']), 'fda.cds.c1_fails'),
  discretion('§IV(3) example 3', 'recommends a specific FDA-approved antibiotic from symptoms, recent hospitalisations and previous antibiotic exposure', single('treatment', ['ehr_structured', 'patient_reported'])),
  device('§IV(3) example 3, however', 'same, but also analyses spectroscopy data to diagnose bacterial infections', single('treatment', ['ehr_structured', 'ivd_signal']), 'fda.cds.c1_fails'),
  discretion('§IV(3) example 4', 'analyses a radiologist\'s clinical findings to draft a report summary with a specific diagnostic recommendation from clinical guidelines, finalised by an HCP', single('diagnosis', ['clinical_text'], { intendedUsers: ['specialist_physician'] })),
  device('§IV(3) example 4, however (a)', 'same, but also analyses the image to generate the findings or make measurements', single('diagnosis', ['clinical_text', 'medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('§IV(3) example 4, however (b)', 'same, but uses information that cannot be verified as from well-understood and accepted sources', single('diagnosis', ['clinical_text'], { intendedUsers: ['specialist_physician'], reviewableBasis: false }), 'fda.cds.c4_fails_basis'),
  discretion('§IV(3) example 5', 'differential diagnosis from symptoms, vital signs and laboratory values, possibly a single diagnosis when alternatives are highly improbable, reviewed and finalised by the HCP', single('diagnosis', ['ehr_structured', 'discrete_vitals', 'patient_reported'])),
  device('§IV(3) example 5, however', 'establishes a definitive diagnosis from medical images, waveform data or other signal-level inputs', fn('diagnosis', ['medical_image', 'physiological_waveform'], { autonomy: 'autonomous' }), 'fda.cds.c1_fails'),
  discretion('§IV(3) example 6', 'classifies chronic low back pain patients into a single recommended care pathway from history, symptom duration and documented findings, acted upon by an HCP', single('treatment', ['ehr_structured', 'clinical_text'])),
  device('§IV(3) example 6, however', 'care pathway recommendations for acute back pain due to trauma or other emergent conditions needing immediate intervention', single('treatment', ['ehr_structured', 'clinical_text'], urgent), 'fda.cds.c4_fails_time_critical'),
  discretion('§IV(3) example 7', 'estimates 90-day and 1-year mortality and complication risk after lung transplantation for pre-transplant planning, reviewed by an HCP', single('prognosis', ['ehr_structured'], { situations: ['critical'] })),
  device('§IV(3) example 7, however (a)', 'predicts intraoperative or in-hospital mortality from near real-time physiologic measurements to guide immediate escalation', single('prognosis', ['physiological_waveform'], urgent), 'fda.cds.c1_fails'),
  device('§IV(3) example 7, however (b)', 'incorporates medical images, genomic data or data not well understood for the use', single('prognosis', ['ehr_structured', 'medical_image', 'genomic']), 'fda.cds.c1_fails'),
  notDevice('§IV(3)', 'analyses an atrial fibrillation diagnosis from a Holter report and gives the HCP a prioritised list of treatment options', cds('treatment', ['clinical_text']), 'the Holter report is an HCP\'s report (medical information, §IV(2)), not the waveform'),

  // V.A: non-device CDS (criterion 4 met).
  notDevice('V.A.1.a', 'groupings of standard order sets, consistent with guidelines, for admission to critical care', cds('treatment', ['ehr_structured'], { situations: ['critical'] })),
  notDevice('V.A.1.b', 'list of diagnostic and treatment order options for adults presenting with pneumonia symptoms', cds('diagnosis', ['ehr_structured', 'patient_reported'])),
  notDevice('V.A.2.a', 'matches patient-specific information to practice guidelines (influenza, hypertension, hypercholesterolaemia)', cds('treatment', ['ehr_structured', 'clinical_text'])),
  notDevice('V.A.2.b', 'matches patient-specific information to peer-reviewed literature', cds('diagnosis', ['ehr_structured', 'clinical_text'])),
  notDevice('V.A.3.a', 'recommendations on the use of a prescription drug consistent with its FDA-approved labelling', cds('treatment')),
  notDevice('V.A.3.b', 'available treatment options for heart failure patients by disease stage and guidelines', cds('treatment')),
  notDevice('V.A.4.a', 'identifies drug-drug interactions and drug-allergy contraindications from labelling and patient information', cds('treatment')),
  notDevice('V.A.4.b', 'HCP enters several drug names and gets known interactions', cds('treatment', ['clinical_text'])),
  notDevice('V.A.4.c', 'drug-disease contraindications: a patient with asthma should not get a non-selective beta-blocker', cds('treatment')),
  notDevice('V.A.5.a', 'list of medications on a formulary for a disease', cds('treatment')),
  notDevice('V.A.5.b', 'alerts on formulary changes with recommended alternatives', cds('treatment')),
  notDevice('V.A.6.a', 'alert on redundant test orders advising discontinuation', cds('diagnosis')),
  notDevice('V.A.6.b', 'flags low potassium or magnesium in response to a digoxin prescription (ranges predetermined by the lab or HCP)', cds('treatment'), 'declared as analysis of results against the medication ordered; declared as a fixed calculation, us-fda 1.1.0 reads it as a simple calculation under discretion (README: what the vocabulary cannot say)'),
  notDevice('V.A.7.a', 'reminders for preventive care (breast cancer screening, immunisations) from the record and guidelines', cds('screening')),
  notDevice('V.A.7.b', 'reminders to order HbA1c tests for diabetic patients from the record and guidelines', cds('monitoring')),
  notDevice('V.A.8.a', 'recommended assessments before discharge, such as a pain assessment', cds('treatment')),
  notDevice('V.A.8.b', 'aggregates possible post-operative care instructions, medication needs and follow-up for discharge papers', cds('treatment', ['ehr_structured', 'clinical_text'])),
  notDevice('V.A.9.a', 'list of appropriate cholesterol-lowering drugs from cholesterol levels and demographics in the EHR', cds('treatment')),
  notDevice('V.A.9.b', 'list of FDA-approved asthma treatment options from diagnosis and demographics', cds('treatment')),
  notDevice('V.A.9.c', 'list of FDA-approved chemotherapeutic agents for a cancer type from diagnosis and pathologist-confirmed biopsy result', cds('treatment', ['ehr_structured', 'clinical_text'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.A.9.d', 'family history, prior mammogram results and BRCA1 status: consider more frequent mammography or supplemental ultrasound', cds('screening', ['ehr_structured', 'clinical_text']), 'BRCA1 status is a result in the record, not sequence data'),
  notDevice('V.A.9.e', 'HCP enters the result of an FDA-authorised EGFR mutation test; FDA-approved treatments for that indication', cds('treatment', ['ehr_structured'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.A.10.a', 'prioritised treatment options for the type of arthritis in the record', cds('treatment')),
  notDevice('V.A.10.b', 'prioritised list of diagnostic tests from the patient\'s symptoms', cds('diagnosis', ['patient_reported', 'ehr_structured'])),
  notDevice('V.A.10.c', 'for HCPs: which OTC allergy drug class is likely most effective, with available medications', cds('treatment')),
  notDevice('V.A.10.d', 'prioritised glaucoma treatment options from the record', cds('treatment', ['ehr_structured'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.A.11.a', 'age, sex and radiologist\'s report of low bone density and micro fractures: follow-up options', cds('treatment', ['ehr_structured', 'clinical_text'])),
  notDevice('V.A.11.b', 'COPD patient\'s age and average steps walked per day: follow-up options to evaluate progression', cds('monitoring', ['ehr_structured', 'wearable_sensor'], { sensorMeasures: ['activity'] }), undefined, 'fda.cds.c1_met'),
  notDevice('V.A.11.c', 'blood glucose lab results and prediabetes diagnosis: next-step options', cds('treatment')),
  notDevice('V.A.11.d', 'daily basic metabolic panel of a hospitalised patient: several IV fluid options and follow-up tests', cds('treatment')),
  notDevice('V.A.11.e', 'cancer progression and treatment history: prioritised treatments and companion diagnostics to consider', cds('treatment', ['ehr_structured'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.A.12', 'identifies that a patient is within the indicated population for an FDA-approved chemotherapeutic agent from diagnosis and biopsy results', cds('treatment', ['ehr_structured', 'clinical_text'], { intendedUsers: ['specialist_physician'] })),
  // V.B: criterion 4 met.
  notDevice('V.B.1', 'ESRD treatment options from practice guidelines, with intended use, inputs, algorithm and patient match disclosed; not time-critical', cds('treatment', ['ehr_structured'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.B.2', 'prioritised FDA-approved chemotherapy list from a database of studies, study reports and basis of prioritisation disclosed', cds('treatment', ['ehr_structured', 'clinical_text'], { intendedUsers: ['specialist_physician'] })),
  notDevice('V.B.3', 'COPD age and average steps walked per day: follow-up options, inputs, method and limitations shown', cds('monitoring', ['ehr_structured', 'wearable_sensor'], { sensorMeasures: ['activity'] })),

  // V.C: device software functions.
  device('V.C.1', 'patient image sets (CT, MR) to create an individual radiation therapy treatment plan for HCP review', fn('treatment', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.2', 'analyses radiological images and data to create 3D models for planning orthopaedic or dental surgery', fn('treatment', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.3', '3D reconstruction of the bronchial tree from CT to place catheters and markers for radiosurgery', fn('treatment', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.4', 'signals from wearables (perspiration, heart rate, eye movement, breathing) to monitor for a heart attack or narcolepsy episode', fn('monitoring', ['wearable_sensor'], { ...physiological, ...urgent, intendedUsers: ['patient', 'physician'] }), 'fda.cds.c1_fails'),
  device('V.C.5', 'near-infrared camera images to determine or diagnose a brain haematoma', fn('diagnosis', ['camera_photo'], urgent), 'fda.cds.c1_fails_photo_video'),
  device('V.C.6', 'fractal dimension of a lesion and surrounding skin image: malignant or benign', fn('diagnosis', ['camera_photo'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails_photo_video'),
  device('V.C.7', 'CT images to compute fractional flow reserve (likelihood of myocardial ischaemia)', fn('diagnosis', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.8', 'image analysis differentiating ischaemic from haemorrhagic stroke', fn('diagnosis', ['medical_image'], { ...urgent, intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.9', 'signals from abdominal EMG, fetal heart rate monitor and intrauterine pressure catheter to time a C-section', fn('treatment', ['physiological_waveform'], { ...urgent, populations: ['pregnant'] }), 'fda.cds.c1_fails'),
  device('V.C.10', 'cerebrospinal fluid spectroscopy data to diagnose tuberculous or viral meningitis in children', fn('diagnosis', ['ivd_signal'], { populations: ['pediatric'] }), 'fda.cds.c1_fails'),
  device('V.C.11', 'detects a life-threatening condition (stroke, sepsis) and alarms an HCP', fn('diagnosis', ['ehr_structured', 'discrete_vitals'], { ...urgent, autonomy: 'triage_notification', intendedUsers: ['physician', 'nurse'] }), 'fda.cds.c4_fails_time_critical'),
  device('V.C.12', 'prioritised list of possible diagnoses from size, shape and appearance of an abnormality in an image', fn('diagnosis', ['medical_image'], { autonomy: 'advisory', intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.13', 'detects and highlights abnormalities (CADe) and assesses disease severity (CADx) in an image', fn('diagnosis', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.14', 'sound of users coughing or reciting sentences to diagnose bronchitis or sinus infection', fn('diagnosis', ['speech_audio'], { intendedUsers: ['patient'] }), 'fda.cds.c3_fails_lay_users', 'the users are the people recorded; speech audio itself is not read as a signal by the pack (a voice interface would carry medical information), so criterion 1 is not asserted'),
  device('V.C.15', 'breathing patterns from a sleep apnea monitor to diagnose sleep apnea', fn('diagnosis', ['physiological_waveform']), 'fda.cds.c1_fails'),
  device('V.C.16', 'digital pathology: cell counts and morphology in slide images to find low white cell counts', fn('diagnosis', ['medical_image'], { intendedUsers: ['specialist_physician'] }), 'fda.cds.c1_fails'),
  device('V.C.17', 'VCF file of variants from an NGS analyser: FDA-approved treatment options', fn('treatment', ['genomic'], { autonomy: 'advisory', timeCritical: false, reviewableBasis: true }), 'fda.cds.c1_fails'),
  device('V.C.18', 'acquires and analyses electrical signals from ECG leads to generate an ECG waveform', fn('diagnosis', ['physiological_waveform']), 'fda.cds.c1_fails'),
  device('V.C.19', 'ECG waveform from an FDA-cleared device to detect or diagnose arrhythmias', fn('diagnosis', ['physiological_waveform']), 'fda.cds.c1_fails'),
  device('V.C.20', 'five sequential RR interval measurements from Holter data in the record to diagnose atrial fibrillation', fn('diagnosis', ['physiological_waveform']), 'fda.cds.c1_fails', 'sequential RR intervals are a pattern (the guidance)'),
  device('V.C.21', 'five sequential RR intervals from Holter data: possible rhythm irregularity and follow-up testing', fn('diagnosis', ['physiological_waveform'], { significance: 'drive' }), 'fda.cds.c1_fails'),
  device('V.C.22', 'ST-segment changes on ECG reports and cardiac enzymes from the EHR: possible myocardial ischaemia or infarction', fn('diagnosis', ['ehr_structured', 'clinical_text'], urgent), 'fda.cds.c4_fails_time_critical'),
  device('V.C.23', 'for HCP management of heart failure: daily heart rate, SpO2, blood pressure from a wearable to predict hospitalisation', fn('prognosis', ['discrete_vitals'], { timeCritical: true, significance: 'drive' }), 'fda.cds.c4_fails_time_critical', 'the guidance fails criteria 3 and 4 only, so the daily readings are declared as discrete vitals'),
  device('V.C.24', 'hourly pulse oximetry and heart rate from the EHR to identify deterioration and alert an HCP', fn('monitoring', ['physiological_waveform'], { ...urgent, autonomy: 'triage_notification', intendedUsers: ['nurse', 'physician'] }), 'fda.cds.c1_fails', 'hourly readings are a pattern (the guidance)'),
  device('V.C.25', 'glucose from a CGM every 30 minutes to detect possible hypoglycaemia and notify the HCP', fn('monitoring', ['ivd_signal'], { ...urgent, autonomy: 'triage_notification' }), 'fda.cds.c1_fails', 'CGM readings are a pattern from an assay signal (§IV(1))'),
  device('V.C.26', 'radiologist\'s score of regional contrast discrepancies on head CT: whether to start a specific drug therapy', fn('treatment', ['clinical_text'], urgent), 'fda.cds.c4_fails_time_critical'),
  device('V.C.27', 'radiologist\'s findings and admission information: stroke triage, transfer to a major stroke centre', fn('triage', ['clinical_text', 'ehr_structured'], urgent), 'fda.cds.c4_fails_time_critical'),
  device('V.C.28', 'helps a diabetic patient calculate bolus insulin from carbohydrate intake, pre-meal glucose and activity', fn('treatment', ['patient_reported', 'discrete_vitals'], { intendedUsers: ['patient'], autonomy: 'advisory', dataAction: 'fixed_calculation', modelType: 'rule_based', timeCritical: true }), 'fda.cds.c3_fails_lay_users'),
  device('V.C.29', 'symptoms, prior diagnosis and serum digoxin level: likelihood of toxicity, indicates digoxin immune fab for high risk', fn('treatment', ['ehr_structured'], urgent), 'fda.cds.c4_fails_time_critical'),
  device('V.C.30', 'serial cardiac troponin readings over 24 hours to estimate the size of a myocardial infarction', fn('diagnosis', ['ivd_signal']), 'fda.cds.c1_fails', 'serial readings are a pattern (the guidance)'),
  device('V.C.31', 'mammography follow-up options from an ML model whose inputs, data and key variables are not disclosed to the HCP', fn('screening', ['ehr_structured', 'clinical_text'], { autonomy: 'advisory', significance: 'drive', timeCritical: false, reviewableBasis: false, modelType: 'deep_learning' }), 'fda.cds.c4_fails_basis'),
  device('V.C.32', 'prioritised FDA-authorised depression treatments from a studies database, studies not available, matching studies not identified', fn('treatment', ['ehr_structured'], { autonomy: 'advisory', significance: 'drive', timeCritical: false, reviewableBasis: false }), 'fda.cds.c4_fails_basis'),
];

const inexpressible: Inexpressible[] = [];

export const table: GoldenTable = { doc: DOC, rows, inexpressible };
