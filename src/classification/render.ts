import type { Registry } from '../rulesets/registry';
import type { Lang } from '../rulesets/types';
import type { ObligationRecord, ReasonRecord } from '../rulesets/decide';
import type { ClassificationRecord } from './classify';
import { localizeClassification } from './localize';

/**
 * The JSON of a classification as UTF-8 bytes, exactly JSON.stringify(localizeClassification(...))
 * encoded, but assembled from fragments memoized per rule-pack object: the texts, sources and
 * obligations of a pack never change once loaded, so each is serialized and encoded once per
 * language instead of once per request (a reason or obligation record is one shared object per
 * rule, see rulesets/decide.ts packTables). The bytes are copied once into one buffer the HTTP
 * layer writes as it is: no response string to flatten, measure and encode again.
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

/**
 * Collects the response: pre-encoded fragments, and between them ASCII text (codes, hashes,
 * punctuation) gathered into one pending string. Module state: rendering is synchronous, and
 * the state is handed over and cleared by `take`.
 */
const chunks: Array<Buffer | string> = [];
let pending = '';
let size = 0;

function text(ascii: string): void {
  pending += ascii;
}

function bytes(b: Buffer): void {
  if (pending.length > 0) {
    chunks.push(pending);
    size += pending.length;
    pending = '';
  }
  chunks.push(b);
  size += b.length;
}

function take(): Buffer {
  if (pending.length > 0) {
    chunks.push(pending);
    size += pending.length;
    pending = '';
  }
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (typeof c === 'string') off += out.write(c, off, 'latin1');
    else {
      out.set(c, off);
      off += c.length;
    }
  }
  chunks.length = 0;
  size = 0;
  if (off !== out.length) throw new Error(`rendered ${off} of ${out.length} bytes`);
  return out;
}

/**
 * Codes written without escaping, as ASCII: rule-pack schemas restrict class, pathway and field
 * codes, rule names, framework ids and evidence ids to [A-Za-z0-9_.@:-], and hashes are hex.
 */
const code = (v: string | null) => (v === null ? 'null' : `"${v}"`);
function codes(list: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) out += `${i ? ',' : ''}"${list[i]}"`;
  return `${out}]`;
}

// Every field of an obligation comes from its rule's params: one record per rule.
const obligation = (o: ObligationRecord, lang: Lang) => memoized(o, lang, () => q({ ...o, text: o.text[lang] }));

const reason = (x: ReasonRecord, lang: Lang) =>
  memoized(x, lang, () => q({ rule: x.rule, effect: x.effect, ...(x.class !== undefined ? { class: x.class } : {}), text: x.text[lang], source: x.source }));

function evidenceHead(registry: Registry, id: string, lang: Lang): Buffer {
  const def = registry.evidenceIndex.get(id);
  if (!def) return utf8(`{"id":${q(id)},"title":${q(id)},"standards":[]`);
  return memoized(def, lang, () => `{"id":${q(id)},"title":${q(def.title[lang])},"standards":${q(def.standards)}`);
}

export function renderClassification(record: ClassificationRecord, registry: Registry, lang: Lang): Buffer {
  chunks.length = 0;
  pending = '';
  size = 0;
  text(`{"profileHash":"${record.profileHash}","language":"${lang}","results":[`);
  for (let i = 0; i < record.results.length; i++) {
    const r = record.results[i];
    text(`${i ? ',' : ''}{"framework":"${r.framework}","ruleset":"${r.ruleset}","rulesetHash":"${r.rulesetHash}","class":${code(r.class)},"provisionalClass":${code(r.provisionalClass)},"disposition":"${r.disposition}","pathway":${code(r.pathway)},"obligations":[`);
    for (let j = 0; j < r.obligations.length; j++) {
      if (j) text(',');
      bytes(obligation(r.obligations[j], lang));
    }
    text('],"reasons":[');
    for (let j = 0; j < r.reasons.length; j++) {
      if (j) text(',');
      bytes(reason(r.reasons[j], lang));
    }
    text(`],"evidence":${codes(r.evidence)},"missing":${codes(r.missing)}}`);
  }
  text('],"evidence":[');
  for (let i = 0; i < record.evidence.length; i++) {
    const e = record.evidence[i];
    if (i) text(',');
    bytes(evidenceHead(registry, e.id, lang));
    text(`,"requiredBy":${codes(e.requiredBy)}}`);
  }
  // The rest is small and varies per profile: the plain localizer writes it.
  const { findings, summary, counterfactuals } = localizeClassification({ ...record, results: [], evidence: [] }, registry, lang);
  text('],"findings":');
  bytes(utf8(`${q(findings)},"summary":${q(summary)}${counterfactuals ? `,"counterfactuals":${q(counterfactuals)}` : ''}}`));
  return take();
}
