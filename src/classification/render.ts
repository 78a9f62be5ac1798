import type { Registry } from '../rulesets/registry';
import type { Lang } from '../rulesets/types';
import type { ObligationRecord, ReasonRecord } from '../rulesets/decide';
import type { ClassificationRecord } from './classify';
import { localizeClassification } from './localize';
import type { Summary } from './summary';
import { ByteWriter } from '../platform/bytes';
import { localizeDeviceType, type DeviceTypeRecord, type DeviceTypeResult } from '../rulesets/device-types';

/**
 * The JSON of a classification as UTF-8 bytes, exactly JSON.stringify(localizeClassification(...))
 * encoded, but written from fragments memoized per rule-pack object: the texts, sources and
 * obligations of a pack never change once loaded, so each is serialized and encoded once per
 * language instead of once per request (a reason, obligation or finding record is one shared
 * object per rule, see rulesets/decide.ts packTables; a contradiction is one per check). Codes
 * between them are written byte by byte. No response string is built, flattened, measured and
 * encoded: the bytes go straight into the buffer the HTTP layer writes as it is.
 * test/classification/render.test.ts proves both equal.
 */
type Pair = { en?: Buffer; ru?: Buffer };
const memo = new WeakMap<object, Pair>();

const q = JSON.stringify;
const utf8 = (text: string) => Buffer.from(text, 'utf8');

function memoized(key: object, lang: Lang, make: () => string): Buffer {
  let entry = memo.get(key);
  if (!entry) memo.set(key, (entry = {}));
  return (entry[lang] ??= utf8(make()));
}

/** Responses are cut from slabs (see ByteWriter): rendering is synchronous. */
const out = new ByteWriter(256 * 1024);

const text = (ascii: string) => out.ascii(ascii);
const byte = (b: number) => out.byte(b);
const bytes = (b: Buffer) => out.bytes(b);
/** Codes, hashes and dates, as JSON strings (anything JSON would escape is escaped). */
const quoted = (value: string) => out.jsonString(value);

const COMMA = 0x2c;

function code(v: string | null): void {
  if (v === null) text('null');
  else quoted(v);
}

function codes(list: readonly string[]): void {
  byte(0x5b);
  for (let i = 0; i < list.length; i++) {
    if (i) byte(COMMA);
    quoted(list[i]);
  }
  byte(0x5d);
}

// Every field of an obligation comes from its rule's params: one record per rule.
const obligation = (o: ObligationRecord, lang: Lang) => memoized(o, lang, () => q({ ...o, text: o.text[lang] }));

const reason = (x: ReasonRecord, lang: Lang) =>
  memoized(x, lang, () => q({ rule: x.rule, effect: x.effect, ...(x.class !== undefined ? { class: x.class } : {}), text: x.text[lang], source: x.source }));

/** A finding: the pack's own record, or a contradiction's (one per check). */
const finding = (f: ClassificationRecord['findings'][number], lang: Lang) =>
  memoized(f, lang, () => q({ code: f.code, fields: f.fields, text: f.text[lang], ...(f.framework ? { framework: f.framework } : {}) }));

function evidenceHead(registry: Registry, id: string, lang: Lang): Buffer {
  const def = registry.evidenceIndex.get(id);
  if (!def) return utf8(`{"id":${q(id)},"title":${q(id)},"standards":[]`);
  return memoized(def, lang, () => `{"id":${q(id)},"title":${q(def.title[lang])},"standards":${q(def.standards)}`);
}

/**
 * What opens a framework's result, the same on every result of its pack: encoded once per pack
 * (its hash names its content, id and version included). Previewed drafts add packs over time:
 * past a few hundred, the table starts again.
 */
const heads = new Map<string, Buffer>();
function head(r: ClassificationRecord['results'][number]): Buffer {
  let b = heads.get(r.rulesetHash);
  if (!b) {
    if (heads.size >= 512) heads.clear();
    b = utf8(`{"framework":"${r.framework}","ruleset":"${r.ruleset}","rulesetHash":"${r.rulesetHash}","class":`);
    heads.set(r.rulesetHash, b);
  }
  return b;
}

