import { Engine, type RuleProperties } from 'json-rules-engine';
import { decide, finish, setConsequenceFacts, type FrameworkOutcome } from './decide';
import type { LoadedPack } from './registry';
import type { Condition, Facts, FactValue, Rule } from './types';

/**
 * Evaluates a pack with json-rules-engine itself: the reference meaning of a pack. A fresh
 * Engine per call, never shared (json-rules-engine-notes §1). Slow; used to prove the compiled
 * evaluator equal to it, and by RULES_EVALUATOR=reference.
 */
async function fired<E>(rules: Rule<E>[], shared: Record<string, Condition>, facts: Facts): Promise<number[]> {
  if (rules.length === 0) return [];
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const [name, cond] of Object.entries(shared)) engine.setCondition(name, cond as never);
  for (const r of rules) engine.addRule(r as unknown as RuleProperties);
  const flat: Record<string, unknown> = {};
  // Facts may be layered on prototypes (decision facts under consequence facts): take them all.
  for (const key in facts) flat[key] = facts[key];
  const { events } = await engine.run(flat);
  const byName = new Map(rules.map((r, i) => [r.name, i]));
  // json-rules-engine reports events in no guaranteed order: put them in pack order.
  return events.map((e) => byName.get((e.params as { rule: string }).rule)!).sort((a, b) => a - b);
}

export async function evaluatePackReference(pack: LoadedPack, facts: Facts): Promise<FrameworkOutcome> {
  const shared = pack.pack.conditions ?? {};
  const d = decide(pack, await fired(pack.pack.rules, shared, facts));
  const withClass: Record<string, FactValue> = {};
  for (const key in facts) withClass[key] = facts[key];
  setConsequenceFacts(pack, withClass, d);
  return finish(pack, d, await fired(pack.pack.consequences, shared, withClass));
}
