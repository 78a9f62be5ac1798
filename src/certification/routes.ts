import multipart from '@fastify/multipart';
import { checkContent, contentDisposition, safeFilename } from './uploads';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pickLanguage } from '../classification/localize';
import type { Config } from '../config';
import { requirePrincipal } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { AppError } from '../platform/errors';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Lang } from '../rulesets/types';
import type { DocumentRow, EvidenceRow, IncidentRow } from './repository';
import { etagOf, isOverdue, publicCertificateRecord, type ApplicationDetail, type CertificationService, type Ctx } from './service';

const actor = (id: string | null, name: string | null) => ({ id, name });

export const documentDto = (d: DocumentRow) => ({
  id: d.id, filename: d.filename, contentType: d.contentType, size: d.size, sha256: `sha256:${d.sha256}`, uploadedAt: d.createdAt, uploadedBy: actor(d.uploadedById, d.uploadedByName),
});

export function evidenceDto(registry: Registry, e: EvidenceRow, documents: DocumentRow[], lang: Lang) {
  const item = registry.evidenceIndex.get(e.evidenceId);
  return {
    evidenceId: e.evidenceId,
    title: item ? item.title[lang] : e.evidenceId,
    requiredBy: e.requiredBy,
    status: e.status,
    notApplicableReason: e.naReason,
    documents: documents.filter((d) => d.evidenceId === e.evidenceId).map(documentDto),
    review: e.reviewDecision && e.reviewComment && e.reviewedAt
      ? { decision: e.reviewDecision, comment: e.reviewComment, by: actor(e.reviewedById, e.reviewedByName), at: e.reviewedAt }
      : null,
    validFrom: e.validFrom,
    validUntil: e.validUntil,
  };
}

export function applicationSummaryDto(a: ApplicationDetail['application'], overrides: ApplicationDetail['overrides'], now: string) {
  const latest = new Map(overrides.map((o) => [o.framework, o]));
  return {
    id: a.id, kind: a.kind, systemId: a.systemId, systemName: a.systemName, version: a.version, organisationId: a.organisationId,
    organisationName: a.organisationName, centreId: a.centreId, centreName: a.centreName, state: a.state as never, riskTier: a.riskTier,
    classes: a.classes.map((c) => {
      const o = latest.get(c.framework);
      return {
        framework: c.framework, ruleset: c.ruleset, engineClass: c.engineClass, disposition: c.disposition, effectiveClass: c.effectiveClass,
        override: o ? { class: o.class, justification: o.justification, by: actor(o.actorId, o.actorName), at: o.at } : null,
      };
    }),
    assignee: a.assigneeId ? actor(a.assigneeId, a.assigneeName) : null,
    deadline: a.deadline, overdue: isOverdue(a, now), certificateNumber: a.certificateNumber, createdAt: a.createdAt, updatedAt: a.updatedAt,
    submittedAt: a.submittedAt, decidedAt: a.decidedAt,
  };
}

export function applicationDto(registry: Registry, d: ApplicationDetail, lang: Lang, now: string) {
  const a = d.application;
  return {
    ...applicationSummaryDto(a, d.overrides, now),
    reason: a.reason,
    etag: etagOf(a),
    fourEyes: a.fourEyes,
    evidence: d.evidence.map((e) => evidenceDto(registry, e, d.documents, lang)),
    countersignatures: d.countersignatures.map((c) => ({ transition: c.transition, comment: c.comment, by: actor(c.actorId, c.actorName), at: c.at })),
    pendingConfirmation: d.pendingConfirmation ? { ...d.pendingConfirmation, requestedBy: actor(d.pendingConfirmation.requestedBy.id, d.pendingConfirmation.requestedBy.name) } : null,
    history: d.history.map((h) => ({ transition: h.transition, from: h.fromState, to: h.toState as never, comment: h.comment, by: actor(h.actorId, h.actorName), at: h.at })),
    allowedTransitions: d.allowed.map(({ transition, blockedBy }) => ({ transition: transition.id, to: transition.to as never, commentRequired: transition.comment === 'required', blockedBy })),
  };
}

