import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { canonicalHash } from '../platform/canonical';
import { ALL_FACTS, DECISION_FACTS } from '../classification/facts';
import { compileRules, type CompiledRules } from './compile';
import { decide, finish, packTables, setConsequenceFacts, type FrameworkOutcome, type PackTables } from './decide';
import { CATALOGUE_DIR, catalogueFiles, compileCatalogue, type DeviceTypeCatalogue, type LoadedDeviceTypes } from './device-types';
import type { ConsequenceEvent, DecisionEvent, EvidenceCatalogue, Facts, FactValue, RulePack } from './types';

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The facts a pack that depends on framework `id` sees: e.g. euMdrClass, euMdrClassRank, euMdrDisposition. */
export function dependencyFactNames(id: string): string[] {
  const c = camel(id);
  return [`${c}Class`, `${c}ClassRank`, `${c}Disposition`];
}

/** Puts a dependency's result among the facts of the packs that read it (see dependencyFactNames). */
export function setDependencyFacts(facts: Record<string, FactValue>, dep: LoadedPack, outcome: FrameworkOutcome): void {
  const [cls, rank, disposition] = dep.dependencyFactNames;
  const effective = outcome.class ?? outcome.provisionalClass;
  facts[cls] = effective;
  facts[rank] = effective === null ? -1 : dep.rank(effective);
  facts[disposition] = outcome.disposition;
}

/** A validated, compiled rule pack. */
export type LoadedPack = {
  id: string;
  version: string;
  ruleset: string;
  hash: string;
  file: string;
  pack: RulePack;
  classes: string[];
  rank: (cls: string) => number;
  ruleIndex: Map<string, number>;
  /** The facts this pack's result gives the packs that depend on it. */
  dependencyFactNames: string[];
  /** What each rule contributes when it fires, built once. */
  tables: PackTables;
  /** The FDA device-type catalogue the pack reads (its `deviceTypes`), compiled. */
  deviceTypes?: LoadedDeviceTypes;
  decision: CompiledRules<DecisionEvent>;
  consequences: CompiledRules<ConsequenceEvent>;
};

export type ActiveView = { active: LoadedPack[]; evaluationOrder: LoadedPack[] };

export type Registry = {
  packs: LoadedPack[];
  /** The packs in effect on a date (YYYY-MM-DD). */
  activeOn: (date: string) => ActiveView;
  /** The version new classifications use today, per framework, in display order. */
  readonly active: LoadedPack[];
  /** Today's active packs, each after the packs it depends on. */
  readonly evaluationOrder: LoadedPack[];
  byRuleset: Map<string, LoadedPack>;
  catalogue: EvidenceCatalogue;
  catalogueHash: string;
  evidenceIndex: Map<string, EvidenceCatalogue['items'][number]>;
  /** Every FDA device-type catalogue version, by `fda-device-types@<version>`. */
  deviceTypeCatalogues: Map<string, LoadedDeviceTypes>;
  /** The catalogue version in effect on a date (the highest whose effectiveDate has come), if any. */
  deviceTypesOn: (date: string) => LoadedDeviceTypes | undefined;
  readonly deviceTypes: LoadedDeviceTypes | undefined;
};

/** Display order of the frameworks; packs of other frameworks follow alphabetically. */
export const FRAMEWORK_ORDER = ['ru-differentiated', 'ru-current', 'imdrf-samd', 'eu-mdr', 'eu-ai-act', 'us-fda'];

export class RuleLoadError extends Error {
  constructor(file: string, path: string, message: string) {
    super(`${file}${path ? ` at ${path}` : ''}: ${message}`);
    this.name = 'RuleLoadError';
  }
}

function schemaValidator(rulesDir: string, file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(rulesDir, 'schemas', file), 'utf8')));
}

function readJson(file: string, shown: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleLoadError(shown, '', `not valid JSON: ${(err as Error).message}`);
  }
}

