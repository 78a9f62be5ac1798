import { canonicalHash } from '../platform/canonical';
import type { FindingRecord, FrameworkOutcome } from '../rulesets/decide';
import { evaluatePack, type LoadedPack, type Registry } from '../rulesets/registry';
import { evaluatePackReference } from '../rulesets/reference';
import type { Text } from '../rulesets/types';
import { findContradictions } from './contradictions';
import { deriveFacts } from './facts';
import { jurisdictionsOf, type Profile } from './profile';

/**
 * A classification in both languages: what is stored, and what every response is rendered from.
 * Pure: the same profile and packs give the same record, byte for byte.
 */
export type ClassificationRecord = {
  profileHash: string;
  results: FrameworkOutcome[];
  evidence: Array<{ id: string; requiredBy: string[] }>;
  findings: Array<{ code: string; fields: string[]; text: Text; framework?: string }>;
};

export function selectPacks(registry: Registry, profile: Profile): LoadedPack[] {
  const wanted = new Set<string>(jurisdictionsOf(profile));
  return registry.active.filter((p) => p.pack.jurisdiction === null || wanted.has(p.pack.jurisdiction));
}

export function classify(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): ClassificationRecord {
  const contradictions = findContradictions(profile);
  const facts = deriveFacts(profile, contradictions);
  return assemble(profile, contradictions, packs.map((p) => evaluatePack(p, facts)));
}

/** The same classification through json-rules-engine itself (the reference evaluator). */
export async function classifyReference(registry: Registry, profile: Profile, packs: LoadedPack[] = selectPacks(registry, profile)): Promise<ClassificationRecord> {
  const contradictions = findContradictions(profile);
  const facts = deriveFacts(profile, contradictions);
  const results: FrameworkOutcome[] = [];
  for (const p of packs) results.push(await evaluatePackReference(p, facts));
  return assemble(profile, contradictions, results);
}

function assemble(profile: Profile, contradictions: ReturnType<typeof findContradictions>, results: FrameworkOutcome[]): ClassificationRecord {
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
    profileHash: canonicalHash(profile),
    results,
    evidence: [...requiredBy.keys()].sort().map((id) => ({ id, requiredBy: requiredBy.get(id)! })),
    findings,
  };
}
