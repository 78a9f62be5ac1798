import type { Condition, Facts, FactValue, LeafCondition, Operator, Rule } from './types';

/**
 * Compiles json-rules-engine conditions into plain predicates, once, when a pack loads.
 *
 * The operators keep json-rules-engine's own semantics (engine-default-operators.js):
 * `contains` is false unless the fact is an array, numeric operators are false unless the fact
 * parses as a number. json-rules-engine stays the reference for what a pack means; the
 * equivalence suite in test/rulesets proves these predicates fire exactly the same rules.
 */
export type Predicate = (facts: Facts) => boolean;

const isNumeric = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN';

const OPERATORS: Record<Operator, (a: FactValue, b: FactValue) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).indexOf(a) > -1,
  notIn: (a, b) => (b as unknown[]).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= (b as number),
};

export class UnknownFactError extends Error {}

export function compileCondition(
  condition: Condition,
  shared: Record<string, Condition>,
  knownFacts: ReadonlySet<string>,
  seen: string[] = [],
): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map((c) => compileCondition(c, shared, knownFacts, seen));
    return (f) => {
      for (const p of parts) if (!p(f)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => compileCondition(c, shared, knownFacts, seen));
    return (f) => {
      for (const p of parts) if (p(f)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, shared, knownFacts, seen);
    return (f) => !inner(f);
  }
  if ('condition' in condition) {
    const name = condition.condition;
    if (seen.includes(name)) throw new Error(`shared condition "${name}" refers to itself (${[...seen, name].join(' → ')})`);
    const target = shared[name];
    if (!target) throw new Error(`unknown shared condition "${name}"`);
    return compileCondition(target, shared, knownFacts, [...seen, name]);
  }
  return compileLeaf(condition, knownFacts);
}

function compileLeaf(leaf: LeafCondition, knownFacts: ReadonlySet<string>): Predicate {
  const op = OPERATORS[leaf.operator];
  if (!op) throw new Error(`unknown operator "${leaf.operator}"`);
  if (!knownFacts.has(leaf.fact)) throw new UnknownFactError(`unknown fact "${leaf.fact}"`);
  const fact = leaf.fact;
  const value = leaf.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const other = (value as { fact: string }).fact;
    if (!knownFacts.has(other)) throw new UnknownFactError(`unknown fact "${other}"`);
    return (f) => op(f[fact], f[other]);
  }
  if ((leaf.operator === 'in' || leaf.operator === 'notIn') && !Array.isArray(value)) {
    throw new Error(`operator "${leaf.operator}" needs an array value`);
  }
  return (f) => op(f[fact], value as FactValue);
}

export type CompiledRule<E> = { rule: Rule<E>; test: Predicate; index: number };

export function compileRules<E>(
  rules: Rule<E>[],
  shared: Record<string, Condition>,
  knownFacts: ReadonlySet<string>,
): CompiledRule<E>[] {
  return rules.map((rule, index) => {
    try {
      return { rule, test: compileCondition(rule.conditions, shared, knownFacts), index };
    } catch (err) {
      throw new Error(`rule "${rule.name}": ${(err as Error).message}`);
    }
  });
}

/** The rules whose conditions hold, in pack order. */
export function firedRules<E>(compiled: CompiledRule<E>[], facts: Facts): Rule<E>[] {
  const out: Rule<E>[] = [];
  for (const c of compiled) if (c.test(facts)) out.push(c.rule);
  return out;
}
