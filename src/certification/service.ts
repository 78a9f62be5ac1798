import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { appendAudit, readApplicationAudit, type AuditEntry } from '../audit/log';
import { latestCheckpoint, type Checkpoint } from '../audit/anchor';
import { signJws, type KeyStore } from '../platform/signing';
import { perTier, type Config } from '../config';
import { auditActor } from '../identity/service';
import type { Principal } from '../identity/types';
import { applicationScope, canSeeApplication, REVIEWER_ROLES } from '../identity/scope';
import { AppError, bilingual, conflict, forbidden, invalid, notFound } from '../platform/errors';
import { seqCursor } from '../platform/cursor';
import type { Registry } from '../rulesets/registry';
import { systemsRepository } from '../systems/repository';
import { allowedTransitions, checkGuard, type Acting, type Blocked, type GuardInput } from './guards';
import {
  certificationRepository as repo,
  type AppClass,
  type ApplicationListRow,
  type ApplicationRow,
  type CertificateRow,
  type CountersignatureRow,
  type DocumentRow,
  type EvidenceRow,
  type HistoryRow,
  type IncidentRow,
  type OverrideRow,
} from './repository';
import type { LoadedWorkflow, Transition } from './workflow';

/** A request's caller, as every operation of this module takes it. */
export type Ctx = { principal: Principal; requestId?: string | null };

export type ApplicationDetail = {
  application: ApplicationListRow;
  evidence: EvidenceRow[];
  documents: DocumentRow[];
  countersignatures: CountersignatureRow[];
  history: HistoryRow[];
  overrides: OverrideRow[];
  allowed: Array<{ transition: Transition; blockedBy: Blocked[] }>;
  /** A four-eyes transition that took effect at once and waits for a lead reviewer's confirmation. */
  pendingConfirmation?: PendingConfirmation | null;
};


export const etagOf = (a: Pick<ApplicationRow, 'id' | 'revision'>) => `"${a.id.slice(0, 8)}-r${a.revision}"`;

/** An evidence item's review, cleared (a new document or claim is to be reviewed afresh). */
const UNREVIEWED = { reviewDecision: null, reviewComment: null, reviewedById: null, reviewedByName: null, reviewedAt: null } as const;


/** Text trimmed at both ends, when it still has `min` characters; a 400 naming the field otherwise. */
function atLeast(field: string, text: string, min: number): string {
  const trimmed = text.trim();
  if (trimmed.length < min) throw invalid(field, `must have at least ${min} characters besides blanks at either end`);
  return trimmed;
}

const acting = (p: Principal): Acting => ({ id: p.id, role: p.role, organisationId: p.organisation.id });

function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString();
}
const addDays = (iso: string, days: number) => new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();

const cursor = seqCursor('a');

/**
 * Certification: applications through the workflow of rules/workflow, evidence and its review,
 * overrides, countersignatures, certificates and incidents. Every write runs in one transaction
 * with its audit entry; every read is scoped to what the caller may see (404 otherwise).
 */
