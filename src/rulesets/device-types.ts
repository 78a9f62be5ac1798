import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalHash } from '../platform/canonical';
import { compileRules } from './compile';
import type { Condition, FactValue, Lang, Source, SourceStatus, Text } from './types';

/**
 * The FDA device-type catalogue (rules/fda-device-types/<version>.json): per classification
 * regulation (21 CFR) its class, identification and special controls; per product code the
 * profile facts that select it, the De Novo that created the type and public decisions under it.
 *
 * Loaded and compiled once, like the rule packs: each product code's `selects` condition becomes
 * one line of a compiled function (compile.ts), so matching a profile is one call plus, only when
 * several types fit, one precompiled pattern per candidate over the intended purpose. A rule pack
 * names the catalogue version it reads (`deviceTypes: "fda-device-types@1.0.0"`), so a stored
 * classification replays on the catalogue its pack version was built with.
 */

export type Decision = { number: string; device: string; date: string };
export type RegulationDef = {
  title: Text;
  deviceClass: 'I' | 'II' | 'III';
  identification: { text: string; quoted: boolean };
  specialControls: { citation: string; summary: Text } | null;
  source: Source;
};
export type DeviceTypeDef = {
  productCode: string;
  regulation: string;
  name: Text;
  selects: Condition;
  terms: { en: string[]; ru: string[] };
  termsRequired: boolean;
  deNovo: Decision | null;
  decisions: Decision[];
  source: Source;
};
export type DeviceTypeCatalogue = {
  id: 'fda-device-types';
  version: string;
  effectiveDate: string;
  title: Text;
  sources: Array<{ id: string; ref: string; status: SourceStatus; url?: string }>;
  changelog: Array<{ version: string; date: string; changes: Text }>;
  regulations: Record<string, RegulationDef>;
  deviceTypes: DeviceTypeDef[];
};

/** One product code with its regulation, as a result shows it: one frozen record per code, shared by every classification. */
export type DeviceTypeRecord = Readonly<{
  productCode: string;
  regulation: string;
  regulationTitle: Text;
  name: Text;
  deviceClass: 'I' | 'II' | 'III';
  identification: { text: string; quoted: boolean };
  specialControls: { citation: string; summary: Text } | null;
  deNovo: Decision | null;
  decisions: Decision[];
  sources: Source[];
}>;

export type CodeStatus = 'fits' | 'other_type' | 'unknown' | null;
export type PredicateStatus = 'fits' | 'other_type' | 'not_listed' | null;

/** What the catalogue says of one profile: pinned in the us-fda result. */
export type DeviceTypeResult = {
  catalogue: string;
  catalogueHash: string;
  /** none: no type fits; one: the fitting codes share one regulation; several: they fall under different regulations. */
  fit: 'none' | 'one' | 'several';
  productCode: CodeStatus;
  predicate: PredicateStatus;
  matches: DeviceTypeRecord[];
};

export type LoadedDeviceTypes = {
  version: string;
  ref: string;
  hash: string;
  file: string;
  catalogue: DeviceTypeCatalogue;
  records: DeviceTypeRecord[];
  byCode: Map<string, number>;
  /** Decision number (K…, DEN…, P…) → the indices of the codes that list it. */
  byDecision: Map<string, number[]>;
  /** Per code: its terms as one pattern (null: none). */
  terms: Array<RegExp | null>;
  /** The same pattern, global, capturing the term (to count distinct terms). */
  termsAll: Array<RegExp | null>;
  termsRequired: boolean[];
  fire: (facts: Readonly<Record<string, FactValue>>) => number[];
  /** Per code: its words for the look-up (code, regulation, titles and names in both languages, identification, terms), lower case. */
  haystack: string[];
};

export const CATALOGUE_DIR = 'fda-device-types';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function termPattern(def: DeviceTypeDef, flags = 'u'): RegExp | null {
  const words = [...def.terms.en, ...def.terms.ru].map((w) => escape(w.toLowerCase()));
  // A term matches at the start of a word: "retin" finds "retinal", not "pretina".
  return words.length === 0 ? null : new RegExp(`(?:^|[^\\p{L}\\p{N}])(${words.join('|')})`, flags);
}

