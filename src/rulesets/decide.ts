import type { ConsequenceEvent, DecisionEvent, FactValue, Rule, Source, Text } from './types';
import type { LoadedPack } from './registry';
import type { DeviceTypeResult } from './device-types';

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
  /** The FDA device types that fit (packs that read the device-type catalogue, device classes only). */
  deviceTypes?: DeviceTypeResult;
};

export type Decision = {
  qualified: boolean;
  rank: number | null;
  requiresReview: boolean;
  missing: string[];
  reasons: ReasonRecord[];
};

const UNDECIDED: ReasonRecord = Object.freeze({
  rule: 'engine.undecided',
  effect: 'review',
  text: {
    en: 'No rule of this pack decides a profile like this one: a reviewer must classify it.',
    ru: 'Ни одно правило этого пакета не определяет класс для такого профиля: требуется решение эксперта.',
  },
  source: { ref: 'medai-risk engine', status: 'proposal' },
}) as ReasonRecord;

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * What each rule of a pack contributes, built once when the pack loads: a rule's reason,
 * obligation or finding is the same record every time it fires (an adjustment's reason names
 * the class it reaches: one record per class). Records are frozen, since every classification
 * that fires the rule shares them.
 */
export type PackTables = {
  /** Per decision rule: its effect in reason order (qualification 0, note 1, class 2, adjust 3, review 4). */
  effect: Uint8Array;
  /** Per decision rule: the class rank it names (-1: none). */
  classRank: Int32Array;
  /** Per decision rule: its reason (adjustments: see adjustReasons). */
  reason: Array<ReasonRecord | null>;
  /** Per adjustment rule: its reason for each class rank it can reach. */
  adjustReasons: Array<ReasonRecord[] | null>;
  /** Per consequence rule: its obligation or finding record. */
  obligation: Array<ObligationRecord | null>;
  finding: Array<FindingRecord | null>;
};

const EFFECT_ORDER: Record<Effect, number> = { qualification: 0, note: 1, class: 2, adjust: 3, review: 4 };

export function packTables(id: string, classes: readonly string[], rules: Rule<DecisionEvent>[], consequences: Rule<ConsequenceEvent>[]): PackTables {
  const rankOf = (cls: string | undefined) => (cls === undefined ? -1 : classes.indexOf(cls));
  const freeze = <T extends object>(o: T): T => Object.freeze(o);
  return {
    effect: Uint8Array.from(rules, (r) => EFFECT_ORDER[r.event.type]),
    classRank: Int32Array.from(rules, (r) => rankOf((r.event.params as { class?: string }).class)),
    reason: rules.map(({ event }): ReasonRecord | null => {
      const p = event.params;
      switch (event.type) {
        case 'qualification':
        case 'class':
          return freeze({ rule: p.rule, effect: event.type, class: event.params.class, text: p.text, source: p.source });
        case 'review':
        case 'note':
          return freeze({ rule: p.rule, effect: event.type, text: p.text, source: p.source });
        default:
          return null;
      }
    }),
    adjustReasons: rules.map(({ event }) =>
      event.type === 'adjust' ? classes.map((cls) => freeze({ rule: event.params.rule, effect: 'adjust' as const, class: cls, text: event.params.text, source: event.params.source })) : null,
    ),
    obligation: consequences.map(({ event }) => {
      if (event.type !== 'obligation') return null;
      const { id: oid, text, article, appliesFrom, source } = event.params;
      return freeze({ id: oid, text, ...(article ? { article } : {}), ...(appliesFrom ? { appliesFrom } : {}), source });
    }),
    finding: consequences.map(({ event }) =>
      event.type === 'finding' ? freeze({ code: event.params.code, fields: event.params.fields, text: event.params.text, framework: id }) : null,
    ),
  };
}

/**
 * `fired`: indices of the pack's decision rules that fired, in pack order (the compiled
 * evaluator's order; the reference sorts into it). Reasons come out ordered by effect
 * (qualification, note, class, adjust, review), in pack order within an effect, adjustments
 * by step.
 */
