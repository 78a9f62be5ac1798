import type { Condition, Facts, FactValue, LeafCondition, Rule } from './types';

/**
 * Compiles a pack's json-rules-engine conditions, once, when the pack loads, into one plain
 * JavaScript function that returns the indices of the rules whose conditions hold.
 *
 * The operators keep json-rules-engine's own semantics (engine-default-operators.js):
 * `contains` is false unless the fact is an array, numeric operators are false unless the fact
 * parses as a number, `in` is `indexOf > -1`. json-rules-engine stays the reference for what a
 * pack means; test/rulesets/equivalence.test.ts proves this compiled form fires exactly the
 * same rules. Fact names are checked against the known facts and literals are emitted with
 * JSON.stringify, so pack content cannot inject code.
 */
export class UnknownFactError extends Error {}

const isNumeric = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN';
const IDENT = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const INLINE_IN_LIMIT = 8;

type Ctx = { shared: Record<string, Condition>; known: ReadonlySet<string>; consts: unknown[] };

function factRef(name: string, ctx: Ctx): string {
  if (!IDENT.test(name)) throw new Error(`invalid fact name "${name}"`);
  if (!ctx.known.has(name)) throw new UnknownFactError(`unknown fact "${name}"`);
  return `f.${name}`;
}

function literal(value: unknown, ctx: Ctx): string {
  if (Array.isArray(value)) {
    ctx.consts.push(value);
    return `C[${ctx.consts.length - 1}]`;
  }
  return JSON.stringify(value);
}

function leaf(c: LeafCondition, ctx: Ctx): string {
  const a = factRef(c.fact, ctx);
  const v = c.value;
  const isRef = v !== null && typeof v === 'object' && !Array.isArray(v);
  const b = isRef ? factRef((v as { fact: string }).fact, ctx) : literal(v, ctx);
  switch (c.operator) {
    case 'equal': return `(${a} === ${b})`;
    case 'notEqual': return `(${a} !== ${b})`;
    case 'in':
    case 'notIn': {
      if (!isRef && !Array.isArray(v)) throw new Error(`operator "${c.operator}" needs an array value`);
      const positive = !isRef && (v as FactValue[]).length <= INLINE_IN_LIMIT
        ? `(${(v as FactValue[]).map((x) => `${a} === ${JSON.stringify(x)}`).join(' || ') || 'false'})`
        : `(${b}.indexOf(${a}) > -1)`;
      return c.operator === 'in' ? positive : `!${positive}`;
    }
    case 'contains': return `(Array.isArray(${a}) && ${a}.indexOf(${b}) > -1)`;
    case 'doesNotContain': return `(Array.isArray(${a}) && ${a}.indexOf(${b}) === -1)`;
    case 'lessThan': return `(N(${a}) && ${a} < ${b})`;
    case 'lessThanInclusive': return `(N(${a}) && ${a} <= ${b})`;
    case 'greaterThan': return `(N(${a}) && ${a} > ${b})`;
    case 'greaterThanInclusive': return `(N(${a}) && ${a} >= ${b})`;
    default: throw new Error(`unknown operator "${(c as { operator: string }).operator}"`);
  }
}

function expr(c: Condition, ctx: Ctx, seen: string[]): string {
  if ('all' in c) return `(${c.all.map((x) => expr(x, ctx, seen)).join(' && ')})`;
  if ('any' in c) return `(${c.any.map((x) => expr(x, ctx, seen)).join(' || ')})`;
  if ('not' in c) return `!${expr(c.not, ctx, seen)}`;
  if ('condition' in c) {
    const name = c.condition;
    if (seen.includes(name)) throw new Error(`shared condition "${name}" refers to itself (${[...seen, name].join(' → ')})`);
    const target = Object.hasOwn(ctx.shared, name) ? ctx.shared[name] : undefined;
    if (!target) throw new Error(`unknown shared condition "${name}"`);
    return expr(target, ctx, [...seen, name]);
  }
  return leaf(c, ctx);
}

/** A pack's rules of one phase, with the function that finds which fire (their indices, in pack order). */
export type CompiledRules<E> = { rules: Rule<E>[]; fire: (facts: Facts) => number[] };

export function compileRules<E>(rules: Rule<E>[], shared: Record<string, Condition>, knownFacts: ReadonlySet<string>): CompiledRules<E> {
  const ctx: Ctx = { shared, known: knownFacts, consts: [] };
  const lines = rules.map((rule, i) => {
    try {
      return `  if (${expr(rule.conditions, ctx, [])}) out.push(${i});`;
    } catch (err) {
      throw new Error(`rule "${rule.name}": ${(err as Error).message}`);
    }
  });
  const body = `return function fire(f) {\n  const out = [];\n${lines.join('\n')}\n  return out;\n};`;
  const fire = new Function('C', 'N', body)(ctx.consts, isNumeric) as (facts: Facts) => number[];
  return { rules, fire };
}