/**
 * Validates the catalogue's cross-references and compiles it. `fail(path, message)` throws the
 * loader's error naming the file and the JSON path.
 */
export function compileCatalogue(catalogue: DeviceTypeCatalogue, file: string, knownFacts: ReadonlySet<string>, fail: (path: string, message: string) => never): LoadedDeviceTypes {
  const byCode = new Map<string, number>();
  const byDecision = new Map<string, number[]>();
  const records: DeviceTypeRecord[] = [];
  catalogue.deviceTypes.forEach((def, i) => {
    const where = `/deviceTypes/${i}`;
    if (byCode.has(def.productCode)) fail(`${where}/productCode`, `duplicate product code ${def.productCode}`);
    const reg = catalogue.regulations[def.regulation];
    if (!reg) fail(`${where}/regulation`, `regulation ${def.regulation} is not in /regulations`);
    byCode.set(def.productCode, i);
    for (const d of [...(def.deNovo ? [def.deNovo] : []), ...def.decisions]) {
      const list = byDecision.get(d.number) ?? [];
      if (!list.includes(i)) list.push(i);
      byDecision.set(d.number, list);
    }
    records.push(
      Object.freeze({
        productCode: def.productCode,
        regulation: def.regulation,
        regulationTitle: reg.title,
        name: def.name,
        deviceClass: reg.deviceClass,
        identification: reg.identification,
        specialControls: reg.specialControls,
        deNovo: def.deNovo,
        decisions: def.decisions,
        sources: [{ ...reg.source }, { ...def.source }],
      }),
    );
  });
  for (const reg of Object.keys(catalogue.regulations)) {
    if (!catalogue.deviceTypes.some((d) => d.regulation === reg)) fail(`/regulations/${reg}`, 'no product code refers to this regulation');
  }
  let fire: LoadedDeviceTypes['fire'] | undefined;
  try {
    fire = compileRules(catalogue.deviceTypes.map((d) => ({ name: d.productCode, conditions: d.selects, event: null })), {}, knownFacts).fire;
  } catch (err) {
    fail('/deviceTypes', (err as Error).message);
  }
  return {
    version: catalogue.version,
    ref: `${catalogue.id}@${catalogue.version}`,
    hash: canonicalHash(catalogue),
    file,
    catalogue,
    records,
    byCode,
    byDecision,
    terms: catalogue.deviceTypes.map((d) => termPattern(d)),
    termsAll: catalogue.deviceTypes.map((d) => termPattern(d, 'gu')),
    termsRequired: catalogue.deviceTypes.map((d) => d.termsRequired),
    haystack: catalogue.deviceTypes.map((d, i) => {
      const r = records[i];
      return [r.productCode, r.regulation, r.regulationTitle.en, r.regulationTitle.ru, r.name.en, r.name.ru, r.identification.text, ...d.terms.en, ...d.terms.ru].join(' \n ').toLowerCase();
    }),
    fire: fire!,
  };
}

export function catalogueFiles(rulesDir: string): string[] {
  try {
    return readdirSync(join(rulesDir, CATALOGUE_DIR)).filter((n) => n.endsWith('.json')).sort().map((n) => join(rulesDir, CATALOGUE_DIR, n));
  } catch {
    return [];
  }
}

const NO_FACTS = Object.freeze({ fdaDeviceTypeCount: 0, fdaDeviceTypeClass: null, fdaProductCodeStatus: null, fdaPredicateStatus: null });

/**
 * Which device types fit a profile. A type fits when its facts hold and, unless it is generic
 * (termsRequired false), the intended purpose names one of its terms: the vocabulary cannot say
 * which condition or anatomy a function serves, the words usually do. Among several fitting
 * types, those named are preferred. A declared product code or predicate (a decision number, or
 * a product code given as the predicate) is checked against the types whose facts hold: one that
 * fits is chosen. Writes the facts the us-fda pack reads (fdaDeviceTypeCount,
 * fdaDeviceTypeClass, fdaProductCodeStatus, fdaPredicateStatus) onto `facts` and returns what
 * the result shows.
 */
