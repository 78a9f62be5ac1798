import * as crypto from 'node:crypto';
import { canonicalJson } from '../platform/canonical';
import { ByteWriter } from '../platform/bytes';
import { loadContract } from '../platform/contract';
import type { Profile } from './profile';

/**
 * A profile in one fixed shape, and its canonical hash.
 *
 * Profiles parsed from request bodies come in as many object shapes as there are key sets and
 * key orders, so every read of a field by name (the facts, the contradictions, the hash) meets
 * a different shape each time and takes the engine's slow, megamorphic path. `settle` copies the
 * top-level fields once, in one pass over the keys the body has, into an object of a single
 * shape holding every field of the schema (the ones not declared are undefined). Everything
 * downstream then reads one shape. Read-only use: nothing outside classification sees it.
 */

type Schema = { type?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema };

const profileSchema = loadContract().schema('Profile') as Schema;
const FIELDS = Object.keys(profileSchema.properties ?? {}).sort();

/**
 * The shape's constructor and the copier, generated from the schema: a `switch` over the
 * schema's field names (compared as interned strings) stores each into its own named slot;
 * a key the schema does not have gives null. Field names are emitted through JSON.stringify,
 * so schema content cannot inject code.
 */
const { Settled, settleInto } = new Function(`
  function Settled() {
${FIELDS.map((k) => `    this[${JSON.stringify(k)}] = undefined;`).join('\n')}
  }
  function settleInto(o) {
    const n = new Settled();
    for (const k in o) {
      switch (k) {
${FIELDS.map((k) => `        case ${JSON.stringify(k)}: n[${JSON.stringify(k)}] = o[k]; break;`).join('\n')}
        default: return null;
      }
    }
    return n;
  }
  return { Settled, settleInto };
`)() as { Settled: new () => Profile; settleInto: (o: unknown) => Profile | null };

/**
 * The profile's fields in the one shape, or null when it holds a key outside the schema (a
 * validated profile never does; the caller then reads the profile as it is).
 */
export function settle(profile: Profile): Profile | null {
  return profile instanceof Settled ? profile : settleInto(profile);
}

/** Strings JSON writes without escapes, whose JSON texts sort as the strings themselves do. */
const PLAIN = /^[A-Za-z0-9_]+$/;

/** A set in canonicalJson's form: items sorted by their JSON text. */
function setJson(values: readonly unknown[]): string {
  const items = values.map((v) => JSON.stringify(v));
  items.sort();
  return `[${items.join(',')}]`;
}

/** The enum's values, sorted, when every one is a plain code (written as it is, in quotes), else null. */
function plainEnum(schema: Schema | undefined): string[] | null {
  const values = schema?.enum;
  return Array.isArray(values) && values.length > 0 && values.every((e) => typeof e === 'string' && PLAIN.test(e)) ? [...(values as string[])].sort() : null;
}

/**
 * The canonical text is written as UTF-8 straight into one scratch buffer, reused by every
 * profile, and hashed from there: no string pieces to join, flatten and encode. Most of a
 * profile is codes and booleans, written as fragments encoded once (`,"autonomy":"advisory"`);
 * the rest (free text, numbers) through JSON.stringify. Hashing is synchronous.
 */
const scratch = new ByteWriter(16 * 1024);
const put = (fragment: Buffer) => scratch.bytes(fragment);
const json = (text: string) => scratch.utf8(text);

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** A property name as it opens a member: first in its object, or after another. */
type Key = { first: Buffer; next: Buffer };
const keyOf = (name: string): Key => ({ first: bytes(`${JSON.stringify(name)}:`), next: bytes(`,${JSON.stringify(name)}:`) });

/**
 * A set of codes from a plain enum of at most 31 codes: each item's place in the sorted enum is
 * a bit, and the bits are written in order, so the set comes out sorted. An item outside the
 * enum, or a duplicate, sends the whole set to canonicalJson's form instead.
 */
function enumSet(values: readonly unknown[], index: ReadonlyMap<unknown, number>, quoted: readonly Buffer[]): void {
  let mask = 0;
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]);
    if (k === undefined || (mask & (1 << k)) !== 0) {
      json(setJson(values));
      return;
    }
    mask |= 1 << k;
  }
  put(OPEN);
  for (let k = 0, first = true; mask !== 0; k++, mask >>>= 1) {
    if ((mask & 1) === 0) continue;
    if (!first) put(COMMA);
    first = false;
    put(quoted[k]);
  }
  put(CLOSE);
}

