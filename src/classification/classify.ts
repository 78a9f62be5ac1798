import { sortCodes, type FindingRecord, type FrameworkOutcome } from '../rulesets/decide';
import { evaluatePack, setDependencyFacts, type LoadedPack, type Registry } from '../rulesets/registry';
import { evaluatePackReference } from '../rulesets/reference';
import type { Facts, FactValue, Text } from '../rulesets/types';
import { matchDeviceTypes, type DeviceTypeResult } from '../rulesets/device-types';
import { findContradictions, type Contradiction } from './contradictions';
import { deriveFacts } from './facts';
import { ALL_JURISDICTIONS, jurisdictionsOf, type Profile } from './profile';
import { summarize, type Summary } from './summary';
import type { Counterfactual } from './counterfactuals';
import { profileHash, settle } from './shape';

/**
 * A classification in both languages: what is stored, and what every response is rendered from.
 * Pure: the same profile and packs give the same record, byte for byte.
 */
export type ClassificationRecord = {
  profileHash: string;
  results: FrameworkOutcome[];
  evidence: EvidenceRecord[];
  findings: Array<{ code: string; fields: string[]; text: Text; framework?: string }>;
  summary: Summary;
  /** Present when asked for (they cost many re-evaluations). */
  counterfactuals?: Counterfactual[];
};

/**
 * One evidence item a classification requires. An item whose catalogue entry `lists`
 * `deviceTypeSpecialControls` (E28) carries the special controls of the FDA device types matched
 * by the results that require it, one entry per regulation.
 */
export type EvidenceRecord = {
  id: string;
  requiredBy: string[];
  specialControls?: Array<{ regulation: string; productCodes: string[]; citation: string; summary: Text }>;
};

export function selectPacks(registry: Registry, profile: Profile): LoadedPack[] {
  const wanted = new Set<string>(jurisdictionsOf(profile));
  return registry.active.filter((p) => p.pack.jurisdiction === null || wanted.has(p.pack.jurisdiction));
}

/**
 * The packs to evaluate for the shown ones, in dependency order: a dependency outside the
 * profile's jurisdictions is evaluated too (the AI Act reads the MDR class), but not shown.
 * The shown packs themselves are evaluated, whatever version they are.
 */
function evaluationPlan(order: readonly LoadedPack[], shown: LoadedPack[]): LoadedPack[] {
  const byId = new Map(shown.map((p) => [p.id, p]));
  const needed = new Set<string>();
  const pending = shown.map((p) => p.id);
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const dep of (byId.get(id) ?? order.find((p) => p.id === id))?.pack.dependsOn ?? []) pending.push(dep);
  }
  return order.filter((p) => needed.has(p.id)).map((p) => byId.get(p.id) ?? p);
}

type Plan = { shown: LoadedPack[]; order: LoadedPack[] };

/**
 * Which packs a profile's jurisdictions show and the order to evaluate them in depend only on
 * the set of jurisdictions and on today's packs: worked out once per (pack set, jurisdiction
 * set), a bit mask over ALL_JURISDICTIONS. Nothing of the profile beyond its jurisdictions is
 * kept.
 */
const plans = new WeakMap<readonly LoadedPack[], Array<Plan | undefined>>();

function jurisdictionMask(profile: Profile): number {
  const list = profile.jurisdictions;
  if (!list || list.length === 0) return (1 << ALL_JURISDICTIONS.length) - 1;
  let mask = 0;
  for (const j of list) {
    const bit = ALL_JURISDICTIONS.indexOf(j);
    if (bit < 0) return -1;
    mask |= 1 << bit;
  }
  return mask;
}

function planFor(registry: Registry, profile: Profile): Plan {
  // `active` and `evaluationOrder` come from one view of the registry, kept per date.
  const active = registry.active;
  const mask = jurisdictionMask(profile);
  let byMask = plans.get(active);
  const known = mask < 0 ? undefined : byMask?.[mask];
  if (known) return known;
  const shown = selectPacks(registry, profile);
  const plan = { shown, order: evaluationPlan(registry.evaluationOrder, shown) };
  if (mask >= 0) {
    if (!byMask) plans.set(active, (byMask = []));
    byMask[mask] = plan;
  }
  return plan;
}

/** The state of one classification: its facts, the packs to evaluate in order, their outcomes. */
type Run = { contradictions: Contradiction[]; facts: Record<string, FactValue>; plan: readonly LoadedPack[]; outcomes: Map<string, FrameworkOutcome> };

function begin(profile: Profile, plan: readonly LoadedPack[]): Run {
  const contradictions = findContradictions(profile);
  return { contradictions, facts: deriveFacts(profile, contradictions), plan, outcomes: new Map<string, FrameworkOutcome>() };
}

