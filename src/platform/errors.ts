import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLanguage } from '../classification/localize';
import type { ErrorObject } from 'ajv';
import type { components } from '../generated/openapi';
import { DatabaseUnavailableError, faultReason, isConnectionFault } from './db';

/** RFC 9457 problem details (openapi.yaml `Problem`): the one error shape of the service. */
export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

const TYPE_BASE = 'https://medai-risk.dev/problems/';

export class AppError extends Error {
  /** Response headers the problem goes out with (e.g. `retry-after` on a 429). */
  headers?: Record<string, string>;
  /** The title and detail in Russian, sent instead when the caller prefers it (Accept-Language). */
  ru?: { title: string; detail: string };

  constructor(
    public readonly status: number,
    public readonly code: string,
    public readonly title: string,
    detail?: string,
    public readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
    this.name = 'AppError';
  }
}

/** A problem in both languages: the caller's Accept-Language picks one. */
export function bilingual(status: number, code: string, en: { title: string; detail: string }, ru: { title: string; detail: string }, headers?: Record<string, string>): AppError {
  const err = new AppError(status, code, en.title, en.detail);
  err.ru = ru;
  if (headers) err.headers = headers;
  return err;
}

export const notFound = (what: string) => new AppError(404, 'not-found', 'Not found', `${what} does not exist`);
export const unauthorized = (detail: string) => new AppError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new AppError(403, 'forbidden', 'Forbidden', detail);
export const conflict = (detail: string) => new AppError(409, 'conflict', 'Conflict', detail);
/** A 400 naming the bad field (a JSON pointer) and where it was. */
export const invalid = (field: string, message: string, where: FieldError['in'] = 'body') =>
  new AppError(400, 'validation', 'Request validation failed', `${field} ${message}`, [{ in: where, field, message }]);

