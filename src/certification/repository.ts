import type { Knex } from 'knex';
import type { RiskTier } from '../config';
import { iso, isoOrNull, json, textOrNull } from '../platform/rows';

/** A framework's class in an application: the engine's, and the effective one after any override. */
export type AppClass = { framework: string; ruleset: string; engineClass: string | null; disposition: 'determined' | 'requires_review'; effectiveClass: string | null };

export type ApplicationRow = {
  id: string;
  seq: number;
  kind: 'initial' | 're_review';
  reason: string | null;
  parentApplicationId: string | null;
  systemId: string;
  version: number;
  organisationId: string;
  centreId: string;
  state: string;
  riskTier: RiskTier;
  fourEyes: boolean;
  classes: AppClass[];
  assigneeId: string | null;
  deadline: string | null;
  revision: number;
  stateEnteredAt: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  certificateNumber: string | null;
};

/** With the names a reader wants beside the ids. */
export type ApplicationListRow = ApplicationRow & { systemName: string; organisationName: string; centreName: string; assigneeName: string | null };

export type EvidenceStatus = 'missing' | 'provided' | 'not_applicable' | 'accepted' | 'rejected';
export type EvidenceRow = {
  applicationId: string;
  evidenceId: string;
  position: number;
  requiredBy: string[];
  status: EvidenceStatus;
  naReason: string | null;
  reviewDecision: 'accepted' | 'rejected' | null;
  reviewComment: string | null;
  reviewedById: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
};

export type DocumentRow = {
  id: string;
  applicationId: string;
  evidenceId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  storagePath: string | null;
  uploadedById: string | null;
  uploadedByName: string | null;
  createdAt: string;
};

export type HistoryRow = { transition: string; fromState: string | null; toState: string; comment: string | null; actorId: string | null; actorName: string | null; at: string };
export type CountersignatureRow = { transition: string; comment: string; actorId: string; actorName: string | null; at: string };
export type OverrideRow = { framework: string; engineClass: string | null; class: string; justification: string; actorId: string | null; actorName: string | null; at: string };

export type CertificateRow = {
  number: string;
  applicationId: string;
  systemId: string;
  version: number;
  organisationId: string;
  centreId: string;
  status: 'valid' | 'suspended' | 'revoked' | 'expired' | 'superseded';
  reReviewRequired: boolean;
  issuedAt: string;
  validUntil: string;
  statusChangedAt: string;
  classes: Array<{ framework: string; class: string | null; engineClass: string | null }>;
  rulesets: Array<{ ruleset: string; hash: string }>;
};

export type IncidentRow = {
  id: string;
  seq: number;
  systemId: string;
  version: number;
  certificateNumber: string;
  severity: 'minor' | 'moderate' | 'serious';
  description: string;
  occurredOn: string;
  reportedById: string | null;
  reportedByName: string | null;
  reporterOrganisationId: string | null;
  createdAt: string;
  reReviewApplicationId: string | null;
};


export const toApplication = (r: Record<string, unknown>): ApplicationRow => ({
  id: r.id as string,
  seq: Number(r.seq),
  kind: r.kind as ApplicationRow['kind'],
  reason: textOrNull(r.reason),
  parentApplicationId: textOrNull(r.parent_application_id),
  systemId: r.system_id as string,
  version: Number(r.version),
  organisationId: r.organisation_id as string,
  centreId: r.centre_id as string,
  state: r.state as string,
  riskTier: r.risk_tier as RiskTier,
  fourEyes: Boolean(r.four_eyes),
  classes: json<AppClass[]>(r.classes),
  assigneeId: textOrNull(r.assignee_id),
  deadline: isoOrNull(r.deadline),
  revision: Number(r.revision),
  stateEnteredAt: iso(r.state_entered_at),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  submittedAt: isoOrNull(r.submitted_at),
  decidedAt: isoOrNull(r.decided_at),
  certificateNumber: textOrNull(r.certificate_number),
});

const toListRow = (r: Record<string, unknown>): ApplicationListRow => ({
  ...toApplication(r),
  systemName: r.system_name as string,
  organisationName: r.organisation_name as string,
  centreName: r.centre_name as string,
  assigneeName: textOrNull(r.assignee_name),
});

const toEvidence = (r: Record<string, unknown>): EvidenceRow => ({
  applicationId: r.application_id as string,
  evidenceId: r.evidence_id as string,
  position: Number(r.position),
  requiredBy: json<string[]>(r.required_by),
  status: r.status as EvidenceStatus,
  naReason: textOrNull(r.na_reason),
  reviewDecision: textOrNull(r.review_decision) as EvidenceRow['reviewDecision'],
  reviewComment: textOrNull(r.review_comment),
  reviewedById: textOrNull(r.reviewed_by_id),
  reviewedByName: textOrNull(r.reviewed_by_name),
  reviewedAt: isoOrNull(r.reviewed_at),
  validFrom: textOrNull(r.valid_from),
  validUntil: textOrNull(r.valid_until),
});

