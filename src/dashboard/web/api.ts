import type { components, paths } from '../../generated/openapi';
import { lang } from './i18n.js';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

type Method = 'get' | 'post' | 'patch' | 'delete';
/** The operation of a path and method, as openapi.yaml declares it. */
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type ParamsOf<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = ParamsOf<O> extends { path: infer X } ? X : never;
type QueryParams<O> = ParamsOf<O> extends { query?: infer X } ? X : never;
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Content<R> = R extends { content: { 'application/json': infer T } } ? T : null;
/** The JSON of the operation's success answer (200, else 201, else nothing). */
export type Success<O> = O extends { responses: infer R }
  ? 200 extends keyof R ? Content<R[200]> : 201 extends keyof R ? Content<R[201]> : null
  : never;

export type Request<O> = {
  path?: PathParams<O> extends never ? never : PathParams<O>;
  query?: QueryParams<O> extends never ? never : QueryParams<O>;
  body?: JsonBody<O> | FormData;
  headers?: Record<string, string>;
};

export type Answer<T> = { data: T; status: number; etag: string | null };

/** A problem+json answer (or a network failure) as an Error the pages show. */
export class ApiError extends Error {
  /** `status`, the problem, and the seconds of `Retry-After` when the answer gave one (a 429). */
  constructor(public readonly status: number, public readonly problem: Problem, public readonly retryAfter: number | null = null) {
    super(`${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

/** Called when the session is gone (401), so the app can show the login page. */
let onUnauthorized: (() => void) | null = null;
export const setUnauthorizedHandler = (fn: () => void) => { onUnauthorized = fn; };

/** The URL of a path template with its parameters, and a query string. */
export function urlOf(path: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(params[name])));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/**
 * Calls an operation of openapi.yaml by path and method, typed by the generated `paths`:
 * path and query parameters, the JSON body and the answer. Sends `Accept-Language` always;
 * the session travels in its HttpOnly cookie.
 */
export async function api<P extends keyof paths, M extends Method & keyof paths[P]>(
  method: M, path: P, req: Request<Op<P, M>> = {},
): Promise<Answer<Success<Op<P, M>>>> {
  const url = urlOf(path as string, (req.path ?? {}) as Record<string, unknown>, (req.query ?? {}) as Record<string, unknown>);
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': lang(), ...(req.headers ?? {}) };
  let body: BodyInit | undefined;
  if (req.body instanceof FormData) body = req.body;
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, { method: method.toUpperCase(), headers, body, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, { type: 'about:blank', title: 'Network error', status: 0, detail: String(err) });
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const problem: Problem = json && typeof json === 'object' && 'title' in json
      ? (json as Problem)
      : { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status, detail: text.slice(0, 300) };
    if (res.status === 401 && path !== '/v1/auth/login' && path !== '/v1/auth/me' && onUnauthorized) onUnauthorized();
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  return { data: json as Success<Op<P, M>>, status: res.status, etag: res.headers.get('etag') };
}
