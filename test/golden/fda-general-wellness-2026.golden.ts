import type { GoldenRow, GoldenTable, Inexpressible } from './types';

/**
 * FDA "General Wellness: Policy for Low Risk Devices" (6 Jan 2026;
 * shared/domain/sources/fda-general-wellness.md): Section V, Illustrative Examples 1–9, and the
 * note of Example 7. Examples 1–3 are software functions the guidance calls "not a device
 * function" (§520(o)(1)(B); 3060 guidance §IV.B.1). Examples 5, 7 and 9 are low-risk general
 * wellness products estimating physiological values by non-invasive sensing, for which FDA does
 * not intend to enforce device requirements (§III conditions): enforcement discretion.
 */
const DOC = 'FDA General Wellness 2026';
type P = GoldenRow['profile'];

const row = (section: string, example: string, profile: P, expect: GoldenRow['expect'], note?: string): GoldenRow => ({
  doc: DOC, section, example, profile: { jurisdictions: ['US'], ...profile }, expect, ...(note ? { note } : {}),
});
const wellness = (inputs: P['inputs'], extra: Partial<P> = {}): P =>
  ({ medicalPurpose: 'wellness', intendedUsers: ['patient'], autonomy: 'advisory', inputs, modelType: 'rule_based', ...extra });

const rows: GoldenRow[] = [
  row('§V Illustrative Example 1', 'software plays music to "soothe and relax" and "manage stress": not a device function', wellness(['patient_reported']),
    [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule: 'fda.exclusion.b_wellness' }]),
  row('§V Illustrative Example 2', 'solely monitors and records daily energy expenditure and cardiovascular workouts "to improve or maintain good cardiovascular health": not a device function', wellness(['wearable_sensor'], { sensorMeasures: ['activity'] }),
    [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule: 'fda.exclusion.b_wellness' }], 'energy expenditure and workouts are activity measures'),
  row('§V Illustrative Example 3', 'monitors and records food consumption for weight management and alerts the user, provider or family of unhealthy dietary activity: not a device function', wellness(['patient_reported'], { intendedUsers: ['patient', 'caregiver'] }),
    [{ framework: 'us-fda', class: 'not_device', disposition: 'determined', pathway: 'none', rule: 'fda.exclusion.b_wellness' }]),
  row('§V Illustrative Example 5', 'portable product monitoring pulse rate and/or oxygen saturation during exercise and hiking: low risk general wellness product', wellness(['wearable_sensor'], { sensorMeasures: ['physiological'] }),
    [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', rule: 'fda.discretion.general_wellness' }]),
  row('§V Illustrative Example 7', 'wrist-worn wearable for activity and recovery: hours slept and sleep quality (accelerometer), pulse rate and blood pressure (photoplethysmogram): low risk general wellness product, provided blood pressure values are validated', wellness(['wearable_sensor'], { sensorMeasures: ['activity', 'physiological'] }),
    [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', rule: 'fda.discretion.general_wellness' }], 'the validation of the blood pressure values cannot be declared; the discretion rule states it as a condition'),
  row('§V Illustrative Example 7, note', 'same wearable, but its claims imply use in a medical or clinical context: not a low risk general wellness product', { medicalPurpose: 'monitoring', significance: 'inform', intendedUsers: ['patient'], autonomy: 'advisory', inputs: ['wearable_sensor'], sensorMeasures: ['activity', 'physiological'], modelType: 'rule_based' },
    [{ framework: 'us-fda', class: 'II', disposition: 'determined', rule: 'fda.cds.c1_fails' }], 'a clinical purpose: physiological readings for a medical purpose are a signal (CDS 2026 §IV(1)); the guidance names no class, II is the pack\'s class for a device'),
  row('§V Illustrative Example 9', 'non-invasive wearable for elite athletes monitoring electrolyte balance, lactate and haemoglobin by an optical sensor, exercise/fitness use only, disclaimed for diagnosis: low risk general wellness product', wellness(['wearable_sensor'], { sensorMeasures: ['physiological'] }),
    [{ framework: 'us-fda', class: 'enforcement_discretion', disposition: 'determined', pathway: 'none', rule: 'fda.discretion.general_wellness' }], 'provided the values are validated (not declarable)'),
];

const inexpressible: Inexpressible[] = [
  { doc: DOC, section: '§V Illustrative Example 4', example: 'reminds users to keep skin out of direct sunlight when the UV index is high, which may help reduce the risk of skin cancer', why: 'a disease-related (second-category) wellness claim: it is not excluded by §520(o)(1)(B) (3060 guidance §IV.B.2) but falls under the wellness policy; medicalPurpose "wellness" cannot say that the claim names a disease, so the pack answers not_device for it (no premarket requirement either way)' },
  { doc: DOC, section: '§V Illustrative Example 6', example: 'product that mechanically exfoliates the face, hands and feet (and, in the note, one that enhances delivery of a drug through the skin: invasive)', why: 'a hardware product, not a software function; the vocabulary has no field for invasiveness' },
  { doc: DOC, section: '§V Illustrative Example 8', example: 'wearable estimating blood glucose by minimally invasive microneedles, contraindicated for diabetics: not low risk because it penetrates the skin', why: 'the vocabulary cannot say that a sensor is invasive (penetrates the stratum corneum); a wellness profile with a physiological sensor reads as non-invasive' },
  { doc: DOC, section: '§III second category (Products U–Z)', example: 'breathing and relaxation coaching that may help living well with migraine; tracking that may help reduce the risk of high blood pressure or type 2 diabetes', why: 'as Example 4: "may help reduce the risk of / living well with" a chronic disease cannot be told apart from a first-category claim' },
  { doc: DOC, section: '§IV low-risk examples', example: 'sunlamps, implants for self-image, skin-rejuvenating lasers, memory neurostimulation, lactate testing by venipuncture: not low risk', why: 'hardware risks (radiation, implantation, energy, invasiveness) the vocabulary has no fields for' },
];

export const table: GoldenTable = { doc: DOC, rows, inexpressible };
