import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { readApplicationAudit } from '../audit/log';
import { latestCheckpoint } from '../audit/anchor';
import type { CertificationService, Ctx } from '../certification/service';
import { pickLanguage } from '../classification/localize';
import type { Config } from '../config';
import { requirePrincipal } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { forbidden, invalid, notFound } from '../platform/errors';
import { concurrencyLimit } from '../platform/limits';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Lang } from '../rulesets/types';
import { systemsRepository } from '../systems/repository';
import { buildAssessmentReport, type AssessmentInput } from './assessment';
import { attachment, csvStream, exportOptions, jsonArrayStream, keyset } from './export';
import { createPdfPool } from './pdf-pool';
import {
  decisionCsvRow,
  decisionQueries,
  DECISION_COLUMNS,
  decodeRegistryCursor,
  encodeRegistryCursor,
  registryCsvRow,
  registryQueries,
  REGISTRY_COLUMNS,
  type CertificateStatus,
  type DecisionKey,
  type RegistryKey,
} from './queries';

export type ReportDeps = {
  contract: Contract;
  db: Knex;
  registry: Registry;
  certification: CertificationService;
  config: Config;
  /** The clock that decides whether a certificate is past its date (the certification workflow's clock). */
  now?: () => Date;
};

const badQuery = (field: string, message: string) => invalid(field, message, 'query');

/** Everything the assessment report shows, read for a caller who may see the application (404 otherwise). */
export async function loadAssessment(deps: Pick<ReportDeps, 'db' | 'registry' | 'certification' | 'config'>, ctx: Ctx, id: string): Promise<AssessmentInput> {
  const { db, registry, certification, config } = deps;
  const detail = await certification.get(ctx, id);
  const a = detail.application;
  const [system, version, certificate] = await Promise.all([
    systemsRepository.findSystem(db, a.systemId),
    systemsRepository.findVersion(db, a.systemId, a.version),
    a.certificateNumber ? certification.certificate(a.certificateNumber) : Promise.resolve(null),
  ]);
  if (!system || !version) throw new Error(`application ${id} names a missing system version`);
  const audit = await readApplicationAudit(db, id);
  const auditCheckpoint = await latestCheckpoint(db);
  return {
    detail,
    system: { id: system.id, name: system.name, manufacturer: system.manufacturer },
    version: { number: version.number, profile: version.profile, profileHash: version.profileHash, classification: version.classification },
    certificate,
    audit,
    auditCheckpoint,
    publicUrl: config.PUBLIC_URL,
    registry,
  };
}

