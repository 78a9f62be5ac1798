import type { components } from '../generated/openapi';
import type { Registry } from '../rulesets/registry';
import type { EvidenceItemDef, Lang } from '../rulesets/types';
import type { ClassificationRecord } from './classify';
import { localizeDeviceTypeResult } from '../rulesets/device-types';

export type ClassificationResult = components['schemas']['ClassificationResult'];
export type EvidenceItem = components['schemas']['EvidenceItem'];

/** `ru` when the client prefers Russian (Accept-Language), otherwise `en`. */
export function pickLanguage(header: string | string[] | undefined): Lang {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return 'en';
  let best: Lang = 'en';
  let bestQ = -1;
  for (const part of value.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    const lang: Lang | null = tag.startsWith('ru') ? 'ru' : tag.startsWith('en') ? 'en' : null;
    if (lang && Number.isFinite(weight) && weight > 0 && weight > bestQ) {
      best = lang;
      bestQ = weight;
    }
  }
  return best;
}

/** A change's values as JSON (they may be strings, booleans, arrays or null). */
const jsonChange = (c: { field: string; from: unknown; to: unknown }) => ({ field: c.field, from: c.from ?? null, to: c.to ?? null });

export function localizeEvidenceItem(item: EvidenceItemDef, lang: Lang): EvidenceItem {
  return {
    id: item.id,
    title: item.title[lang],
    description: item.description[lang],
    standards: item.standards,
    acceptanceCriteria: item.acceptanceCriteria[lang],
    sources: item.sources,
  };
}

export function localizeClassification(record: ClassificationRecord, registry: Registry, lang: Lang): ClassificationResult {
  return {
    profileHash: record.profileHash,
    language: lang,
    results: record.results.map((r) => ({
      framework: r.framework,
      ruleset: r.ruleset,
      rulesetHash: r.rulesetHash,
      class: r.class,
      provisionalClass: r.provisionalClass,
      disposition: r.disposition,
      pathway: r.pathway,
      obligations: r.obligations.map((o) => ({ ...o, text: o.text[lang] })),
      reasons: r.reasons.map((x) => ({ rule: x.rule, effect: x.effect, ...(x.class !== undefined ? { class: x.class } : {}), text: x.text[lang], source: x.source })),
      evidence: r.evidence,
      missing: r.missing,
      ...(r.deviceTypes ? { deviceTypes: localizeDeviceTypeResult(r.deviceTypes, lang) } : {}),
    })),
    evidence: record.evidence.map((e) => {
      const def = registry.evidenceIndex.get(e.id);
      return {
        id: e.id, title: def ? def.title[lang] : e.id, standards: def?.standards ?? [], requiredBy: e.requiredBy,
        ...(e.specialControls ? { specialControls: e.specialControls.map((c) => ({ regulation: c.regulation, productCodes: c.productCodes, citation: c.citation, summary: c.summary[lang] })) } : {}),
      };
    }),
    findings: record.findings.map((f) => ({ code: f.code, fields: f.fields, text: f.text[lang], ...(f.framework ? { framework: f.framework } : {}) })),
    summary: {
      highestBurden: record.summary.highestBurden,
      thirdParty: record.summary.thirdParty.map((x) => ({ ...x, who: x.who[lang] })),
      timeline: record.summary.timeline,
      firstObligation: record.summary.firstObligation,
      requiresReview: record.summary.requiresReview,
      notRegulated: record.summary.notRegulated,
    },
    ...(record.counterfactuals ? { counterfactuals: record.counterfactuals.map((c) => ({ ...c, changes: c.changes.map(jsonChange), text: c.text[lang] })) } : {}),
  };
}
