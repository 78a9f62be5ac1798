import type { Profile } from '../../src/classification/profile';

/** A complete, consistent profile to start from; tests override what they examine. */
export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    name: 'Test system',
    version: '1.0.0',
    manufacturer: { name: 'Test vendor', country: 'RU' },
    intendedPurpose: 'Analyses data of an individual patient for a declared clinical purpose.',
    medicalPurpose: 'diagnosis',
    dataAction: 'interpretation',
    individualPatient: true,
    significance: 'drive',
    situations: ['serious'],
    intendedUsers: ['physician'],
    autonomy: 'assistive',
    inputs: ['ehr_structured'],
    modelType: 'classical_ml',
    learningMode: 'locked',
    ...overrides,
  };
}