export function renderClassification(record: ClassificationRecord, registry: Registry, lang: Lang): Buffer {
  out.begin();
  text('{"profileHash":');
  quoted(record.profileHash);
  text(',"language":');
  quoted(lang);
  text(',"results":[');
  for (let i = 0; i < record.results.length; i++) {
    const r = record.results[i];
    if (i) byte(COMMA);
    bytes(head(r));
    code(r.class);
    text(',"provisionalClass":');
    code(r.provisionalClass);
    text(',"disposition":');
    quoted(r.disposition);
    text(',"pathway":');
    code(r.pathway);
    text(',"obligations":[');
    for (let j = 0; j < r.obligations.length; j++) {
      if (j) byte(COMMA);
      bytes(obligation(r.obligations[j], lang));
    }
    text('],"reasons":[');
    for (let j = 0; j < r.reasons.length; j++) {
      if (j) byte(COMMA);
      bytes(reason(r.reasons[j], lang));
    }
    text('],"evidence":');
    codes(r.evidence);
    text(',"missing":');
    codes(r.missing);
    if (r.deviceTypes) deviceTypes(r.deviceTypes, lang);
    byte(0x7d);
  }
  text('],"evidence":[');
  for (let i = 0; i < record.evidence.length; i++) {
    const e = record.evidence[i];
    if (i) byte(COMMA);
    bytes(evidenceHead(registry, e.id, lang));
    text(',"requiredBy":');
    codes(e.requiredBy);
    if (e.specialControls) {
      text(',"specialControls":');
      bytes(utf8(q(e.specialControls.map((c) => ({ regulation: c.regulation, productCodes: c.productCodes, citation: c.citation, summary: c.summary[lang] })))));
    }
    byte(0x7d);
  }
  text('],"findings":[');
  for (let i = 0; i < record.findings.length; i++) {
    if (i) byte(COMMA);
    bytes(finding(record.findings[i], lang));
  }
  text('],"summary":');
  summary(record.summary, lang);
  // Asked for only now and then, and made of profile-specific changes: the plain localizer writes them.
  if (record.counterfactuals) {
    const { counterfactuals } = localizeClassification({ ...record, results: [], evidence: [], findings: [] }, registry, lang);
    bytes(utf8(`,"counterfactuals":${q(counterfactuals)}`));
  }
  byte(0x7d);
  return out.take();
}

// A device type is one frozen record per product code (rulesets/device-types.ts): encoded once per language.
const deviceType = (d: DeviceTypeRecord, lang: Lang) => memoized(d, lang, () => q(localizeDeviceType(d, lang)));

function deviceTypes(d: DeviceTypeResult, lang: Lang): void {
  text(',"deviceTypes":{"catalogue":');
  quoted(d.catalogue);
  text(',"catalogueHash":');
  quoted(d.catalogueHash);
  text(',"fit":');
  quoted(d.fit);
  text(',"productCode":');
  code(d.productCode);
  text(',"predicate":');
  code(d.predicate);
  text(',"matches":[');
  for (let i = 0; i < d.matches.length; i++) {
    if (i) byte(COMMA);
    bytes(deviceType(d.matches[i], lang));
  }
  text(']}');
}

/** The summary: codes and dates written directly, who does third-party assessment from the pack's memoized text. */
function summary(s: Summary, lang: Lang): void {
  text('{"highestBurden":[');
  for (let i = 0; i < s.highestBurden.length; i++) {
    const h = s.highestBurden[i];
    if (i) byte(COMMA);
    text('{"framework":');
    quoted(h.framework);
    text(',"class":');
    quoted(h.class);
    text(',"pathway":');
    code(h.pathway);
    byte(0x7d);
  }
  text('],"thirdParty":[');
  for (let i = 0; i < s.thirdParty.length; i++) {
    const t = s.thirdParty[i];
    if (i) byte(COMMA);
    text('{"framework":');
    quoted(t.framework);
    text(',"pathway":');
    quoted(t.pathway);
    text(',"who":');
    bytes(memoized(t.who, lang, () => q(t.who[lang])));
    byte(0x7d);
  }
  text('],"timeline":[');
  for (let i = 0; i < s.timeline.length; i++) {
    if (i) byte(COMMA);
    dated(s.timeline[i]);
  }
  text('],"firstObligation":');
  if (s.firstObligation) dated(s.firstObligation);
  else text('null');
  text(',"requiresReview":');
  codes(s.requiresReview);
  text(',"notRegulated":');
  codes(s.notRegulated);
  byte(0x7d);
}

function dated(d: Summary['timeline'][number]): void {
  text('{"date":');
  quoted(d.date);
  text(',"framework":');
  quoted(d.framework);
  text(',"obligation":');
  quoted(d.obligation);
  byte(0x7d);
}