export function matchDeviceTypes(dt: LoadedDeviceTypes, facts: Record<string, FactValue>, intendedPurpose: string): DeviceTypeResult {
  const byFacts = dt.fire(facts);
  let idx = byFacts;
  if (byFacts.length > 0) {
    const text = intendedPurpose.toLowerCase();
    const named = byFacts.filter((i) => dt.terms[i]?.test(text) === true);
    idx = named.length > 0 ? mostNamed(dt, named, text) : byFacts.filter((i) => !dt.termsRequired[i]);
  }

  let productCode: CodeStatus = null;
  const code = facts.fdaProductCode;
  if (typeof code === 'string') {
    const at = dt.byCode.get(code);
    if (at === undefined) productCode = 'unknown';
    else if (byFacts.includes(at)) {
      productCode = 'fits';
      idx = [at];
    } else productCode = 'other_type';
  }

  let predicate: PredicateStatus = null;
  const declared = facts.fdaPredicate;
  if (typeof declared === 'string') {
    const key = declared.trim().toUpperCase();
    const asCode = dt.byCode.get(key);
    const listed = asCode !== undefined ? [asCode] : dt.byDecision.get(key);
    if (!listed) predicate = 'not_listed';
    else {
      const fitting = listed.filter((i) => byFacts.includes(i));
      if (fitting.length > 0) {
        predicate = 'fits';
        if (productCode !== 'fits') idx = fitting;
      } else predicate = 'other_type';
    }
  }

  const matches = idx.map((i) => dt.records[i]);
  const regulations = new Set(matches.map((m) => m.regulation));
  const classes = new Set(matches.map((m) => m.deviceClass));
  Object.assign(facts, NO_FACTS, {
    fdaDeviceTypeCount: regulations.size,
    fdaDeviceTypeClass: classes.size === 1 ? matches[0].deviceClass : null,
    fdaProductCodeStatus: productCode,
    fdaPredicateStatus: predicate,
  });
  return {
    catalogue: dt.ref,
    catalogueHash: dt.hash,
    fit: regulations.size === 0 ? 'none' : regulations.size === 1 ? 'one' : 'several',
    productCode,
    predicate,
    matches,
  };
}

/** Of several named codes, those whose terms the text names most often (distinct terms): the more specific reading wins. */
function mostNamed(dt: LoadedDeviceTypes, named: number[], text: string): number[] {
  if (named.length === 1) return named;
  const counts = named.map((i) => new Set(Array.from(text.matchAll(dt.termsAll[i]!), (m) => m[1])).size);
  const best = Math.max(...counts);
  return named.filter((_i, k) => counts[k] === best);
}

/** One device type as the API shows it, in one language. */
export function localizeDeviceType(r: DeviceTypeRecord, lang: Lang) {
  return {
    productCode: r.productCode,
    regulation: r.regulation,
    regulationTitle: r.regulationTitle[lang],
    name: r.name[lang],
    deviceClass: r.deviceClass,
    identification: r.identification,
    specialControls: r.specialControls ? { citation: r.specialControls.citation, summary: r.specialControls.summary[lang] } : null,
    deNovo: r.deNovo,
    decisions: r.decisions,
    sources: r.sources,
  };
}

/** The device-type part of a result as the API shows it, in one language. */
export function localizeDeviceTypeResult(r: DeviceTypeResult, lang: Lang) {
  return {
    catalogue: r.catalogue,
    catalogueHash: r.catalogueHash,
    fit: r.fit,
    productCode: r.productCode,
    predicate: r.predicate,
    matches: r.matches.map((m) => localizeDeviceType(m, lang)),
  };
}

/**
 * The look-up: indices of the codes every word of `q` occurs in (code, regulation number or its
 * start, words of the titles, names, identification or terms, in English or Russian), in
 * catalogue order; all codes when `q` is empty. A product code given exactly comes first.
 */
export function searchDeviceTypes(dt: LoadedDeviceTypes, q: string | undefined): number[] {
  const words = (q ?? '').toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  const all = dt.records.map((_r, i) => i);
  if (words.length === 0) return all;
  const exact = words.length === 1 ? dt.byCode.get(words[0].toUpperCase()) : undefined;
  const hits = all.filter((i) => i !== exact && words.every((w) => dt.haystack[i].includes(w)));
  return exact === undefined ? hits : [exact, ...hits];
}