export function decide(pack: LoadedPack, fired: readonly number[]): Decision {
  const rules = pack.pack.rules;
  const { effect, classRank, reason, adjustReasons } = pack.tables;
  let qualificationRank: number | null = null;
  let baseRank: number | null = null;
  let requiresReview = false;
  let missing: string[] | null = null;
  let adjusts: number[] | null = null;
  let notes = 0;
  for (let k = 0; k < fired.length; k++) {
    const i = fired[k];
    switch (effect[i]) {
      case 0: {
        const r = classRank[i];
        qualificationRank = qualificationRank === null ? r : Math.min(qualificationRank, r);
        break;
      }
      case 1:
        notes++;
        break;
      case 2: {
        const r = classRank[i];
        baseRank = baseRank === null ? r : Math.max(baseRank, r);
        break;
      }
      case 3:
        (adjusts ??= []).push(i);
        break;
      case 4: {
        requiresReview = true;
        const fields = (rules[i].event.params as { fields: string[] }).fields;
        missing ??= [];
        for (const f of fields) if (!missing.includes(f)) missing.push(f);
        break;
      }
    }
  }

  const reasons: ReasonRecord[] = [];
  emit(reasons, fired, effect, reason, 0);
  if (notes > 0) emit(reasons, fired, effect, reason, 1);
  let rank: number | null;
  if (qualificationRank !== null) {
    // Not in scope of the framework: class steps do not apply and are not reasons.
    rank = qualificationRank;
  } else {
    emit(reasons, fired, effect, reason, 2);
    rank = baseRank;
    if (rank !== null && adjusts !== null) {
      if (adjusts.length > 1) adjusts.sort((a, b) => stepOf(rules, a) - stepOf(rules, b) || a - b);
      for (const i of adjusts) {
        const p = rules[i].event.params as Extract<DecisionEvent, { type: 'adjust' }>['params'];
        rank = adjustRank(pack, rank, p.op, classRank[i]);
        reasons.push(adjustReasons[i]![rank]);
      }
    }
  }
  if (requiresReview) emit(reasons, fired, effect, reason, 4);
  else if (rank === null) {
    requiresReview = true;
    reasons.push(UNDECIDED);
  }
  return { qualified: qualificationRank === null, rank, requiresReview, missing: missing === null ? (EMPTY as never as string[]) : sortCodes(missing), reasons };
}

/** Appends the reasons of the fired rules of effect `e`, in pack order. */
function emit(reasons: ReasonRecord[], fired: readonly number[], effect: Uint8Array, reason: Array<ReasonRecord | null>, e: number): void {
  for (let k = 0; k < fired.length; k++) if (effect[fired[k]] === e) reasons.push(reason[fired[k]]!);
}

/**
 * Sorts a short list of strings in place, in the order Array.prototype.sort gives them (UTF-16
 * code units), by insertion: the lists here hold a handful of codes, and the built-in sort
 * allocates a work copy on every call.
 */
export function sortCodes(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    let j = i - 1;
    while (j >= 0 && list[j] > v) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = v;
  }
  return list;
}

const stepOf = (rules: Rule<DecisionEvent>[], i: number) => (rules[i].event.params as { step: number }).step;

function adjustRank(pack: LoadedPack, rank: number, op: string, target: number): number {
  const lowestDevice = 1;
  const highest = pack.classes.length - 1;
  if (target < 0) target = rank;
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

/** `fired`: indices of the pack's consequence rules that fired, in pack order. */
export function finish(pack: LoadedPack, d: Decision, fired: readonly number[]): FrameworkOutcome {
  const rules = pack.pack.consequences;
  const { obligation, finding } = pack.tables;
  let evidence: string[] | null = null;
  let obligations: ObligationRecord[] | null = null;
  let findings: FindingRecord[] | null = null;
  let pathway: string | null | undefined;
  for (let k = 0; k < fired.length; k++) {
    const i = fired[k];
    const event = rules[i].event;
    switch (event.type) {
      case 'evidence':
        evidence ??= [];
        for (const e of event.params.evidence) if (!evidence.includes(e)) evidence.push(e);
        break;
      case 'obligation':
        (obligations ??= []).push(obligation[i]!);
        break;
      case 'pathway':
        if (pathway === undefined) pathway = event.params.pathway;
        break;
      case 'finding':
        (findings ??= []).push(finding[i]!);
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
    obligations: obligations ?? [],
    reasons: d.reasons,
    evidence: evidence === null ? [] : sortCodes(evidence),
    missing: d.missing,
    findings: findings ?? (EMPTY as never as FindingRecord[]),
  };
}