export const incidentDto = (i: IncidentRow) => ({
  id: i.id, systemId: i.systemId, version: i.version, certificateNumber: i.certificateNumber, severity: i.severity, description: i.description,
  occurredOn: i.occurredOn, reportedBy: actor(i.reportedById, i.reportedByName), createdAt: i.createdAt, reReviewApplicationId: i.reReviewApplicationId,
});


/** Content types of `file` parts are checked against this list; a name keeps only its last path segment. */
/**
 * The multipart parser's own failures (no boundary, a body cut off before its closing boundary,
 * too many parts) are the caller's: 400 (413 over a limit), never a 500.
 */
function malformedMultipart(err: unknown): never {
  if (err instanceof AppError) throw err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_PARTS_LIMIT' || e.code === 'FST_FILES_LIMIT' || e.code === 'FST_FIELDS_LIMIT') {
    throw new AppError(413, 'payload-too-large', 'Payload too large', 'The multipart body is over a limit (one file, at most five fields)');
  }
  throw new AppError(400, 'validation', 'Request validation failed', `The multipart body cannot be read: ${String(e.message ?? 'malformed').slice(0, 200)}`, [{ in: 'body', field: '/', message: 'is not a well-formed multipart/form-data body' }]);
}


export function certificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; certification: CertificationService; config: Pick<Config, 'UPLOAD_MAX_BYTES' | 'UPLOAD_TYPES'> }): void {
  const { contract, registry, certification, config } = deps;
  const allowedTypes = new Set(config.UPLOAD_TYPES.split(','));
  const ctx = (request: FastifyRequest): Ctx => ({ principal: requirePrincipal(request), requestId: String(request.id) });
  const lang = (request: FastifyRequest): Lang => pickLanguage(request.headers['accept-language']);
  const now = () => new Date().toISOString();
  const params = (request: FastifyRequest) => request.params as { id: string; evidenceId: string; documentId: string; number: string };

  operation(app, contract, 'createApplication', async (request, reply) => {
    const d = await certification.create(ctx(request), request.body as { systemId: string; version?: number; centreId: string });
    request.log.info({ applicationId: d.application.id }, 'application opened');
    reply.status(201).header('location', `/v1/applications/${d.application.id}`).header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  operation(app, contract, 'listApplications', async (request) => {
    const page = await certification.list(ctx(request), request.query as never);
    return { items: page.items.map((a) => applicationSummaryDto(a, page.overrides.get(a.id) ?? [], page.now)), nextCursor: page.nextCursor };
  });

  operation(app, contract, 'getApplication', async (request, reply) => {
    const d = await certification.get(ctx(request), params(request).id);
    reply.header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  operation(app, contract, 'transitionApplication', async (request, reply) => {
    const ifMatch = request.headers['if-match'];
    const body = request.body as { transition: string; comment?: string };
    const d = await certification.transition(ctx(request), params(request).id, body, typeof ifMatch === 'string' ? ifMatch.trim() : undefined);
    request.log.info({ applicationId: d.application.id, transition: body.transition, state: d.application.state }, 'application transition');
    reply.header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  operation(app, contract, 'assignApplication', async (request, reply) => {
    const d = await certification.assign(ctx(request), params(request).id, request.body as { assigneeId: string; comment?: string });
    reply.header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  operation(app, contract, 'countersignApplication', async (request, reply) => {
    const d = await certification.countersign(ctx(request), params(request).id, request.body as { transition: string; comment: string });
    reply.status(201).header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  operation(app, contract, 'overrideClassification', async (request, reply) => {
    const d = await certification.override(ctx(request), params(request).id, request.body as { framework: string; class: string; justification: string });
    request.log.info({ applicationId: d.application.id, framework: (request.body as { framework: string }).framework }, 'classification overridden');
    reply.status(201).header('etag', etagOf(d.application));
    return applicationDto(registry, d, lang(request), now());
  });

  // Multipart bodies are parsed for the one operation that takes them: everywhere else they are
  // 415 like any other body that is not JSON, and no request pays for the parser's hooks.
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 5, parts: 6 } });
    operation(scope, contract, 'uploadEvidenceDocument', async (request, reply) => {
      const c = ctx(request);
      if (!request.isMultipart()) {
        throw new AppError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the document as multipart/form-data with the file in the field "file"');
      }
      const part = await request.file({ limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 1, fields: 5 } }).catch(malformedMultipart);
      if (!part || part.fieldname !== 'file') {
        throw new AppError(400, 'validation', 'Request validation failed', 'The multipart body has no file in the field "file"', [{ in: 'body', field: '/file', message: 'is required' }]);
      }
      const contentType = part.mimetype.split(';')[0].trim().toLowerCase();
      if (!allowedTypes.has(contentType)) {
        part.file.resume();
        throw new AppError(415, 'unsupported-media-type', 'Unsupported media type', `Documents of type ${contentType} are not accepted (accepted: ${[...allowedTypes].join(', ')})`);
      }
      let content: Buffer;
      try {
        content = await part.toBuffer();
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new AppError(413, 'payload-too-large', 'Payload too large', `The document is over the size limit of ${config.UPLOAD_MAX_BYTES} bytes`);
        }
        return malformedMultipart(err);
      }
      await checkContent(contentType, content);
      const { id, evidenceId } = params(request);
      const e = await certification.upload(c, id, evidenceId, { filename: safeFilename(part.filename), contentType, content });
      reply.status(201);
      return evidenceDto(registry, e, e.documents, lang(request));
    });
  });

  operation(app, contract, 'markEvidenceNotApplicable', async (request) => {
    const { id, evidenceId } = params(request);
    const e = await certification.markNotApplicable(ctx(request), id, evidenceId, (request.body as { reason: string }).reason);
    return evidenceDto(registry, e, e.documents, lang(request));
  });

  operation(app, contract, 'reviewEvidence', async (request) => {
    const { id, evidenceId } = params(request);
    const e = await certification.reviewEvidence(ctx(request), id, evidenceId, request.body as never);
    return evidenceDto(registry, e, e.documents, lang(request));
  });

  operation(app, contract, 'downloadDocument', async (request, reply) => {
    const { id, documentId } = params(request);
    const { doc, content } = await certification.download(ctx(request), id, documentId);
    reply
      .header('content-type', doc.contentType)
      .header('content-disposition', contentDisposition(doc.filename))
      .header('x-content-sha256', `sha256:${doc.sha256}`)
      .header('x-content-type-options', 'nosniff');
    return reply.send(content);
  });

  operation(app, contract, 'getApplicationAudit', async (request) => ({ items: (await certification.audit(ctx(request), params(request).id)) }));

  operation(app, contract, 'getCertificate', async (request) => {
    const c = await certification.certificate(params(request).number);
    return { ...publicCertificateRecord(c), signature: c.signature, auditCheckpoint: c.auditCheckpoint };
  });

  operation(app, contract, 'reportIncident', async (request, reply) => {
    const i = await certification.reportIncident(ctx(request), params(request).id, request.body as never);
    request.log.info({ systemId: i.systemId, severity: i.severity, reReview: i.reReviewApplicationId }, 'incident reported');
    reply.status(201);
    return incidentDto(i);
  });

  operation(app, contract, 'listIncidents', async (request) => ({ items: (await certification.incidents(ctx(request), params(request).id)).map(incidentDto) }));

  operation(app, contract, 'getWorkflow', async () => {
    const { transition: _t, from: _f, tierOf: _o, ...data } = certification.workflow;
    return data;
  });
}
