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

function once(key: object, lang: Lang, make: () => string): string {
  let entry = memo.get(key);
  if (!entry) {
    entry = {};
    memo.set(key, entry);
  }
  return (entry[lang] ??= make());
}

const q = JSON.stringify;

function obligation(o: ObligationRecord, lang: Lang): string {
  // Every field of an obligation comes from its rule's params, so its text object identifies it.
  return once(o.text, lang, () => q({ ...o, text: o.text[lang] }));
}

const reasonTail = new WeakMap<Text, Pair>();
function reason(x: ReasonRecord, lang: Lang): string {
  let entry = reasonTail.get(x.text);
  if (!entry) {
    entry = {};
    reasonTail.set(x.text, entry);
  }
  const tail = (entry[lang] ??= `,"text":${q(x.text[lang])},"source":${q(x.source)}}`);
  return `{"rule":${q(x.rule)},"effect":"${x.effect}"${x.class !== undefined ? `,"class":${q(x.class)}` : ''}${tail}`;
}

export function renderClassification(record: ClassificationRecord, registry: Registry, lang: Lang): string {
  let out = `{"profileHash":${q(record.profileHash)},"language":"${lang}","results":[`;
  record.results.forEach((r, i) => {
    out += `${i ? ',' : ''}{"framework":${q(r.framework)},"ruleset":${q(r.ruleset)},"rulesetHash":${q(r.rulesetHash)},"class":${q(r.class)},"provisionalClass":${q(r.provisionalClass)},"disposition":${q(r.disposition)},"pathway":${q(r.pathway)},"obligations":[`;
    out += r.obligations.map((o) => obligation(o, lang)).join(',');
    out += '],"reasons":[';
    out += r.reasons.map((x) => reason(x, lang)).join(',');
    out += `],"evidence":${q(r.evidence)},"missing":${q(r.missing)}}`;
  });
  out += '],"evidence":[';
  out += record.evidence
    .map((e) => {
      const def = registry.evidenceIndex.get(e.id);
      const head = def ? once(def, lang, () => `{"id":${q(e.id)},"title":${q(def.title[lang])},"standards":${q(def.standards)}`) : `{"id":${q(e.id)},"title":${q(e.id)},"standards":[]`;
      return `${head},"requiredBy":${q(e.requiredBy)}}`;
    })
    .join(',');
  // The rest is small and varies per profile: the plain localizer writes it.
  const { findings, summary, counterfactuals } = localizeClassification({ ...record, results: [], evidence: [] }, registry, lang);
  out += `],"findings":${q(findings)},"summary":${q(summary)}`;
  if (counterfactuals) out += `,"counterfactuals":${q(counterfactuals)}`;
  return `${out}}`;
}
