import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import type { components } from '../generated/openapi';
import { pickLanguage } from '../classification/localize';

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

function send(reply: FastifyReply, request: FastifyRequest, p: Omit<Problem, 'type' | 'instance' | 'requestId'> & { code: string }) {
  const { code, ...rest } = p;
  const body: Problem = { type: TYPE_BASE + code, ...rest, instance: request.url, requestId: String(request.id) };
  return reply.status(p.status).type('application/problem+json').send(body);
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
        return send(reply, request, { code: 'unsupported-media-type', status: 415, title: 'Unsupported media type', detail: `Send the body as application/json (got ${request.headers['content-type'] ?? 'none'})` });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, request, { code: 'payload-too-large', status: 413, title: 'Payload too large', detail: 'The request body is over the size limit' });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: 'The body is empty; a JSON document is expected' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: err.message });
    }
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      return send(reply, request, { code: 'malformed-json', status: 400, title: 'Malformed JSON', detail: err.message });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'unhandled error');
      return send(reply, request, { code: 'internal', status, title: 'Internal error', detail: 'The service could not complete the request; quote the request id when reporting it' });
    }
    return send(reply, request, { code: 'request', status, title: 'Bad request', detail: err.message });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, { code: 'not-found', status: 404, title: 'Not found', detail: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
