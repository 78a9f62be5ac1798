import type { FactValue } from '../rulesets/types';
import { CLINICAL_PURPOSES, HCP_USERS, LAY_USERS, highestSituation, type Profile } from './profile';
import type { Contradiction } from './contradictions';

/**
 * The facts rule packs read, derived once per profile. Every fact is always defined: a field
 * the vendor did not declare is `null` (never undefined), so a rule decides explicitly what a
 * missing fact means (json-rules-engine-notes §4).
 */
export function deriveFacts(profile: Profile, contradictions: readonly Contradiction[]): Record<string, FactValue> {
  const users = profile.intendedUsers;
  const lay = users.filter((u) => LAY_USERS.has(u));
  const hcp = users.filter((u) => HCP_USERS.has(u));
  const monitoring = profile.monitoring;
  const personal = profile.personalData;
  const training = profile.trainingData;
  return {
    medicalPurpose: profile.medicalPurpose,
    clinicalPurpose: CLINICAL_PURPOSES.has(profile.medicalPurpose),
    dataAction: profile.dataAction ?? 'interpretation',
    individualPatient: profile.individualPatient ?? true,
    significance: profile.significance ?? null,
    situation: highestSituation(profile.situations),
    situations: profile.situations ?? [],
    situationCount: profile.situations?.length ?? 0,
    worstCaseHarm: profile.worstCaseHarm ?? null,
    monitoringDeclared: monitoring !== undefined,
    monitoringPhysiological: monitoring?.physiological ?? null,
    monitoringVital: monitoring?.vitalParameters ?? null,
    monitoringImmediateDanger: monitoring?.immediateDanger ?? null,
    intendedUsers: users,
    hasLayUser: lay.length > 0,
    layOnly: lay.length === users.length,
    hasProfessionalUser: hcp.length > 0,
    professionalsOnly: hcp.length === users.length,
    professionalSupport: profile.professionalSupport ?? null,
    autonomy: profile.autonomy,
    timeCritical: profile.timeCritical ?? null,
    reviewableBasis: profile.reviewableBasis ?? null,
    populations: profile.populations ?? [],
    inputs: profile.inputs,
    modelType: profile.modelType,
    aiBased: profile.modelType !== 'rule_based',
    learningMode: profile.learningMode,
    changeControlPlan: profile.changeControlPlan ?? null,
    drivesDevice: profile.drivesDevice ?? null,
    closedLoop: profile.closedLoop ?? null,
    sensorMeasures: profile.sensorMeasures ?? [],
    sensorMeasuresDeclared: profile.sensorMeasures !== undefined,
    autoMonitoringTransmission: profile.autoMonitoringTransmission ?? null,
    personalDataProcessing: personal?.processing ?? null,
    personalDataLegalBasis: personal?.legalBasis ?? null,
    trainingDataDeclared: training !== undefined,
    trainingIndependentTestSet: training?.independentTestSet ?? null,
    trainingSubgroupAnalysis: training?.subgroupAnalysis ?? null,
    trainingIncludesTargetPopulation: training?.includesTargetPopulation ?? null,
    useContexts: profile.useContexts ?? [],
    interactsWithPersons: profile.interactsWithPersons ?? null,
    generatesSyntheticContent: profile.generatesSyntheticContent ?? null,
    fdaPredicate: profile.fdaPredicate ?? null,
    fdaProductCode: profile.fdaProductCode ?? null,
    contradictions: contradictions.map((c) => c.code),
    fdaDeviceTypeCount: null, // regulations of the FDA device-type catalogue that fit (set by a pack that reads the catalogue; rulesets/device-types.ts)
    fdaDeviceTypeClass: null, // the class of those regulations when they agree, else null
    fdaProductCodeStatus: null, // declared fdaProductCode: fits | other_type | unknown (null: none declared)
    fdaPredicateStatus: null, // declared fdaPredicate: fits | other_type | not_listed (null: none declared)
    // Written by each pack between its decision and consequence phases (see evaluatePack).
    class: null,
    classRank: -1,
    device: false,
    disposition: null,
  };
}

/** Facts a consequence rule also sees, once the decision phase has settled the class. */
export const CONSEQUENCE_FACTS = ['class', 'classRank', 'device', 'disposition'] as const;

const SAMPLE: Profile = {
  name: 'x', version: '1', manufacturer: { name: 'x', country: 'RU' }, intendedPurpose: 'x'.repeat(20),
  medicalPurpose: 'none', intendedUsers: ['physician'], autonomy: 'advisory', inputs: ['ehr_structured'],
  modelType: 'rule_based', learningMode: 'locked',
};

/** Every fact name a rule may use; a pack naming any other stops the service at start-up. */
export const DECISION_FACTS: ReadonlySet<string> = new Set(
  Object.keys(deriveFacts(SAMPLE, [])).filter((f) => !(CONSEQUENCE_FACTS as readonly string[]).includes(f)),
);
export const ALL_FACTS: ReadonlySet<string> = new Set([...DECISION_FACTS, ...CONSEQUENCE_FACTS]);