export function createCertificationService(deps: {
  db: Knex;
  registry: Registry;
  workflow: LoadedWorkflow;
  config: Pick<Config, 'REVIEW_DEADLINE_DAYS' | 'CERTIFICATE_VALIDITY_MONTHS' | 'DOCUMENTS_DIR' | 'PUBLIC_URL'> & Partial<Pick<Config, 'UPLOAD_MAX_DOCUMENTS_PER_APPLICATION' | 'UPLOAD_MAX_BYTES_PER_APPLICATION'>>;
  now?: () => Date;
  /** The centres' signing keys: a certificate's public record is signed with its centre's. */
  keys?: Pick<KeyStore, 'centre'>;
  /** Hours a lead reviewer has to confirm a four-eyes transition that took effect at once (FOUR_EYES_CONFIRM_HOURS). */
  confirmHours?: number;
}) {
  const { db, registry, workflow, config } = deps;
  const clock = deps.now ?? (() => new Date());
  const nowIso = () => clock().toISOString();
  const deadlineDays = perTier(config.REVIEW_DEADLINE_DAYS, 'REVIEW_DEADLINE_DAYS');
  const validityMonths = perTier(config.CERTIFICATE_VALIDITY_MONTHS, 'CERTIFICATE_VALIDITY_MONTHS');
  const documentsDir = config.DOCUMENTS_DIR ? resolve(config.DOCUMENTS_DIR) : null;

  /**
   * The compact JWS (EdDSA) of a certificate's public record, by its centre's key (kid in the
   * header; the key in /.well-known/jwks.json). Ed25519 signatures are deterministic: the same
   * record gives the same JWS. Null when the centre has no key (SIGNING_KEYS_GENERATE=false).
   */
  function signCertificate(centreId: string, record: PublicCertificateRecord, issuer: string): string | null {
    if (!deps.keys) return null;
    let ring;
    try {
      ring = deps.keys.centre(centreId);
    } catch {
      return null;
    }
    return signJws(ring.current, { iss: issuer, sub: record.number, ...record }, 'medai-certificate+jwt');
  }

  const audit = (trx: Knex.Transaction, ctx: Ctx, action: string, objectType: string, objectId: string, applicationId: string | null, before: unknown, after: unknown) =>
    appendAudit(trx, { actor: auditActor(ctx.principal), action, objectType, objectId, applicationId, before, after, requestId: ctx.requestId ?? null });

  /** The application when the caller may see it; 404 otherwise (never another's data). */
  async function visible(conn: Knex, ctx: Ctx, id: string, lock = false): Promise<ApplicationRow> {
    const a = await repo.findApplication(conn, id, lock);
    if (!a || !canSeeApplication(ctx.principal, a)) throw notFound(`Application ${id}`);
    return a;
  }

  function requireCentreRole(ctx: Ctx, a: ApplicationRow, roles: readonly string[], what: string): void {
    if (!roles.includes(ctx.principal.role) || (ctx.principal.role !== 'admin' && ctx.principal.organisation.id !== a.centreId)) {
      throw forbidden(`${what} needs the role ${roles.join(' or ')} at the application's certification centre`);
    }
  }

  function requireVendor(ctx: Ctx, a: ApplicationRow, what: string): void {
    if (ctx.principal.role !== 'vendor' || ctx.principal.organisation.id !== a.organisationId) throw forbidden(`${what} is for the applying vendor`);
  }

  const requireState = (a: ApplicationRow, states: readonly string[], what: string) => {
    if (!states.includes(a.state)) throw conflict(`${what} is not possible in state ${a.state} (only in ${states.join(', ')})`);
  };

  async function guardInput(conn: Knex, ctx: Ctx, a: ApplicationRow): Promise<GuardInput> {
    const [evidence, countersignatures, overrides, certificate] = await Promise.all([
      repo.evidenceOf(conn, a.id),
      repo.countersignaturesOf(conn, a.id),
      repo.overridesOf(conn, a.id),
      a.certificateNumber ? repo.findCertificate(conn, a.certificateNumber) : Promise.resolve(null),
    ]);
    return { application: a, evidence, countersignatures, overrides, certificate, actor: acting(ctx.principal), now: nowIso() };
  }

  /**
   * The tier follows the effective classes (deadline, validity); four-eyes follows the engine's
   * classes too, so an override that lowers a class never removes the second pair of eyes.
   */
  const withTier = (a: ApplicationRow): ApplicationRow => {
    const effective = workflow.tierOf(a.classes.map((c) => ({ framework: c.framework, class: c.effectiveClass })));
    const engine = workflow.tierOf(a.classes.map((c) => ({ framework: c.framework, class: c.engineClass })));
    return { ...a, riskTier: effective.tier, fourEyes: effective.fourEyes || engine.fourEyes };
  };

  async function detail(ctx: Ctx, id: string): Promise<ApplicationDetail> {
    const base = await visible(db, ctx, id);
    const application = (await repo.findApplicationNamed(db, id))!;
    const input = await guardInput(db, ctx, base);
    const [documents, history, overrides, pending] = await Promise.all([
      repo.documentsOf(db, id), repo.historyOf(db, id), repo.overridesOf(db, id), db('four_eyes_confirmations').where({ application_id: id }).whereNull('outcome').first(),
    ]);
    return {
      application,
      evidence: input.evidence,
      documents,
      countersignatures: input.countersignatures,
      history,
      overrides,
      allowed: allowedTransitions(workflow, input),
      pendingConfirmation: pending
        ? { transition: pending.transition, requestedBy: { id: pending.requested_by_id, name: pending.requested_by_name }, requestedAt: isoOf(pending.requested_at), dueAt: isoOf(pending.due_at) }
        : null,
    };
  }

  /** Opens an application's checklist from the version's stored classification (versions never change). */
  function checklist(applicationId: string, evidence: Array<{ id: string; requiredBy: string[] }>): EvidenceRow[] {
    return evidence.map((e, i) => ({
      applicationId, evidenceId: e.id, position: i, requiredBy: e.requiredBy, status: 'missing', naReason: null, reviewDecision: null,
      reviewComment: null, reviewedById: null, reviewedByName: null, reviewedAt: null, validFrom: null, validUntil: null,
    }));
  }

  async function issueCertificate(trx: Knex.Transaction, ctx: Ctx, a: ApplicationRow, at: string): Promise<string> {
    const version = await systemsRepository.findVersion(trx, a.systemId, a.version);
    if (!version) throw new Error(`application ${a.id} names a missing version`);
    const seq = await repo.nextCertificateSeq(trx);
    const number = `MR-${at.slice(0, 4)}-${String(seq).padStart(6, '0')}`;
    const cert: CertificateRow = {
      number, applicationId: a.id, systemId: a.systemId, version: a.version, organisationId: a.organisationId, centreId: a.centreId,
      status: 'valid', reReviewRequired: false, issuedAt: at, validUntil: addMonths(at, validityMonths[a.riskTier]), statusChangedAt: at,
      classes: a.classes.map((c) => ({ framework: c.framework, class: c.effectiveClass, engineClass: c.engineClass })),
      rulesets: version.classification.results.map((r) => ({ ruleset: r.ruleset, hash: r.rulesetHash })),
    };
    await repo.insertCertificate(trx, cert);
    await audit(trx, ctx, 'certificate.issue', 'certificate', number, a.id, null, { status: 'valid', validUntil: cert.validUntil, version: a.version });
    // A re-review's approval replaces the certificate it re-examined.
    if (a.parentApplicationId) {
      const parent = await repo.findApplication(trx, a.parentApplicationId);
      if (parent?.certificateNumber) {
        const old = await repo.findCertificate(trx, parent.certificateNumber, true);
        if (old && (old.status === 'valid' || old.status === 'suspended')) {
          await repo.setCertificateStatus(trx, old.number, 'superseded', at);
          await audit(trx, ctx, 'certificate.supersede', 'certificate', old.number, a.id, { status: old.status }, { status: 'superseded', by: number });
        }
      }
    }
    return number;
  }

  async function setCertificate(trx: Knex.Transaction, ctx: Ctx, a: ApplicationRow, status: CertificateRow['status'], at: string) {
    if (!a.certificateNumber) return;
    const c = await repo.findCertificate(trx, a.certificateNumber, true);
    if (!c || c.status === status) return;
    await repo.setCertificateStatus(trx, c.number, status, at);
    await audit(trx, ctx, `certificate.${status === 'valid' ? 'reinstate' : status === 'suspended' ? 'suspend' : status === 'revoked' ? 'revoke' : 'expire'}`, 'certificate', c.number, a.id, { status: c.status }, { status });
  }

  return {
    workflow,

    async create(ctx: Ctx, body: { systemId: string; version?: number; centreId: string }): Promise<ApplicationDetail> {
      const p = ctx.principal;
      if (p.role !== 'vendor') throw forbidden('Applications are opened by the vendor that owns the system (an API key or a vendor user)');
      const id = randomUUID();
      await db.transaction(async (trx) => {
        // Locked: two requests for one version cannot both find it without an open application.
        const system = await systemsRepository.lockSystem(trx, body.systemId);
        if (!system || system.organisationId !== p.organisation.id) throw notFound(`System ${body.systemId}`);
        const number = body.version ?? system.currentVersion;
        const version = await systemsRepository.findVersion(trx, system.id, number);
        if (!version) throw invalid('/version', `is not a version of this system (it has 1 to ${system.currentVersion})`);
        const centre = await trx('organisations').where({ id: body.centreId }).first();
        if (!centre || centre.kind !== 'certification_centre') throw invalid('/centreId', 'is not a certification centre');
        const open = await trx('applications').where({ system_id: system.id, version: number }).whereIn('state', ['draft', 'submitted', 'under_review', 'information_requested']).first('id');
        if (open) throw conflict(`Version ${number} of this system already has an open application (${open.id})`);
        const at = nowIso();
        const classes: AppClass[] = version.classification.results.map((r) => ({ framework: r.framework, ruleset: r.ruleset, engineClass: r.class, disposition: r.disposition, effectiveClass: r.class }));
        const a = withTier({
          id, seq: 0, kind: 'initial', reason: null, parentApplicationId: null, systemId: system.id, version: number, organisationId: p.organisation.id,
          centreId: body.centreId, state: workflow.initial, riskTier: 'low', fourEyes: false, classes, assigneeId: null, deadline: null, revision: 1,
          stateEnteredAt: at, createdAt: at, updatedAt: at, submittedAt: null, decidedAt: null, certificateNumber: null,
        });
        await repo.insertApplication(trx, a);
        await repo.insertEvidence(trx, checklist(id, version.classification.evidence));
        await repo.insertHistory(trx, id, { transition: 'create', fromState: null, toState: a.state, comment: null, actorId: p.id, actorName: p.name, at });
        await audit(trx, ctx, 'application.create', 'application', id, id, null, { state: a.state, systemId: a.systemId, version: number, centreId: a.centreId, riskTier: a.riskTier });
      });
      return detail(ctx, id);
    },

    get: detail,

    /** The four-eyes confirmation an application waits for, if any. */
    async pendingConfirmation(id: string): Promise<PendingConfirmation | null> {
      const r = await db('four_eyes_confirmations').where({ application_id: id }).whereNull('outcome').first();
      return r ? { transition: r.transition, requestedBy: { id: r.requested_by_id, name: r.requested_by_name }, requestedAt: isoOf(r.requested_at), dueAt: isoOf(r.due_at) } : null;
    },

    /**
     * Undoes the four-eyes transitions nobody confirmed in time: the application goes back to
     * the state it left, the certificate to what it was, each with its history line and audit
     * entries (actor `system`). Answers how many lapsed.
     */
    async lapseUnconfirmed(): Promise<number> {
      const now = nowIso();
      const due = await db('four_eyes_confirmations').whereNull('outcome').where('due_at', '<=', now).select('id', 'application_id');
      let lapsed = 0;
      for (const d of due) {
        await db.transaction(async (trx) => {
          const pending = await trx('four_eyes_confirmations').where({ id: d.id }).whereNull('outcome').forUpdate().first();
          const a = await repo.findApplication(trx, d.application_id, true);
          if (!pending || !a) return;
          const at = nowIso();
          const system = { type: 'system' as const, id: null, name: 'four-eyes', organisationId: null };
          await trx('four_eyes_confirmations').where({ id: d.id }).update({ outcome: 'lapsed', settled_at: at });
          if (a.state !== pending.to_state) return;
          const next: ApplicationRow = { ...a, state: pending.from_state, revision: a.revision + 1, stateEnteredAt: at, updatedAt: at };
          await repo.updateApplication(trx, next);
          const comment = `Not confirmed by a lead reviewer by ${isoOf(pending.due_at)}: ${pending.transition} lapsed`;
          await repo.insertHistory(trx, a.id, { transition: 'four_eyes_lapsed', fromState: a.state, toState: next.state, comment, actorId: null, actorName: null, at });
          if (a.certificateNumber && pending.transition === 'suspend') {
            const c = await repo.findCertificate(trx, a.certificateNumber, true);
            if (c && c.status === 'suspended') {
              await repo.setCertificateStatus(trx, c.number, 'valid', at);
              await appendAudit(trx, { actor: system, action: 'certificate.reinstate', objectType: 'certificate', objectId: c.number, applicationId: a.id, before: { status: 'suspended' }, after: { status: 'valid', reason: 'four_eyes_lapsed' } });
            }
          }
          await appendAudit(trx, { actor: system, action: 'application.four_eyes_lapsed', objectType: 'application', objectId: a.id, applicationId: a.id,
            before: { state: a.state, transition: pending.transition, requestedBy: pending.requested_by_id, dueAt: isoOf(pending.due_at) }, after: { state: next.state } });
          lapsed++;
        });
      }
      return lapsed;
    },

    async list(ctx: Ctx, q: { state?: string; framework?: string; class?: string; tier?: string; assignee?: string; overdue?: boolean; limit?: number; cursor?: string }) {
      const p = ctx.principal;
      const scope = applicationScope(p);
      if (!scope) throw forbidden('The application queue is for vendors, reviewers and admins');
      const limit = q.limit ?? 50;
      const now = nowIso();
      const assignee = q.assignee === 'none' ? null : q.assignee === 'me' ? p.id : q.assignee;
      const rows = await repo.listApplications(db, scope, {
        state: q.state, framework: q.framework, class: q.class, tier: q.tier, assignee,
        overdueAt: q.overdue === true ? now : undefined,
        beforeSeq: q.cursor ? cursor.decode(q.cursor) : undefined, limit: limit + 1,
      });
      // overdue=false: the complement, filtered here (the page may then be short; the cursor still moves on).
      const page = rows.slice(0, limit);
      const items = q.overdue === false ? page.filter((a) => !isOverdue(a, now)) : page;
      const overrides = await repo.overridesOfMany(db, items.map((a) => a.id));
      return { items, overrides, now, nextCursor: rows.length > limit ? cursor.encode(page[page.length - 1].seq) : null };
    },

    async transition(ctx: Ctx, id: string, body: { transition: string; comment?: string }, ifMatch: string | undefined): Promise<ApplicationDetail> {
      const p = ctx.principal;
      await db.transaction(async (trx) => {
        const a = await visible(trx, ctx, id, true);
        if (ifMatch === undefined) throw new AppError(428, 'precondition-required', 'Precondition required', `Send If-Match with the application's ETag (now ${etagOf(a)})`);
        if (ifMatch.replace(/^W\//, '') !== etagOf(a)) throw new AppError(412, 'precondition-failed', 'Precondition failed', `The application changed since it was read: its ETag is now ${etagOf(a)}`);
        const t = workflow.transition(body.transition);
        if (!t) throw invalid('/transition', `is not a transition of the workflow (${workflow.transitions.map((x) => x.id).join(', ')})`);
        if (!t.from.includes(a.state)) throw conflict(`Transition ${t.id} is not allowed from state ${a.state} (it goes from ${t.from.join(', ')} to ${t.to})`);
        if (!t.roles.includes(p.role as Transition['roles'][number])) throw forbidden(`Transition ${t.id} needs the role ${t.roles.join(' or ')}`);
        if (p.role === 'vendor') requireVendor(ctx, a, `Transition ${t.id}`);
        else if (p.role !== 'admin') requireCentreRole(ctx, a, t.roles, `Transition ${t.id}`);
        const comment = body.comment?.trim() ? body.comment.trim() : null;
        if (t.comment === 'required' && !comment) throw invalid('/comment', `is required for transition ${t.id}`);
        if (a.fourEyes && t.fourEyes === 'lead_required' && p.role !== 'lead_reviewer') throw forbidden(`Transition ${t.id} of a four-eyes (highest tier) application needs a lead reviewer`);
        const input = await guardInput(trx, ctx, a);
        const blocked = t.guards.map((g) => checkGuard(g, t, input)).filter((b): b is Blocked => b !== null);
        if (blocked.length > 0) throw conflict(`Transition ${t.id} is refused: ${blocked.map((b) => `${b.guard}: ${b.detail}`).join('; ')}`);

        const at = nowIso();
        const next: ApplicationRow = { ...a, state: t.to, revision: a.revision + 1, stateEnteredAt: at, updatedAt: at };
        for (const effect of t.effects) {
          switch (effect) {
            case 'start_deadline':
              next.submittedAt = at;
              next.deadline = addDays(at, deadlineDays[a.riskTier]);
              break;
            case 'assign_actor_if_unassigned':
              if (!next.assigneeId && p.kind === 'user') next.assigneeId = p.id;
              break;
            case 'decide':
              next.decidedAt = at;
              break;
            case 'issue_certificate':
              // The centre's signing key is loaded (or generated) before anything is issued: a
              // certificate nobody could verify is not issued.
              if (deps.keys) {
                try {
                  deps.keys.centre(a.centreId);
                } catch {
                  throw conflict(`The certification centre has no signing key installed (centre-${a.centreId}.pem in the service's key directory): no certificate is issued that nobody could verify`);
                }
              }
              next.certificateNumber = await issueCertificate(trx, ctx, next, at);
              break;
            case 'certificate_suspended':
              await setCertificate(trx, ctx, a, 'suspended', at);
              break;
            case 'certificate_valid':
              await setCertificate(trx, ctx, a, 'valid', at);
              break;
            case 'certificate_revoked':
              await setCertificate(trx, ctx, a, 'revoked', at);
              break;
            case 'certificate_expired':
              await setCertificate(trx, ctx, a, 'expired', at);
              break;
          }
        }
        await repo.updateApplication(trx, next);
        await repo.insertHistory(trx, id, { transition: t.id, fromState: a.state, toState: t.to, comment, actorId: p.id, actorName: p.name, at });
        // A confirmation still pending is moot once the application moved on.
        await trx('four_eyes_confirmations').where({ application_id: id }).whereNull('outcome').update({ outcome: 'superseded', settled_at: at });
        if (a.fourEyes && t.fourEyes === 'lead_confirmation' && p.role !== 'lead_reviewer') {
          const dueAt = new Date(Date.parse(at) + (deps.confirmHours ?? 24) * 3_600_000).toISOString();
          await trx('four_eyes_confirmations').insert({ id: randomUUID(), application_id: id, transition: t.id, from_state: a.state, to_state: t.to, requested_by_id: p.id, requested_by_name: p.name, requested_at: at, due_at: dueAt });
          await audit(trx, ctx, 'application.four_eyes_requested', 'application', id, id, null, { transition: t.id, dueAt });
        }
        await audit(trx, ctx, 'application.transition', 'application', id, id,
          { state: a.state, revision: a.revision },
          { state: next.state, revision: next.revision, transition: t.id, comment, ...(next.certificateNumber !== a.certificateNumber ? { certificateNumber: next.certificateNumber } : {}) });
      });
      return detail(ctx, id);
    },

    async assign(ctx: Ctx, id: string, body: { assigneeId: string; comment?: string }): Promise<ApplicationDetail> {
      await db.transaction(async (trx) => {
        const a = await visible(trx, ctx, id, true);
        requireCentreRole(ctx, a, ['lead_reviewer'], 'Assigning a reviewer');
        requireState(a, ['submitted', 'under_review', 'information_requested'], 'Assigning a reviewer');
        const user = await trx('users').where({ id: body.assigneeId }).first();
        if (!user || user.organisation_id !== a.centreId || !REVIEWER_ROLES.includes(user.role) || user.disabled_at) throw invalid('/assigneeId', 'is not a reviewer of the application\'s certification centre');
        const at = nowIso();
        const next = { ...a, assigneeId: user.id as string, revision: a.revision + 1, updatedAt: at };
        await repo.updateApplication(trx, next);
        await repo.insertHistory(trx, id, { transition: 'assign', fromState: a.state, toState: a.state, comment: body.comment?.trim() || `→ ${user.name}`, actorId: ctx.principal.id, actorName: ctx.principal.name, at });
        await audit(trx, ctx, 'application.assign', 'application', id, id, { assigneeId: a.assigneeId }, { assigneeId: next.assigneeId });
      });
      return detail(ctx, id);
    },

    async countersign(ctx: Ctx, id: string, body: { transition: string; comment: string }): Promise<ApplicationDetail> {
      await db.transaction(async (trx) => {
        const a = await visible(trx, ctx, id, true);
        requireCentreRole(ctx, a, ['lead_reviewer'], 'Countersigning');
        const t = workflow.transition(body.transition);
        const pending = await trx('four_eyes_confirmations').where({ application_id: id, transition: body.transition }).whereNull('outcome').first();
        if (pending) {
          // The lead's confirmation of a transition that took effect at once.
          if (pending.requested_by_id === ctx.principal.id) throw conflict('The one who took the transition cannot confirm it');
          const at = nowIso();
          await trx('four_eyes_confirmations').where({ id: pending.id }).update({ outcome: 'confirmed', settled_by_id: ctx.principal.id, settled_by_name: ctx.principal.name, settled_at: at });
          await repo.insertCountersignature(trx, id, { transition: pending.transition, comment: body.comment.trim(), actorId: ctx.principal.id, actorName: ctx.principal.name, at });
          await repo.updateApplication(trx, { ...a, revision: a.revision + 1, updatedAt: at });
          await audit(trx, ctx, 'application.four_eyes_confirmed', 'application', id, id, { transition: pending.transition, dueAt: isoOf(pending.due_at) }, { transition: pending.transition, comment: body.comment.trim() });
          return;
        }
        if (!t || !t.guards.includes('countersigned')) {
          throw invalid('/transition', `is not a decision that takes a countersignature (${workflow.transitions.filter((x) => x.guards.includes('countersigned')).map((x) => x.id).join(', ')})`);
        }
        if (!t.from.includes(a.state)) throw conflict(`There is no pending ${t.id} decision in state ${a.state}`);
        if (a.assigneeId === ctx.principal.id) throw conflict('The deciding (assigned) reviewer cannot countersign their own decision');
        // The application row is locked: of identical countersignatures sent at once, one counts.
        const overrides = await repo.overridesOf(trx, id);
        const lastOverride = overrides.reduce((m, o) => (o.at > m ? o.at : m), '');
        const standing = (await repo.countersignaturesOf(trx, id))
          .find((c) => c.transition === t.id && c.actorId === ctx.principal.id && c.at >= a.stateEnteredAt && c.at >= lastOverride);
        if (standing) throw conflict(`You already countersigned ${t.id} at ${standing.at}; it stands until the next override`);
        const at = nowIso();
        await repo.insertCountersignature(trx, id, { transition: t.id, comment: body.comment.trim(), actorId: ctx.principal.id, actorName: ctx.principal.name, at });
        await repo.updateApplication(trx, { ...a, revision: a.revision + 1, updatedAt: at });
        await audit(trx, ctx, 'application.countersign', 'application', id, id, null, { transition: t.id, comment: body.comment.trim() });
      });
      return detail(ctx, id);
    },

    async override(ctx: Ctx, id: string, body: { framework: string; class: string; justification: string }): Promise<ApplicationDetail> {
      await db.transaction(async (trx) => {
        const a = await visible(trx, ctx, id, true);
        requireCentreRole(ctx, a, REVIEWER_ROLES, 'Overriding a classification');
        requireState(a, ['under_review'], 'Overriding a classification');
        if (ctx.principal.role !== 'lead_reviewer' && a.assigneeId !== ctx.principal.id) throw forbidden('Only the assigned reviewer or a lead reviewer overrides a classification');
        const justification = atLeast('/justification', body.justification, 20);
        const c = a.classes.find((x) => x.framework === body.framework);
        if (!c) throw invalid('/framework', `was not part of this classification (${a.classes.map((x) => x.framework).join(', ')})`);
        const pack = registry.byRuleset.get(c.ruleset);
        if (!pack) throw new Error(`rule pack ${c.ruleset} is not loaded`);
        if (!pack.classes.includes(body.class)) throw invalid('/class', `is not a class of ${body.framework} (${pack.classes.join(', ')})`);
        // The application row is locked: of identical overrides sent at once (same person, class and
        // justification as the framework's latest override), one is recorded.
        const latest = (await repo.overridesOf(trx, id)).filter((o) => o.framework === c.framework).sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)).pop();
        if (latest && latest.actorId === ctx.principal.id && latest.class === body.class && latest.justification === justification && c.effectiveClass === body.class) {
          throw conflict(`You already overrode ${c.framework} to ${body.class} with this justification at ${latest.at}`);
        }
        const at = nowIso();
        const classes = a.classes.map((x) => (x.framework === body.framework ? { ...x, effectiveClass: body.class } : x));
        const next = withTier({ ...a, classes, revision: a.revision + 1, updatedAt: at });
        await repo.insertOverride(trx, id, { framework: c.framework, engineClass: c.engineClass, class: body.class, justification, actorId: ctx.principal.id, actorName: ctx.principal.name, at });
        await repo.updateApplication(trx, next);
        await audit(trx, ctx, 'application.override', 'application', id, id,
          { framework: c.framework, class: c.effectiveClass, riskTier: a.riskTier },
          { framework: c.framework, class: body.class, engineClass: c.engineClass, riskTier: next.riskTier, justification });
      });
      return detail(ctx, id);
    },

    async upload(ctx: Ctx, id: string, evidenceId: string, file: { filename: string; contentType: string; content: Buffer }): Promise<EvidenceRow & { documents: DocumentRow[] }> {
      const docId = randomUUID();
      const sha256 = createHash('sha256').update(file.content).digest('hex');
      let written: string | null = null;
      await db.transaction(async (trx) => {
        const { a, e } = await vendorEvidence(trx, ctx, id, evidenceId, 'Uploading evidence');
        // The application's row is locked (vendorEvidence): parallel uploads are counted one after another.
        await withinQuota(trx, id, file.content.length);
        const at = nowIso();
        if (documentsDir) {
          written = join(id, docId);
          await mkdir(join(documentsDir, id), { recursive: true });
          await writeFile(join(documentsDir, written), file.content, { flag: 'wx' });
        }
        const doc: DocumentRow = {
          id: docId, applicationId: id, evidenceId, filename: file.filename, contentType: file.contentType, size: file.content.length, sha256,
          storagePath: written, uploadedById: ctx.principal.id, uploadedByName: ctx.principal.name, createdAt: at,
        };
        await repo.insertDocument(trx, doc, documentsDir ? null : file.content);
        await repo.updateEvidence(trx, { ...e, ...UNREVIEWED, status: 'provided', naReason: null });
        await repo.updateApplication(trx, { ...a, revision: a.revision + 1, updatedAt: at });
        await audit(trx, ctx, 'evidence.upload', 'document', docId, id, { evidenceId, status: e.status }, { evidenceId, status: 'provided', filename: file.filename, contentType: file.contentType, size: file.content.length, sha256: `sha256:${sha256}` });
      }).catch(async (err) => {
        // The row is gone with the transaction; so must the file be.
        if (written && documentsDir) await rm(join(documentsDir, written), { force: true });
        throw err;
      });
      return evidenceWithDocuments(id, evidenceId);
    },

    async markNotApplicable(ctx: Ctx, id: string, evidenceId: string, reason: string) {
      reason = atLeast('/reason', reason, 10);
      await db.transaction(async (trx) => {
        const { a, e } = await vendorEvidence(trx, ctx, id, evidenceId, 'Declaring evidence not applicable');
        const at = nowIso();
        await repo.updateEvidence(trx, { ...e, ...UNREVIEWED, status: 'not_applicable', naReason: reason });
        await repo.updateApplication(trx, { ...a, revision: a.revision + 1, updatedAt: at });
        await audit(trx, ctx, 'evidence.not_applicable', 'evidence', `${id}/${evidenceId}`, id, { status: e.status }, { status: 'not_applicable', reason: reason });
      });
      return evidenceWithDocuments(id, evidenceId);
    },

    async reviewEvidence(ctx: Ctx, id: string, evidenceId: string, body: { decision: 'accepted' | 'rejected'; comment: string; validFrom?: string; validUntil?: string }) {
      await db.transaction(async (trx) => {
        const a = await visible(trx, ctx, id, true);
        requireCentreRole(ctx, a, REVIEWER_ROLES, 'Reviewing evidence');
        requireState(a, ['under_review'], 'Reviewing evidence');
        const e = (await repo.evidenceOf(trx, id)).find((x) => x.evidenceId === evidenceId);
        if (!e) throw notFound(`Evidence item ${evidenceId} of application ${id}`);
        if (e.status === 'missing') throw conflict(`Evidence ${evidenceId} has neither a document nor a "not applicable" claim to review`);
        if (body.decision === 'rejected' && (body.validFrom || body.validUntil)) throw invalid(body.validFrom ? '/validFrom' : '/validUntil', 'is for an accepted item only');
        if (body.validFrom && body.validUntil && body.validUntil < body.validFrom) throw invalid('/validUntil', 'is before validFrom');
        // The application row is locked: of identical reviews sent at once, one is recorded.
        if (e.reviewDecision === body.decision && e.reviewedById === ctx.principal.id && e.reviewComment === body.comment.trim()
          && e.validFrom === (body.validFrom ?? null) && e.validUntil === (body.validUntil ?? null)) {
          throw conflict(`Evidence ${evidenceId} is already ${body.decision} by you with this comment`);
        }
        const at = nowIso();
        const next: EvidenceRow = {
          ...e, status: body.decision, reviewDecision: body.decision, reviewComment: body.comment.trim(), reviewedById: ctx.principal.id,
          reviewedByName: ctx.principal.name, reviewedAt: at, validFrom: body.validFrom ?? null, validUntil: body.validUntil ?? null,
        };
        await repo.updateEvidence(trx, next);
        await repo.updateApplication(trx, { ...a, revision: a.revision + 1, updatedAt: at });
        await audit(trx, ctx, 'evidence.review', 'evidence', `${id}/${evidenceId}`, id, { status: e.status },
          { status: next.status, comment: next.reviewComment, validFrom: next.validFrom, validUntil: next.validUntil });
      });
      return evidenceWithDocuments(id, evidenceId);
    },

    async download(ctx: Ctx, id: string, documentId: string): Promise<{ doc: DocumentRow; content: Buffer }> {
      await visible(db, ctx, id);
      const found = await repo.documentContent(db, id, documentId);
      if (!found) throw notFound(`Document ${documentId} of application ${id}`);
      const content = found.content ?? (found.doc.storagePath && documentsDir ? await readFile(join(documentsDir, found.doc.storagePath)) : null);
      if (!content) throw new Error(`document ${documentId} has no content where the configuration says`);
      return { doc: found.doc, content };
    },

    async audit(ctx: Ctx, id: string): Promise<AuditEntry[]> {
      const a = await visible(db, ctx, id);
      if (ctx.principal.role !== 'admin') requireCentreRole(ctx, a, REVIEWER_ROLES, 'Reading the audit trail');
      return readApplicationAudit(db, id);
    },

    /** Public verification: what a certificate says and whether it is in force now. */
    async certificate(number: string) {
      const c = await repo.findCertificate(db, number);
      if (!c) throw notFound(`Certificate ${number}`);
      const system = (await systemsRepository.findSystem(db, c.systemId))!;
      const centre = await db('organisations').where({ id: c.centreId }).first('name');
      const status = c.status === 'valid' && c.validUntil <= nowIso() ? 'expired' : c.status;
      const base = config.PUBLIC_URL.replace(/\/$/, '');
      const record = publicCertificateRecord({ ...c, status, systemName: system.name, manufacturer: system.manufacturer, centreName: centre.name as string, verificationUrl: `${base}/v1/certificates/${c.number}` });
      return { ...c, ...record, signature: signCertificate(c.centreId, record, base), auditCheckpoint: await latestCheckpoint(db) };
    },

    async reportIncident(ctx: Ctx, systemId: string, body: { severity: IncidentRow['severity']; description: string; occurredOn: string }): Promise<IncidentRow> {
      const p = ctx.principal;
      const id = randomUUID();
      const description = atLeast('/description', body.description, 10);
      let result: IncidentRow | undefined;
      await db.transaction(async (trx) => {
        const system = await systemsRepository.findSystem(trx, systemId);
        if (!system) throw notFound(`System ${systemId}`);
        const certs = await repo.certificatesInForce(trx, systemId);
        const mayReport = p.role === 'admin' || (p.role === 'vendor' && system.organisationId === p.organisation.id) || (REVIEWER_ROLES.includes(p.role) && certs.some((c) => c.centreId === p.organisation.id));
        const maySee = mayReport || p.role === 'rules_admin' || (REVIEWER_ROLES.includes(p.role) && (await repo.hasApplicationAtCentre(trx, systemId, p.organisation.id)));
        if (!maySee) throw notFound(`System ${systemId}`);
        if (!mayReport) throw forbidden('Incidents are reported by the vendor, or by reviewers of the centre that certified the system');
        const cert = certs[0] ? await repo.findCertificate(trx, certs[0].number, true) : null; // locked: one re-review at a time
        if (!cert) throw conflict('The system has no certificate in force: incident reports are for certified systems');
        if (body.occurredOn > nowIso().slice(0, 10)) throw invalid('/occurredOn', 'is in the future');
        const at = nowIso();
        let reReviewId: string | null = null;
        if (body.severity === 'serious') {
          reReviewId = await openReReview(trx, ctx, cert, `Serious incident ${id} on ${body.occurredOn}: ${description.slice(0, 200)}`, at);
        }
        result = {
          id, seq: 0, systemId, version: cert.version, certificateNumber: cert.number, severity: body.severity, description,
          occurredOn: body.occurredOn, reportedById: p.id, reportedByName: p.name, reporterOrganisationId: p.organisation.id, createdAt: at, reReviewApplicationId: reReviewId,
        };
        await repo.insertIncident(trx, result);
        await audit(trx, ctx, 'incident.report', 'incident', id, reReviewId, null, { systemId, certificateNumber: cert.number, severity: body.severity, occurredOn: body.occurredOn, reReviewApplicationId: reReviewId });
      });
      return result!;
    },

    async incidents(ctx: Ctx, systemId: string): Promise<IncidentRow[]> {
      const p = ctx.principal;
      const system = await systemsRepository.findSystem(db, systemId);
      const maySee = system && (p.role === 'admin' || p.role === 'rules_admin' || (p.role === 'vendor' && system.organisationId === p.organisation.id) || (REVIEWER_ROLES.includes(p.role) && (await repo.hasApplicationAtCentre(db, systemId, p.organisation.id))));
      if (!maySee) throw notFound(`System ${systemId}`);
      return repo.incidentsOf(db, systemId);
    },

    /** A new version that changed materially: the certificates of the system need a re-review. */
    async markReReviewRequired(trx: Knex.Transaction, ctx: Ctx, systemId: string, version: number): Promise<string[]> {
      const certs = await repo.certificatesInForce(trx, systemId);
      for (const c of certs.filter((x) => !x.reReviewRequired)) {
        await repo.setReReviewRequired(trx, c.number, true);
        await audit(trx, ctx, 'certificate.re_review_required', 'certificate', c.number, c.applicationId, { reReviewRequired: false }, { reReviewRequired: true, reason: `material change in version ${version}` });
      }
      return certs.map((c) => c.number);
    },
  };

  /** An evidence item the applying vendor may still change: the application in draft or answering a request, the item not accepted. */
  /** Per-application upload quotas (UPLOAD_MAX_DOCUMENTS_PER_APPLICATION, UPLOAD_MAX_BYTES_PER_APPLICATION): 413 beyond them. */
  async function withinQuota(trx: Knex.Transaction, id: string, size: number) {
    const maxDocs = config.UPLOAD_MAX_DOCUMENTS_PER_APPLICATION;
    const maxBytes = config.UPLOAD_MAX_BYTES_PER_APPLICATION;
    if (maxDocs === undefined && maxBytes === undefined) return;
    const row = await trx('documents').where({ application_id: id }).count({ n: '*' }).sum({ bytes: 'size' }).first();
    const n = Number(row?.n ?? 0);
    const bytes = Number(row?.bytes ?? 0);
    if (maxDocs !== undefined && n + 1 > maxDocs) {
      throw bilingual(413, 'upload-quota', { title: 'Upload quota exceeded', detail: `Application ${id} holds ${n} documents already, the most one application may hold (${maxDocs})` },
        { title: 'Превышена квота загрузок', detail: `В заявке ${id} уже ${n} документов — больше одна заявка хранить не может (${maxDocs})` });
    }
    if (maxBytes !== undefined && bytes + size > maxBytes) {
      throw bilingual(413, 'upload-quota', { title: 'Upload quota exceeded', detail: `Application ${id} holds ${bytes} bytes of documents; this one (${size} bytes) would pass its quota of ${maxBytes} bytes` },
        { title: 'Превышена квота загрузок', detail: `В заявке ${id} уже ${bytes} байт документов; этот документ (${size} байт) превысил бы квоту в ${maxBytes} байт` });
    }
  }

  async function vendorEvidence(trx: Knex.Transaction, ctx: Ctx, id: string, evidenceId: string, what: string) {
    const a = await visible(trx, ctx, id, true);
    requireVendor(ctx, a, what);
    requireState(a, ['draft', 'information_requested'], what);
    const e = (await repo.evidenceOf(trx, id)).find((x) => x.evidenceId === evidenceId);
    if (!e) throw notFound(`Evidence item ${evidenceId} of application ${id}`);
    if (e.status === 'accepted') throw conflict(`Evidence ${evidenceId} is accepted already`);
    return { a, e };
  }

  async function evidenceWithDocuments(id: string, evidenceId: string) {
    const e = (await repo.evidenceOf(db, id)).find((x) => x.evidenceId === evidenceId)!;
    const documents = (await repo.documentsOf(db, id)).filter((d) => d.evidenceId === evidenceId);
    return { ...e, documents };
  }

  /** Opens a re-review of a certified version at the centre that certified it; the evidence goes back to review. */
  async function openReReview(trx: Knex.Transaction, ctx: Ctx, cert: CertificateRow, reason: string, at: string): Promise<string> {
    const parent = (await repo.findApplication(trx, cert.applicationId))!;
    // One re-review at a time: a second serious incident joins the one already open.
    const open = await trx('applications').where({ parent_application_id: parent.id, kind: 're_review' })
      .whereIn('state', ['submitted', 'under_review', 'information_requested']).forUpdate().first('id', 'state');
    if (open) {
      const joined = (await repo.findApplication(trx, open.id as string))!;
      await repo.updateApplication(trx, { ...joined, revision: joined.revision + 1, updatedAt: at });
      await repo.insertHistory(trx, joined.id, { transition: 'incident', fromState: joined.state, toState: joined.state, comment: reason, actorId: ctx.principal.id, actorName: ctx.principal.name, at });
      await audit(trx, ctx, 'application.incident', 'application', joined.id, joined.id, null, { reason });
      return joined.id;
    }
    const id = randomUUID();
    const a: ApplicationRow = {
      ...parent, id, seq: 0, kind: 're_review', reason, parentApplicationId: parent.id, state: 'submitted', assigneeId: null,
      deadline: addDays(at, deadlineDays[parent.riskTier]), revision: 1, stateEnteredAt: at, createdAt: at, updatedAt: at, submittedAt: at, decidedAt: null, certificateNumber: null,
    };
    await repo.insertApplication(trx, a);
    const evidence = await repo.evidenceOf(trx, parent.id);
    await repo.insertEvidence(trx, evidence.map((e) => ({
      ...e, ...UNREVIEWED, applicationId: id, status: e.naReason ? 'not_applicable' : 'provided',
    })));
    await trx.raw(
      `insert into documents (id, application_id, evidence_id, filename, content_type, size, sha256, content, storage_path, uploaded_by_id, uploaded_by_name, created_at)
       select gen_random_uuid(), ?, evidence_id, filename, content_type, size, sha256, content, storage_path, uploaded_by_id, uploaded_by_name, created_at from documents where application_id = ?`,
      [id, parent.id],
    );
    // The effective classes come with the overrides that made them, justification and author.
    await trx.raw(
      `insert into overrides (application_id, framework, engine_class, class, justification, actor_id, actor_name, at)
       select ?, framework, engine_class, class, justification, actor_id, actor_name, at from overrides where application_id = ? order by id`,
      [id, parent.id],
    );
    await repo.setReReviewRequired(trx, cert.number, true);
    await repo.insertHistory(trx, id, { transition: 'open_re_review', fromState: null, toState: 'submitted', comment: reason, actorId: ctx.principal.id, actorName: ctx.principal.name, at });
    await audit(trx, ctx, 'application.re_review', 'application', id, id, null, { state: 'submitted', parentApplicationId: parent.id, certificateNumber: cert.number, reason });
    await audit(trx, ctx, 'certificate.re_review_required', 'certificate', cert.number, parent.id, { reReviewRequired: cert.reReviewRequired }, { reReviewRequired: true, reason });
    return id;
  }
}

