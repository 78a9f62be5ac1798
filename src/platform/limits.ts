import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { Config } from '../config';
import type { Db } from './db';
import { bilingual, type AppError } from './errors';

/** A bilingual text: the caller's language (Accept-Language) picks one. */
export type Texts = { en: string; ru: string };

/** A refusal as problem+json in the caller's language, with `Retry-After` when it is worth retrying. */
export function refusal(status: number, code: string, title: Texts, detail: Texts, retryAfterSeconds?: number): AppError {
  return bilingual(status, code, { title: title.en, detail: detail.en }, { title: title.ru, detail: detail.ru },
    retryAfterSeconds === undefined ? undefined : { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
}

const TOO_MANY: Texts = { en: 'Too many requests', ru: 'Слишком много запросов' };

type LimitsConfig = Pick<Config, 'RATE_LIMIT_WINDOW_SECONDS' | 'RATE_LIMIT_PER_ADDRESS' | 'RATE_LIMIT_PER_PRINCIPAL' | 'RATE_LIMIT_ALLOW' | 'RATE_LIMIT_STORE'>;

type StoreResult = { current: number; ttl: number };
type Callback = (err: Error | null, res?: StoreResult) => void;

/**
 * A @fastify/rate-limit store in the database (table `rate_limits`), so that every instance
 * on one database counts against the same limits. One upsert per counted request: a fixed
 * window per key, started by the first request after the previous one ended. Expired rows are
 * deleted now and then.
 */
export function databaseRateLimitStore(db: Db) {
  let counted = 0;
  return class DatabaseStore {
    constructor(readonly options: unknown = {}) {}
    incr(key: string, cb: Callback, timeWindow: number): void {
      const now = Date.now();
      const ends = now + timeWindow;
      db.raw(
        `insert into rate_limits (key, count, window_ends_at) values (?, 1, ?)
         on conflict (key) do update set
           count = case when rate_limits.window_ends_at <= ? then 1 else rate_limits.count + 1 end,
           window_ends_at = case when rate_limits.window_ends_at <= ? then excluded.window_ends_at else rate_limits.window_ends_at end
         returning count, window_ends_at`,
        [key, ends, now, now],
      ).then((res: { rows: Array<{ count: number | string; window_ends_at: number | string }> }) => {
        const row = res.rows[0];
        cb(null, { current: Number(row.count), ttl: Math.max(0, Number(row.window_ends_at) - now) });
        if (++counted % 1000 === 0) db('rate_limits').where('window_ends_at', '<', now).delete().catch(() => undefined);
      }, (err: Error) => cb(err));
    }
    child(options: unknown) {
      return new DatabaseStore(options);
    }
  };
}

/**
 * Rate limits with @fastify/rate-limit: per client address (before authentication, so guessed
 * credentials count too) and per principal (API key or login, after authentication). Each
 * refusal is a 429 problem+json with `Retry-After`. Liveness and readiness probes are exempt.
 * Registered before authentication so the per-address limit runs first.
 */
export async function registerRateLimits(app: FastifyInstance, db: Db, config: LimitsConfig): Promise<void> {
  const perAddress = config.RATE_LIMIT_PER_ADDRESS;
  const perPrincipal = config.RATE_LIMIT_PER_PRINCIPAL;
  if (perAddress === 0 && perPrincipal === 0) return;
  const timeWindow = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  await app.register(rateLimit, {
    global: false,
    timeWindow,
    cache: 100_000,
    // A store that cannot count (the database down) lets requests through rather than failing them.
    skipOnError: true,
    ...(config.RATE_LIMIT_STORE === 'database' ? { store: databaseRateLimitStore(db) as never } : {}),
  });
  const allowed = new Set(config.RATE_LIMIT_ALLOW === 'none' ? [] : config.RATE_LIMIT_ALLOW.split(',').map((a) => a.trim()).filter(Boolean));
  const exempt = (request: FastifyRequest) => request.url.startsWith('/health/');

  const refuse = (who: 'address' | 'principal', max: number, ttl: number) => refusal(429, 'rate-limited', TOO_MANY,
    who === 'address'
      ? { en: `This address made more than ${max} requests in ${config.RATE_LIMIT_WINDOW_SECONDS} s; retry after the time in Retry-After`, ru: `С этого адреса пришло больше ${max} запросов за ${config.RATE_LIMIT_WINDOW_SECONDS} с; повторите после времени из Retry-After` }
      : { en: `This API key or login made more than ${max} requests in ${config.RATE_LIMIT_WINDOW_SECONDS} s; retry after the time in Retry-After`, ru: `Этот ключ API или вход сделал больше ${max} запросов за ${config.RATE_LIMIT_WINDOW_SECONDS} с; повторите после времени из Retry-After` },
    ttl / 1000);

  if (perAddress > 0) {
    const limit = app.createRateLimit({ max: perAddress, timeWindow, keyGenerator: (r: FastifyRequest) => `a:${normalizeIP(r.ip, 64)}` });
    app.addHook('onRequest', (request, _reply, done) => {
      // Synchronous for an exempt request (the machine itself by default).
      if (allowed.has(request.ip) || exempt(request)) return done();
      limit(request).then((r) => done(!r.isAllowed && r.isExceeded ? refuse('address', perAddress, r.ttl) : undefined), done);
    });
  }
  if (perPrincipal > 0) {
    const limit = app.createRateLimit({ max: perPrincipal, timeWindow, keyGenerator: (r: FastifyRequest) => `p:${r.principal!.id}` });
    // After authentication (onRequest), before the body is read.
    app.addHook('preParsing', (request, _reply, payload, done) => {
      if (!request.principal || exempt(request)) return done(null, payload);
      limit(request).then((r) => (!r.isAllowed && r.isExceeded ? done(refuse('principal', perPrincipal, r.ttl)) : done(null, payload)), (err) => done(err));
    });
  }
}

/**
 * At most `perPrincipal` jobs of one principal and `total` of everyone at once: a job beyond
 * either is refused at once (429 with `Retry-After`) rather than queued without bound.
 */
export function concurrencyLimit(options: { perPrincipal: number; total: number; retryAfterSeconds: number; what: Texts }) {
  const running = new Map<string, number>();
  let all = 0;
  return async function run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const mine = running.get(key) ?? 0;
    if (mine >= options.perPrincipal) {
      throw refusal(429, 'too-many-in-flight', TOO_MANY, {
        en: `${options.perPrincipal} ${options.what.en} of this caller are being prepared already; retry after the time in Retry-After`,
        ru: `Для этого клиента уже готовятся ${options.what.ru}: ${options.perPrincipal}; повторите после времени из Retry-After`,
      }, options.retryAfterSeconds);
    }
    if (all >= options.total) {
      throw refusal(429, 'too-many-in-flight', TOO_MANY, {
        en: `The service is preparing ${options.total} ${options.what.en} already; retry after the time in Retry-After`,
        ru: `Сервис уже готовит ${options.what.ru}: ${options.total}; повторите после времени из Retry-After`,
      }, options.retryAfterSeconds);
    }
    running.set(key, mine + 1);
    all++;
    try {
      return await job();
    } finally {
      all--;
      const left = (running.get(key) ?? 1) - 1;
      if (left > 0) running.set(key, left);
      else running.delete(key);
    }
  };
}
