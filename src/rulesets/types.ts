/** Rule pack types: json-rules-engine rules plus the metadata medai-risk adds. */

export type Lang = 'en' | 'ru';
export type Text = { en: string; ru: string };
export type SourceStatus = 'binding' | 'guidance' | 'proposal' | 'unconfirmed';
export type Source = { ref: string; status: SourceStatus; url?: string };

export type FactValue = string | number | boolean | null | ReadonlyArray<string | number | boolean | null>;
export type Facts = Readonly<Record<string, FactValue>>;

export type Operator =
  | 'equal' | 'notEqual' | 'in' | 'notIn' | 'contains' | 'doesNotContain'
  | 'lessThan' | 'lessThanInclusive' | 'greaterThan' | 'greaterThanInclusive';

export type LeafCondition = { fact: string; operator: Operator; value: FactValue | { fact: string }; name?: string };
export type Condition =
  | LeafCondition
  | { all: Condition[]; name?: string }
  | { any: Condition[]; name?: string }
  | { not: Condition; name?: string }
  | { condition: string; name?: string };

type ReasonParams = { rule: string; text: Text; source: Source };

export type DecisionEvent =
  | { type: 'qualification'; params: ReasonParams & { class: string } }
  | { type: 'class'; params: ReasonParams & { class: string } }
  | { type: 'adjust'; params: ReasonParams & { step: number; op: 'up' | 'down' | 'atLeast' | 'atMost' | 'set'; class?: string } }
  | { type: 'review'; params: ReasonParams & { fields: string[] } }
  | { type: 'note'; params: ReasonParams };

export type ConsequenceEvent =
  | { type: 'evidence'; params: { rule: string; evidence: string[]; source?: Source } }
  | { type: 'obligation'; params: { rule: string; id: string; text: Text; article?: string; appliesFrom?: string; source: Source } }
  | { type: 'pathway'; params: { rule: string; pathway: string; text?: Text; source?: Source } }
  | { type: 'finding'; params: { rule: string; code: string; fields: string[]; text: Text; source?: Source } };

export type Rule<E> = { name: string; priority?: number; conditions: Condition; event: E };

export type RulePack = {
  id: string;
  version: string;
  effectiveDate: string;
  title: Text;
  description: Text;
  jurisdiction: 'RU' | 'EU' | 'US' | null;
  classes: string[];
  notApplicableClass: string;
  dependsOn?: string[];
  /** The FDA device-type catalogue version this pack reads, e.g. fda-device-types@1.0.0. */
  deviceTypes?: string;
  pathways?: Record<string, string | null>;
  thirdParty?: Record<string, Text>;
  sources: Array<{ id: string; ref: string; status: SourceStatus; url?: string }>;
  changelog: Array<{ version: string; date: string; changes: Text }>;
  notes?: Text;
  conditions?: Record<string, Condition>;
  rules: Rule<DecisionEvent>[];
  consequences: Rule<ConsequenceEvent>[];
};

export type EvidenceItemDef = {
  id: string;
  title: Text;
  description: Text;
  standards: string[];
  acceptanceCriteria: { en: string[]; ru: string[] };
  sources: Source[];
  /** What a classification lists beside the item: the special controls of the matched FDA device types. */
  lists?: 'deviceTypeSpecialControls';
};

export type EvidenceCatalogue = { id: 'evidence-catalogue'; version: string; items: EvidenceItemDef[] };
