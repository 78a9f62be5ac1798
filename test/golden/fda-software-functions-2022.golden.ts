import type { GoldenRow, GoldenTable, Inexpressible } from './types';
import type { Profile } from '../../src/classification/profile';

/**
 * FDA "Policy for Device Software Functions and Mobile Medical Applications" (28 Sep 2022;
 * shared/domain/sources/fda-device-software-functions-policy-2022.md): §V.A and Appendix C
 * (device software functions, the focus of FDA's oversight), §V.B and Appendix B (enforcement
 * discretion), Appendix A (not devices). One row per listed example.
 *
 * The policy names a device but not its class: for a device the row asserts the us-fda answer
 * "class II, determined" (the pack's class for a device software function; the class is fixed by
 * the classification regulation of the product code the policy lists, which the primary texts do
 * not quote). Where that regulation is known to be class III (an implanted stimulator, a cochlear
 * implant) the row asserts only that the function is read as a device. Pathway is asserted only
 * where there is none (not a device, enforcement discretion).
 */
const DOC = 'FDA Software Functions Policy 2022';
type P = GoldenRow['profile'];

const row = (section: string, example: string, profile: P, expect: GoldenRow['expect'], note?: string): GoldenRow => ({
  doc: DOC, section, example, profile: { jurisdictions: ['US'], ...profile }, expect, ...(note ? { note } : {}),
});
const notDevice = (section: string, example: string, profile: P, note?: string) =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none' }], note);
const discretion = (section: string, example: string, profile: P, note?: string, rule?: string) =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', ...(rule ? { rule } : {}) }], note);
const device = (section: string, example: string, profile: P, note?: string, rule?: string) =>
  row(section, example, profile, [{ framework: 'us-fda', class: 'II', disposition: 'determined', ...(rule ? { rule } : {}) }], note);

/** Reference or education with no patient-specific clinical purpose. */
const reference = (users: Profile['intendedUsers'], inputs: Profile['inputs'] = ['clinical_text']): P =>
  ({ medicalPurpose: 'none', individualPatient: false, intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });
const admin = (users: Profile['intendedUsers'] = ['administrator'], inputs: Profile['inputs'] = ['ehr_structured']): P =>
  ({ medicalPurpose: 'administrative', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });
const generic = (inputs: Profile['inputs'], users: Profile['intendedUsers'] = ['patient', 'physician']): P =>
  ({ medicalPurpose: 'none', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });
const wellness = (inputs: Profile['inputs'], extra: Partial<Profile> = {}): P =>
  ({ medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs, modelType: 'rule_based', ...extra });
