import type { Expectation, GoldenRow, GoldenTable } from './types';

/**
 * IMDRF/SaMD WG/N12FINAL:2014 (shared/domain/sources/imdrf-n12-2014.md): every §7.4 example
 * (Category IV: 4, III: 5, II: 5, I: 9) and every §10.1 example of software that is or is not SaMD.
 *
 * §7.4 rows: significance and situation are those of the §7.3 criterion N12 names for the example
 * (e.g. "criteria III.ii" = drive × critical). Users are those the example names; where it names
 * none, the healthcare professional the example's setting implies (said in the row's note).
 * `autonomy` is required by the vocabulary but never stated by N12 and never read by imdrf-samd:
 * `assistive` where a professional acts on the output, `autonomous` where the software acts itself.
 *
 * Lay users in a serious situation (N12 §5.2.2 note): none of the §7.4 examples says whether lay
 * users have professional support, and N12 categorises them all by the matrix without raising the
 * situation to critical. Their rows leave `professionalSupport` undeclared, as the example does:
 * the service must not raise silently but ask (requires_review naming the field) and propose the
 * category N12 gives.
 */
const N12 = 'IMDRF N12';
const CLASSIC = { modelType: 'classical_ml', learningMode: 'locked' } as const;

/** The category N12 gives, determined, by the named matrix cell. */
const cat = (cls: string, rule: string): Expectation[] => [{ framework: 'imdrf-samd', class: cls, disposition: 'determined', rule: `imdrf.matrix.${rule}` }];
/** The category N12 gives, proposed, while the service asks for the lay users' professional support. */
const layCat = (cls: string, rule: string): Expectation[] => [
  { framework: 'imdrf-samd', class: null, provisionalClass: cls, disposition: 'requires_review', missing: ['professionalSupport'], rule: `imdrf.matrix.${rule}` },
];
const notSamd = (rule: string): Expectation[] => [{ framework: 'imdrf-samd', class: 'not_samd', disposition: 'determined', rule }];
/** SaMD whose category the example does not give: never not_samd; review names what is missing. */
const samdUncategorised = (missing: string[]): Expectation[] => [{ framework: 'imdrf-samd', class: null, disposition: 'requires_review', missing }];

