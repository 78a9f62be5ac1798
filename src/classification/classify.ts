import { sha256 } from '../platform/canonical';
import { loadContract } from '../platform/contract';
import type { FindingRecord, FrameworkOutcome } from '../rulesets/decide';
import { dependencyFacts, evaluatePack, type LoadedPack, type Registry } from '../rulesets/registry';
import { evaluatePackReference } from '../rulesets/reference';
import type { FactValue, Text } from '../rulesets/types';
import { findContradictions } from './contradictions';
import { deriveFacts } from './facts';
import { jurisdictionsOf, type Profile } from './profile';
import { summarize, type Summary } from './summary';
import type { Counterfactual } from './counterfactuals';

/**
 * A classification in both languages: what is stored, and what every response is rendered from.
 * Pure: the same profile and packs give the same record, byte for byte.
 */
export type ClassificationRecord = {
  profileHash: string;
  results: FrameworkOutcome[];
  evidence: Array<{ id: string; requiredBy: string[] }>;
  findings: Array<{ code: string; fields: string[]; text: Text; framework?: string }>;
  summary: Summary;
  /** Present when asked for (they cost many re-evaluations). */
  counterfactuals?: Counterfactual[];
};

type KeyTree = { keys: string[]; nested: Record<string, KeyTree> };

/** The profile schema's property names, sorted, level by level. */
const PROFILE_KEYS: KeyTree = (() => {
  type Schema = { properties?: Record<string, Schema> };
  const tree = (schema: Schema): KeyTree => {
    const props = schema.properties ?? {};
    const nested: Record<string, KeyTree> = {};
    for (const [k, v] of Object.entries(props)) if (v.properties) nested[k] = tree(v);
    return { keys: Object.keys(props).sort(), nested };
  };
  return tree(loadContract().schema('Profile') as Schema);
})();

function setJson(values: readonly unknown[]): string {
  const items = values.map((v) => JSON.stringify(v));
  items.sort();
  return `[${items.join(',')}]`;
}

function objectJson(obj: Record<string, unknown>, tree: KeyTree): string {
  let out = '{';
  for (const k of tree.keys) {
    const v = obj[k];
    if (v === undefined) continue;
    const sub = tree.nested[k];
    const text = Array.isArray(v) ? setJson(v) : sub ? objectJson(v as Record<string, unknown>, sub) : JSON.stringify(v);
    out += `${out.length > 1 ? ',' : ''}"${k}":${text}`;
  }
  return `${out}}`;
}

/**
 * sha256 of the canonical profile: keys sorted at every level, arrays (sets) sorted by their
 * JSON text — canonicalJson(profile, { sortArrays: true }). A validated profile holds no key
 * outside the schema, so walking the schema's pre-sorted key lists writes that same text
 * without sorting keys per request (a property test keeps the two equal).
 */
export function profileHash(profile: Profile): string {
  return sha256(objectJson(profile as unknown as Record<string, unknown>, PROFILE_KEYS));
}

export function selectPacks(registry: Registry, profile: Profile): LoadedPack[] {
  const wanted = new Set<string>(jurisdictionsOf(profile));
  return registry.active.filter((p) => p.pack.jurisdiction === null || wanted.has(p.pack.jurisdiction));
}

/**
 * The packs to evaluate for the shown ones, in dependency order: a dependency outside the
 * profile's jurisdictions is evaluated too (the AI Act reads the MDR class), but not shown.
 */
function evaluationPlan(registry: Registry, shown: LoadedPack[]): LoadedPack[] {
  // One look at the clock per classification: every pack of it comes from the same day's set.
  const order = registry.evaluationOrder;
  const needed = new Set<string>();
  const need = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const dep of order.find((p) => p.id === id)?.pack.dependsOn ?? []) need(dep);
  };
  for (const p of shown) need(p.id);
  return order.filter((p) => needed.has(p.id));
}

/** Puts the results of the frameworks `pack` depends on among the facts it reads. */
function addDependencyFacts(pack: LoadedPack, facts: Record<string, FactValue>, plan: LoadedPack[], outcomes: Map<string, FrameworkOutcome>): void {
  for (const dep of pack.pack.dependsOn ?? []) {
    Object.assign(facts, dependencyFacts(plan.find((p) => p.id === dep)!, outcomes.get(dep)!));
  }
}

export function classify(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): ClassificationRecord {
  const contradictions = findContradictions(profile);
  const facts = deriveFacts(profile, contradictions);
  const outcomes = new Map<string, FrameworkOutcome>();
  const plan = evaluationPlan(registry, packs);
  for (const pack of plan) {
    addDependencyFacts(pack, facts, plan, outcomes);
    outcomes.set(pack.id, evaluatePack(pack, facts));
  }
  return assemble(registry, profile, contradictions, packs.map((p) => outcomes.get(p.id)!));
}

/** The same classification through json-rules-engine itself (the reference evaluator). */
export async function classifyReference(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): Promise<ClassificationRecord> {
  const contradictions = findContradictions(profile);
  const facts = deriveFacts(profile, contradictions);
  const outcomes = new Map<string, FrameworkOutcome>();
  const plan = evaluationPlan(registry, packs);
  for (const pack of plan) {
    addDependencyFacts(pack, facts, plan, outcomes);
    outcomes.set(pack.id, await evaluatePackReference(pack, facts));
  }
  return assemble(registry, profile, contradictions, packs.map((p) => outcomes.get(p.id)!));
}

function assemble(registry: Registry, profile: Profile, contradictions: ReturnType<typeof findContradictions>, results: FrameworkOutcome[]): ClassificationRecord {
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
    evidence: [...requiredBy.keys()].sort().map((id) => ({ id, requiredBy: requiredBy.get(id)! })),
    findings,
    summary: summarize(registry, results),
  };
}