const OPEN = bytes('[');
const CLOSE = bytes(']');
const COMMA = bytes(',');
const BRACE_OPEN = bytes('{');
const BRACE_CLOSE = bytes('}');

/**
 * The canonical JSON writer of an object of the schema, generated once: its property names
 * pre-sorted level by level and read directly; sets of enum codes written by walking the enum,
 * other arrays sorted by their items' JSON text; nested objects by their own writer. A code of
 * a plain enum or a boolean is one fragment encoded once, property name included; a value the
 * fragments do not cover takes the general path, so the text is canonicalJson's whatever the
 * value. Property
 * names are emitted through JSON.stringify, so schema content cannot inject code.
 */
function objectWriter(schema: Schema): (obj: Record<string, unknown>) => void {
  const props = schema.properties ?? {};
  const consts: unknown[] = [];
  const constant = (value: unknown) => `K[${consts.push(value) - 1}]`;
  const lines = Object.keys(props)
    .sort()
    .map((k) => {
      const sub = props[k];
      const key = constant(keyOf(k));
      const codes = plainEnum(sub);
      const enumSetCodes = plainEnum(sub.items);
      const setCodes = enumSetCodes && enumSetCodes.length <= 31 ? enumSetCodes : null;
      // Anything the fragments below do not cover: a nested object by its writer, the rest as JSON.
      const value = sub.properties ? `if (v !== null && typeof v === 'object') ${constant(objectWriter(sub))}(v); else T(J(v));` : 'T(J(v));';
      // Arrays are sets whatever the schema says; enum-code sets take the walk over the enum.
      const set = setCodes ? `E(v, ${constant(new Map(setCodes.map((c, k) => [c, k])))}, ${constant(setCodes.map((c) => bytes(`"${c}"`)))});` : 'T(S(v));';
      // A code or a boolean, the usual case, is one fragment holding its property name too.
      const member = (value: string) => ({ first: bytes(`${JSON.stringify(k)}:${value}`), next: bytes(`,${JSON.stringify(k)}:${value}`) });
      const whole = codes
        ? constant(new Map(codes.map((c) => [c, member(`"${c}"`)])))
        : sub.type === 'boolean' ? constant(new Map([[true, member('true')], [false, member('false')]])) : null;
      return `  v = o[${JSON.stringify(k)}];
  if (v !== undefined) {${whole ? `
    const m = ${whole}.get(v);
    if (m !== undefined) P(first ? m.first : m.next); else {` : ' {'}
      P(first ? ${key}.first : ${key}.next);
      if (Array.isArray(v)) ${set}
      else ${value}
    }
    first = false;
  }`;
    });
  const body = `return function write(o) {
  let first = true;
  let v;
  P(LB);
${lines.join('\n')}
  P(RB);
};`;
  return new Function('J', 'S', 'E', 'P', 'T', 'K', 'LB', 'RB', body)(JSON.stringify, setJson, enumSet, put, json, consts, BRACE_OPEN, BRACE_CLOSE) as (obj: Record<string, unknown>) => void;
}

const writeProfile = objectWriter(profileSchema);

/**
 * sha256 of the canonical profile: keys sorted at every level, arrays (sets) sorted by their
 * JSON text — canonicalJson(profile, { sortArrays: true }). A validated profile holds no key
 * outside the schema, at any level, so the writer generated from the schema's pre-sorted key
 * lists writes that same text without sorting keys per request (a property test keeps the two
 * equal); a profile with a stranger at the top level is written by canonicalJson itself.
 */
export function profileHash(profile: Profile): string {
  const settled = settle(profile);
  scratch.begin();
  if (settled) writeProfile(settled as unknown as Record<string, unknown>);
  else json(canonicalJson(profile, { sortArrays: true }));
  return `sha256:${sha256Hex(scratch.view())}`;
}

/** sha256 in hex, as platform/canonical's sha256 writes it: one-shot crypto.hash where Node has it (≥ 20.12). */
const sha256Hex: (data: Buffer) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');
