import type { components } from '../generated/openapi';

export type Profile = components['schemas']['Profile'];
export type Jurisdiction = NonNullable<Profile['jurisdictions']>[number];
export type Situation = NonNullable<Profile['situations']>[number];
export type User = Profile['intendedUsers'][number];

export const ALL_JURISDICTIONS: Jurisdiction[] = ['RU', 'EU', 'US'];
export const LAY_USERS: ReadonlySet<User> = new Set<User>(['patient', 'caregiver']);
export const HCP_USERS: ReadonlySet<User> = new Set<User>(['specialist_physician', 'physician', 'nurse', 'other_hcp']);
export const CLINICAL_PURPOSES: ReadonlySet<Profile['medicalPurpose']> = new Set<Profile['medicalPurpose']>([
  'diagnosis', 'screening', 'triage', 'monitoring', 'prognosis', 'treatment', 'disability_compensation', 'contraception', 'conception',
]);
export const NON_CLINICAL_PURPOSES: ReadonlySet<Profile['medicalPurpose']> = new Set<Profile['medicalPurpose']>([
  'none', 'administrative', 'documentation', 'wellness', 'research',
]);

/** Highest to lowest: the order of severity the frameworks share. */
export const SITUATION_ORDER: Situation[] = ['non_serious', 'serious', 'critical'];
export const SIGNIFICANCE_ORDER: NonNullable<Profile['significance']>[] = ['inform', 'drive', 'treat_or_diagnose'];
export const AUTONOMY_ORDER: Profile['autonomy'][] = ['advisory', 'assistive', 'triage_notification', 'autonomous'];
export const HARM_ORDER: NonNullable<Profile['worstCaseHarm']>[] = ['none', 'minor', 'serious_deterioration_or_surgery', 'death_or_irreversible'];

export function highestSituation(situations: readonly Situation[] | undefined): Situation | null {
  if (!situations || situations.length === 0) return null;
  let best = -1;
  for (const s of situations) best = Math.max(best, SITUATION_ORDER.indexOf(s));
  return SITUATION_ORDER[best] ?? null;
}

export function jurisdictionsOf(profile: Profile): Jurisdiction[] {
  return profile.jurisdictions && profile.jurisdictions.length > 0 ? [...profile.jurisdictions] : ALL_JURISDICTIONS;
}
