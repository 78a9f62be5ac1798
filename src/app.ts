import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { ErrorObject } from 'ajv';
import { keySource, type Config } from './config';
import { classificationRoutes } from './classification/routes';
import { createClassifier, type Classifier } from './classification/service';
import { loadContract, newAjv } from './platform/contract';
import { createDb, migrateAsOwner, type Db } from './platform/db';
import { docsRoutes } from './platform/docs';
import { frameworkErrors, registerErrorHandling } from './platform/errors';
import { guardText, registerQueryGuard } from './platform/hostile';
import { healthRoutes } from './platform/health';
import { loadRegistry, type Registry } from './rulesets/registry';
import { rulesetRoutes } from './rulesets/routes';
import { checkPinnedPacks } from './rulesets/store';
import { createSystemsService } from './systems/service';
import { systemRoutes } from './systems/routes';
import { auditRoutes } from './audit/routes';
import { createAuditAnchoring } from './audit/anchoring';
import { attachAuditSigner } from './audit/log';
import { createKeyStore, type KeyStore } from './platform/signing';
import { certificationRoutes } from './certification/routes';
import { createCertificationService } from './certification/service';
import { loadWorkflow, type LoadedWorkflow } from './certification/workflow';
import { registerAuthentication } from './identity/auth';
import { identityRoutes } from './identity/routes';
import { createIdentityService } from './identity/service';
import { registerIdempotency, requestScoped } from './platform/idempotency';
import { clientErrorHandler, connectionOptions, registerConnectionLimits } from './platform/connections';
import { registerRateLimits } from './platform/limits';
import { reportRoutes } from './reports/routes';
import { statsRoutes } from './reports/stats';
import { dashboardRoutes } from './dashboard/routes';

export type AppDeps = {
  /** An open database; when absent the app opens one from the config and closes it on close. */
  db?: Db;
  /** Rule packs already loaded (tests share one across apps). */
  registry?: Registry;
  /** The classifier to use instead of the configured one (tests make one fail). */
  classifier?: Classifier;
  /** The certification workflow already loaded. */
  workflow?: LoadedWorkflow;
  /** The clock of the certification workflow (tests move it to reach deadlines and expiry). */
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /** A pino logger to use as it is (tests capture the log lines). */
  loggerInstance?: FastifyBaseLogger;
  /** The signing keys already loaded (else from SIGNING_KEYS_DIR / AUDIT_SIGNING_KEY). */
  keys?: KeyStore;
  /** Sees every route as it is added (the contract test lists them). */
  onRoute?: (route: RouteOptions) => void;
};

/**
 * Database errors can carry row contents (PostgreSQL's `detail`: "Failing row contains …"),
 * which may hold profile data: logged errors keep what helps diagnose, never that.
 */
export function serializeError(err: Error & Record<string, unknown>) {
  const { name, message, stack, code, constraint, table, column, statusCode } = err;
  return { type: name, message, stack, code, constraint, table, column, statusCode };
}

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL'>): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'body', 'profile'], remove: true },
    serializers: { err: serializeError as never },
  };
}

/**
 * A caller's x-request-id, when it is a sane token. It is kept apart from the service's own request
 * id (always a fresh UUID: the `reqId` of every log line, the audit's request id, the problem's
 * `requestId`), so a caller can neither forge nor collide with the id the audit trail records: it
 * is logged beside it (`clientReqId`) and echoed as `x-client-request-id`.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function clientRequestId(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : null;
}

/** API answers are never cached nor sniffed; the dashboard's static files keep their own caching. */
const API_PREFIXES = ['/v1/', '/health/', '/openapi.json'];

