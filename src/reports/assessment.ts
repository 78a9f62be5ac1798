import type { AuditEntry } from '../audit/log';
import type { Checkpoint } from '../audit/anchor';
import type { ApplicationDetail } from '../certification/service';
import type { ClassificationRecord } from '../classification/classify';
import { localizeClassification } from '../classification/localize';
import type { Profile } from '../classification/profile';
import { canonicalJson, sha256 } from '../platform/canonical';
import type { Registry } from '../rulesets/registry';
import type { Lang, Source, Text } from '../rulesets/types';
import { code, label, PROFILE_FIELDS, yesNo, type LabelKey } from './labels';

/** History transitions that are decisions (also what the centre's decision export lists). */
export const DECISION_TRANSITIONS = ['approve', 'reject', 'suspend', 'reinstate', 'revoke', 'expire'] as const;

/** Identifies the layout of the JSON record; bump when its fields change meaning. */
export const RECORD_FORMAT = 'medai-risk/assessment-report@1';

/** What the report is built from: read by the route, passed in here (no database in this module). */
export type AssessmentInput = {
  detail: ApplicationDetail;
  system: { id: string; name: string; manufacturer: string };
  version: { number: number; profile: Profile; profileHash: string; classification: ClassificationRecord };
  certificate: {
    number: string; status: string; reReviewRequired: boolean; issuedAt: string; validUntil: string; statusChangedAt: string; verificationUrl: string;
    /** The JWS of the certificate's public record (GET /v1/certificates/{number} answers the same). */
    signature?: string | null;
  } | null;
  /** The application's audit trail, in chain order. */
  audit: AuditEntry[];
  /** The latest signed checkpoint of the whole trail. */
  auditCheckpoint?: Checkpoint | null;
  /** config.PUBLIC_URL */
  publicUrl: string;
  registry: Registry;
};

type Person = { id: string | null; name: string | null };

/**
 * The record embedded in the PDF: the report's content as data, independent of the language
 * (texts carry both languages), so a Russian and an English report of the same state carry the
 * same record and the same hash.
 */
export type ReportRecord = {
  format: string;
  asOf: string;
  application: {
    id: string; kind: string; reason: string | null; state: string; riskTier: string; fourEyes: boolean;
    organisationName: string; centreName: string; assignee: Person | null;
    createdAt: string; submittedAt: string | null; decidedAt: string | null;
  };
  system: { id: string; name: string; manufacturer: string; version: number; versionLabel: string; profileHash: string };
  profile: Profile;
  classification: Array<{
    framework: string; ruleset: string; rulesetHash: string; engineClass: string | null; effectiveClass: string | null;
    disposition: string; pathway: string | null;
    reasons: Array<{ rule: string; effect: string; class: string | null; text: Text; source: Source }>;
  }>;
  overrides: Array<{ framework: string; engineClass: string | null; class: string; justification: string; by: Person; at: string }>;
  evidence: Array<{
    evidenceId: string; title: Text; requiredBy: string[]; status: string; notApplicableReason: string | null;
    review: { decision: string; comment: string | null; by: Person; at: string | null } | null;
    validFrom: string | null; validUntil: string | null;
    documents: Array<{ id: string; filename: string; contentType: string; size: number; sha256: string; uploadedAt: string }>;
  }>;
  countersignatures: Array<{ transition: string; comment: string; by: Person; at: string }>;
  history: Array<{ transition: string; from: string | null; to: string; comment: string | null; by: Person; at: string }>;
  decision: { transition: string; state: string; at: string; by: Person; comment: string | null } | null;
  certificate: { number: string; status: string; reReviewRequired: boolean; issuedAt: string; validUntil: string; statusChangedAt: string; signature?: string | null } | null;
  audit: {
    count: number;
    first: { seq: number; at: string; action: string } | null;
    last: { seq: number; at: string; action: string; hash: string } | null;
    actions: Record<string, number>;
    /** The latest checkpoint of the whole trail (its JWS verifies with /.well-known/jwks.json). */
    checkpoint?: { n: number; seq: number; hash: string; at: string; jws: string } | null;
  };
  verificationUrl: string;
};