/** The facts `pack` is evaluated on: its dependencies' results are put among them first. */
function factsFor(run: Run, pack: LoadedPack): Facts {
  const deps = pack.pack.dependsOn;
  if (deps) {
    for (const dep of deps) {
      for (const p of run.plan) if (p.id === dep) setDependencyFacts(run.facts, p, run.outcomes.get(dep)!);
    }
  }
  return run.facts;
}

// Two plain loops rather than one generic driver: the compiled path is the hot path, and a
// generator or a promise per pack costs it measurably.
export function classify(registry: Registry, given: Profile, packs?: LoadedPack[]): ClassificationRecord {
  // One object shape for every read below, whatever the shape the body was parsed into.
  const profile = settle(given) ?? given;
  const { shown, order } = packs ? { shown: packs, order: evaluationPlan(registry.evaluationOrder, packs) } : planFor(registry, profile);
  const run = begin(profile, order);
  for (const pack of order) {
    const types = pack.deviceTypes && matchDeviceTypes(pack.deviceTypes, run.facts, profile.intendedPurpose);
    run.outcomes.set(pack.id, withDeviceTypes(pack, evaluatePack(pack, factsFor(run, pack)), types));
  }
  return assemble(registry, profile, run, shown);
}

/**
 * Only the per-framework outcomes of a classification: no profile hash, findings or evidence
 * union. Counterfactual search evaluates dozens of variants and reads only their classes.
 */
export function classifyOutcomes(registry: Registry, given: Profile, packs: LoadedPack[]): FrameworkOutcome[] {
  const profile = settle(given) ?? given;
  const run = begin(profile, evaluationPlan(registry.evaluationOrder, packs));
  for (const pack of run.plan) run.outcomes.set(pack.id, evaluatePack(pack, factsFor(run, pack)));
  return packs.map((p) => run.outcomes.get(p.id)!);
}

/** The same classification through json-rules-engine itself (the reference evaluator). */
export async function classifyReference(registry: Registry, given: Profile, packs: LoadedPack[] = selectPacks(registry, given)): Promise<ClassificationRecord> {
  const profile = settle(given) ?? given;
  const run = begin(profile, evaluationPlan(registry.evaluationOrder, packs));
  for (const pack of run.plan) {
    const types = pack.deviceTypes && matchDeviceTypes(pack.deviceTypes, run.facts, profile.intendedPurpose);
    run.outcomes.set(pack.id, withDeviceTypes(pack, await evaluatePackReference(pack, factsFor(run, pack)), types));
  }
  return assemble(registry, profile, run, packs);
}

/** The device types join a result whose class is a device class (I, II or III), whatever the disposition. */
function withDeviceTypes(pack: LoadedPack, outcome: FrameworkOutcome, types: DeviceTypeResult | undefined): FrameworkOutcome {
  if (!types) return outcome;
  const cls = outcome.class ?? outcome.provisionalClass;
  if (cls === null || !DEVICE_CLASSES.has(cls) || !pack.classes.includes(cls)) return outcome;
  outcome.deviceTypes = types;
  return outcome;
}
const DEVICE_CLASSES: ReadonlySet<string> = new Set(['I', 'II', 'III']);

function evidenceRecord(registry: Registry, id: string, by: string[], results: FrameworkOutcome[]): EvidenceRecord {
  if (registry.evidenceIndex.get(id)?.lists !== 'deviceTypeSpecialControls') return { id, requiredBy: by };
  const specialControls: NonNullable<EvidenceRecord['specialControls']> = [];
  for (const r of results) {
    if (!r.deviceTypes || !r.evidence.includes(id)) continue;
    for (const m of r.deviceTypes.matches) {
      if (!m.specialControls) continue;
      const at = specialControls.find((s) => s.regulation === m.regulation);
      if (at) { if (!at.productCodes.includes(m.productCode)) at.productCodes.push(m.productCode); continue; }
      specialControls.push({ regulation: m.regulation, productCodes: [m.productCode], citation: m.specialControls.citation, summary: m.specialControls.summary });
    }
  }
  return specialControls.length > 0 ? { id, requiredBy: by, specialControls } : { id, requiredBy: by };
}

function assemble(registry: Registry, profile: Profile, run: Run, shown: LoadedPack[]): ClassificationRecord {
  const { contradictions } = run;
  const results = shown.map((p) => run.outcomes.get(p.id)!);
  const requiredBy = new Map<string, string[]>();
  const findings: ClassificationRecord['findings'] = contradictions.map((c) => ({ code: 'contradiction', fields: c.fields, text: c.text }));
  for (const r of results) {
    for (const e of r.evidence) {
      const list = requiredBy.get(e) ?? [];
      list.push(r.framework);
      requiredBy.set(e, list);
    }
    for (const f of r.findings as FindingRecord[]) findings.push(f);
  }
  return {
    profileHash: profileHash(profile),
    results,
    evidence: sortCodes([...requiredBy.keys()]).map((id) => evidenceRecord(registry, id, requiredBy.get(id)!, results)),
    findings,
    summary: summarize(registry, results),
  };
}