/** Assessment reports (PDF), the public registry (JSON, CSV) and per-centre decision exports. */
export function reportRoutes(app: FastifyInstance, deps: ReportDeps): void {
  const { contract, db, config } = deps;
  const clock = deps.now ?? (() => new Date());
  const registryDb = registryQueries(db, config.PUBLIC_URL);
  const decisions = decisionQueries(db);
  // A report costs ~150 ms of CPU (in a worker thread) and database reads: a few at a time per
  // caller and in all, the rest refused at once with 429 and Retry-After, never queued without bound.
  const reports = concurrencyLimit({
    perPrincipal: config.REPORTS_PER_PRINCIPAL, total: config.REPORTS_IN_FLIGHT, retryAfterSeconds: 1,
    what: { en: 'PDF reports', ru: 'PDF-отчёты' },
  });
  // Rendering itself runs in worker threads; threads start on the first report.
  const pdfPool = createPdfPool({ maxQueue: config.REPORTS_IN_FLIGHT });
  app.addHook('onClose', async () => pdfPool.close());

  operation(app, contract, 'getApplicationReport', async (request, reply) => {
    const ctx: Ctx = { principal: requirePrincipal(request), requestId: String(request.id) };
    const { id } = request.params as { id: string };
    const query = request.query as { lang?: Lang };
    const lang = query.lang ?? pickLanguage(request.headers['accept-language']);
    const { model, pdf } = await reports(ctx.principal.id, async () => {
      const built = buildAssessmentReport(await loadAssessment(deps, ctx, id), lang);
      return { model: built, pdf: await pdfPool.render(built) };
    });
    reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="assessment-${id}-${lang}.pdf"`)
      .header('content-language', lang)
      .header('x-record-sha256', model.recordHash)
      .header('cache-control', 'private, no-store')
      .header('vary', 'accept-language');
    return reply.send(pdf);
  });

  operation(app, contract, 'listRegistry', async (request) => {
    const q = request.query as { status?: CertificateStatus; limit?: number; cursor?: string };
    const limit = q.limit ?? 50;
    let before: RegistryKey | null = null;
    if (q.cursor) {
      before = decodeRegistryCursor(q.cursor);
      if (!before) throw badQuery('/cursor', 'is not a valid cursor');
    }
    const rows = await registryDb.newestFirst(clock().toISOString(), { status: q.status, before, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { items: page.map((r) => r.entry), nextCursor: rows.length > limit ? encodeRegistryCursor(page[page.length - 1].key) : null };
  });

  const registryBatches = () => {
    const now = clock().toISOString();
    return keyset((after: RegistryKey | null, limit) => registryDb.inIssueOrder(now, after, limit), (r) => r.key, exportOptions.batchSize);
  };

  operation(app, contract, 'exportRegistryCsv', async (_request, reply) => {
    const stream = csvStream([...REGISTRY_COLUMNS], registryBatches(), (r) => registryCsvRow(r.entry));
    reply.header('content-type', 'text/csv; charset=utf-8; header=present').header('content-disposition', attachment(`registry-${clock().toISOString().slice(0, 10)}.csv`));
    return reply.send(stream);
  });

  operation(app, contract, 'exportRegistryJson', async (_request, reply) => {
    const stream = jsonArrayStream(registryBatches(), (r) => r.entry);
    reply.header('content-type', 'application/json; charset=utf-8').header('content-disposition', attachment(`registry-${clock().toISOString().slice(0, 10)}.json`));
    return reply.send(stream);
  });

  operation(app, contract, 'exportCentreDecisions', async (request, reply) => {
    const p = requirePrincipal(request);
    const { id } = request.params as { id: string };
    const q = request.query as { from: string; to: string; format?: 'csv' | 'json' };
    const centre = await db('organisations').where({ id, kind: 'certification_centre' }).first('id', 'name');
    const own = p.organisation.id === id;
    if (!centre || !(p.role === 'admin' || (own && (p.role === 'lead_reviewer' || p.role === 'reviewer')))) throw notFound(`Certification centre ${id}`);
    if (p.role === 'reviewer') throw forbidden("A centre's decision export is for its lead reviewers and admins");
    // Years the database and ISO timestamps both take (year 0 and 10000 are not dates there).
    for (const f of ['from', 'to'] as const) if (q[f] < '1900' || q[f] > '9998') throw badQuery(`/${f}`, 'must be a date between 1900-01-01 and 9998-12-31');
    if (q.from > q.to) throw badQuery('/from', `is after to (${q.to})`);
    const toExclusive = new Date(Date.parse(`${q.to}T00:00:00.000Z`) + 86_400_000).toISOString();
    const from = `${q.from}T00:00:00.000Z`;
    const batches = keyset((after: DecisionKey | null, limit) => decisions.page(id, from, toExclusive, after, limit), (r) => r.key, exportOptions.batchSize);
    const format = q.format ?? 'csv';
    const name = `decisions-${(centre.name as string).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || id}-${q.from}-${q.to}.${format}`;
    reply.header('content-disposition', attachment(name));
    if (format === 'json') {
      reply.header('content-type', 'application/json; charset=utf-8');
      return reply.send(jsonArrayStream(batches, (r) => r.decision));
    }
    reply.header('content-type', 'text/csv; charset=utf-8; header=present');
    return reply.send(csvStream([...DECISION_COLUMNS], batches, (r) => decisionCsvRow(r.decision)));
  });
}