const rows: GoldenRow[] = [
  // ---- §7.4 Category IV
  {
    doc: N12, section: '§7.4 Category IV, example 1',
    example: 'diagnostic image analysis for making treatment decisions in patients with acute stroke (ischemic vs hemorrhagic), criteria IV.i',
    profile: { medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: cat('IV', 'critical.treat_or_diagnose'),
    note: 'users not named; treatment decisions in acute stroke are taken by specialists',
  },
  {
    doc: N12, section: '§7.4 Category IV, example 2',
    example: 'calculates the fractal dimension of a skin lesion and builds a structural map to diagnose malignant vs benign, criteria IV.i',
    profile: { medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: cat('IV', 'critical.treat_or_diagnose'),
    note: 'users not named: a physician diagnoses',
  },
  {
    doc: N12, section: '§7.4 Category IV, example 3',
    example: 'analysis of cerebrospinal fluid spectroscopy data to diagnose tuberculosis or viral meningitis in children, criteria IV.i',
    profile: { medicalPurpose: 'diagnosis', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ivd_signal'], populations: ['pediatric'], ...CLASSIC },
    expect: cat('IV', 'critical.treat_or_diagnose'),
  },
  {
    doc: N12, section: '§7.4 Category IV, example 4',
    example: 'combines immunoassay data to screen for mutable pathogens / pandemic outbreak, criteria IV.i',
    profile: { medicalPurpose: 'screening', significance: 'treat_or_diagnose', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ivd_signal'], ...CLASSIC },
    expect: cat('IV', 'critical.treat_or_diagnose'),
  },
  // ---- §7.4 Category III
  {
    doc: N12, section: '§7.4 Category III, example 1',
    example: 'uses the microphone of a smart device to detect interrupted breathing during sleep and sounds a tone to rouse the sleeper, criteria III.i',
    profile: { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['speech_audio'], ...CLASSIC },
    expect: layCat('III', 'serious.treat_or_diagnose'),
    note: 'the sleeper is the user (lay); N12 gives III (serious) without raising it; professional support not stated',
  },
  {
    doc: N12, section: '§7.4 Category III, example 2',
    example: 'provides sound therapy to treat, mitigate or reduce effects of tinnitus, criteria III.i',
    profile: { medicalPurpose: 'treatment', significance: 'treat_or_diagnose', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'autonomous', inputs: ['patient_reported'], ...CLASSIC },
    expect: layCat('III', 'serious.treat_or_diagnose'),
    note: 'sound therapy is listened to by the patient; professional support not stated',
  },
  {
    doc: N12, section: '§7.4 Category III, example 3',
    example: 'radiation treatment planning system: specific parameters tailored for a tumour and patient for treatment using a radiation medical device, criteria III.ii',
    profile: { medicalPurpose: 'treatment', significance: 'drive', situations: ['critical'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image', 'ehr_structured'], ...CLASSIC },
    expect: cat('III', 'critical.drive'),
    note: 'supplies parameters to a radiation device; it does not drive it (N12 §10.1: treatment planning for a linear accelerator is SaMD)',
  },
  {
    doc: N12, section: '§7.4 Category III, example 4',
    example: 'predicts a risk score in a high-risk population for preventive intervention strategies for colorectal cancer, criteria III.ii',
    profile: { medicalPurpose: 'prognosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'], ...CLASSIC },
    expect: cat('III', 'critical.drive'),
  },
  {
    doc: N12, section: '§7.4 Category III, example 5',
    example: 'takes pictures and monitors growth to supplement information a healthcare provider uses to diagnose if a skin lesion is malignant, criteria III.ii',
    profile: { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['camera_photo'], ...CLASSIC },
    expect: cat('III', 'critical.drive'),
  },
  // ---- §7.4 Category II
  {
    doc: N12, section: '§7.4 Category II, example 1',
    example: 'analyzes heart rate data intended for a clinician as an aid in diagnosis of arrhythmia, criteria II.ii',
    profile: { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['serious'], intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['physiological_waveform'], ...CLASSIC },
    expect: cat('II', 'serious.drive'),
  },
  {
    doc: N12, section: '§7.4 Category II, example 2',
    example: '3D reconstruction of a CT scan to aid catheter placement in the bronchial tree and marker placement to guide radiosurgery, criteria II.ii',
    profile: { medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: cat('II', 'serious.drive'),
  },
  {
    doc: N12, section: '§7.4 Category II, example 3',
    example: 'predicts a risk score for developing stroke or heart disease for prevention or interventional strategies, criteria II.iii',
    profile: { medicalPurpose: 'prognosis', significance: 'inform', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'], ...CLASSIC },
    expect: cat('II', 'critical.inform'),
  },
  {
    doc: N12, section: '§7.4 Category II, example 4',
    example: 'integrates multiple tests with standardized rules to recommend a diagnosis (kidney function, cardiac risk, iron and anemia), criteria II.ii; serious and non-serious conditions, highest counts (§7.1)',
    profile: { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['serious', 'non_serious'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ivd_signal'], modelType: 'rule_based', learningMode: 'locked' },
    expect: [...cat('II', 'serious.drive'), { framework: 'imdrf-samd', rule: 'imdrf.note.highest_situation' }],
  },
  {
    doc: N12, section: '§7.4 Category II, example 5',
    example: 'helps diabetic patients by calculating bolus insulin dose from carbohydrate intake, pre-meal glucose and anticipated activity, criteria II.ii',
    profile: { medicalPurpose: 'treatment', significance: 'drive', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported', 'discrete_vitals'], ...CLASSIC },
    expect: layCat('II', 'serious.drive'),
    note: 'diabetic patients use it (lay); N12 gives II (serious) without raising it; professional support not stated',
  },
  // ---- §7.4 Category I
  {
    doc: N12, section: '§7.4 Category I, example 1',
    example: 'sends ECG rate, walking speed, heart rate, distance and location of a cardiac rehabilitation patient to a server for monitoring by a qualified professional, criteria I.ii',
    profile: { medicalPurpose: 'monitoring', significance: 'inform', situations: ['serious'], intendedUsers: ['patient', 'physician'], autonomy: 'advisory', inputs: ['physiological_waveform', 'wearable_sensor'], dataAction: 'store_transfer_display', modelType: 'rule_based', learningMode: 'locked' },
    expect: cat('I', 'serious.inform'),
    note: 'a lay user with a qualified professional among the users: N12 gives I (serious), not raised',
  },
  {
    doc: N12, section: '§7.4 Category I, example 2',
    example: 'collects peak-flow meter data and symptom diaries to anticipate an asthma episode, criteria I.ii',
    profile: { medicalPurpose: 'prognosis', significance: 'inform', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported', 'discrete_vitals'], ...CLASSIC },
    expect: layCat('I', 'serious.inform'),
    note: 'symptom diaries are kept by the patient (lay); professional support not stated',
  },
  {
    doc: N12, section: '§7.4 Category I, example 3',
    example: 'analyzes images, movement of the eye or other information to guide the next diagnostic action of astigmatism, criteria I.i',
    profile: { medicalPurpose: 'diagnosis', significance: 'drive', situations: ['non_serious'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['camera_photo', 'video'], ...CLASSIC },
    expect: cat('I', 'non_serious.drive'),
  },
  {
    doc: N12, section: '§7.4 Category I, example 4',
    example: 'predicts a risk score in healthy populations for developing migraine (non-serious condition), criteria I.i',
    profile: { medicalPurpose: 'prognosis', significance: 'drive', situations: ['non_serious'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'], ...CLASSIC },
    expect: cat('I', 'non_serious.drive'),
    note: 'users not named; the lay-user note concerns serious situations only, so the category does not depend on them',
  },
  {
    doc: N12, section: '§7.4 Category I, example 5',
    example: "collects a ventilator's output about a patient's carbon dioxide level and transmits it to a central patient data repository, criteria I.ii",
    profile: { medicalPurpose: 'monitoring', significance: 'inform', situations: ['serious'], intendedUsers: ['physician', 'nurse'], autonomy: 'advisory', inputs: ['discrete_vitals'], dataAction: 'store_transfer_display', modelType: 'rule_based', learningMode: 'locked' },
    expect: cat('I', 'serious.inform'),
    note: 'reads the ventilator, does not drive it',
  },
  {
    doc: N12, section: '§7.4 Category I, example 6',
    example: "stores historical blood pressure information for a health care provider's later review, criteria I.ii",
    profile: { medicalPurpose: 'monitoring', significance: 'inform', situations: ['serious'], intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['discrete_vitals'], dataAction: 'store_transfer_display', modelType: 'rule_based', learningMode: 'locked' },
    expect: cat('I', 'serious.inform'),
  },
  {
    doc: N12, section: '§7.4 Category I, example 7',
    example: 'image analysis of body fluid preparations or digital slides to perform cell counts and morphology reviews, criteria I.ii',
    profile: { medicalPurpose: 'diagnosis', significance: 'inform', situations: ['serious'], intendedUsers: ['other_hcp'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: cat('I', 'serious.inform'),
    note: 'laboratory staff review the counts',
  },
  {
    doc: N12, section: '§7.4 Category I, example 8',
    example: 'for elderly patients with chronic conditions: wearable sensor data to a server, identifies tachycardia and signs of respiratory infection and communicates them to caregivers, criteria I.ii',
    profile: { medicalPurpose: 'monitoring', significance: 'inform', situations: ['serious'], intendedUsers: ['caregiver'], autonomy: 'advisory', inputs: ['wearable_sensor'], populations: ['elderly'], ...CLASSIC },
    expect: layCat('I', 'serious.inform'),
    note: 'caregivers act on the output (lay); professional support not stated',
  },
  {
    doc: N12, section: '§7.4 Category I, example 9',
    example: 'uses hearing sensitivity, speech in noise and a questionnaire on listening situations to self-assess for hearing loss, criteria I.ii',
    profile: { medicalPurpose: 'screening', significance: 'inform', situations: ['serious'], intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported', 'speech_audio'], ...CLASSIC },
    expect: layCat('I', 'serious.inform'),
    note: 'self-assessment by a lay user; professional support not stated',
  },
  // ---- §10.1 examples of software that are SaMD (no category given)
  {
    doc: N12, section: '§10.1 SaMD, example 1',
    example: 'diagnosis of a condition using the tri-axial accelerometer, running on the embedded processor of a consumer digital camera',
    profile: { medicalPurpose: 'diagnosis', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['wearable_sensor'], ...CLASSIC },
    expect: samdUncategorised(['significance', 'situations']),
    note: 'SaMD on a general-purpose platform; N12 gives no significance or situation, so no category',
  },
  {
    doc: N12, section: '§10.1 SaMD, example 2',
    example: 'lets a commercially available smartphone view images obtained from an MRI device for diagnostic purposes (SaMD, not an accessory)',
    profile: { medicalPurpose: 'diagnosis', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['medical_image'], dataAction: 'store_transfer_display', modelType: 'rule_based', learningMode: 'locked' },
    expect: samdUncategorised(['significance', 'situations']),
    note: 'connected to a hardware device but not needed by it: SaMD; no category given',
  },
  {
    doc: N12, section: '§10.1 SaMD, example 3',
    example: 'image post-processing aiding the detection of breast cancer (CAD) on a general-purpose platform located in the image-acquisition device',
    profile: { medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: samdUncategorised(['situations']),
    note: '"aiding in the detection" is N12 §5.1.2 aid in diagnosis (drive); the situation is not stated',
  },
  {
    doc: N12, section: '§10.1 SaMD, example 4',
    example: 'treatment planning software that supplies information used in a linear accelerator (parameters that become the input of another device)',
    profile: { medicalPurpose: 'treatment', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'], ...CLASSIC },
    expect: samdUncategorised(['significance', 'situations']),
    note: 'provides parameters, does not drive the device; §7.4 III.3 categorises a planning system when significance and situation are given',
  },
  // ---- §10.1 examples of software that are not SaMD
  {
    doc: N12, section: '§10.1 not SaMD, example 1a',
    example: 'software used to "drive or control" the motors and the pumping of medication in an infusion pump',
    profile: { medicalPurpose: 'treatment', drivesDevice: true, intendedUsers: ['nurse'], autonomy: 'autonomous', inputs: ['ehr_structured'], modelType: 'rule_based', learningMode: 'locked' },
    expect: notSamd('imdrf.qualification.drives_hardware'),
    note: 'inputs not stated: the programmed infusion',
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 1b',
    example: 'software used in closed loop control in an implantable pacemaker',
    profile: { medicalPurpose: 'treatment', drivesDevice: true, closedLoop: true, intendedUsers: ['specialist_physician'], autonomy: 'autonomous', inputs: ['physiological_waveform'], modelType: 'rule_based', learningMode: 'locked' },
    expect: notSamd('imdrf.qualification.drives_hardware'),
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 3',
    example: 'relies on data from a medical device but has no medical purpose, e.g. encrypts data for transmission from a medical device',
    profile: { medicalPurpose: 'none', dataAction: 'store_transfer_display', intendedUsers: ['administrator'], autonomy: 'autonomous', inputs: ['physiological_waveform'], modelType: 'rule_based', learningMode: 'locked' },
    expect: notSamd('imdrf.qualification.non_medical'),
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 4',
    example: 'enables clinical communication and workflow: patient registration, scheduling visits, voice calling, video calling',
    profile: { medicalPurpose: 'administrative', dataAction: 'store_transfer_display', intendedUsers: ['administrator', 'physician', 'patient'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'rule_based', learningMode: 'locked' },
    expect: notSamd('imdrf.qualification.non_medical'),
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 5a',
    example: 'monitors X-ray tube performance to anticipate the need for replacement (servicing the device)',
    profile: { medicalPurpose: 'none', individualPatient: false, intendedUsers: ['administrator'], autonomy: 'advisory', inputs: ['ehr_structured'], ...CLASSIC },
    expect: notSamd('imdrf.qualification.non_medical'),
    note: 'inputs not stated: device performance logs (no closer input in the vocabulary)',
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 5b',
    example: 'integrates and analyzes laboratory quality-control data to identify increased random errors or calibration trends on IVDs',
    profile: { medicalPurpose: 'none', individualPatient: false, intendedUsers: ['other_hcp'], autonomy: 'advisory', inputs: ['ivd_signal'], ...CLASSIC },
    expect: notSamd('imdrf.qualification.non_medical'),
  },
  {
    doc: N12, section: '§10.1 not SaMD, example 6',
    example: 'a database including search and query functions, by itself or when used by SaMD (provides inputs to SaMD without a medical purpose)',
    profile: { medicalPurpose: 'none', dataAction: 'store_transfer_display', individualPatient: false, intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'], modelType: 'rule_based', learningMode: 'locked' },
    expect: notSamd('imdrf.qualification.non_medical'),
  },
];

/** IMDRF/SaMD WG/N12FINAL:2014 (shared/domain/sources/imdrf-n12-2014.md): §7.4 and §10.1. */
export const table: GoldenTable = {
  doc: N12,
  rows,
  inexpressible: [
    {
      doc: N12,
      section: '§10.1 not SaMD, example 2',
      example: 'software required by a hardware medical device to perform its intended use is not SaMD even when sold separately',
      why: 'the vocabulary can say that software drives or controls a hardware device (drivesDevice), but not that a hardware device needs it to achieve its own intended use without being driven by it',
    },
  ],
};
