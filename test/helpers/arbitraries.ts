import fc from 'fast-check';
import { loadContract } from '../../src/platform/contract';
import type { Profile } from '../../src/classification/profile';

type Schema = { type?: string; enum?: string[]; items?: Schema; properties?: Record<string, Schema>; required?: string[] };
const profileSchema = loadContract().schema('Profile') as Schema;
const props = profileSchema.properties!;
const enumOf = (name: string): string[] => props[name].enum ?? props[name].items!.enum!;

/** The enum values of a profile field, read from openapi.yaml (never a second list). */
export const values = <K extends keyof Profile>(name: K) => enumOf(name as string) as Array<NonNullable<Profile[K]> extends Array<infer T> ? T : NonNullable<Profile[K]>>;

const set = (name: string, minLength = 0) => fc.uniqueArray(fc.constantFrom(...enumOf(name)), { minLength, maxLength: enumOf(name).length });

/** Any valid profile of vocabulary v1, complete or with optional facts missing. */
export const profileArb: fc.Arbitrary<Profile> = fc.record(
  {
    name: fc.constant('Generated system'),
    version: fc.constant('1'),
    manufacturer: fc.constant({ name: 'Vendor', country: 'DE' }),
    intendedPurpose: fc.constant('A generated intended purpose statement for property tests.'),
    jurisdictions: set('jurisdictions', 1),
    medicalPurpose: fc.constantFrom(...enumOf('medicalPurpose')),
    dataAction: fc.constantFrom(...enumOf('dataAction')),
    individualPatient: fc.boolean(),
    significance: fc.constantFrom(...enumOf('significance')),
    situations: set('situations', 1),
    worstCaseHarm: fc.constantFrom(...enumOf('worstCaseHarm')),
    monitoring: fc.record({ physiological: fc.boolean(), vitalParameters: fc.boolean(), immediateDanger: fc.boolean() }),
    intendedUsers: set('intendedUsers', 1),
    professionalSupport: fc.boolean(),
    autonomy: fc.constantFrom(...enumOf('autonomy')),
    timeCritical: fc.boolean(),
    reviewableBasis: fc.boolean(),
    populations: set('populations'),
    inputs: set('inputs', 1),
    modelType: fc.constantFrom(...enumOf('modelType')),
    learningMode: fc.constantFrom(...enumOf('learningMode')),
    changeControlPlan: fc.boolean(),
    drivesDevice: fc.boolean(),
    closedLoop: fc.boolean(),
    sensorMeasures: set('sensorMeasures'),
    autoMonitoringTransmission: fc.boolean(),
    personalData: fc.record({
      processing: fc.constantFrom('identifiable', 'pseudonymised', 'depersonalised', 'anonymous', 'none'),
      legalBasis: fc.constantFrom('consent', 'medical_care', 'research_depersonalised', 'data_donation', 'none'),
    }),
    useContexts: set('useContexts'),
    interactsWithPersons: fc.boolean(),
    generatesSyntheticContent: fc.boolean(),
    fdaPredicate: fc.constantFrom('K203629', 'DEN180001'),
    fdaProductCode: fc.constantFrom('QAS', 'QIH', 'LLZ', 'ZZZ'),
  },
  { requiredKeys: ['name', 'version', 'manufacturer', 'intendedPurpose', 'medicalPurpose', 'intendedUsers', 'autonomy', 'inputs', 'modelType', 'learningMode'] },
) as fc.Arbitrary<Profile>;

/** Clinical profiles with every fact declared: the ones frameworks can decide. */
export const clinicalProfileArb: fc.Arbitrary<Profile> = fc
  .tuple(profileArb, fc.constantFrom('diagnosis', 'screening', 'triage', 'monitoring', 'prognosis', 'treatment'), fc.constantFrom(...enumOf('significance')), set('situations', 1), fc.constantFrom(...enumOf('worstCaseHarm')))
  .map(([p, medicalPurpose, significance, situations, worstCaseHarm]) => ({ ...p, medicalPurpose, significance, situations, worstCaseHarm, dataAction: 'interpretation', individualPatient: true }) as Profile);