/**
 * Builds the service as a fastify instance, never listening: ecosystem, then own
 * infrastructure, then routes. The database handle, the rule packs and the config are passed
 * in, so tests build as many apps as they like side by side.
 */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const contract = loadContract();
  const registry = deps.registry ?? loadRegistry(config.RULES_DIR);
  const workflow = deps.workflow ?? loadWorkflow(config.RULES_DIR);
  const ownsDb = !deps.db;
  const db = deps.db ?? createDb(config);
  if (ownsDb && config.MIGRATE_ON_START) await migrateAsOwner(config, db);
  // The audit key signs every entry appended through this handle; the database never holds it.
  const keys = deps.keys ?? createKeyStore(keySource(config), config.AUDIT_SIGNING_KEY);
  attachAuditSigner(db, keys.audit.current);
  if (ownsDb) await checkPinnedPacks(db, registry.packs);

  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? loggerOptions(config) }),
    bodyLimit: config.BODY_LIMIT,
    // Request, header and idle timeouts, the largest request head; refusals as problem+json.
    ...connectionOptions(config),
    clientErrorHandler,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    childLoggerFactory: (logger, bindings, options, raw) => {
      const client = clientRequestId(raw.headers['x-request-id']);
      return logger.child(client ? { ...bindings, clientReqId: client } : bindings, options);
    },
    // Router errors are problem+json like every other error (HTTP-parser errors: clientErrorHandler above).
    frameworkErrors,
  });

  // Request schemas come from openapi.yaml (JSON Schema 2020-12): validate them with Ajv 2020.
  const bodyAjv = newAjv(false);
  const paramAjv = newAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const v = (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema);
    return guardText((data: unknown) => (v(data) ? { value: data } : { error: Object.assign(new Error('validation failed'), { validation: v.errors as ErrorObject[] }) }));
  });
  app.setSchemaErrorFormatter((errors, dataVar) => Object.assign(new Error(`${dataVar} validation failed`), { validation: errors }));

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // JSON is the only body the API takes: every other content type is 415, text/plain included.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    const client = clientRequestId(request.headers['x-request-id']);
    if (client) reply.header('x-client-request-id', client);
    if (API_PREFIXES.some((p) => request.url.startsWith(p))) reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    done();
  });
  registerErrorHandling(app);
  registerQueryGuard(app);
  if (ownsDb) app.addHook('onClose', async () => db.destroy());
  registerConnectionLimits(app, config);
  // Before authentication: the per-address limit counts requests with guessed credentials too.
  await registerRateLimits(app, db, config);

  const classifier = deps.classifier ?? createClassifier(registry, config.RULES_EVALUATOR);
  // The services' queries join a keyed request's transaction (exactly-once writes, see idempotency.ts).
  const serviceDb = requestScoped(db);
  const identity = createIdentityService({ db: serviceDb, config, now: deps.now });
  const certification = createCertificationService({ db: serviceDb, registry, workflow, config, now: deps.now, keys, confirmHours: config.FOUR_EYES_CONFIRM_HOURS });
  const systems = createSystemsService({ db: serviceDb, registry, classifier, onMaterialChange: (trx, ctx, id, version) => certification.markReReviewRequired(trx, ctx, id, version) });

  registerAuthentication(app, identity, { cookieSecure: config.COOKIE_SECURE });
  registerIdempotency(app, db, { keyHours: config.IDEMPOTENCY_KEY_HOURS });

  healthRoutes(app, { contract, db });
  await docsRoutes(app, { contract });
  classificationRoutes(app, { contract, registry, classifier });
  rulesetRoutes(app, { contract, registry, db });
  identityRoutes(app, { contract, identity, config });
  systemRoutes(app, { contract, registry, systems });
  certificationRoutes(app, { contract, registry, certification, config });
  const anchoring = createAuditAnchoring({ db, ring: keys.audit, checkpointSeconds: config.AUDIT_CHECKPOINT_SECONDS, log: app.log, now: deps.now });
  anchoring.start();
  app.addHook('onClose', async () => anchoring.stop());
  // Four-eyes transitions nobody confirmed in time lapse (checked every minute).
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = certification.lapseUnconfirmed().catch((err: Error) => app.log.error({ err }, 'four-eyes lapse sweep failed'));
  }, 60_000);
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await sweeping;
  });
  auditRoutes(app, { contract, db, anchoring, publicKeys: () => keys.all() });
  reportRoutes(app, { contract, db, registry, certification, config, now: deps.now });
  statsRoutes(app, { contract, db, now: deps.now });
  await dashboardRoutes(app);
  return app;
}