function firstError(errors: ErrorObject[] | null | undefined): { path: string; message: string } {
  // The deepest error names the offending field best; oneOf branches report at the parent.
  const list = [...(errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const e = list[0];
  if (!e) return { path: '', message: 'invalid' };
  const extra = e.params && 'additionalProperty' in e.params ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
  const allowed = e.params && 'allowedValues' in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return { path: e.instancePath || '/', message: `${e.message}${extra}${allowed}` };
}

export function semverCompare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function frameworkOrder(a: string, b: string): number {
  const ia = FRAMEWORK_ORDER.indexOf(a);
  const ib = FRAMEWORK_ORDER.indexOf(b);
  if (ia !== ib) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a.localeCompare(b);
}

export function loadPack(pack: RulePack, shown: string, evidenceIds: ReadonlySet<string>): LoadedPack {
  const fail = (path: string, message: string): never => {
    throw new RuleLoadError(shown, path, message);
  };
  const classes = pack.classes;
  if (classes[0] !== pack.notApplicableClass) fail('/notApplicableClass', `must be the first of classes (${classes[0]})`);
  const rankOf = new Map(classes.map((c, i) => [c, i]));
  const checkClass = (cls: string | undefined, path: string) => {
    if (cls !== undefined && !rankOf.has(cls)) fail(path, `unknown class "${cls}" (classes: ${classes.join(', ')})`);
  };
  for (const k of Object.keys(pack.pathways ?? {})) checkClass(k, `/pathways/${k}`);
  const ruleIndex = new Map<string, number>();
  const all = [...pack.rules, ...pack.consequences];
  all.forEach((rule, i) => {
    const where = i < pack.rules.length ? `/rules/${i}` : `/consequences/${i - pack.rules.length}`;
    if (ruleIndex.has(rule.name)) fail(`${where}/name`, `duplicate rule name "${rule.name}"`);
    if (rule.event.params.rule !== rule.name) fail(`${where}/event/params/rule`, `must equal the rule name "${rule.name}"`);
    ruleIndex.set(rule.name, i);
    const ev = rule.event;
    if (ev.type === 'qualification' && ev.params.class !== pack.notApplicableClass) {
      fail(`${where}/event/params/class`, `a qualification rule answers "${pack.notApplicableClass}"`);
    }
    if (ev.type === 'class' || ev.type === 'adjust') checkClass(ev.params.class, `${where}/event/params/class`);
    if (ev.type === 'class' && ev.params.class === pack.notApplicableClass) fail(`${where}/event/params/class`, 'use a qualification rule for the not-applicable class');
    if (ev.type === 'adjust' && ['atLeast', 'atMost', 'set'].includes(ev.params.op) && !ev.params.class) {
      fail(`${where}/event/params/class`, `op "${ev.params.op}" needs a class`);
    }
    if (ev.type === 'evidence') {
      ev.params.evidence.forEach((id, j) => {
        if (!evidenceIds.has(id)) fail(`${where}/event/params/evidence/${j}`, `evidence "${id}" is not in the catalogue`);
      });
    }
  });
  const shared = pack.conditions ?? {};
  let decision: CompiledRules<DecisionEvent> | undefined;
  let consequences: CompiledRules<ConsequenceEvent> | undefined;
  try {
    const depFacts = (pack.dependsOn ?? []).flatMap(dependencyFactNames);
    const decisionFacts = new Set([...DECISION_FACTS, ...depFacts]);
    decision = compileRules(pack.rules, shared, decisionFacts);
    consequences = compileRules(pack.consequences, shared, new Set([...ALL_FACTS, ...depFacts]));
  } catch (err) {
    fail('/rules', (err as Error).message);
  }
  return {
    id: pack.id,
    version: pack.version,
    ruleset: `${pack.id}@${pack.version}`,
    hash: canonicalHash(pack),
    file: shown,
    pack,
    classes,
    rank: (cls) => {
      const r = rankOf.get(cls);
      if (r === undefined) throw new Error(`${pack.id}: unknown class ${cls}`);
      return r;
    },
    ruleIndex,
    dependencyFactNames: dependencyFactNames(pack.id),
    tables: packTables(pack.id, classes, pack.rules, pack.consequences),
    decision: decision!,
    consequences: consequences!,
  };
}

/**
 * Reads every rule pack under rules/<framework>/<version>.json and the evidence catalogue,
 * validates them against their JSON Schemas and compiles the rules. Any problem throws a
 * RuleLoadError naming the file and the JSON path: a bad pack stops the service at start-up.
 */
/**
 * `today` pins the date the active packs are chosen for (tests); by default the service follows
 * the UTC clock, so a new version takes effect on its effectiveDate without a restart.
 */
export function loadRegistry(rulesDir: string, today?: string): Registry {
  const show = (f: string) => relative(process.cwd(), f) || f;
  const validateCatalogue = schemaValidator(rulesDir, 'evidence-catalogue.schema.json');
  const validatePack = schemaValidator(rulesDir, 'rule-pack.schema.json');

  const catalogueFile = join(rulesDir, 'evidence', 'catalogue.json');
  const catalogue = readJson(catalogueFile, show(catalogueFile)) as EvidenceCatalogue;
  if (!validateCatalogue(catalogue)) {
    const e = firstError(validateCatalogue.errors);
    throw new RuleLoadError(show(catalogueFile), e.path, e.message);
  }
  const evidenceIndex = new Map(catalogue.items.map((i) => [i.id, i]));
  catalogue.items.forEach((item, i) => {
    if (catalogue.items.findIndex((o) => o.id === item.id) !== i) throw new RuleLoadError(show(catalogueFile), `/items/${i}/id`, `duplicate id ${item.id}`);
    if (item.acceptanceCriteria.en.length !== item.acceptanceCriteria.ru.length) {
      throw new RuleLoadError(show(catalogueFile), `/items/${i}/acceptanceCriteria`, 'en and ru must list the same number of criteria');
    }
  });

  const validateDeviceTypes = schemaValidator(rulesDir, 'fda-device-types.schema.json');
  const deviceTypeCatalogues = new Map<string, LoadedDeviceTypes>();
  for (const file of catalogueFiles(rulesDir)) {
    const shown = show(file);
    const catalogue = readJson(file, shown) as DeviceTypeCatalogue;
    if (!validateDeviceTypes(catalogue)) {
      const e = firstError(validateDeviceTypes.errors);
      throw new RuleLoadError(shown, e.path, e.message);
    }
    if (!file.endsWith(`${catalogue.version}.json`)) throw new RuleLoadError(shown, '/version', `must equal the file name`);
    if (!catalogue.changelog.some((c) => c.version === catalogue.version)) throw new RuleLoadError(shown, '/changelog', `has no entry for version ${catalogue.version}`);
    const loaded = compileCatalogue(catalogue, shown, DECISION_FACTS, (path, message) => {
      throw new RuleLoadError(shown, path, message);
    });
    deviceTypeCatalogues.set(loaded.ref, loaded);
  }

  const packs: LoadedPack[] = [];
  for (const dir of readdirSync(rulesDir).sort()) {
    if (dir === 'schemas' || dir === 'evidence' || dir === CATALOGUE_DIR || dir.startsWith('.')) continue;
    const full = join(rulesDir, dir);
    if (!statSync(full).isDirectory()) continue;
    if (dir === 'workflow') continue;
    for (const name of readdirSync(full).filter((n) => n.endsWith('.json')).sort()) {
      const file = join(full, name);
      const shown = show(file);
      const pack = readJson(file, shown) as RulePack;
      if (!validatePack(pack)) {
        const e = firstError(validatePack.errors);
        throw new RuleLoadError(shown, e.path, e.message);
      }
      if (pack.id !== dir) throw new RuleLoadError(shown, '/id', `must equal its folder name "${dir}"`);
      if (`${pack.version}.json` !== name) throw new RuleLoadError(shown, '/version', `must equal the file name "${name}"`);
      if (!pack.changelog.some((c) => c.version === pack.version)) {
        throw new RuleLoadError(shown, '/changelog', `has no entry for version ${pack.version}`);
      }
      const loaded = loadPack(pack, shown, new Set(evidenceIndex.keys()));
      if (pack.deviceTypes !== undefined) {
        loaded.deviceTypes = deviceTypeCatalogues.get(pack.deviceTypes);
        if (!loaded.deviceTypes) throw new RuleLoadError(shown, '/deviceTypes', `${pack.deviceTypes} is not in rules/${CATALOGUE_DIR}`);
      }
      packs.push(loaded);
    }
  }
  if (packs.length === 0) throw new RuleLoadError(show(rulesDir), '', 'no rule packs found');

  const ids = [...new Set(packs.map((p) => p.id))].sort(frameworkOrder);
  const views = new Map<string, ActiveView>();
  /** Per framework, the highest version in effect on `date`, and the order to evaluate them in. */
  const activeOn = (date: string): ActiveView => {
    const known = views.get(date);
    if (known) return known;
    const active: LoadedPack[] = [];
    for (const id of ids) {
      const candidates = packs.filter((p) => p.id === id && p.pack.effectiveDate <= date).sort((a, b) => semverCompare(b.version, a.version));
      if (candidates.length > 0) active.push(candidates[0]);
    }
    for (const p of active) {
      for (const dep of p.pack.dependsOn ?? []) {
        if (!active.some((a) => a.id === dep)) throw new RuleLoadError(p.file, '/dependsOn', `framework "${dep}" has no rule pack in effect on ${date}`);
      }
    }
    const view = { active, evaluationOrder: topologicalOrder(active) };
    views.set(date, view);
    return view;
  };
  const clock = today === undefined ? utcDateClock() : () => today;
  const deviceTypesOn = (date: string) =>
    [...deviceTypeCatalogues.values()].filter((c) => c.catalogue.effectiveDate <= date).sort((a, b) => semverCompare(b.version, a.version))[0];
  activeOn(clock()); // a pack set that cannot be evaluated today stops the service now, not at a request
  return {
    packs: packs.sort((a, b) => frameworkOrder(a.id, b.id) || semverCompare(b.version, a.version)),
    activeOn,
    get active() {
      return activeOn(clock()).active;
    },
    get evaluationOrder() {
      return activeOn(clock()).evaluationOrder;
    },
    byRuleset: new Map(packs.map((p) => [p.ruleset, p])),
    catalogue,
    catalogueHash: canonicalHash(catalogue),
    evidenceIndex,
    deviceTypeCatalogues,
    deviceTypesOn,
    get deviceTypes() {
      return deviceTypesOn(clock());
    },
  };
}

/** Today's UTC date (YYYY-MM-DD), recomputed only when a day has passed. */
function utcDateClock(): () => string {
  let date = '';
  let until = 0;
  return () => {
    const now = Date.now();
    if (now >= until) {
      date = new Date(now).toISOString().slice(0, 10);
      until = Date.parse(`${date}T00:00:00.000Z`) + 86_400_000;
    }
    return date;
  };
}

function topologicalOrder(active: LoadedPack[]): LoadedPack[] {
  const out: LoadedPack[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: LoadedPack, path: string[]) => {
    if (state.get(p.id) === 'done') return;
    if (state.get(p.id) === 'visiting') throw new RuleLoadError(p.file, '/dependsOn', `dependency cycle ${[...path, p.id].join(' → ')}`);
    state.set(p.id, 'visiting');
    for (const dep of p.pack.dependsOn ?? []) visit(active.find((a) => a.id === dep)!, [...path, p.id]);
    state.set(p.id, 'done');
    out.push(p);
  };
  for (const p of active) visit(p, []);
  return out;
}

/**
 * One framework's answer with the compiled rules: synchronous, no state kept between calls.
 * `facts` is the scratch fact object of one classification: the consequence facts (class,
 * classRank, device, disposition) are written on it between the two phases.
 */
export function evaluatePack(pack: LoadedPack, facts: Facts): FrameworkOutcome {
  const d = decide(pack, pack.decision.fire(facts));
  setConsequenceFacts(pack, facts as Record<string, FactValue>, d);
  return finish(pack, d, pack.consequences.fire(facts));
}