const toDocument = (r: Record<string, unknown>): DocumentRow => ({
  id: r.id as string,
  applicationId: r.application_id as string,
  evidenceId: r.evidence_id as string,
  filename: r.filename as string,
  contentType: r.content_type as string,
  size: Number(r.size),
  sha256: r.sha256 as string,
  storagePath: textOrNull(r.storage_path),
  uploadedById: textOrNull(r.uploaded_by_id),
  uploadedByName: textOrNull(r.uploaded_by_name),
  createdAt: iso(r.created_at),
});

const toCertificate = (r: Record<string, unknown>): CertificateRow => ({
  number: r.number as string,
  applicationId: r.application_id as string,
  systemId: r.system_id as string,
  version: Number(r.version),
  organisationId: r.organisation_id as string,
  centreId: r.centre_id as string,
  status: r.status as CertificateRow['status'],
  reReviewRequired: Boolean(r.re_review_required),
  issuedAt: iso(r.issued_at),
  validUntil: iso(r.valid_until),
  statusChangedAt: iso(r.status_changed_at),
  classes: json<CertificateRow['classes']>(r.classes),
  rulesets: json<CertificateRow['rulesets']>(r.rulesets),
});

const toIncident = (r: Record<string, unknown>): IncidentRow => ({
  id: r.id as string,
  seq: Number(r.seq),
  systemId: r.system_id as string,
  version: Number(r.version),
  certificateNumber: r.certificate_number as string,
  severity: r.severity as IncidentRow['severity'],
  description: r.description as string,
  occurredOn: r.occurred_on as string,
  reportedById: textOrNull(r.reported_by_id),
  reportedByName: textOrNull(r.reported_by_name),
  reporterOrganisationId: textOrNull(r.reporter_organisation_id),
  createdAt: iso(r.created_at),
  reReviewApplicationId: textOrNull(r.re_review_application_id),
});

export type ApplicationScope = { organisationId?: string; centreId?: string };
export type ApplicationFilter = {
  state?: string;
  framework?: string;
  class?: string;
  tier?: string;
  assignee?: string | null;
  overdueAt?: string;
  beforeSeq?: number;
  limit: number;
};

/** States in which the review clock runs. */
export const CLOCK_STATES = ['submitted', 'under_review'];

function listQuery(db: Knex) {
  return db('applications as a')
    .join('systems as s', 's.id', 'a.system_id')
    .join('organisations as o', 'o.id', 'a.organisation_id')
    .join('organisations as c', 'c.id', 'a.centre_id')
    .leftJoin('users as u', 'u.id', 'a.assignee_id')
    .select('a.*', 's.name as system_name', 'o.name as organisation_name', 'c.name as centre_name', 'u.name as assignee_name');
}