/** Stores, transfers or displays data for a clinical use, without analysing it. */
const transfer = (inputs: Profile['inputs'], users: Profile['intendedUsers'], extra: Partial<Profile> = {}): P =>
  ({ medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based', ...extra });
const records = (inputs: Profile['inputs'], users: Profile['intendedUsers']): P =>
  ({ medicalPurpose: 'documentation', dataAction: 'store_transfer_display', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });
/** HCP-facing decision support that the example says meets the four criteria. */
const cds = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'] = ['ehr_structured']): P =>
  ({ medicalPurpose, significance: 'inform', intendedUsers: ['physician'], autonomy: 'advisory', inputs, timeCritical: false, reviewableBasis: true, modelType: 'rule_based' });
/** Patient-facing, informs only, the patient decides (§V.B(1)). */
const selfCare = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'] = ['patient_reported'], extra: Partial<Profile> = {}): P =>
  ({ medicalPurpose, significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs, modelType: 'rule_based', ...extra });
/** A simple calculation for clinicians (§V.B(3)). */
const calculator = (medicalPurpose: Profile['medicalPurpose'], inputs: Profile['inputs'], users: Profile['intendedUsers'] = ['physician']): P =>
  ({ medicalPurpose, significance: 'inform', dataAction: 'fixed_calculation', intendedUsers: users, autonomy: 'advisory', inputs, modelType: 'rule_based' });
const physiological: Partial<Profile> = { sensorMeasures: ['physiological'] };
const activity: Partial<Profile> = { sensorMeasures: ['activity'] };

const A = 'Appendix A';
const B = 'Appendix B';
const C = 'Appendix C';

const rows: GoldenRow[] = [
  // Appendix A(1): electronic copies of reference material.
  notDevice(`${A}(1)`, 'medical dictionaries', reference(['physician', 'patient'])),
  notDevice(`${A}(1)`, 'electronic copies of medical textbooks or literature (PDR, DSM)', reference(['physician'])),
  notDevice(`${A}(1)`, 'library of clinical descriptions for diseases and conditions', reference(['physician'])),
  notDevice(`${A}(1)`, 'encyclopedia of first-aid or emergency care information', reference(['patient', 'caregiver'])),
  notDevice(`${A}(1)`, 'medical abbreviations and definitions', reference(['physician', 'nurse'])),
  notDevice(`${A}(1)`, 'translations of medical terms across multiple languages', reference(['physician', 'patient'])),
  // Appendix A(2): education and training of professionals.
  notDevice(`${A}(2)`, 'medical flash cards with medical images, pictures, graphs', reference(['physician'], ['medical_image'])),
  notDevice(`${A}(2)`, 'question/answer quiz apps', reference(['physician'])),
  notDevice(`${A}(2)`, 'interactive anatomy diagrams or videos', reference(['physician'], ['video'])),
  notDevice(`${A}(2)`, 'surgical training videos', reference(['specialist_physician'], ['video'])),
  notDevice(`${A}(2)`, 'medical board certification or recertification preparation apps', reference(['physician'])),
  notDevice(`${A}(2)`, 'games that simulate cardiac arrest scenarios to train professionals in advanced CPR', reference(['physician', 'nurse'], ['video'])),
  // Appendix A(3): general patient education.
  notDevice(`${A}(3)`, 'portal for professionals to distribute educational information to their patients', reference(['patient', 'physician'])),
  notDevice(`${A}(3)`, 'help guide patients to ask appropriate questions to their physician', reference(['patient'], ['patient_reported'])),
  notDevice(`${A}(3)`, 'information about gluten-free food products or restaurants', reference(['patient'])),
  notDevice(`${A}(3)`, 'match patients with potentially appropriate clinical trials, facilitate communication with investigators', { ...reference(['patient'], ['patient_reported']), individualPatient: true }),
  notDevice(`${A}(3)`, 'tutorials or training videos on how to administer first-aid or CPR', reference(['patient', 'caregiver'], ['video'])),
  notDevice(`${A}(3)`, 'input pill shape, colour or imprint and display pictures and names of matching pills', { ...reference(['patient'], ['patient_reported']), individualPatient: true }),
  notDevice(`${A}(3)`, 'find the closest medical facilities and doctors to the user\'s location', reference(['patient'], ['patient_reported'])),
  notDevice(`${A}(3)`, 'lists of emergency hotlines and physician/nurse advice lines', reference(['patient'])),
  notDevice(`${A}(3)`, 'provide and compare costs of drugs and medical products at pharmacies nearby', admin(['patient'], ['patient_reported'])),
  // Appendix A(4): general office operations.
  notDevice(`${A}(4)`, 'determine billing codes like ICD-9', admin(['administrator'], ['clinical_text'])),
  notDevice(`${A}(4)`, 'insurance claims data collection and processing', admin()),
  notDevice(`${A}(4)`, 'analyse insurance claims for fraud or abuse', { ...admin(), modelType: 'classical_ml' }),
  notDevice(`${A}(4)`, 'medical business accounting, track and trend billable hours and procedures', admin()),
  notDevice(`${A}(4)`, 'reminders for scheduled medical appointments or blood donation appointments', admin(['patient'])),
  notDevice(`${A}(4)`, 'help patients track, review and pay medical claims and bills online', admin(['patient'])),
  notDevice(`${A}(4)`, 'manage shifts for doctors', admin()),
  notDevice(`${A}(4)`, 'manage or schedule hospital rooms or bed spaces', admin()),
  notDevice(`${A}(4)`, 'wait times and electronic check-in for emergency rooms and urgent care', admin(['patient'], ['patient_reported'])),
  notDevice(`${A}(4)`, 'process payments in health care settings', admin()),
  notDevice(`${A}(4)`, 'track or perform patient satisfaction surveys after a visit', admin(['patient', 'administrator'], ['patient_reported'])),
  // Appendix A(5): generic aids.
  notDevice(`${A}(5)`, 'use the mobile platform as a magnifying glass (not specifically for medical purposes)', generic(['camera_photo'], ['patient'])),
  notDevice(`${A}(5)`, 'recording audio, note-taking, replaying audio with amplification', generic(['speech_audio'])),
  notDevice(`${A}(5)`, 'patients and professionals interact through email, web, video (not specifically for medical purposes)', generic(['video', 'clinical_text'])),
  notDevice(`${A}(5)`, 'maps and turn-by-turn directions to medical facilities', generic(['patient_reported'], ['patient'])),
  notDevice(`${A}(5)`, 'secure messaging between professionals in a hospital', generic(['clinical_text'], ['physician', 'nurse'])),
  // Appendix A(6): general fitness, health or wellness (§520(o)(1)(B)).
  notDevice(`${A}(6)`, 'tools to promote or encourage healthy eating, exercise, weight loss', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'dietary logs, calorie counters, dietary suggestions', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'meal planners and recipes', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'track general daily activities or make exercise or posture suggestions', wellness(['wearable_sensor'], activity)),
  notDevice(`${A}(6)`, 'track a normal baby\'s sleeping and feeding habits', wellness(['patient_reported'], { intendedUsers: ['caregiver'] })),
  notDevice(`${A}(6)`, 'actively monitor and trend exercise activity', wellness(['wearable_sensor'], activity)),
  notDevice(`${A}(6)`, 'help healthy people track the quantity or quality of their normal sleep patterns', wellness(['wearable_sensor'], activity), 'sleep duration is an activity measure (vocabulary v1.1)'),
  notDevice(`${A}(6)`, 'scores from mind-challenging games or generic "brain age" tests', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'daily motivational tips to reduce stress and promote a positive outlook', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'social gaming to encourage healthy lifestyle habits', wellness(['patient_reported'])),
  notDevice(`${A}(6)`, 'calculate calories burned in a workout', wellness(['wearable_sensor'], { ...activity, dataAction: 'fixed_calculation' })),
  // Appendix A(7)–(9): interacting with certified EHRs and PHRs; recording data to share.
  notDevice(`${A}(7)`, 'individuals access, view, transfer or download their EHR data', records(['ehr_structured'], ['patient'])),
  notDevice(`${A}(7)`, 'certified EHR function that helps professionals track immunisations (need, consent, lot number)', records(['ehr_structured'], ['nurse'])),
  notDevice(`${A}(7)`, 'certified EHR function prompting the professional to enter pre-defined symptomatic, behavioural information and storing it', records(['ehr_structured', 'clinical_text'], ['physician'])),
  notDevice(`${A}(8)`, 'patients or professionals transfer, store, convert formats, display electronic records in certified EHR or PHR systems', records(['ehr_structured'], ['patient', 'physician'])),
  notDevice(`${A}(9)`, 'record blood glucose, blood pressure, heart rate, weight from a device to share with a professional or upload to an EHR/PHR', transfer(['discrete_vitals'], ['patient'])),
  // Appendix A(10)–(11): non-device clinical decision support (§520(o)(1)(E)).
  notDevice(`${A}(10)`, 'list of appropriate cholesterol-lowering drugs for a professional, from cholesterol levels and demographics in the EHR, basis provided', cds('treatment'), 'timeCritical false read from "so the professional does not rely primarily on the recommendations" (criterion 4 met)'),
  notDevice(`${A}(11)`, 'match patient-specific information to practice guidelines (influenza, hypertension, hypercholesterolaemia) for a professional', cds('treatment', ['ehr_structured', 'clinical_text'])),
  notDevice(`${A}(11)`, 'match patient-specific information to peer-reviewed literature, basis reviewable', cds('diagnosis', ['ehr_structured', 'clinical_text'])),
  notDevice(`${A}(11)`, 'drug-drug interaction and drug-allergy contraindication notifications from labelling (asthma and non-selective beta-blocker)', cds('treatment', ['ehr_structured'])),
  // Appendix A(12)–(15): simple record and communication tools.
  notDevice(`${A}(12)`, 'simple tools for patients with chronic disease to record blood pressure, drug intake times, diet, emotional state and share with their professional', transfer(['discrete_vitals', 'patient_reported'], ['patient'])),
  notDevice(`${A}(13)`, 'videoconferencing portal specifically intended for medical use between patients, professionals and caregivers', transfer(['video'], ['patient', 'caregiver', 'physician']), 'read as transfer of live video; the purpose is declared "monitoring" since the vocabulary has no "communication" purpose'),
  notDevice(`${A}(14)`, 'asthmatics record inhaler usage, asthma episodes, location at the time of an attack, triggers', transfer(['patient_reported'], ['patient'])),
  notDevice(`${A}(15)`, 'record the clinical conversation and send it (or a link) to the patient after the visit', records(['speech_audio'], ['physician', 'patient'])),
  // Appendix A(16)–(18): non-device MDDS, display of device data, lab data transfer (§520(o)(1)(D)).
  notDevice(`${A}(16)`, 'Non-Device-MDDS: transfer, store, convert formats and display medical device data without controlling connected devices', transfer(['physiological_waveform', 'discrete_vitals'], ['nurse', 'physician'])),
  notDevice(`${A}(17)`, 'display medical images directly from a PACS server', transfer(['medical_image'], ['specialist_physician'])),
  notDevice(`${A}(18)`, 'transfer, store, convert formats and display medical device data (Non-Device-MDDS)', transfer(['ivd_signal', 'discrete_vitals'], ['physician'])),
  notDevice(`${A}(18)`, 'connect to a nursing central station and display (not analyse) device data on a physician\'s mobile platform', transfer(['physiological_waveform'], ['physician'])),
  notDevice(`${A}(18)`, 'image display for multidisciplinary meetings or patient consultation, "not intended for diagnostic use"', transfer(['medical_image'], ['physician', 'patient'])),
  device(`${A}(16), exception`, 'alarms or alerts, or prioritising patients on multi-patient displays for active patient monitoring (immediate awareness for intervention)', { medicalPurpose: 'monitoring', intendedUsers: ['nurse'], autonomy: 'triage_notification', inputs: ['physiological_waveform'], timeCritical: true, modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),

  // §V.B: enforcement discretion.
  discretion('§V.B(1)', 'coach patients with cardiovascular disease, hypertension, diabetes or obesity: healthy weight, nutrition, exercise, salt intake, simple prompts to keep a pre-determined medication schedule', selfCare('treatment'), undefined, 'fda.discretion.patient_self_management'),
  discretion('§V.B(2)', 'camera photos of a patient\'s skin lesions or wounds documented or sent to supplement a consultation with a professional', transfer(['camera_photo'], ['patient', 'physician']), 'purpose read as following a condition ("monitoring"); the app documents and transmits, the professional assesses', 'fda.discretion.photo_communication'),
  discretion('§V.B(3)', 'medical calculator: Body Mass Index (BMI)', calculator('diagnosis', ['discrete_vitals']), undefined, 'fda.discretion.simple_calculation'),
  discretion('§V.B(3)', 'medical calculator: Total Body Water / Urea Volume of Distribution', calculator('treatment', ['discrete_vitals', 'ehr_structured'])),
  discretion('§V.B(3)', 'medical calculator: mean arterial pressure', calculator('monitoring', ['discrete_vitals'])),
  discretion('§V.B(3)', 'medical calculator: Glasgow Coma Scale score', calculator('diagnosis', ['ehr_structured'], ['physician', 'nurse']), 'the clinician\'s observations are entered as structured clinical data'),
  discretion('§V.B(3)', 'medical calculator: APGAR score', calculator('diagnosis', ['ehr_structured', 'discrete_vitals'], ['physician', 'nurse'])),
  discretion('§V.B(3)', 'medical calculator: NIH Stroke Scale', calculator('diagnosis', ['ehr_structured'])),
  discretion('§V.B(3)', 'medical calculator: delivery date estimator', calculator('prognosis', ['ehr_structured'])),
  // Appendix B.
  discretion(`${B}(1)`, 'help patients with diagnosed psychiatric conditions (PTSD, depression, anxiety, OCD) keep coping skills with a "Skill of the Day" or audio messages', selfCare('treatment')),
  discretion(`${B}(2)`, 'periodic educational information, reminders or motivational guidance to pregnant people, smokers trying to quit, people recovering from addiction', selfCare('treatment')),
  discretion(`${B}(4)`, 'video and video games to motivate patients to do their physical therapy exercises at home', selfCare('treatment'), 'the input is the patient\'s play; the videos are output'),
  discretion(`${B}(5)`, 'user enters an herb and a drug; information on whether interactions were reported in the literature', selfCare('treatment')),
  discretion(`${B}(6)`, 'patient-specific screening, counselling and preventive recommendations from age, sex and behavioural risk factors, from established authorities', selfCare('screening')),
  discretion(`${B}(7)`, 'checklist of common signs and symptoms: list of possible conditions and advice on when to consult a professional', selfCare('diagnosis')),
  discretion(`${B}(8)`, 'questionnaire of signs and symptoms: recommends the type of health care facility most appropriate', selfCare('triage')),
  discretion(`${B}(11)`, 'keep track of medications and give user-configured reminders for adherence', selfCare('treatment', ['patient_reported'], { dataAction: 'fixed_calculation' }), 'reminders at times the user sets: a fixed calculation'),
  discretion(`${B}(12)`, 'historical trending and comparison of vital signs (temperature, heart rate, blood pressure, respiratory rate)', selfCare('monitoring', ['discrete_vitals'])),
  discretion(`${B}(13)`, 'aggregate and display trends in personal health incidents (hospitalisation rates, alert notification rates)', selfCare('monitoring', ['patient_reported', 'ehr_structured'])),
  discretion(`${B}(14)`, 'collect blood pressure data, share it by email, track and trend it, upload it to a personal or electronic health record', selfCare('monitoring', ['discrete_vitals'])),
  discretion(`${B}(15)`, 'oral health reminders or tracking tools for users with gum disease', selfCare('treatment')),
  discretion(`${B}(16)`, 'guidance or tools for prediabetes patients to develop better eating habits or increase physical activity', selfCare('treatment')),
  discretion(`${B}(17)`, 'display at opportune times images or messages for a substance abuser who wants to stop addictive behaviour', selfCare('treatment')),
  discretion(`${B}(18)`, 'report for patients and caregivers on drug-drug interactions and safety information from demographics, current diagnosis and medications', selfCare('treatment', ['patient_reported'], { intendedUsers: ['patient', 'caregiver'] })),

  // §V.A: device software functions.
  device('§V.A(1)', 'control the inflation and deflation of a blood pressure cuff through a mobile platform', { medicalPurpose: 'monitoring', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['discrete_vitals'], drivesDevice: true, modelType: 'rule_based' }, undefined, 'fda.device.drives_device'),
  device('§V.A(1)', 'mobile app that controls the delivery of insulin on an insulin pump by sending control signals', { medicalPurpose: 'treatment', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported', 'discrete_vitals'], drivesDevice: true, modelType: 'rule_based' }, undefined, 'fda.device.drives_device'),
  device('§V.A(2)', 'blood glucose strip reader attached to a mobile platform to function as a glucose meter', { medicalPurpose: 'monitoring', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['ivd_signal'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(2)', 'ECG electrodes attached to a mobile platform to measure, store and display ECG signals', { medicalPurpose: 'monitoring', intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(2)', 'built-in accelerometer collecting motion information for monitoring sleep apnea', { medicalPurpose: 'monitoring', intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['wearable_sensor'], ...physiological, modelType: 'rule_based' }, 'Appendix C calls such motion during sleep a physiological parameter (limb movement)', 'fda.cds.c1_fails'),
  device('§V.A(2)', 'sensors on a mobile platform creating an electronic stethoscope', { medicalPurpose: 'diagnosis', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, 'heart sounds acquired as a signal', 'fda.cds.c1_fails'),
  device('§V.A(2)', 'displays radiological images for diagnosis (medical image management and processing system, 21 CFR 892.2050)', { medicalPurpose: 'diagnosis', intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['medical_image'], modelType: 'rule_based' }, 'processing images for diagnostic review, not a mere transfer', 'fda.cds.c1_fails'),
  device('§V.A(2)', 'patient monitoring app monitoring heart rate variability from an ECG, vectorcardiograph or blood pressure monitor signal (cardiac monitor, 21 CFR 870.2300)', { medicalPurpose: 'monitoring', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(3)', 'uses patient-specific parameters to calculate dosage or create a dosage plan for radiation therapy', { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', dataAction: 'fixed_calculation', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image', 'ehr_structured'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(3)', 'Computer Aided Detection (CAD) image processing software', { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(3)', 'radiation therapy treatment planning software', { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }, undefined, 'fda.cds.c1_fails'),
  device('§V.A(3)', 'analyses patient-specific information to detect a life-threatening, time-critical condition (stroke, sepsis) and alert a professional', { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician', 'nurse'], autonomy: 'triage_notification', inputs: ['ehr_structured', 'discrete_vitals'], timeCritical: true }, undefined, 'fda.cds.c4_fails_time_critical'),
  device('§V.A(3)', 'analyses readings from a blood glucose monitor and alerts the user of readings outside a predetermined range', { medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['patient'], autonomy: 'triage_notification', inputs: ['ivd_signal'], modelType: 'rule_based' }, undefined, 'fda.cds.c3_fails_lay_users'),
  device('§V.A(3)', 'analyses an ECG waveform from an FDA-cleared device to detect or diagnose arrhythmias (atrial fibrillation)', { medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['physiological_waveform'] }, undefined, 'fda.cds.c1_fails'),

  // Appendix C: software that transforms a mobile platform into a regulated device.
  device(C, 'sensor or lead connected to a mobile platform measuring and displaying the heart\'s electrical signal (ECG; DPS, MLC, OEY, MLO, MWJ, DSH)', { medicalPurpose: 'monitoring', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'electronic stethoscope: amplify and project sounds of the heart, arteries, veins and other organs (DQD)', { medicalPurpose: 'diagnosis', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'accelerometer measuring physiological parameters during CPR and giving feedback on its quality (LIX)', { medicalPurpose: 'treatment', situations: ['critical'], intendedUsers: ['other_hcp'], autonomy: 'advisory', inputs: ['wearable_sensor'], ...physiological, timeCritical: true, modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'record, view or analyse eye movements for diagnosis of balance disorders (nystagmograph; GWN)', { medicalPurpose: 'diagnosis', intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['video'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails_photo_video'),
  device(C, 'accelerometer measuring the degree of tremor caused by certain diseases (tremor transducer; GYD)', { medicalPurpose: 'diagnosis', intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['wearable_sensor'], ...physiological, modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'sensor or accelerometer, microphone measuring physiological parameters during sleep (limb movement, EEG) for diagnosis of sleep apnea (OLV, LEL, BZQ, MNR, PRK, FLS, NPF)', { medicalPurpose: 'diagnosis', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['wearable_sensor', 'physiological_waveform'], ...physiological }, undefined, 'fda.cds.c1_fails'),
  device(C, 'attachment measuring blood oxygen saturation for diagnosis of a specific disease (DQA, NLF, MUD, NMD, DPZ)', { medicalPurpose: 'diagnosis', intendedUsers: ['physician', 'patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], ...physiological, modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'attachment measuring blood glucose levels (NBW)', { medicalPurpose: 'monitoring', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['ivd_signal'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'attachment (light source, laser) to treat acne (OLP, OHT, OHS, OZC)', { medicalPurpose: 'treatment', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'], drivesDevice: true, modelType: 'rule_based' }, 'the software drives the light source; the user\'s settings are its input', 'fda.device.drives_device'),
  device(C, 'analyses an image of a skin lesion (fractal analysis) and gives the user an assessment of its risk', { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['patient'], autonomy: 'assistive', inputs: ['camera_photo'] }, undefined, 'fda.cds.c1_fails_photo_video'),
  // Appendix C: software that controls a connected device.
  device(C, 'alters the function or settings of an infusion pump (MEB, FRN, LZH, LZG, OPP, MEA, FIH, LKK)', { medicalPurpose: 'treatment', intendedUsers: ['nurse', 'patient'], autonomy: 'advisory', inputs: ['patient_reported'], drivesDevice: true, modelType: 'rule_based' }, undefined, 'fda.device.drives_device'),
  device(C, 'wireless remote control or synchronisation of CT or X-ray machines (JAK, IZL, KPR)', { medicalPurpose: 'diagnosis', intendedUsers: ['other_hcp'], autonomy: 'advisory', inputs: ['ehr_structured'], drivesDevice: true, modelType: 'rule_based' }, 'the operator\'s settings are the input (the vocabulary has no input kind for device settings)', 'fda.device.drives_device'),
  row(C, 'controls or changes settings of an implantable neuromuscular stimulator (GZC)', { medicalPurpose: 'treatment', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['patient_reported'], drivesDevice: true, modelType: 'rule_based' }, [{ framework: 'us-fda', rule: 'fda.device.drives_device' }], 'a device; its class follows the implant\'s regulation (21 CFR 882.5860), which the primary texts do not quote'),
  row(C, 'calibrates, controls or changes settings of a cochlear implant (MCM)', { medicalPurpose: 'treatment', intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['patient_reported'], drivesDevice: true, modelType: 'rule_based' }, [{ framework: 'us-fda', rule: 'fda.device.drives_device' }], 'a device; its class follows the implant\'s (product code MCM), which the primary texts do not give'),
  device(C, 'controls the inflation or deflation of a blood-pressure cuff (DSJ, DSK, DXN)', { medicalPurpose: 'monitoring', intendedUsers: ['patient', 'nurse'], autonomy: 'advisory', inputs: ['discrete_vitals'], drivesDevice: true, modelType: 'rule_based' }, undefined, 'fda.device.drives_device'),
  device(C, 'calibrates hearing aids and assesses their electroacoustic frequency and sound intensity (ETW)', { medicalPurpose: 'treatment', intendedUsers: ['other_hcp'], autonomy: 'advisory', inputs: ['speech_audio'], drivesDevice: true, modelType: 'rule_based' }, undefined, 'fda.device.drives_device'),
  // Appendix C: active patient monitoring and analysis of patient-specific device data.
  device(C, 'acquires or processes physiological signals from bedside (cardiac) monitors for active patient monitoring (DSI, MHX, MLD, DRT, MWI, MSX, PLB)', { medicalPurpose: 'monitoring', intendedUsers: ['nurse', 'physician'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'processes uterine contraction and fetal heart rate data for remote monitoring of labour (HGM)', { medicalPurpose: 'monitoring', intendedUsers: ['physician', 'nurse'], autonomy: 'advisory', inputs: ['physiological_waveform'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'processes images for diagnostic review (medical image management and processing system; LLZ)', { medicalPurpose: 'diagnosis', intendedUsers: ['specialist_physician'], autonomy: 'advisory', inputs: ['medical_image'], modelType: 'rule_based' }, undefined, 'fda.cds.c1_fails'),
  device(C, 'uses a VCF file of variants from an NGS analyser and recommends FDA-approved treatments (QIC)', { medicalPurpose: 'treatment', significance: 'drive', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['genomic'], timeCritical: false, reviewableBasis: true }, 'CDS 2026 §IV(1): variant files are patterns', 'fda.cds.c1_fails'),
  device(C, 'analyses ST-segment changes on ECG reports and cardiac enzyme results from the EHR to identify patients potentially having myocardial ischaemia or infarction', { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured'], timeCritical: true }, 'the policy refers to CDS Example V.C.22, which says it supports time-critical decision-making', 'fda.cds.c4_fails_time_critical'),
  device(C, 'for professional management of heart failure: analyses daily heart rate, SpO2, blood pressure from a wearable to predict heart failure hospitalisation', { medicalPurpose: 'prognosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['wearable_sensor', 'discrete_vitals'], ...physiological, timeCritical: true }, 'the policy refers to CDS Example V.C.23 (time-critical)', 'fda.cds.c3_fails_specific_output'),
  device(C, 'analyses the radiologist\'s reported findings and admission information as input to a stroke triage algorithm indicating transfer to a major stroke centre', { medicalPurpose: 'triage', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['clinical_text', 'ehr_structured'], timeCritical: true }, 'the policy refers to CDS Example V.C.27 (time-critical directive)', 'fda.cds.c4_fails_time_critical'),
];

const inexpressible: Inexpressible[] = [
  { doc: DOC, section: `${B}(3)`, example: 'GPS location alerts asthmatics of environmental conditions, or an addiction patient near a pre-identified high-risk location', why: 'the vocabulary has no input for location or environmental data (inputs list only clinical and body data)' },
  { doc: DOC, section: `${B}(9)`, example: 'user initiates a pre-specified nurse call or emergency call', why: 'a call or alert button: declaring it as store/transfer reads as the §520(o)(1)(D) exclusion (not a device), while FDA names it a device under discretion; the vocabulary has no "communication" action' },
  { doc: DOC, section: `${B}(10)`, example: 'patient or caregiver creates and sends an alert or general emergency notification to first responders', why: 'as Appendix B(9): no way to declare an emergency-notification function apart from data transfer' },
  { doc: DOC, section: C, example: 'speaker produces controlled test tones for diagnostic hearing evaluations (audiometer; EWO)', why: 'the software generates the stimulus it measures: the vocabulary has no input kind for a test the software itself produces' },
  { doc: DOC, section: C, example: 'microphone or speaker serves as an audiometer to determine hearing loss at different frequencies (EWO)', why: 'as the other audiometer: a stimulus-and-response test is not expressible as inputs' },
  { doc: DOC, section: C, example: 'presents donor history questions to a potential blood donor and records or transmits the answers for eligibility (MMH)', why: 'blood establishment software, regulated under §520(o)(4)(B) whatever its function; the vocabulary cannot say a function serves blood collection' },
];

export const table: GoldenTable = { doc: DOC, rows, inexpressible };
