import type { GoldenTable } from './types';

/**
 * Manual on borderline and classification for medical devices, Version 4 (September 2025),
 * shared/domain/sources/mdcg-borderline-manual-v4-software.md: its software entries with a stated outcome
 * (1.1.9.1, 1.1.9.2 = 1.2.11.1, 1.1.9.4). The other entries concern no software.
 */
const DOC = 'Borderline Manual v4';
const MDR = 'eu-mdr';

export const table: GoldenTable = {
  doc: DOC,
  rows: [
    {
      doc: DOC,
      section: '1.1.9.1',
      example: 'app "to prevent STIs" exchanging test results between sexual partners by QR code and notifying the network: communication only → not a medical device',
      profile: { medicalPurpose: 'contraception', dataAction: 'store_transfer_display', modelType: 'rule_based', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['patient_reported'] },
      expect: [{ framework: MDR, class: 'not_mdsw', disposition: 'determined', rule: 'mdr.qualification.step3_no_action_on_data' }],
      note: 'the claimed purpose is prevention of sexually transmitted infection (vocabulary: contraception); the Manual: "the software would not perform an action on data other than communication"',
    },
    {
      doc: DOC,
      section: '1.1.9.2 (and 1.2.11.1)',
      example: 'medical calculator: CHA₂DS₂-VASc stroke risk in atrial fibrillation to decide on antithrombotic therapy → MD, Rule 11, at least IIa',
      profile: { medicalPurpose: 'prognosis', dataAction: 'fixed_calculation', modelType: 'rule_based', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'] },
      expect: [
        { framework: MDR, provisionalClass: 'IIa', disposition: 'requires_review', rule: 'mdr.note.calculation_is_action_on_data' },
        { framework: MDR, rule: 'mdr.review.significance_missing' },
      ],
      note: '"at least class IIa; a higher classification may apply depending on the significance of the information … in the context of the patient\'s condition": neither is stated, so IIa is provisional and both are asked for',
    },
    {
      doc: DOC,
      section: '1.1.9.2 (and 1.2.11.1)',
      example: 'medical calculator: creatinine clearance by Cockcroft-Gault to identify kidney failure and help decide on dialysis → MD, Rule 11, at least IIa',
      profile: { medicalPurpose: 'diagnosis', dataAction: 'fixed_calculation', modelType: 'rule_based', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'] },
      expect: [
        { framework: MDR, provisionalClass: 'IIa', disposition: 'requires_review', rule: 'mdr.note.calculation_is_action_on_data' },
        { framework: MDR, rule: 'mdr.review.situation_missing' },
      ],
      note: 'as the row above',
    },
    {
      doc: DOC,
      section: '1.1.9.4',
      example: 'temperature sensor embedded in a scoliosis brace logging when and how long it is worn (compliance) → not an accessory, not a medical device',
      profile: { medicalPurpose: 'monitoring', dataAction: 'store_transfer_display', modelType: 'rule_based', monitoring: { physiological: false, vitalParameters: false, immediateDanger: false }, intendedUsers: ['physician', 'patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], drivesDevice: false },
      expect: [{ framework: MDR, class: 'not_mdsw', disposition: 'determined', rule: 'mdr.qualification.step3_no_action_on_data' }],
      note: 'data logging of wear time; it does not drive or influence the brace (not an accessory, MDR Art 2(2)) and monitors no physiological process',
    },
  ],
  inexpressible: [
    {
      doc: DOC,
      section: '1.1.9.1',
      example: 'the same app\'s "risk calculator" of STI infection from sexual habits and the partner network → not a medical purpose (an epidemiologic tool)',
      why: 'the Manual\'s reason is that the risk rests on behaviour, not on the individual\'s physiological parameters; the vocabulary cannot say what a risk estimate rests on, and would call an individual risk calculation with a medical purpose MDSW',
    },
  ],
};
