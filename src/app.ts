import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { ErrorObject } from 'ajv';
import type { Config } from './config';
import { classificationRoutes } from './classification/routes';
import { createClassifier, type Classifier } from './classification/service';
import { loadContract, newAjv } from './platform/contract';
import { createDb, migrate, type Db } from './platform/db';
import { docsRoutes } from './platform/docs';
import { registerErrorHandling } from './platform/errors';
import { healthRoutes } from './platform/health';
import { loadRegistry, type Registry } from './rulesets/registry';
import { rulesetRoutes } from './rulesets/routes';
import { checkPinnedPacks } from './rulesets/store';
import { createSystemsService } from './systems/service';
import { systemRoutes } from './systems/routes';
import { auditRoutes } from './audit/routes';
import { certificationRoutes } from './certification/routes';
import { createCertificationService } from './certification/service';
import { loadWorkflow, type LoadedWorkflow } from './certification/workflow';
import { registerAuthentication } from './identity/auth';
import { identityRoutes } from './identity/routes';
import { createIdentityService } from './identity/service';
import { registerIdempotency } from './platform/idempotency';
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

/** A caller's x-request-id is kept when it is a sane token; otherwise the service makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

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
  if (ownsDb && config.MIGRATE_ON_START) await migrate(db);
  if (ownsDb) await checkPinnedPacks(db, registry.packs);

  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? loggerOptions(config) }),
    bodyLimit: config.BODY_LIMIT,
    // Request, header and idle timeouts, the largest request head; refusals as problem+json.
    ...connectionOptions(config),
    clientErrorHandler,
    requestIdHeader: false,
    genReqId: (req) => requestId(req.headers['x-request-id']),
  });

  // Request schemas come from openapi.yaml (JSON Schema 2020-12): validate them with Ajv 2020.
  const bodyAjv = newAjv(false);
  const paramAjv = newAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const v = (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema);
    return (data: unknown) => (v(data) ? { value: data } : { error: Object.assign(new Error('validation failed'), { validation: v.errors as ErrorObject[] }) });
  });
  app.setSchemaErrorFormatter((errors, dataVar) => Object.assign(new Error(`${dataVar} validation failed`), { validation: errors }));

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // JSON is the only body the API takes: every other content type is 415, text/plain included.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerErrorHandling(app);
  if (ownsDb) app.addHook('onClose', async () => db.destroy());
  registerConnectionLimits(app, config);
  // Before authentication: the per-address limit counts requests with guessed credentials too.
  await registerRateLimits(app, db, config);

  const classifier = deps.classifier ?? createClassifier(registry, config.RULES_EVALUATOR);
  const identity = createIdentityService({ db, config, now: deps.now });
  const certification = createCertificationService({ db, registry, workflow, config, now: deps.now });
  const systems = createSystemsService({ db, registry, classifier, onMaterialChange: (trx, ctx, id, version) => certification.markReReviewRequired(trx, ctx, id, version) });

  registerAuthentication(app, identity, { cookieSecure: config.COOKIE_SECURE });
  registerIdempotency(app, db, { keyHours: config.IDEMPOTENCY_KEY_HOURS });

  healthRoutes(app, { contract, db });
  await docsRoutes(app, { contract });
  classificationRoutes(app, { contract, registry, classifier });
  rulesetRoutes(app, { contract, registry, db });
  identityRoutes(app, { contract, identity, config });
  systemRoutes(app, { contract, registry, systems });
  certificationRoutes(app, { contract, registry, certification, config });
  auditRoutes(app, { contract, db });
  reportRoutes(app, { contract, db, registry, certification, config, now: deps.now });
  statsRoutes(app, { contract, db, now: deps.now });
  await dashboardRoutes(app);
  return app;
}