/** Knex queries and row mappers for certification; the service owns the transactions. */
export const certificationRepository = {
  async insertApplication(trx: Knex, a: ApplicationRow): Promise<void> {
    await trx('applications').insert({
      id: a.id, kind: a.kind, reason: a.reason, parent_application_id: a.parentApplicationId, system_id: a.systemId, version: a.version,
      organisation_id: a.organisationId, centre_id: a.centreId, state: a.state, risk_tier: a.riskTier, four_eyes: a.fourEyes,
      classes: JSON.stringify(a.classes), assignee_id: a.assigneeId, deadline: a.deadline, revision: a.revision,
      state_entered_at: a.stateEnteredAt, created_at: a.createdAt, updated_at: a.updatedAt, submitted_at: a.submittedAt,
      decided_at: a.decidedAt, certificate_number: a.certificateNumber,
    });
  },

  async updateApplication(trx: Knex, a: ApplicationRow): Promise<void> {
    await trx('applications').where({ id: a.id }).update({
      state: a.state, risk_tier: a.riskTier, four_eyes: a.fourEyes, classes: JSON.stringify(a.classes), assignee_id: a.assigneeId,
      deadline: a.deadline, revision: a.revision, state_entered_at: a.stateEnteredAt, updated_at: a.updatedAt,
      submitted_at: a.submittedAt, decided_at: a.decidedAt, certificate_number: a.certificateNumber,
    });
  },

  async findApplication(db: Knex, id: string, lock = false): Promise<ApplicationRow | null> {
    const q = db('applications').where({ id }).first();
    const row = await (lock ? q.forUpdate() : q);
    return row ? toApplication(row) : null;
  },

  async findApplicationNamed(db: Knex, id: string): Promise<ApplicationListRow | null> {
    const row = await listQuery(db).where('a.id', id).first();
    return row ? toListRow(row) : null;
  },

  async listApplications(db: Knex, scope: ApplicationScope, f: ApplicationFilter): Promise<ApplicationListRow[]> {
    const q = listQuery(db).orderBy('a.seq', 'desc').limit(f.limit);
    if (scope.organisationId) q.where('a.organisation_id', scope.organisationId);
    if (scope.centreId) q.where('a.centre_id', scope.centreId).whereNotNull('a.submitted_at');
    if (f.state) q.where('a.state', f.state);
    if (f.tier) q.where('a.risk_tier', f.tier);
    if (f.assignee === null) q.whereNull('a.assignee_id');
    else if (f.assignee) q.where('a.assignee_id', f.assignee);
    if (f.framework && f.class) q.whereRaw('a.classes @> ?::jsonb', [JSON.stringify([{ framework: f.framework, effectiveClass: f.class }])]);
    else if (f.framework) q.whereRaw('a.classes @> ?::jsonb', [JSON.stringify([{ framework: f.framework }])]);
    else if (f.class) q.whereRaw(`exists (select 1 from jsonb_array_elements(a.classes) e where e->>'effectiveClass' = ?)`, [f.class]);
    if (f.overdueAt !== undefined) q.where('a.deadline', '<', f.overdueAt).whereIn('a.state', CLOCK_STATES);
    if (f.beforeSeq !== undefined) q.where('a.seq', '<', f.beforeSeq);
    return (await q).map(toListRow);
  },

  async insertEvidence(trx: Knex, rows: EvidenceRow[]): Promise<void> {
    if (rows.length === 0) return;
    await trx('application_evidence').insert(rows.map((e) => ({
      application_id: e.applicationId, evidence_id: e.evidenceId, position: e.position, required_by: JSON.stringify(e.requiredBy),
      status: e.status, na_reason: e.naReason, review_decision: e.reviewDecision, review_comment: e.reviewComment,
      reviewed_by_id: e.reviewedById, reviewed_by_name: e.reviewedByName, reviewed_at: e.reviewedAt, valid_from: e.validFrom, valid_until: e.validUntil,
    })));
  },

  async updateEvidence(trx: Knex, e: EvidenceRow): Promise<void> {
    await trx('application_evidence').where({ application_id: e.applicationId, evidence_id: e.evidenceId }).update({
      status: e.status, na_reason: e.naReason, review_decision: e.reviewDecision, review_comment: e.reviewComment,
      reviewed_by_id: e.reviewedById, reviewed_by_name: e.reviewedByName, reviewed_at: e.reviewedAt, valid_from: e.validFrom, valid_until: e.validUntil,
    });
  },

  async evidenceOf(db: Knex, applicationId: string): Promise<EvidenceRow[]> {
    return (await db('application_evidence').where({ application_id: applicationId }).orderBy('position')).map(toEvidence);
  },

  async insertDocument(trx: Knex, d: DocumentRow, content: Buffer | null): Promise<void> {
    await trx('documents').insert({
      id: d.id, application_id: d.applicationId, evidence_id: d.evidenceId, filename: d.filename, content_type: d.contentType,
      size: d.size, sha256: d.sha256, content, storage_path: d.storagePath, uploaded_by_id: d.uploadedById,
      uploaded_by_name: d.uploadedByName, created_at: d.createdAt,
    });
  },

  async documentsOf(db: Knex, applicationId: string): Promise<DocumentRow[]> {
    return (await db('documents').where({ application_id: applicationId }).orderBy('created_at').orderBy('id')
      .select('id', 'application_id', 'evidence_id', 'filename', 'content_type', 'size', 'sha256', 'storage_path', 'uploaded_by_id', 'uploaded_by_name', 'created_at')).map(toDocument);
  },

  async documentContent(db: Knex, applicationId: string, id: string): Promise<{ doc: DocumentRow; content: Buffer | null } | null> {
    const row = await db('documents').where({ application_id: applicationId, id }).first();
    return row ? { doc: toDocument(row), content: row.content == null ? null : Buffer.from(row.content as Uint8Array) } : null;
  },

  async insertHistory(trx: Knex, applicationId: string, h: HistoryRow): Promise<void> {
    await trx('application_history').insert({
      application_id: applicationId, transition: h.transition, from_state: h.fromState, to_state: h.toState, comment: h.comment,
      actor_id: h.actorId, actor_name: h.actorName, at: h.at,
    });
  },

  async historyOf(db: Knex, applicationId: string): Promise<HistoryRow[]> {
    const rows = await db('application_history').where({ application_id: applicationId }).orderBy('id');
    return rows.map((r) => ({ transition: r.transition, fromState: textOrNull(r.from_state), toState: r.to_state, comment: textOrNull(r.comment), actorId: textOrNull(r.actor_id), actorName: textOrNull(r.actor_name), at: iso(r.at) }));
  },

  async insertCountersignature(trx: Knex, applicationId: string, c: CountersignatureRow): Promise<void> {
    await trx('countersignatures').insert({ application_id: applicationId, transition: c.transition, comment: c.comment, actor_id: c.actorId, actor_name: c.actorName, at: c.at });
  },

  async countersignaturesOf(db: Knex, applicationId: string): Promise<CountersignatureRow[]> {
    const rows = await db('countersignatures').where({ application_id: applicationId }).orderBy('id');
    return rows.map((r) => ({ transition: r.transition, comment: r.comment, actorId: r.actor_id, actorName: textOrNull(r.actor_name), at: iso(r.at) }));
  },

  async insertOverride(trx: Knex, applicationId: string, o: OverrideRow): Promise<void> {
    await trx('overrides').insert({ application_id: applicationId, framework: o.framework, engine_class: o.engineClass, class: o.class, justification: o.justification, actor_id: o.actorId, actor_name: o.actorName, at: o.at });
  },

  async overridesOf(db: Knex, applicationId: string): Promise<OverrideRow[]> {
    return (await certificationRepository.overridesOfMany(db, [applicationId])).get(applicationId) ?? [];
  },

  /** Overrides of several applications at once, oldest first, by application. */
  async overridesOfMany(db: Knex, applicationIds: string[]): Promise<Map<string, OverrideRow[]>> {
    const out = new Map<string, OverrideRow[]>();
    if (applicationIds.length === 0) return out;
    const rows = await db('overrides').whereIn('application_id', applicationIds).orderBy('id');
    for (const r of rows) {
      const list = out.get(r.application_id) ?? [];
      list.push({ framework: r.framework, engineClass: textOrNull(r.engine_class), class: r.class, justification: r.justification, actorId: textOrNull(r.actor_id), actorName: textOrNull(r.actor_name), at: iso(r.at) });
      out.set(r.application_id, list);
    }
    return out;
  },

  async nextCertificateSeq(trx: Knex): Promise<number> {
    const res = await trx.raw(`select nextval('certificate_numbers') as n`);
    return Number(res.rows[0].n);
  },

  async insertCertificate(trx: Knex, c: CertificateRow): Promise<void> {
    await trx('certificates').insert({
      number: c.number, application_id: c.applicationId, system_id: c.systemId, version: c.version, organisation_id: c.organisationId,
      centre_id: c.centreId, status: c.status, re_review_required: c.reReviewRequired, issued_at: c.issuedAt, valid_until: c.validUntil,
      status_changed_at: c.statusChangedAt, classes: JSON.stringify(c.classes), rulesets: JSON.stringify(c.rulesets),
    });
  },

  async findCertificate(db: Knex, number: string, lock = false): Promise<CertificateRow | null> {
    const q = db('certificates').where({ number }).first();
    const row = await (lock ? q.forUpdate() : q);
    return row ? toCertificate(row) : null;
  },

  async setCertificateStatus(trx: Knex, number: string, status: CertificateRow['status'], at: string): Promise<void> {
    await trx('certificates').where({ number }).update({ status, status_changed_at: at });
  },

  async setReReviewRequired(trx: Knex, number: string, value: boolean): Promise<void> {
    await trx('certificates').where({ number }).update({ re_review_required: value });
  },

  /** Certificates of a system still in force (valid or suspended), newest first. */
  async certificatesInForce(db: Knex, systemId: string): Promise<CertificateRow[]> {
    return (await db('certificates').where({ system_id: systemId }).whereIn('status', ['valid', 'suspended']).orderBy('issued_at', 'desc')).map(toCertificate);
  },

  async insertIncident(trx: Knex, i: Omit<IncidentRow, 'seq'>): Promise<void> {
    await trx('incidents').insert({
      id: i.id, system_id: i.systemId, version: i.version, certificate_number: i.certificateNumber, severity: i.severity, description: i.description,
      occurred_on: i.occurredOn, reported_by_id: i.reportedById, reported_by_name: i.reportedByName, reporter_organisation_id: i.reporterOrganisationId,
      created_at: i.createdAt, re_review_application_id: i.reReviewApplicationId,
    });
  },

  async incidentsOf(db: Knex, systemId: string): Promise<IncidentRow[]> {
    return (await db('incidents').where({ system_id: systemId }).orderBy('seq', 'desc')).map(toIncident);
  },

  async hasApplicationAtCentre(db: Knex, systemId: string, centreId: string): Promise<boolean> {
    return Boolean(await db('applications').where({ system_id: systemId, centre_id: centreId }).whereNotNull('submitted_at').first('id'));
  },
};
