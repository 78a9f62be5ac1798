import type { GoldenRow, GoldenTable } from './types';

/**
 * 21 CFR Parts 862–892 (2025 edition; rules/fda-device-types/1.1.0.json quotes the paragraphs):
 * each classification regulation's identification paragraph (a), and public decisions under its
 * product codes (openFDA records where stored). A row's profile is written from the
 * identification's or the decision's words; the example text becomes the intended purpose, so the
 * words that name the condition or the anatomy are the regulation's own. The expected outcome today:
 * the class the regulation's paragraph (b) gives and a 510(k) (§8xx.1(b): a device of an existing
 * type shows substantial equivalence to other devices of the type). `REGULATIONS` names the
 * regulation each row must be matched to (test/classification/fda-device-types-golden.test.ts).
 */
const DOC = '21 CFR device classification';
const II_510K = [{ framework: 'us-fda', class: 'II', disposition: 'determined' as const, pathway: '510k', rule: 'fda.class.device_type_ii' }];

const row = (section: string, example: string, profile: GoldenRow['profile'], note?: string): GoldenRow =>
  ({ doc: DOC, section, example, profile, expect: II_510K, ...(note ? { note } : {}) });

export const table: GoldenTable = {
  doc: DOC,
  rows: [
    row('§892.2080(a)', 'Radiological computer aided triage and notification software: an image processing prescription device intended to aid in prioritization and triage of radiological medical images; it notifies a designated list of clinicians of the availability of time sensitive radiological medical images for review',
      { medicalPurpose: 'triage', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true }),
    row('§892.2060(a)', 'Radiological computer-assisted diagnostic software for lesions suspicious of cancer: an image processing prescription device intended to aid in the characterization of lesions as suspicious for cancer on acquired medical images; diagnostic and patient management decisions are made by the clinical user',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§892.2070(a)', 'Medical image analyzers, including computer-assisted detection devices for mammography breast cancer, ultrasound breast lesions, radiograph lung nodules and radiograph dental caries detection: a prescription device intended to identify, mark or highlight regions for the reader',
      { medicalPurpose: 'screening', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§892.2050(a)', 'Medical image management and processing system: review and digital processing of medical images for interpretation by a trained practitioner; image segmentation, multimodality registration, 3D visualization and quantification',
      { medicalPurpose: 'diagnosis', significance: 'inform', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§886.1100(a)', 'Retinal diagnostic software device: a prescription software device with an adaptive algorithm that evaluates ophthalmic images for diagnostic screening to identify retinal diseases or conditions',
      { medicalPurpose: 'screening', significance: 'drive', intendedUsers: ['physician'], autonomy: 'autonomous', inputs: ['medical_image'] },
      'autonomy: the identification leaves it open; the devices under PIB give their result without a specialist reading the images'),
    row('§870.2345(a)', 'Electrocardiograph software for over-the-counter use: creates, analyzes and displays electrocardiograph data and can provide information for identifying cardiac arrhythmias; not intended to provide a diagnosis',
      { medicalPurpose: 'screening', significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['physiological_waveform', 'wearable_sensor'] }),
    row('§870.2790(a)', 'Photoplethysmograph analysis software for over-the-counter use: analyzes photoplethysmograph data and provides information for identifying irregular heart rhythms; not intended to provide a diagnosis',
      { medicalPurpose: 'screening', significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }),
    row('§870.2210(a)', 'Adjunctive predictive cardiovascular indicator: a prescription device that uses software algorithms to analyze cardiovascular vital signs and predict future cardiovascular status or events; not intended to independently direct therapy',
      { medicalPurpose: 'prognosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['physiological_waveform', 'discrete_vitals'] }),
    row('§870.1415(a)', 'Coronary vascular physiologic simulation software device: simulated functional assessment of blood flow in the coronary vascular system (fractional flow reserve) from data extracted from medical device imaging, for review by a qualified clinician',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§870.2785(a)', 'Software for optical camera-based measurement: analyzes a video signal to estimate pulse rate, heart rate, breathing rate and/or respiratory rate; not intended to independently direct therapy',
      { medicalPurpose: 'monitoring', significance: 'inform', intendedUsers: ['nurse'], autonomy: 'advisory', inputs: ['video'] }),
    row('§870.1025(a)', 'Arrhythmia detector and alarm: monitors an electrocardiogram and produces a visible or audible alarm when atrial or ventricular arrhythmia occurs',
      { medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['nurse', 'physician'], autonomy: 'triage_notification', inputs: ['physiological_waveform'], timeCritical: true }),
    row('§864.3750(a)', 'Software algorithm device to assist users in digital pathology: evaluates acquired scanned pathology whole slide images and informs the user about presence, location and characteristics of areas with clinical implications, to assist in determining a pathology diagnosis',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§876.1520(a)', 'Gastrointestinal lesion software detection system: a computer-assisted detection device used in conjunction with endoscopy to detect abnormal lesions in the gastrointestinal tract, bringing attention to images',
      { medicalPurpose: 'screening', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['video'] }),
    row('§882.5801(a)', 'Computerized behavioral therapy device for psychiatric disorders: a prescription device providing a computerized version of condition-specific behavioral therapy as an adjunct to clinician supervised outpatient treatment',
      { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'] }),
    row('§882.5803(a)', 'Digital therapy device for Attention Deficit Hyperactivity Disorder: software intended to provide therapy for ADHD or its symptoms as an adjunct to clinician supervised treatment',
      { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'] }),
    row('§882.5705(a)', 'Digital therapy device to reduce sleep disturbance for psychiatric conditions: a prescription device providing stimulation on a general purpose computing platform to reduce sleep disturbance due to nightmare disorder or post-traumatic stress disorder',
      { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['wearable_sensor'] }),
    row('§882.1491(a)', 'Pediatric Autism Spectrum Disorder diagnosis aid: a prescription device intended for use as an aid in the diagnosis of autism spectrum disorder in pediatric patients',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['patient_reported', 'video'], populations: ['pediatric'] }),
    row('§882.1580(a)', 'Non-EEG physiological signal based seizure monitoring system: a noninvasive prescription device that collects physiological signals other than EEG to identify signals that may be associated with a seizure',
      { medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['patient', 'caregiver'], autonomy: 'triage_notification', inputs: ['wearable_sensor'] }),
    row('§884.5370(a)', 'Software application for contraception: provides user-specific fertility information for preventing a pregnancy from an analysis of patient-specific data such as temperature and menstrual cycle dates',
      { medicalPurpose: 'contraception', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported', 'wearable_sensor'] }),
    row('§884.6195(a)', 'Assisted reproduction embryo image assessment system: a prescription device that obtains and analyzes light microscopy images of developing embryos to aid in the selection of embryos for transfer',
      { medicalPurpose: 'conception', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }),
    row('§862.1355(a)', 'Integrated continuous glucose monitoring system: automatically measures glucose in bodily fluids continuously and transmits the data to digitally connected devices for managing glycemic control',
      { medicalPurpose: 'monitoring', significance: 'drive', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }),
    row('§874.3325(a)', 'Self-fitting air-conduction hearing aid: a wearable sound amplifying device compensating for impaired hearing whose software lets users program their hearing aids themselves',
      { medicalPurpose: 'disability_compensation', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'assistive', inputs: ['speech_audio'] }),
    row('§880.2750(a)', 'Image processing device for estimation of external blood loss: processes images capturing externally lost blood to estimate hemoglobin mass and blood volume',
      { medicalPurpose: 'monitoring', significance: 'inform', intendedUsers: ['nurse', 'physician'], autonomy: 'advisory', inputs: ['camera_photo'] }),
    // Real decisions under the codes (openFDA records where stored; see the catalogue sources).
    row('K183182 (QFM)', 'Critical Care Suite: AI on the X-ray system that flags frontal chest X-rays with suspected pneumothorax so radiologists read them first',
      { medicalPurpose: 'triage', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true },
      'indications paraphrased from public summaries; the record (QFM, 892.2080, class 2) is an openFDA answer'),
    row('DEN170073 (QAS)', 'ContaCT: analyzes CT angiograms of the brain for suspected large vessel occlusion and notifies the stroke specialist in parallel to standard care',
      { medicalPurpose: 'triage', significance: 'drive', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true },
      'the De Novo created 892.2080; a device like it today goes 510(k)'),
    row('K203629 (PIB)', 'IDx-DR: automatically detects more than mild diabetic retinopathy in adults with diabetes from retinal fundus images in primary care',
      { medicalPurpose: 'screening', significance: 'treat_or_diagnose', intendedUsers: ['physician', 'other_hcp'], autonomy: 'autonomous', inputs: ['medical_image'], fdaPredicate: 'DEN180001' }),
    row('K223357 (PIB)', 'EyeArt v2.2.0: automatically detects more than mild and vision-threatening diabetic retinopathy from retinal fundus images',
      { medicalPurpose: 'screening', significance: 'treat_or_diagnose', intendedUsers: ['physician', 'other_hcp'], autonomy: 'autonomous', inputs: ['medical_image'] }),
    row('DEN200080 (QPN)', 'Paige Prostate: identifies areas suspicious for cancer on digitized whole slide images of prostate needle biopsies for the pathologist',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] },
      'the De Novo created 864.3750; a device like it today goes 510(k)'),
    row('DEN200055 (QNP)', 'GI Genius: highlights portions of the colon where a polyp may be during colonoscopy, as an aid to the endoscopist',
      { medicalPurpose: 'screening', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['video'] },
      'the De Novo created 876.1520; a device like it today goes 510(k)'),
    row('DEN180044 (QDA)', 'ECG App: records a single-lead electrocardiogram on a wrist-worn device and classifies it as atrial fibrillation or sinus rhythm for the user',
      { medicalPurpose: 'screening', significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['physiological'] }),
    row('DEN170052 (PYT)', 'Natural Cycles: over-the-counter app that monitors fertility from basal body temperature and menstrual cycle data for contraception',
      { medicalPurpose: 'contraception', significance: 'treat_or_diagnose', intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'] }),
    row('§880.6316 (SAK)', 'Software device to aid in the prediction or diagnosis of sepsis: uses advanced algorithms to analyze patient specific data to aid health care providers in the prediction and/or diagnosis of sepsis; intended for adjunctive use and not the sole determining factor in assessing a patient\'s sepsis status; may contain alarms that alert the care provider',
      { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['physician', 'nurse'], autonomy: 'assistive', inputs: ['ehr_structured', 'discrete_vitals'], timeCritical: true },
      'the identification is the FDA Product Classification description of SAK (880.6316 is not yet in the 2025 CFR); timeCritical: alarms alerting the care provider to a patient\'s sepsis status are the CDS guidance\'s own time-critical example (CDS 2026 Example V.C.11)'),
    row('DEN230036 (SAK)', 'Sepsis ImmunoScore: AI/ML-based software that identifies patients at risk for having or developing sepsis from up to 22 inputs of the electronic health record, generating a risk score and one of four risk categories, to aid in the risk assessment for presence of or progression to sepsis within 24 hours; not the sole basis to determine sepsis',
      { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured', 'discrete_vitals', 'ivd_signal'] }),
  ],
  inexpressible: [
    { doc: DOC, section: '§892.2100 (QJU, DEN190040)', example: 'Radiological acquisition and/or optimization guidance: software that guides the user in acquiring ultrasound images', why: 'the vocabulary cannot say that the software guides image acquisition rather than interpreting images; the CFR text of 892.2100 was not found either' },
    { doc: DOC, section: '§870.1405(a)', example: 'Interventional cardiovascular implant simulation software device', why: 'planning an implant by simulation is neither a medical purpose nor a data action of the vocabulary; the code was not confirmed and is not in the catalogue' },
    { doc: DOC, section: '§866.3215(a)', example: 'Device to detect and measure non-microbial analytes to aid in assessment of patients with suspected sepsis', why: 'an in vitro measurement of analytes, which the vocabulary cannot tell from software analysing their results; sepsis software is catalogued under 880.6316 (SAK) instead' },
    { doc: DOC, section: '§882.1440(a), §882.1450(a)', example: 'Neuropsychiatric and brain-injury interpretive EEG assessment aids', why: 'their product codes were not confirmed, so the catalogue leaves them out' },
    { doc: DOC, section: '§862.1358(a)', example: 'Insulin therapy adjustment device recommending insulin adjustments from continuous glucose monitor data', why: 'the vocabulary records CGM data as wearable_sensor, which leaves open whether it is a device signal under §520(o)(1)(E) criterion 1; us-fda asks for review (fda.review.c1_unclear_input) before any device type applies' },
    { doc: DOC, section: '§862.1356(a)', example: 'Interoperable automated glycemic controller commanding a connected insulin pump', why: 'the vocabulary says closedLoop and drivesDevice, but us-fda sends an autonomous device-driving function to review for class III (fda.review.class_iii_*) before the catalogue class applies; the row would test that rule, not the catalogue' },
  ],
};

/** The regulation each row must be matched to (all matches share it). */
export const REGULATIONS: Record<string, string> = Object.fromEntries(
  table.rows.map((r) => [r.section, /§(\d{3}\.\d{4})/.exec(r.section)?.[1] ?? '']),
);
Object.assign(REGULATIONS, {
  'K183182 (QFM)': '892.2080', 'DEN170073 (QAS)': '892.2080', 'K203629 (PIB)': '886.1100', 'K223357 (PIB)': '886.1100',
  'DEN200080 (QPN)': '864.3750', 'DEN200055 (QNP)': '876.1520', 'DEN180044 (QDA)': '870.2345', 'DEN170052 (PYT)': '884.5370', 'DEN230036 (SAK)': '880.6316',
});