/** What the PDF shows, already in the report's language. */
export type Block =
  | { kind: 'fields'; rows: Array<[string, string]> }
  | { kind: 'subheading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] };

export type SectionId =
  | 'identification' | 'profile' | 'classification' | 'overrides' | 'evidence' | 'countersignatures' | 'decision' | 'certificate' | 'audit' | 'integrity';

export type Section = { id: SectionId; heading: string; blocks: Block[] };

export type ReportModel = {
  lang: Lang;
  title: string;
  subtitle: string;
  /** The PDF's creation date: the time of the state the report shows (its last audit entry), so the same state renders the same bytes. */
  createdAt: Date;
  record: ReportRecord;
  /** canonicalJson(record): the bytes embedded in the PDF. */
  recordJson: string;
  /** sha256 of recordJson, `sha256:<hex>`. */
  recordHash: string;
  verificationUrl: string;
  sections: Section[];
  /** "Page" in the language, for the footer. */
  pageLabel: string;
};

const person = (id: string | null, name: string | null): Person => ({ id, name });
const who = (lang: Lang, p: Person | null) => (p ? p.name ?? p.id ?? label(lang, 'none') : label(lang, 'none'));

/** `2026-11-23 10:00 UTC`; dates (`YYYY-MM-DD`) stay as they are. */
export function formatTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return label(lang, 'none');
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function profileValue(lang: Lang, v: unknown): string {
  if (v === undefined || v === null) return label(lang, 'none');
  if (typeof v === 'boolean') return yesNo(lang, v);
  if (Array.isArray(v)) return v.length === 0 ? label(lang, 'none') : v.map((x) => profileValue(lang, x)).join(', ');
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).map((x) => profileValue(lang, x)).join(', ');
  return String(v);
}