export function isOverdue(a: Pick<ApplicationRow, 'deadline' | 'state'>, now: string): boolean {
  return a.deadline !== null && a.deadline < now && (a.state === 'submitted' || a.state === 'under_review');
}

export type CertificationService = ReturnType<typeof createCertificationService>;

/** What a certificate publishes (openapi.yaml `Certificate`, without its signature and checkpoint): what the JWS signs. */
export type PublicCertificateRecord = {
  number: string; status: string; reReviewRequired: boolean; systemId: string; systemName: string; manufacturer: string; version: number;
  centreName: string; applicationId: string; issuedAt: string; validUntil: string; statusChangedAt: string;
  classes: Array<{ framework: string; class: string | null; engineClass: string | null }>;
  rulesets: Array<{ ruleset: string; hash: string }>;
  verificationUrl: string;
};

export function publicCertificateRecord(c: PublicCertificateRecord): PublicCertificateRecord {
  return {
    number: c.number, status: c.status, reReviewRequired: c.reReviewRequired, systemId: c.systemId, systemName: c.systemName, manufacturer: c.manufacturer,
    version: c.version, centreName: c.centreName, applicationId: c.applicationId, issuedAt: c.issuedAt, validUntil: c.validUntil,
    statusChangedAt: c.statusChangedAt,
    classes: c.classes.map((x) => ({ framework: x.framework, class: x.class, engineClass: x.engineClass })),
    rulesets: c.rulesets.map((r) => ({ ruleset: r.ruleset, hash: r.hash })),
    verificationUrl: c.verificationUrl,
  };
}

export type { Checkpoint };

export type PendingConfirmation = { transition: string; requestedBy: { id: string | null; name: string | null }; requestedAt: string; dueAt: string };

const isoOf = (v: Date | string) => new Date(v).toISOString();
