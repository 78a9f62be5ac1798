import { sha256 } from '../platform/canonical';
import { loadContract } from '../platform/contract';
import type { FindingRecord, FrameworkOutcome } from '../rulesets/decide';
import { dependencyFacts, evaluatePack, type LoadedPack, type Registry } from '../rulesets/registry';
import { evaluatePackReference } from '../rulesets/reference';
import type { Facts, Text } from '../rulesets/types';
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
 * The shown packs themselves are evaluated, whatever version they are.
 */
function evaluationPlan(registry: Registry, shown: LoadedPack[]): LoadedPack[] {
  const order = registry.evaluationOrder;
  const byId = new Map(shown.map((p) => [p.id, p]));
  const needed = new Set<string>();
  const need = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const dep of (byId.get(id) ?? order.find((p) => p.id === id))?.pack.dependsOn ?? []) need(dep);
  };
  for (const p of shown) need(p.id);
  return order.filter((p) => needed.has(p.id)).map((p) => byId.get(p.id) ?? p);
}

/** The state of one classification: its facts, the packs to evaluate in order, their outcomes. */
function begin(registry: Registry, profile: Profile, shown: LoadedPack[]) {
  const contradictions = findContradictions(profile);
  return { contradictions, facts: deriveFacts(profile, contradictions), plan: evaluationPlan(registry, shown), outcomes: new Map<string, FrameworkOutcome>() };
}
type Run = ReturnType<typeof begin>;

/** The facts `pack` is evaluated on: its dependencies' results are put among them first. */
function factsFor(run: Run, pack: LoadedPack): Facts {
  for (const dep of pack.pack.dependsOn ?? []) {
    Object.assign(run.facts, dependencyFacts(run.plan.find((p) => p.id === dep)!, run.outcomes.get(dep)!));
  }
  return run.facts;
}

// Two plain loops rather than one generic driver: the compiled path is the hot path, and a
// generator or a promise per pack costs it measurably.
export function classify(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): ClassificationRecord {
  const run = begin(registry, profile, packs);
  for (const pack of run.plan) run.outcomes.set(pack.id, evaluatePack(pack, factsFor(run, pack)));
  return assemble(registry, profile, run, packs);
}

/** The same classification through json-rules-engine itself (the reference evaluator). */
export async function classifyReference(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): Promise<ClassificationRecord> {
  const run = begin(registry, profile, packs);
  for (const pack of run.plan) run.outcomes.set(pack.id, await evaluatePackReference(pack, factsFor(run, pack)));
  return assemble(registry, profile, run, packs);
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
    evidence: [...requiredBy.keys()].sort().map((id) => ({ id, requiredBy: requiredBy.get(id)! })),
    findings,
    summary: summarize(registry, results),
  };
}