function fieldOf(e: ErrorObject): { field: string; message: string } {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    return { field: `${e.instancePath}/${String(p.additionalProperty)}`, message: 'unknown field' };
  }
  if (e.keyword === 'required') return { field: `${e.instancePath}/${String(p.missingProperty)}`, message: 'is required' };
  if (e.keyword === 'enum') return { field: e.instancePath || '/', message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
  if (e.keyword === 'uniqueItems') return { field: e.instancePath || '/', message: `must not contain duplicates (items ${String(p.j)} and ${String(p.i)} are equal)` };
  return { field: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

export function validationErrors(errors: ErrorObject[], where: FieldError['in']): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const f = fieldOf(e);
    const key = `${f.field} ${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: where, ...f });
  }
  return out;
}

/** Problem titles in Russian, by code; a caller whose Accept-Language prefers Russian reads these. */
const TITLES_RU: Record<string, string> = {
  validation: 'Запрос не прошёл проверку',
  'not-a-vendor': 'Запрос не прошёл проверку',
  'not-found': 'Не найдено',
  unauthorized: 'Требуется аутентификация',
  forbidden: 'Доступ запрещён',
  conflict: 'Конфликт',
  'idempotency-conflict': 'Конфликт',
  'idempotency-in-progress': 'Конфликт',
  'idempotency-mismatch': 'Ключ идемпотентности использован повторно',
  'precondition-failed': 'Предусловие не выполнено',
  'precondition-required': 'Требуется предусловие',
  'payload-too-large': 'Слишком большой запрос',
  'unsupported-media-type': 'Неподдерживаемый тип содержимого',
  'too-many-logins': 'Слишком много попыток входа',
  'not-ready': 'Сервис не готов',
  'malformed-json': 'Некорректный JSON',
  'method-not-allowed': 'Метод не разрешён',
  'bad-url': 'Некорректный URL',
  'bad-request': 'Некорректный HTTP-запрос',
  request: 'Некорректный запрос',
  internal: 'Внутренняя ошибка',
};

/** Field messages of the HTTP layer in Russian (the rest of a field error stays as the validator says it). */
const MESSAGES_RU: Record<string, string> = {
  'must not contain NUL or unpaired surrogate characters': 'не должно содержать символ NUL или непарные суррогаты UTF-16',
  'is not valid percent-encoded UTF-8': 'не является корректной percent-кодировкой UTF-8',
};

type Localized = Omit<Problem, 'type' | 'instance' | 'requestId'> & { code: string; detailRu?: string };

function send(reply: FastifyReply, request: FastifyRequest, p: Localized) {
  const { code, detailRu, ...rest } = p;
  const body: Problem = { type: TYPE_BASE + code, ...rest, instance: request.url, requestId: String(request.id) };
  if (pickLanguage(request.headers['accept-language']) === 'ru') {
    body.title = TITLES_RU[code] ?? body.title;
    if (detailRu) body.detail = detailRu;
    if (body.errors) {
      body.errors = body.errors.map((e) => (MESSAGES_RU[e.message] ? { ...e, message: MESSAGES_RU[e.message] } : e));
      if (!detailRu) body.detail = body.errors.map((e) => `${e.field} ${e.message}`).join('; ');
    }
    reply.header('content-language', 'ru');
  } else {
    reply.header('content-language', 'en');
  }
  return reply.status(p.status).type('application/problem+json').send(body);
}

/**
 * The database is unreachable, frozen or out of connections: 503 with `Retry-After`, in the
 * caller's language, so clients back off and retry instead of seeing a 500.
 */
function databaseUnavailable(reply: FastifyReply, request: FastifyRequest, err: unknown) {
  const retryAfter = err instanceof DatabaseUnavailableError ? err.retryAfterSeconds : 2;
  request.log.warn({ reason: faultReason(err) }, 'database unavailable');
  reply.header('retry-after', String(retryAfter));
  const ru = pickLanguage(request.headers['accept-language']) === 'ru';
  return send(reply, request, ru
    ? { code: 'database-unavailable', status: 503, title: 'База данных недоступна', detail: `Служба временно не может обратиться к базе данных; повторите запрос через ${retryAfter} с` }
    : { code: 'database-unavailable', status: 503, title: 'Database unavailable', detail: `The service cannot reach its database at the moment; retry in ${retryAfter} s` });
}

/**
 * Fastify's router errors (a path that is not valid percent-encoded UTF-8, a path parameter over
 * the length limit) as problem+json, like every other error (the `frameworkErrors` option).
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return send(reply, request, { code: 'bad-url', status: 414, title: 'URI too long', detail: 'A path segment is over the length limit', detailRu: 'Сегмент пути длиннее допустимого' });
  }
  return send(reply, request, { code: 'bad-url', status: 400, title: 'Malformed URL', detail: 'The path is not valid percent-encoded UTF-8', detailRu: 'Путь не является корректной percent-кодировкой UTF-8' });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { validationContext?: string }, request, reply) => {
    if (err.validation) {
      const context = err.validationContext ?? 'body';
      const where = (context === 'querystring' ? 'query' : context) as FieldError['in'];
      const errors = validationErrors(err.validation as ErrorObject[], where);
      return send(reply, request, {
        code: 'validation', status: 400, title: 'Request validation failed',
        detail: errors.map((e) => `${e.field} ${e.message}`).join('; '), errors,
      });
    }
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      const ru = err.ru && pickLanguage(request.headers['accept-language']) === 'ru' ? err.ru : null;
      if (ru) reply.header('content-language', 'ru');
      return send(reply, request, { code: err.code, status: err.status, title: ru?.title ?? err.title, detail: ru?.detail ?? err.message, ...(err.errors ? { errors: err.errors } : {}) });
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, request, { code: 'unsupported-media-type', status: 415, title: 'Unsupported media type', detail: `Send the body as application/json (got ${request.headers['content-type'] ?? 'none'})`, detailRu: `Отправьте тело запроса как application/json (получено: ${request.headers['content-type'] ?? 'нет'})` });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, request, { code: 'payload-too-large', status: 413, title: 'Payload too large', detail: 'The request body is over the size limit', detailRu: 'Тело запроса больше допустимого размера' });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: 'The body is empty; a JSON document is expected', detailRu: 'Тело запроса пусто; ожидается документ JSON' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: err.message, detailRu: 'Тело запроса не является корректным JSON' });
    }
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: err.message, detailRu: 'Тело запроса не является корректным JSON' });
    }
    if (isConnectionFault(err)) return databaseUnavailable(reply, request, err);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'unhandled error');
      return send(reply, request, { code: 'internal', status, title: 'Internal error', detail: 'The service could not complete the request; quote the request id when reporting it', detailRu: 'Сервис не смог выполнить запрос; сообщая об ошибке, укажите идентификатор запроса' });
    }
    return send(reply, request, { code: 'request', status, title: 'Bad request', detail: err.message });
  });

  // Which methods each path takes, so a known path with another method is a 405 naming them.
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => String(m).toUpperCase());
    const same = routes.find((r) => r.pattern.source === pattern.source);
    if (same) methods.forEach((m) => same.methods.add(m));
    else routes.push({ pattern, methods: new Set(methods) });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) r.methods.forEach((m) => allowed.add(m));
    if (allowed.size > 0 && !allowed.has(request.method)) {
      const list = [...allowed].sort().join(', ');
      reply.header('allow', list);
      return send(reply, request, { code: 'method-not-allowed', status: 405, title: 'Method not allowed', detail: `${request.method} is not allowed on ${path} (allowed: ${list})`, detailRu: `Метод ${request.method} не разрешён для ${path} (разрешены: ${list})` });
    }
    return send(reply, request, { code: 'not-found', status: 404, title: 'Not found', detail: `No route ${request.method} ${path}`, detailRu: `Нет маршрута ${request.method} ${path}` });
  });
}