/** The JSON record of an application's assessment: pure, from the data alone. */
export function buildRecord(input: AssessmentInput): ReportRecord {
  const { detail, system, version, certificate, audit, registry } = input;
  const a = detail.application;
  const byFramework = new Map(version.classification.results.map((r) => [r.framework, r]));
  const decisions = detail.history.filter((h) => (DECISION_TRANSITIONS as readonly string[]).includes(h.transition));
  const last = decisions[decisions.length - 1];
  const actions: Record<string, number> = {};
  for (const e of audit) actions[e.action] = (actions[e.action] ?? 0) + 1;
  const first = audit[0];
  const end = audit[audit.length - 1];
  const base = input.publicUrl.replace(/\/$/, '');
  return {
    format: RECORD_FORMAT,
    asOf: end?.at ?? a.updatedAt,
    application: {
      id: a.id, kind: a.kind, reason: a.reason, state: a.state, riskTier: a.riskTier, fourEyes: a.fourEyes,
      organisationName: a.organisationName, centreName: a.centreName, assignee: a.assigneeId ? person(a.assigneeId, a.assigneeName) : null,
      createdAt: a.createdAt, submittedAt: a.submittedAt, decidedAt: a.decidedAt,
    },
    system: { id: system.id, name: system.name, manufacturer: system.manufacturer, version: version.number, versionLabel: version.profile.version, profileHash: version.profileHash },
    profile: version.profile,
    classification: a.classes.map((c) => {
      const r = byFramework.get(c.framework);
      return {
        framework: c.framework, ruleset: c.ruleset, rulesetHash: r?.rulesetHash ?? registry.byRuleset.get(c.ruleset)?.hash ?? '',
        engineClass: c.engineClass, effectiveClass: c.effectiveClass, disposition: c.disposition, pathway: r?.pathway ?? null,
        reasons: (r?.reasons ?? []).map((x) => ({ rule: x.rule, effect: x.effect, class: x.class ?? null, text: x.text, source: x.source })),
      };
    }),
    overrides: detail.overrides.map((o) => ({ framework: o.framework, engineClass: o.engineClass, class: o.class, justification: o.justification, by: person(o.actorId, o.actorName), at: o.at })),
    evidence: detail.evidence.map((e) => {
      const def = registry.evidenceIndex.get(e.evidenceId);
      return {
        evidenceId: e.evidenceId,
        title: def ? { en: def.title.en, ru: def.title.ru } : { en: e.evidenceId, ru: e.evidenceId },
        requiredBy: e.requiredBy, status: e.status, notApplicableReason: e.naReason,
        review: e.reviewDecision ? { decision: e.reviewDecision, comment: e.reviewComment, by: person(e.reviewedById, e.reviewedByName), at: e.reviewedAt } : null,
        validFrom: e.validFrom, validUntil: e.validUntil,
        documents: detail.documents.filter((d) => d.evidenceId === e.evidenceId)
          .map((d) => ({ id: d.id, filename: d.filename, contentType: d.contentType, size: d.size, sha256: `sha256:${d.sha256}`, uploadedAt: d.createdAt })),
      };
    }),
    countersignatures: detail.countersignatures.map((c) => ({ transition: c.transition, comment: c.comment, by: person(c.actorId, c.actorName), at: c.at })),
    history: detail.history.map((h) => ({ transition: h.transition, from: h.fromState, to: h.toState, comment: h.comment, by: person(h.actorId, h.actorName), at: h.at })),
    decision: last ? { transition: last.transition, state: last.toState, at: last.at, by: person(last.actorId, last.actorName), comment: last.comment } : null,
    certificate: certificate
      ? {
        number: certificate.number, status: certificate.status, reReviewRequired: certificate.reReviewRequired, issuedAt: certificate.issuedAt, validUntil: certificate.validUntil, statusChangedAt: certificate.statusChangedAt,
        ...(certificate.signature !== undefined ? { signature: certificate.signature } : {}),
      }
      : null,
    audit: {
      count: audit.length,
      first: first ? { seq: first.seq, at: first.at, action: first.action } : null,
      last: end ? { seq: end.seq, at: end.at, action: end.action, hash: end.hash } : null,
      actions,
      ...(input.auditCheckpoint !== undefined ? { checkpoint: input.auditCheckpoint && { n: input.auditCheckpoint.n, seq: input.auditCheckpoint.seq, hash: input.auditCheckpoint.hash, at: input.auditCheckpoint.at, jws: input.auditCheckpoint.jws } } : {}),
    },
    verificationUrl: certificate ? certificate.verificationUrl : `${base}/v1/applications/${a.id}`,
  };
}

