import type { Profile } from '../../src/classification/profile';
import type { GoldenRow, GoldenTable } from './types';

/** Keeps a shared fragment's literal types (enum values) without making its arrays readonly. */
const p = <T extends Partial<Profile>>(o: T): T => o;

/**
 * Regulation (EU) 2024/1689 (AI Act) (shared/domain/sources/eu-ai-act.md): the Art 5 practices, the
 * Annex III points that touch health, the Art 5(1)(f) medical-reasons exception (recital 44), the
 * emotion-recognition definition (recital 18) and Art 50 transparency. Only eu-ai-act is asserted.
 *
 * eu-ai-act reads the eu-mdr result (dependsOn). Where a row is a medical device, its profile makes
 * the MDR class unambiguous under Rule 11a (significance × situation and the worst-case harm agree,
 * professional users only); where it is not, the purpose is one the MDR does not qualify
 * (administrative, wellness, none) or the output is not about an individual patient.
 */
const DOC = 'AI Act 2024/1689';
const AIA = 'eu-ai-act';
const ML = p({ modelType: 'classical_ml', learningMode: 'locked' });
/** Not medical device software under the MDR: only the AI Act decides the tier. */
const NOT_MD = p({ medicalPurpose: 'administrative', intendedUsers: ['administrator'], autonomy: 'advisory', inputs: ['ehr_structured'], interactsWithPersons: false, generatesSyntheticContent: false, ...ML });
/** MDR class III beyond doubt (Rule 11a: death or irreversible deterioration; N12 treat × critical). */
const MDR_III = p({ medicalPurpose: 'triage', significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', intendedUsers: ['other_hcp'], autonomy: 'triage_notification', interactsWithPersons: false, generatesSyntheticContent: false, ...ML });
/** MDR class IIa beyond doubt (Rule 11a: minor harm; N12 drive × serious). */
const MDR_IIA = p({ significance: 'drive', situations: ['serious'], worstCaseHarm: 'minor', interactsWithPersons: false, generatesSyntheticContent: false, ...ML });

const rows: GoldenRow[] = [
  // ---- Art 5 prohibited practices
  {
    doc: DOC, section: 'Art 5(1)(a)',
    example: 'purposefully manipulative or deceptive techniques materially distorting behaviour and causing significant harm (in a patient adherence app)',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['patient'], useContexts: ['manipulative_techniques'], interactsWithPersons: true },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1a_manipulative_techniques' }],
  },
  {
    doc: DOC, section: 'Art 5(1)(b)',
    example: 'exploits vulnerabilities of persons due to their age or disability, materially distorting their behaviour',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['patient'], populations: ['elderly'], useContexts: ['exploits_vulnerabilities'] },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1b_exploits_vulnerabilities' }],
  },
  {
    doc: DOC, section: 'Art 5(1)(c)',
    example: 'evaluation or classification of natural persons by social behaviour, the social score leading to unfavourable treatment',
    profile: { ...NOT_MD, useContexts: ['social_scoring'] },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1c_social_scoring' }],
  },
  {
    doc: DOC, section: 'Art 5(1)(f), workplace',
    example: 'AI system to infer emotions of a natural person in the area of the workplace (no medical or safety reason)',
    profile: { ...NOT_MD, useContexts: ['emotion_recognition', 'workplace'], inputs: ['video'] },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1f_emotion_workplace_education' }],
  },
  {
    doc: DOC, section: 'Art 5(1)(f), education',
    example: 'AI system to infer emotions of pupils in education institutions, marketed as a well-being score',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['researcher'], useContexts: ['emotion_recognition', 'education'], inputs: ['camera_photo'] },
    expect: [{ framework: AIA, class: 'prohibited', disposition: 'determined', rule: 'aia.art5.1f_emotion_workplace_education' }],
    note: 'well-being is not a medical reason (recital 44: strictly for medical or safety reasons)',
  },
  {
    doc: DOC, section: 'Art 5(1)(f) exception, recital 44',
    example: 'emotion inference at the workplace placed on the market strictly for medical reasons, "such as systems intended for therapeutical use" (a medical device for therapy)',
    profile: { ...MDR_IIA, medicalPurpose: 'treatment', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['video'], useContexts: ['emotion_recognition', 'workplace'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.note.art5f_medical_exception' }],
    note: 'not prohibited; still Annex III 1(c) emotion recognition, and MDR IIa (Art 6(1))',
  },
  // ---- Annex III points that touch health (Art 6(2))
  {
    doc: DOC, section: 'Annex III point 1(c)',
    example: 'AI systems intended to be used for emotion recognition (mood detection for app users, outside work and education)',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['patient'], useContexts: ['emotion_recognition'], inputs: ['camera_photo'] },
    expect: [
      { framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.1c_emotion_recognition' },
      { framework: AIA, rule: 'aia.art50.3_emotion_biometric_exposure' },
    ],
    note: 'Art 50(3): deployers inform the persons exposed',
  },
  {
    doc: DOC, section: 'Annex III point 1(b)',
    example: 'AI systems intended to be used for biometric categorisation according to sensitive or protected attributes',
    profile: { ...NOT_MD, useContexts: ['biometric_categorisation'], inputs: ['camera_photo'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.1b_biometric_categorisation' }],
  },
  {
    doc: DOC, section: 'Annex III point 5(a)',
    example: 'used by or on behalf of public authorities to evaluate eligibility for essential public assistance benefits and services, including healthcare services',
    profile: { ...NOT_MD, useContexts: ['public_benefit_eligibility'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.5a_public_healthcare_eligibility' }],
  },
  {
    doc: DOC, section: 'Annex III point 5(c)',
    example: 'risk assessment and pricing in relation to natural persons in the case of life and health insurance',
    profile: { ...NOT_MD, useContexts: ['health_insurance_pricing'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.5c_health_insurance_pricing' }],
  },
  {
    doc: DOC, section: 'Annex III point 5(d), emergency calls',
    example: 'evaluate and classify emergency calls or establish priority in dispatching emergency first response services, including medical aid',
    profile: { ...MDR_III, inputs: ['speech_audio'], useContexts: ['emergency_call_triage'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.5d_emergency_call_triage' }],
  },
  {
    doc: DOC, section: 'Annex III point 5(d), patient triage',
    example: 'emergency healthcare patient triage systems',
    profile: { ...MDR_III, intendedUsers: ['nurse'], inputs: ['discrete_vitals', 'patient_reported'], useContexts: ['emergency_department_triage'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.annex_iii.5d_emergency_patient_triage' }],
  },
  // ---- Art 6(1) with Annex I (MDR)
  {
    doc: DOC, section: 'Art 6(1), Annex I Section A point 11, recital 50',
    example: 'an AI system that is itself a medical device required to undergo third-party conformity assessment under the MDR (class III)',
    profile: { ...MDR_III, medicalPurpose: 'diagnosis', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] },
    expect: [{ framework: AIA, class: 'high_risk', disposition: 'determined', rule: 'aia.art6_1.mdr_notified_body' }],
  },
  // ---- Art 50 transparency
  {
    doc: DOC, section: 'Art 50(1)',
    example: 'an AI system intended to interact directly with natural persons (a wellness chatbot, not a medical device)',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['patient'], modelType: 'generative', interactsWithPersons: true, generatesSyntheticContent: false },
    expect: [{ framework: AIA, class: 'limited', disposition: 'determined', rule: 'aia.art50.1_interaction' }],
  },
  {
    doc: DOC, section: 'Art 50(2)',
    example: 'an AI system generating synthetic text (a scribe drafting clinical notes, documentation only)',
    profile: { ...NOT_MD, medicalPurpose: 'documentation', dataAction: 'content_generation', intendedUsers: ['physician'], inputs: ['speech_audio'], modelType: 'generative', generatesSyntheticContent: true },
    expect: [{ framework: AIA, class: 'limited', disposition: 'determined', rule: 'aia.art50.2_synthetic_content' }],
  },
  {
    doc: DOC, section: 'Art 50(3)',
    example: 'deployers of an emotion recognition system inform the natural persons exposed to it',
    profile: { ...NOT_MD, medicalPurpose: 'wellness', intendedUsers: ['patient'], useContexts: ['emotion_recognition'], inputs: ['speech_audio'] },
    expect: [{ framework: AIA, rule: 'aia.art50.3_emotion_biometric_exposure' }],
    note: 'the tier is high-risk through Annex III 1(c); the row asserts the Art 50(3) duty',
  },
  // ---- Recital 18
  {
    doc: DOC, section: 'Recital 18',
    example: 'detecting the state of fatigue of professional pilots or drivers to prevent accidents is not emotion recognition',
    profile: { ...NOT_MD, medicalPurpose: 'none', intendedUsers: ['administrator'], useContexts: ['workplace'], inputs: ['video'] },
    expect: [{ framework: AIA, class: 'minimal', disposition: 'determined', rule: 'aia.qualification.minimal_risk' }],
    note: 'physical states are not emotions: emotion_recognition is not declared; nothing else in the example reaches a tier',
  },
];

export const table: GoldenTable = {
  doc: DOC,
  rows,
  inexpressible: [
    { doc: DOC, section: 'Art 5(1)(g)', example: 'biometric categorisation deducing race, political opinions, trade-union membership, religious beliefs, sex life or sexual orientation', why: 'useContexts has biometric_categorisation but cannot say which attributes are inferred; the pack answers high-risk (Annex III 1(b)) with a note' },
    { doc: DOC, section: 'Art 5(1)(ba), (bb), 5(1a)–(1b) (Regulation (EU) 2026/1744)', example: 'generating non-consensual intimate imagery of identifiable persons, or child sexual abuse material', why: 'the vocabulary has no use context for these generation purposes' },
    { doc: DOC, section: 'Art 5(1)(f), safety reasons', example: 'emotion inference at the workplace put in place for safety reasons', why: 'profile v1 cannot declare a safety reason; only a medical device purpose (the eu-mdr class) can lift the prohibition' },
    { doc: DOC, section: 'Art 5(1)(d), (e), (h)', example: 'criminal-offence risk prediction by profiling, untargeted facial scraping, real-time remote biometric identification for law enforcement', why: 'no use context for law enforcement or facial databases; outside medical software' },
    { doc: DOC, section: 'Annex III point 1(a)', example: 'remote biometric identification systems', why: 'no use context for remote biometric identification' },
    { doc: DOC, section: 'Annex III point 7(b)', example: 'assessing a health risk posed by a natural person entering a Member State (migration and border control)', why: 'no use context for migration or border control' },
    { doc: DOC, section: 'Art 6(3)', example: 'an Annex III system that performs only a narrow procedural or preparatory task is not high-risk (unless it profiles persons)', why: 'the vocabulary cannot declare the Art 6(3) conditions; the pack notes the derogation and keeps high-risk' },
    { doc: DOC, section: 'Art 6(1a)–(1b) (Regulation (EU) 2026/1744)', example: 'AI used solely for non-safety aspects (user assistance, performance optimisation, convenience) is not a safety component', why: 'the vocabulary cannot say that an AI system is a safety component of another product; the MDR route reads software that is itself a device' },
    { doc: DOC, section: 'Art 50(4)', example: 'deployers of a system generating deep fakes disclose that the content is artificially generated', why: 'no field for deep-fake image, audio or video content' },
  ],
};
