import type { ConsequenceEvent, DecisionEvent, FactValue, Rule, Source, Text } from './types';
import type { LoadedPack } from './registry';

/**
 * Turns the rules that fired into a framework's answer. Pure: the same fired rules, given in pack
 * order, give the same result whichever evaluator found them (the compiled function reports them
 * in pack order; the json-rules-engine evaluator sorts its events into it, since json-rules-engine
 * guarantees no order, json-rules-engine-notes §7). Classes aggregate explicitly: the strictest
 * class event wins, adjustments apply by step.
 */

export type Effect = 'qualification' | 'class' | 'adjust' | 'review' | 'note';
export type ReasonRecord = { rule: string; effect: Effect; class?: string | null; text: Text; source: Source };
export type ObligationRecord = { id: string; text: Text; article?: string; appliesFrom?: string; source: Source };
export type FindingRecord = { code: string; fields: string[]; text: Text; framework: string };

export type FrameworkOutcome = {
  framework: string;
  ruleset: string;
  rulesetHash: string;
  class: string | null;
  provisionalClass: string | null;
  disposition: 'determined' | 'requires_review';
  pathway: string | null;
  obligations: ObligationRecord[];
  reasons: ReasonRecord[];
  evidence: string[];
  missing: string[];
  findings: FindingRecord[];
};

export type Decision = {
  qualified: boolean;
  rank: number | null;
  requiresReview: boolean;
  missing: string[];
  reasons: ReasonRecord[];
};

const EFFECT_ORDER: Record<Effect, number> = { qualification: 0, note: 1, class: 2, adjust: 3, review: 4 };

const UNDECIDED: ReasonRecord = {
  rule: 'engine.undecided',
  effect: 'review',
  text: {
    en: 'No rule of this pack decides a profile like this one: a reviewer must classify it.',
    ru: 'Ни одно правило этого пакета не определяет класс для такого профиля: требуется решение эксперта.',
  },
  source: { ref: 'medai-risk engine', status: 'proposal' },
};

/** `fired` must be in pack order (the compiled evaluator's order; the reference sorts into it). */
export function decide(pack: LoadedPack, fired: Rule<DecisionEvent>[]): Decision {
  const rules = fired;
  const reasons: ReasonRecord[] = [];
  const missing = new Set<string>();
  let qualificationRank: number | null = null;
  let baseRank: number | null = null;
  let requiresReview = false;
  const adjusts: Array<Extract<DecisionEvent, { type: 'adjust' }>['params']> = [];

  for (const { event } of rules) {
    const p = event.params;
    switch (event.type) {
      case 'qualification': {
        const r = pack.rank(event.params.class);
        qualificationRank = qualificationRank === null ? r : Math.min(qualificationRank, r);
        reasons.push({ rule: p.rule, effect: 'qualification', class: event.params.class, text: p.text, source: p.source });
        break;
      }
      case 'class': {
        const r = pack.rank(event.params.class);
        baseRank = baseRank === null ? r : Math.max(baseRank, r);
        reasons.push({ rule: p.rule, effect: 'class', class: event.params.class, text: p.text, source: p.source });
        break;
      }
      case 'adjust':
        adjusts.push(event.params);
        break;
      case 'review':
        requiresReview = true;
        for (const f of event.params.fields) missing.add(f);
        reasons.push({ rule: p.rule, effect: 'review', text: p.text, source: p.source });
        break;
      case 'note':
        reasons.push({ rule: p.rule, effect: 'note', text: p.text, source: p.source });
        break;
    }
  }

  let rank: number | null;
  if (qualificationRank !== null) {
    rank = qualificationRank;
    // Not in scope of the framework: class steps do not apply and are not reasons.
    for (let i = reasons.length - 1; i >= 0; i--) if (reasons[i].effect === 'class') reasons.splice(i, 1);
  } else {
    rank = baseRank;
    if (rank !== null) {
      adjusts.sort((a, b) => a.step - b.step || pack.ruleIndex.get(a.rule)! - pack.ruleIndex.get(b.rule)!);
      for (const a of adjusts) {
        rank = adjustRank(pack, rank, a.op, a.class);
        reasons.push({ rule: a.rule, effect: 'adjust', class: pack.classes[rank], text: a.text, source: a.source });
      }
    }
  }

  if (rank === null && !requiresReview) {
    requiresReview = true;
    reasons.push(UNDECIDED);
  }
  reasons.sort((a, b) => EFFECT_ORDER[a.effect] - EFFECT_ORDER[b.effect]);
  return { qualified: qualificationRank === null, rank, requiresReview, missing: [...missing].sort(), reasons };
}

function adjustRank(pack: LoadedPack, rank: number, op: string, cls: string | undefined): number {
  const lowestDevice = 1;
  const highest = pack.classes.length - 1;
  const target = cls === undefined ? rank : pack.rank(cls);
  switch (op) {
    case 'up': return Math.min(rank + 1, highest);
    case 'down': return Math.max(rank - 1, lowestDevice);
    case 'atLeast': return Math.max(rank, target);
    case 'atMost': return Math.min(rank, target);
    case 'set': return target;
    default: throw new Error(`unknown adjust op ${op}`);
  }
}

/** Writes the settled class on a classification's fact object, for its consequence rules. */
export function setConsequenceFacts(pack: LoadedPack, facts: Record<string, FactValue>, d: Decision): void {
  facts.class = d.rank === null ? null : pack.classes[d.rank];
  facts.classRank = d.rank ?? -1;
  facts.device = d.qualified;
  facts.disposition = d.requiresReview ? 'requires_review' : 'determined';
}

export function finish(pack: LoadedPack, d: Decision, consequences: Rule<ConsequenceEvent>[]): FrameworkOutcome {
  const evidence = new Set<string>();
  const obligations: ObligationRecord[] = [];
  const findings: FindingRecord[] = [];
  let pathway: string | null | undefined;
  for (const { event } of consequences) {
    switch (event.type) {
      case 'evidence':
        for (const e of event.params.evidence) evidence.add(e);
        break;
      case 'obligation': {
        const { id, text, article, appliesFrom, source } = event.params;
        obligations.push({ id, text, ...(article ? { article } : {}), ...(appliesFrom ? { appliesFrom } : {}), source });
        break;
      }
      case 'pathway':
        if (pathway === undefined) pathway = event.params.pathway;
        break;
      case 'finding':
        findings.push({ code: event.params.code, fields: event.params.fields, text: event.params.text, framework: pack.id });
        break;
    }
  }
  const cls = d.rank === null ? null : pack.classes[d.rank];
  return {
    framework: pack.id,
    ruleset: pack.ruleset,
    rulesetHash: pack.hash,
    class: d.requiresReview ? null : cls,
    provisionalClass: d.requiresReview ? cls : null,
    disposition: d.requiresReview ? 'requires_review' : 'determined',
    pathway: d.requiresReview ? null : pathway ?? (cls !== null ? pack.pack.pathways?.[cls] ?? null : null),
    obligations,
    reasons: d.reasons,
    evidence: [...evidence].sort(),
    missing: d.missing,
    findings,
  };
}