/** The report in one language: the record, its hash, and the sections the PDF prints. */
export function buildAssessmentReport(input: AssessmentInput, lang: Lang): ReportModel {
  const record = buildRecord(input);
  const recordJson = canonicalJson(record);
  const recordHash = sha256(recordJson);
  const L = (key: LabelKey, values?: Record<string, string>) => label(lang, key, values);
  const none = L('none');
  const localized = localizeClassification(input.version.classification, input.registry, lang);
  const reasonsOf = new Map(localized.results.map((r) => [r.framework, r.reasons]));
  const packTitle = (ruleset: string) => input.registry.byRuleset.get(ruleset)?.pack.title[lang];

  const identification: Block[] = [{
    kind: 'fields',
    rows: [
      [L('applicationId'), record.application.id],
      [L('kind'), code(lang, record.application.kind)],
      ...(record.application.reason ? [[L('reReviewReason'), record.application.reason] as [string, string]] : []),
      [L('state'), code(lang, record.application.state)],
      [L('riskTier'), code(lang, record.application.riskTier)],
      [L('fourEyes'), yesNo(lang, record.application.fourEyes)],
      [L('systemName'), record.system.name],
      [L('systemId'), record.system.id],
      [L('manufacturer'), record.system.manufacturer],
      [L('registeredVersion'), `${record.system.version} (${record.system.versionLabel})`],
      [L('profileHash'), record.system.profileHash],
      [L('applicant'), record.application.organisationName],
      [L('centre'), record.application.centreName],
      [L('assignee'), who(lang, record.application.assignee)],
      [L('createdAt'), formatTime(lang, record.application.createdAt)],
      [L('submittedAt'), formatTime(lang, record.application.submittedAt)],
      [L('decidedAt'), formatTime(lang, record.application.decidedAt)],
    ],
  }];

  const profile = record.profile as unknown as Record<string, unknown>;
  const profileBlocks: Block[] = [{
    kind: 'fields',
    rows: PROFILE_FIELDS.filter((f) => profile[f.field] !== undefined).map((f) => [f[lang], profileValue(lang, profile[f.field])]),
  }];

  const classification: Block[] = record.classification.flatMap((c): Block[] => {
    const title = packTitle(c.ruleset);
    return [
      { kind: 'subheading', text: title ? `${c.framework} — ${title}` : c.framework },
      {
        kind: 'fields',
        rows: [
          [L('engineClass'), c.engineClass ?? L('noClass')],
          [L('effectiveClass'), c.effectiveClass ?? L('noClass')],
          [L('disposition'), code(lang, c.disposition)],
          [L('ruleset'), c.ruleset],
          [L('rulesetHash'), c.rulesetHash],
          ...(c.pathway ? [[L('pathway'), c.pathway] as [string, string]] : []),
        ],
      },
      { kind: 'text', text: `${L('reasons')}:` },
      {
        kind: 'list',
        items: (reasonsOf.get(c.framework) ?? []).map((x) => `${x.text} [${L('source')}: ${x.source.ref}; ${code(lang, x.source.status)}; ${x.rule}]`),
      },
    ];
  });

  const overrides: Block[] = record.overrides.length === 0
    ? [{ kind: 'text', text: L('noOverrides') }]
    : record.overrides.flatMap((o): Block[] => [
      { kind: 'subheading', text: `${o.framework}: ${L('overrideLine', { from: o.engineClass ?? L('noClass'), to: o.class })}` },
      { kind: 'fields', rows: [[L('justification'), o.justification], [L('by'), who(lang, o.by)], [L('at'), formatTime(lang, o.at)]] },
    ]);

  const evidence: Block[] = record.evidence.flatMap((e): Block[] => [
    { kind: 'subheading', text: `${e.title[lang]} (${e.evidenceId})` },
    {
      kind: 'fields',
      rows: [
        [L('requiredBy'), e.requiredBy.join(', ') || none],
        [L('status'), code(lang, e.status)],
        ...(e.notApplicableReason ? [[L('notApplicableReason'), e.notApplicableReason] as [string, string]] : []),
        [L('review'), e.review ? `${code(lang, e.review.decision)}, ${formatTime(lang, e.review.at)}` : none],
        [L('reviewer'), e.review ? who(lang, e.review.by) : none],
        [L('comment'), e.review?.comment ?? none],
        [L('validity'), e.validFrom || e.validUntil ? `${e.validFrom ?? '…'} — ${e.validUntil ?? '…'}` : none],
        [L('documents'), e.documents.length === 0 ? L('noDocuments') : ''],
      ],
    },
    ...(e.documents.length > 0 ? [{ kind: 'list', items: e.documents.map((d) => `${d.filename} (${d.size} B) ${d.sha256}`) } as Block] : []),
  ]);

  const countersignatures: Block[] = record.countersignatures.length === 0
    ? [{ kind: 'text', text: none }]
    : [{ kind: 'list', items: record.countersignatures.map((c) => `${code(lang, c.transition)} — ${who(lang, c.by)}, ${formatTime(lang, c.at)}: ${c.comment}`) }];

  const decision: Block[] = [
    record.decision
      ? {
        kind: 'fields',
        rows: [
          [L('transition'), code(lang, record.decision.transition)],
          [L('state'), code(lang, record.decision.state)],
          [L('date'), formatTime(lang, record.decision.at)],
          [L('by'), who(lang, record.decision.by)],
          [L('comment'), record.decision.comment ?? none],
        ],
      }
      : { kind: 'text', text: L('noDecision') },
    { kind: 'subheading', text: L('history') },
    { kind: 'list', items: record.history.map((h) => `${formatTime(lang, h.at)} — ${code(lang, h.transition)} → ${code(lang, h.to)} (${who(lang, h.by)})${h.comment ? `: ${h.comment}` : ''}`) },
  ];

  const certificate: Block[] = record.certificate
    ? [{
      kind: 'fields',
      rows: [
        [L('certificateNumber'), record.certificate.number],
        [L('status'), code(lang, record.certificate.status)],
        [L('issuedAt'), formatTime(lang, record.certificate.issuedAt)],
        [L('validUntil'), formatTime(lang, record.certificate.validUntil)],
        [L('reReviewRequired'), yesNo(lang, record.certificate.reReviewRequired)],
        [L('verificationUrl'), record.verificationUrl],
        ...(record.certificate.signature ? [[L('certificateSignature'), record.certificate.signature] as [string, string]] : []),
      ],
    }]
    : [{ kind: 'text', text: L('noCertificate') }];

  const au = record.audit;
  const audit: Block[] = [
    {
      kind: 'fields',
      rows: [
        [L('auditCount'), String(au.count)],
        [L('auditFirst'), au.first ? `#${au.first.seq} ${formatTime(lang, au.first.at)} ${au.first.action}` : none],
        [L('auditLast'), au.last ? `#${au.last.seq} ${formatTime(lang, au.last.at)} ${au.last.action}` : none],
        [L('auditLastHash'), au.last?.hash ?? none],
        ...(au.checkpoint !== undefined
          ? [[L('auditCheckpoint'), au.checkpoint ? `#${au.checkpoint.n}: seq ${au.checkpoint.seq}, ${formatTime(lang, au.checkpoint.at)}, ${au.checkpoint.hash}` : none] as [string, string]]
          : []),
        ...(au.checkpoint ? [[L('auditCheckpointJws'), au.checkpoint.jws] as [string, string]] : []),
      ],
    },
    { kind: 'text', text: `${L('auditActions')}:` },
    { kind: 'list', items: Object.keys(au.actions).sort().map((k) => `${k}: ${au.actions[k]}`) },
  ];

  const integrity: Block[] = [
    { kind: 'fields', rows: [[L('recordHash'), recordHash], [L('verificationUrl'), record.verificationUrl]] },
    { kind: 'text', text: L('recordNote') },
  ];

  const sections: Section[] = [
    { id: 'identification', heading: L('identification'), blocks: identification },
    { id: 'profile', heading: L('profile'), blocks: profileBlocks },
    { id: 'classification', heading: L('classification'), blocks: classification },
    { id: 'overrides', heading: L('overrides'), blocks: overrides },
    { id: 'evidence', heading: L('evidence'), blocks: evidence },
    { id: 'countersignatures', heading: L('countersignatures'), blocks: countersignatures },
    { id: 'decision', heading: L('decision'), blocks: decision },
    { id: 'certificate', heading: L('certificate'), blocks: certificate },
    { id: 'audit', heading: L('audit'), blocks: audit },
    { id: 'integrity', heading: L('integrity'), blocks: integrity },
  ];

  return {
    lang,
    title: `${L('title')}: ${record.system.name}`,
    subtitle: `${L('subtitle')} — ${L('asOf')} ${formatTime(lang, record.asOf)}`,
    createdAt: new Date(record.asOf),
    record, recordJson, recordHash,
    verificationUrl: record.verificationUrl,
    sections,
    pageLabel: L('page'),
  };
}
