import type { Registry } from '../rulesets/registry';
import type { Lang, Text } from '../rulesets/types';
import type { ObligationRecord, ReasonRecord } from '../rulesets/decide';
import type { ClassificationRecord } from './classify';
import { localizeClassification } from './localize';

/**
 * The JSON text of a classification, as JSON.stringify(localizeClassification(...)) would write
 * it, but assembled from fragments memoized per rule-pack object: the texts, sources and
 * obligations of a pack never change once loaded, so each is serialized once per language
 * instead of once per request. test/classification/render.test.ts proves both equal.
 */
type Pair = { en?: string; ru?: string };
const memo = new WeakMap<object, Pair>();

const q = JSON.stringify;

/**
 * Codes written without escaping: rule-pack schemas restrict class, pathway and field codes,
 * rule names, framework ids and evidence ids to [A-Za-z0-9_.@:-], and hashes are hex.
 */
const code = (v: string | null) => (v === null ? 'null' : `"${v}"`);
function codes(list: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) out += `${i ? ',' : ''}"${list[i]}"`;
  return `${out}]`;
}

function obligation(o: ObligationRecord, lang: Lang): string {
  // Every field of an obligation comes from its rule's params, so its text object identifies it.
  let entry = memo.get(o.text);
  if (!entry) memo.set(o.text, (entry = {}));
  return (entry[lang] ??= q({ ...o, text: o.text[lang] }));
}

const reasonTail = new WeakMap<Text, Pair>();
function reason(x: ReasonRecord, lang: Lang): string {
  let entry = reasonTail.get(x.text);
  if (!entry) reasonTail.set(x.text, (entry = {}));
  const tail = (entry[lang] ??= `,"text":${q(x.text[lang])},"source":${q(x.source)}}`);
  return `{"rule":"${x.rule}","effect":"${x.effect}"${x.class !== undefined ? `,"class":${code(x.class)}` : ''}${tail}`;
}

function evidenceHead(registry: Registry, id: string, lang: Lang): string {
  const def = registry.evidenceIndex.get(id);
  if (!def) return `{"id":${q(id)},"title":${q(id)},"standards":[]`;
  let entry = memo.get(def);
  if (!entry) memo.set(def, (entry = {}));
  return (entry[lang] ??= `{"id":${q(id)},"title":${q(def.title[lang])},"standards":${q(def.standards)}`);
}

export function renderClassification(record: ClassificationRecord, registry: Registry, lang: Lang): string {
  // Parts joined once: a flat string, not a rope the HTTP layer has to flatten again.
  const parts: string[] = [`{"profileHash":"${record.profileHash}","language":"${lang}","results":[`];
  for (let i = 0; i < record.results.length; i++) {
    const r = record.results[i];
    parts.push(`${i ? ',' : ''}{"framework":"${r.framework}","ruleset":"${r.ruleset}","rulesetHash":"${r.rulesetHash}","class":${code(r.class)},"provisionalClass":${code(r.provisionalClass)},"disposition":"${r.disposition}","pathway":${code(r.pathway)},"obligations":[`);
    for (let j = 0; j < r.obligations.length; j++) parts.push(j ? ',' : '', obligation(r.obligations[j], lang));
    parts.push('],"reasons":[');
    for (let j = 0; j < r.reasons.length; j++) parts.push(j ? ',' : '', reason(r.reasons[j], lang));
    parts.push(`],"evidence":${codes(r.evidence)},"missing":${codes(r.missing)}}`);
  }
  parts.push('],"evidence":[');
  for (let i = 0; i < record.evidence.length; i++) {
    const e = record.evidence[i];
    parts.push(i ? ',' : '', evidenceHead(registry, e.id, lang), `,"requiredBy":${codes(e.requiredBy)}}`);
  }
  // The rest is small and varies per profile: the plain localizer writes it.
  const { findings, summary, counterfactuals } = localizeClassification({ ...record, results: [], evidence: [] }, registry, lang);
  parts.push(`],"findings":${q(findings)},"summary":${q(summary)}`);
  if (counterfactuals) parts.push(`,"counterfactuals":${q(counterfactuals)}`);
  parts.push('}');
  return parts.join('');
}
